//! VAPID (RFC 8292): the server's P-256 key that push services use to recognise Linli, and the
//! short-lived tokens (ES256 JWTs) that prove a push request comes from the holder of that key.
//!
//! The key is generated on first start and kept as `<data_dir>/vapid.pem` (PKCS#8, mode 0600,
//! readable with `openssl pkey`), or given in configuration as the base64url private scalar that
//! `web-push generate-vapid-keys` prints. Browsers subscribe with [`Vapid::public_key_b64url`]
//! as `applicationServerKey`; changing the key orphans every existing subscription.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use web_push::{PartialVapidSignatureBuilder, SubscriptionInfo, VapidSignatureBuilder};

/// File name of the generated key inside the data directory.
pub const KEY_FILE: &str = "vapid.pem";

/// The application server's VAPID key pair.
#[derive(Clone)]
pub struct Vapid {
    signer: PartialVapidSignatureBuilder,
    /// Uncompressed SEC1 point (65 octets, leading 0x04).
    public_key: Vec<u8>,
}

impl std::fmt::Debug for Vapid {
    // Never print the private key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vapid")
            .field("public_key", &self.public_key_b64url())
            .finish_non_exhaustive()
    }
}

impl Vapid {
    /// Reads `<dir>/vapid.pem`, or generates a new key and writes it there first.
    ///
    /// Errors when the file exists but is not a P-256 private key in PEM (PKCS#8 or SEC1), or
    /// when the directory is not writable. Several servers starting at once on one data
    /// directory agree on a single key: the file appears atomically and only once.
    pub fn load_or_create(dir: &Path) -> anyhow::Result<Vapid> {
        let path = dir.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(pem) => {
                return Self::from_pem(&pem).with_context(|| format!("reading the VAPID key {}", path.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("reading the VAPID key {}", path.display())),
        }

        let pem = generate_pem()?;
        // Write a private temporary file, then link it into place: the link fails if another
        // process got there first, and nobody ever reads a half-written key.
        let tmp = dir.join(format!(
            ".{KEY_FILE}.{}.{:08x}.tmp",
            std::process::id(),
            rand::random::<u32>()
        ));
        write_private(&tmp, pem.as_bytes()).with_context(|| format!("writing the VAPID key {}", tmp.display()))?;
        let linked = std::fs::hard_link(&tmp, &path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => {
                tracing::info!(path = %path.display(), "generated a new VAPID key");
                Self::from_pem(&pem)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let pem = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading the VAPID key {}", path.display()))?;
                Self::from_pem(&pem).with_context(|| format!("reading the VAPID key {}", path.display()))
            }
            Err(e) => Err(e).with_context(|| format!("creating the VAPID key {}", path.display())),
        }
    }

    /// The key from configuration: the private scalar in base64url (32 octets; padding and the
    /// standard alphabet are accepted too).
    ///
    /// Errors when it does not decode or is not a valid P-256 private key.
    pub fn from_base64(private_key: &str) -> anyhow::Result<Vapid> {
        let raw = decode_b64url(private_key).context("the VAPID private key is not base64url")?;
        if raw.len() != 32 {
            anyhow::bail!("the VAPID private key must be 32 octets, it has {}", raw.len());
        }
        let signer = VapidSignatureBuilder::from_base64_no_sub(&URL_SAFE_NO_PAD.encode(&raw))
            .map_err(|e| anyhow::anyhow!("the VAPID private key is not a P-256 key: {e}"))?;
        Ok(Self::from_signer(signer))
    }

    /// The key as PEM text (PKCS#8 `PRIVATE KEY` or SEC1 `EC PRIVATE KEY`).
    ///
    /// Errors when the text holds neither, or a key on another curve.
    pub fn from_pem(pem: &str) -> anyhow::Result<Vapid> {
        let signer = VapidSignatureBuilder::from_pem_no_sub(pem.as_bytes())
            .map_err(|e| anyhow::anyhow!("not a P-256 private key in PEM: {e}"))?;
        Ok(Self::from_signer(signer))
    }

    /// A fresh random key that lives only in memory (tests, benchmarks).
    pub fn generate() -> anyhow::Result<Vapid> {
        Self::from_pem(&generate_pem()?)
    }

    fn from_signer(signer: PartialVapidSignatureBuilder) -> Vapid {
        let public_key = signer.get_public_key();
        Vapid { signer, public_key }
    }

    /// The public key as an uncompressed point (65 octets).
    pub fn public_key(&self) -> &[u8] {
        &self.public_key
    }

    /// The public key in base64url without padding: the browser's `applicationServerKey`, and
    /// the `k=` of the Authorization header.
    pub fn public_key_b64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.public_key)
    }

    /// A signed token for one push service: `aud` = `audience` (the origin of the endpoint,
    /// `scheme://host[:port]`), `exp` = now + 12 h (web-push's fixed lifetime; RFC 8292 §2
    /// allows 24 h, the margin covers clock skew and reuse), `sub` = `subject` (a `mailto:` or
    /// `https:` contact for the push service's operators).
    ///
    /// Errors only when the audience is not a URI.
    pub fn token(&self, audience: &str, subject: &str) -> anyhow::Result<String> {
        // web-push reads the audience from a subscription's endpoint but drops a non-default
        // port from it; an explicit `aud` claim keeps the exact origin.
        let info = SubscriptionInfo::new(audience, "", "");
        let mut builder = self.signer.clone().add_sub_info(&info);
        builder.add_claim("aud", audience);
        builder.add_claim("sub", subject);
        let signature = builder
            .build()
            .map_err(|e| anyhow::anyhow!("signing a VAPID token for {audience}: {e}"))?;
        Ok(signature.auth_t)
    }

    /// The `Authorization` header value: `vapid t=<token>, k=<public key>` (RFC 8292 §3).
    ///
    /// Errors as [`Vapid::token`].
    pub fn authorization(&self, audience: &str, subject: &str) -> anyhow::Result<String> {
        Ok(format!(
            "vapid t={}, k={}",
            self.token(audience, subject)?,
            self.public_key_b64url()
        ))
    }
}

