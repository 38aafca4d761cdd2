//! (ssr) Encryption of personal data at rest. One 32-byte master key (from `LINLI_DATA_KEY` or
//! a key file in the data directory) derives two keys: one for AES-256-GCM sealing, one for a
//! keyed index (HMAC-SHA256) that finds equal values without decrypting them.
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The keys derived from the master key. `Debug` never prints them.
#[derive(Clone)]
pub struct DataKey {
    seal: [u8; 32],
    index: [u8; 32],
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// Why sealed data could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("not a sealed value")]
    Format,
    #[error("the data key does not match the key this value was sealed with")]
    WrongKey,
}

fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut m = <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC takes any key length");
    m.update(label);
    m.finalize().into_bytes().into()
}

impl DataKey {
    pub fn from_master(master: [u8; 32]) -> DataKey {
        DataKey {
            seal: derive(&master, b"linli/seal/v1"),
            index: derive(&master, b"linli/index/v1"),
        }
    }

    /// A fresh random key (tests, and the first start of a new installation).
    pub fn random_master() -> [u8; 32] {
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        k
    }

    /// Parses a master key written as 64 hex digits or as base64 of 32 bytes.
    pub fn parse_master(s: &str) -> Option<[u8; 32]> {
        let s = s.trim();
        let bytes = if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(s).ok()?
        } else {
            base64::engine::general_purpose::STANDARD.decode(s).ok()?
        };
        bytes.try_into().ok()
    }

    /// `v1.` + base64(nonce ‖ ciphertext ‖ tag); a fresh nonce each time.
    pub fn seal(&self, plain: &str) -> String {
        let cipher = Aes256Gcm::new_from_slice(&self.seal).expect("32-byte key");
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .expect("AES-GCM encryption of a short value cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        format!("v1.{}", base64::engine::general_purpose::STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str) -> Result<String, SealError> {
        let b64 = sealed.strip_prefix("v1.").ok_or(SealError::Format)?;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|_| SealError::Format)?;
        if raw.len() < 12 + 16 {
            return Err(SealError::Format);
        }
        let cipher = Aes256Gcm::new_from_slice(&self.seal).expect("32-byte key");
        let plain = cipher
            .decrypt(Nonce::from_slice(&raw[..12]), &raw[12..])
            .map_err(|_| SealError::WrongKey)?;
        String::from_utf8(plain).map_err(|_| SealError::Format)
    }

    /// A keyed, deterministic digest (hex) for finding equal values: `kind` separates uses.
    pub fn index(&self, kind: &str, value: &str) -> String {
        let mut m = <HmacSha256 as Mac>::new_from_slice(&self.index).expect("HMAC takes any key length");
        m.update(kind.as_bytes());
        m.update(&[0]);
        m.update(value.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_round_trips_and_hides_the_value() {
        let k = DataKey::from_master([7; 32]);
        let s = k.seal("11010519491231002X");
        assert!(!s.contains("11010519491231002X"));
        assert_ne!(s, k.seal("11010519491231002X"), "a fresh nonce each time");
        assert_eq!(k.open(&s).unwrap(), "11010519491231002X");
        let other = DataKey::from_master([8; 32]);
        assert_eq!(other.open(&s), Err(SealError::WrongKey));
        assert_eq!(k.open("plain"), Err(SealError::Format));
        assert_eq!(k.open("v1.AAAA"), Err(SealError::Format));
    }

    #[test]
    fn index_is_keyed_and_stable() {
        let k = DataKey::from_master([7; 32]);
        assert_eq!(k.index("id", "x"), k.index("id", "x"));
        assert_ne!(k.index("id", "x"), k.index("plate", "x"));
        assert_ne!(k.index("id", "x"), DataKey::from_master([9; 32]).index("id", "x"));
    }

    #[test]
    fn master_keys_parse_from_hex_or_base64() {
        let hex = "00".repeat(32);
        assert_eq!(DataKey::parse_master(&hex), Some([0; 32]));
        let b64 = base64::engine::general_purpose::STANDARD.encode([1u8; 32]);
        assert_eq!(DataKey::parse_master(&b64), Some([1; 32]));
        assert_eq!(DataKey::parse_master("short"), None);
    }
}