/// Decodes base64url as browsers and key generators write it, forgiving `=` padding and the
/// standard alphabet (`+/`), which some client libraries send.
pub(crate) fn decode_b64url(s: &str) -> Result<Vec<u8>, base64::DecodeError> {
    let s: String = s
        .trim()
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    URL_SAFE_NO_PAD.decode(s)
}

fn generate_pem() -> anyhow::Result<String> {
    use p256::pkcs8::{EncodePrivateKey, LineEnding};
    let key = p256::SecretKey::random(&mut rand::rngs::OsRng);
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| anyhow::anyhow!("encoding a new VAPID key: {e}"))?;
    Ok(pem.to_string())
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier;
    use p256::elliptic_curve::sec1::ToEncodedPoint;

    /// Claims of a token after its ES256 signature has been checked against `public_key`;
    /// `None` when the signature does not verify.
    pub(crate) fn verify_es256(token: &str, public_key: &[u8]) -> Option<serde_json::Value> {
        let (signed, signature) = token.rsplit_once('.')?;
        let (header, claims) = signed.split_once('.')?;
        let header: serde_json::Value = serde_json::from_slice(&decode_b64url(header).ok()?).ok()?;
        if header["alg"] != "ES256" {
            return None;
        }
        let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key).ok()?;
        let signature = p256::ecdsa::Signature::from_slice(&decode_b64url(signature).ok()?).ok()?;
        key.verify(signed.as_bytes(), &signature).ok()?;
        serde_json::from_slice(&decode_b64url(claims).ok()?).ok()
    }

    fn vectors() -> serde_json::Value {
        serde_json::from_str(include_str!("testdata/web-push-rfc-vectors.json")).unwrap()
    }

    /// A temporary directory, removed even when the test fails.
    struct ScratchDir(std::path::PathBuf);

    impl ScratchDir {
        fn new(name: &str) -> ScratchDir {
            let dir = std::env::temp_dir().join(format!(
                "linli-vapid-{name}-{}-{:08x}",
                std::process::id(),
                rand::random::<u32>()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            ScratchDir(dir)
        }
    }

    impl Drop for ScratchDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn the_verifier_accepts_the_rfc_8292_token_and_nothing_else() {
        // Proves the test helper itself: the RFC's token verifies with its key, a flipped claim
        // or another key does not.
        let v = &vectors()["rfc8292_2_4"];
        let header = v["authorization"].as_str().unwrap();
        let (t, k) = header.strip_prefix("vapid t=").unwrap().split_once(", k=").unwrap();
        let k = decode_b64url(k).unwrap();
        let claims = verify_es256(t, &k).expect("the RFC token verifies");
        assert_eq!(claims["aud"], "https://push.example.net");
        assert_eq!(claims["sub"], "mailto:push@example.com");

        let mut parts: Vec<&str> = t.split('.').collect();
        let forged = URL_SAFE_NO_PAD
            .encode(br#"{"aud":"https://push.example.com","exp":1453523768,"sub":"mailto:push@example.com"}"#);
        parts[1] = &forged;
        assert!(verify_es256(&parts.join("."), &k).is_none());
        let other = Vapid::generate().unwrap();
        assert!(verify_es256(t, other.public_key()).is_none());
    }

    /// RFC 8291 Appendix A's private keys, read at run time from the shared fixtures (the
    /// directory in `LINLI_FIXTURES_DIR`, which `./dev` sets when `../shared/fixtures` exists);
    /// this repository keeps no private keys. `None` when unavailable.
    pub(crate) fn rfc8291_private_keys() -> Option<(String, String)> {
        let dir = std::env::var("LINLI_FIXTURES_DIR").ok().filter(|d| !d.is_empty())?;
        let path = std::path::Path::new(&dir).join("web-push-rfc-vectors.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("LINLI_FIXTURES_DIR is set but {path:?}: {e}"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let a = &v["rfc8291_appendix_a"];
        Some((
            a["as_private"].as_str()?.to_owned(),
            a["ua_private"].as_str()?.to_owned(),
        ))
    }

    #[test]
    fn the_public_key_is_derived_from_the_private_one() {
        // A key made now: its base64url form loads back to the same public key.
        let secret = p256::SecretKey::random(&mut rand::rngs::OsRng);
        let raw = URL_SAFE_NO_PAD.encode(secret.to_bytes());
        let vapid = Vapid::from_base64(&raw).unwrap();
        assert_eq!(
            vapid.public_key(),
            secret.public_key().to_encoded_point(false).as_bytes()
        );
        assert_eq!(vapid.public_key().len(), 65);
        assert_eq!(vapid.public_key()[0], 4);
        // Padding and the standard alphabet are forgiven.
        let padded = format!("{raw}=").replace('-', "+").replace('_', "/");
        assert_eq!(Vapid::from_base64(&padded).unwrap().public_key(), vapid.public_key());
        // And RFC 8291 Appendix A's application-server pair, when the fixtures are at hand.
        if let Some((as_private, _)) = rfc8291_private_keys() {
            let v = &vectors()["rfc8291_appendix_a"];
            assert_eq!(
                Vapid::from_base64(&as_private).unwrap().public_key_b64url(),
                v["as_public"].as_str().unwrap()
            );
        }
    }

    #[test]
    fn bad_private_keys_are_errors() {
        assert!(Vapid::from_base64("not base64 !").is_err());
        assert!(Vapid::from_base64("AAAA").is_err());
        // Zero is not a valid scalar.
        assert!(Vapid::from_base64(&URL_SAFE_NO_PAD.encode([0u8; 32])).is_err());
        // The group order n itself is out of range.
        let n = hex::decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551").unwrap();
        assert!(Vapid::from_base64(&URL_SAFE_NO_PAD.encode(n)).is_err());
        assert!(Vapid::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").is_err());
        assert!(Vapid::from_pem("").is_err());
    }

    #[test]
    fn the_key_is_created_once_and_then_reloaded() {
        let scratch = ScratchDir::new("create");
        let dir = &scratch.0;
        let first = Vapid::load_or_create(dir).unwrap();
        let path = dir.join(KEY_FILE);
        let pem = std::fs::read_to_string(&path).unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = Vapid::load_or_create(dir).unwrap();
        assert_eq!(first.public_key(), again.public_key());
        // No temporary files are left behind.
        let names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(KEY_FILE)]);

        std::fs::write(&path, "garbage").unwrap();
        let err = Vapid::load_or_create(dir).unwrap_err();
        assert!(format!("{err:#}").contains("vapid.pem"), "{err:#}");
    }

    #[test]
    fn servers_starting_together_agree_on_one_key() {
        let scratch = ScratchDir::new("race");
        let dir = &scratch.0;
        let keys: Vec<Vec<u8>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| Vapid::load_or_create(dir).unwrap().public_key().to_vec()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(keys.windows(2).all(|w| w[0] == w[1]));
    }

    #[test]
    fn tokens_name_the_audience_expire_within_a_day_and_verify() {
        let vapid = Vapid::generate().unwrap();
        let audience = "https://fcm.googleapis.com";
        let header = vapid.authorization(audience, "mailto:ops@linli.example").unwrap();
        let (t, k) = header.strip_prefix("vapid t=").unwrap().split_once(", k=").unwrap();
        assert_eq!(k, vapid.public_key_b64url());
        let claims = verify_es256(t, vapid.public_key()).expect("signature verifies");
        assert_eq!(claims["aud"], audience);
        assert_eq!(claims["sub"], "mailto:ops@linli.example");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let exp = claims["exp"].as_u64().unwrap();
        assert!(exp > now && exp <= now + 24 * 3600, "exp {exp}, now {now}");
        // A port other than the scheme's default stays in the audience.
        let t = vapid
            .token("http://127.0.0.1:8123", "mailto:ops@linli.example")
            .unwrap();
        assert_eq!(
            verify_es256(&t, vapid.public_key()).unwrap()["aud"],
            "http://127.0.0.1:8123"
        );
        // Another key's signature does not verify.
        assert!(verify_es256(t.as_str(), Vapid::generate().unwrap().public_key()).is_none());
    }
}
