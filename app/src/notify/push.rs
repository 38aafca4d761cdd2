//! Web Push sending (RFC 8030): encrypts one message for one browser subscription (RFC 8291,
//! `aes128gcm` of RFC 8188), signs it with VAPID (RFC 8292) and posts it to the push service,
//! then says what the queue should do next ([`PushOutcome`]).
//!
//! The request is shaped and signed by the `web-push` crate. The body is encrypted here, from
//! RustCrypto primitives, because web-push (through `ece`) picks the salt and the sender's key
//! inside and so cannot be tested against RFC 8291 Appendix A; the tests below reproduce that
//! appendix byte for byte, check that `ece` decrypts what we send, and `server/tests/push.rs`
//! decrypts a real request with Python's `http_ece`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use bytes::Bytes;
use hkdf::Hkdf;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sha2::Sha256;
use web_push::{ContentEncoding, SubscriptionInfo, WebPushMessageBuilder, WebPushPayload};

use super::vapid::{decode_b64url, Vapid};

/// Record size written into the `aes128gcm` header. RFC 8291 §4: a push message is a single
/// record and a push service need accept no more than 4096 octets of body.
pub const RECORD_SIZE: u32 = 4096;

/// The largest plaintext that fits: 4096 − 86 (header with a 65-octet key id) − 16 (tag)
/// − 1 (padding delimiter).
pub const MAX_PAYLOAD: usize = 3993;

/// How long a signed VAPID token is reused for one push service. Tokens live 12 h, so a reused
/// one always has more than 11 h left; signing once per service instead of once per message
/// keeps ECDSA off the fan-out's hot path.
const TOKEN_REUSE: Duration = Duration::from_secs(3600);

/// Bounds the per-origin token cache; a few real push services exist, but endpoints come from
/// browsers and could name any host.
const TOKEN_CACHE_MAX: usize = 64;

/// How much of an error response is kept for [`PushOutcome::Rejected`].
const REASON_MAX: usize = 512;

/// One browser subscription, as `PushSubscription.toJSON()` gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushTarget {
    pub endpoint: String,
    /// The browser's P-256 public key, base64url of the uncompressed point.
    pub p256dh: String,
    /// The browser's 16-octet authentication secret, base64url.
    pub auth: String,
}

/// RFC 8030 §5.3: how eagerly the push service should wake the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Urgency {
    VeryLow,
    Low,
    #[default]
    Normal,
    High,
}

/// One message for one subscription.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushMessage {
    /// The plaintext the service worker receives (usually JSON); at most [`MAX_PAYLOAD`] octets.
    pub payload: Vec<u8>,
    /// How long the push service keeps it for an offline device (RFC 8030 §5.2); 0 = deliver
    /// now or never.
    pub ttl_secs: u32,
    pub urgency: Urgency,
    /// Replaces an undelivered message with the same topic (RFC 8030 §5.4): at most 32
    /// base64url characters.
    pub topic: Option<String>,
}

/// What became of one send, and so what the caller should do with the job and the subscription.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PushOutcome {
    /// The push service accepted the message (2xx).
    Delivered,
    /// 404 or 410: the subscription expired or was revoked; delete it, never retry.
    Gone,
    /// 408, 429, 5xx, a timeout or a network error: try again later, after `after` if the push
    /// service said (Retry-After).
    Retry { after: Option<Duration> },
    /// Any other answer (400, 401, 403, 413, ...), or a message or subscription that Linli
    /// refused before sending: retrying the same request cannot help. `status` is 0 when
    /// nothing was sent (bad subscription keys or endpoint, payload too large, bad topic).
    Rejected { status: u16, reason: String },
}

type HttpClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Sends Web Push messages. Cheap to clone (clones share connections and signed tokens).
#[derive(Clone)]
pub struct PushSender {
    vapid: Vapid,
    contact: String,
    timeout: Duration,
    allow_http: bool,
    client: HttpClient,
    tokens: Arc<Mutex<HashMap<String, (Instant, String)>>>,
}

impl PushSender {
    /// `contact` becomes the tokens' `sub` claim: a `mailto:` or `https:` URI at which the push
    /// service's operators can reach Linli's. `timeout` bounds each send from connecting to
    /// reading the answer.
    pub fn new(vapid: Vapid, contact: &str, timeout: Duration) -> Self {
        if !(contact.starts_with("mailto:") || contact.starts_with("https:")) {
            tracing::warn!(
                contact,
                "the VAPID contact should be a mailto: or https: URI; some push services refuse others"
            );
        }
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(timeout));
        http.set_nodelay(true);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .build(connector);
        PushSender {
            vapid,
            contact: contact.to_owned(),
            timeout,
            allow_http: false,
            client,
            tokens: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Also sends to `http://` endpoints. Only for tests and local benchmarks: browsers only
    /// hand out `https://` endpoints, and refusing others keeps a forged subscription from
    /// pointing Linli at plain-HTTP services on its own network.
    pub fn allow_http(mut self) -> Self {
        self.allow_http = true;
        self
    }

    /// The VAPID key this sender signs with.
    pub fn vapid(&self) -> &Vapid {
        &self.vapid
    }

    /// Encrypts `m` for `t` and posts it. Never panics and never errors: every failure is an
    /// outcome (see [`PushOutcome`]).
    pub async fn send(&self, t: &PushTarget, m: &PushMessage) -> PushOutcome {
        let request = match self.prepare(t, m) {
            Ok(request) => request,
            Err(reason) => return PushOutcome::Rejected { status: 0, reason },
        };
        let exchange = async {
            let response = self.client.request(request).await?;
            let status = response.status();
            let retry_after = response
                .headers()
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            // Reading the body lets the connection go back to the pool; an over-long body only
            // loses the reason text.
            let body = Limited::new(response.into_body(), 8 * 1024)
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            Ok::<_, hyper_util::client::legacy::Error>((status, retry_after, body))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Err(_) => {
                tracing::debug!(endpoint = %t.endpoint, "push service did not answer in time");
                PushOutcome::Retry { after: None }
            }
            Ok(Err(e)) => {
                tracing::debug!(endpoint = %t.endpoint, error = %e, "push request failed");
                PushOutcome::Retry { after: None }
            }
            Ok(Ok((status, retry_after, body))) => outcome(status.as_u16(), retry_after, &body),
        }
    }

    /// Everything that can fail before the network: checks, encryption, signing.
    fn prepare(&self, t: &PushTarget, m: &PushMessage) -> Result<http::Request<Full<Bytes>>, String> {
        let sub = Subscription::parse(t, self.allow_http)?;
        if m.payload.len() > MAX_PAYLOAD {
            return Err(format!(
                "payload of {} octets is over the {MAX_PAYLOAD}-octet limit",
                m.payload.len()
            ));
        }
        let sender_key = SecretKey::random(&mut rand::rngs::OsRng);
        let salt: [u8; 16] = rand::random();
        let body = encrypt(&sender_key, &salt, &sub.ua_public, &sub.auth, &m.payload);
        let authorization = self.authorization(&sub.origin)?;

        let info = SubscriptionInfo::new(t.endpoint.as_str(), t.p256dh.as_str(), t.auth.as_str());
        let mut builder = WebPushMessageBuilder::new(&info);
        builder.set_ttl(m.ttl_secs);
        builder.set_urgency(match m.urgency {
            Urgency::VeryLow => web_push::Urgency::VeryLow,
            Urgency::Low => web_push::Urgency::Low,
            Urgency::Normal => web_push::Urgency::Normal,
            Urgency::High => web_push::Urgency::High,
        });
        if let Some(topic) = &m.topic {
            builder.set_topic(topic.clone());
        }
        let mut message = builder.build().map_err(|e| format!("invalid message: {e}"))?;
        message.payload = Some(WebPushPayload {
            content: body,
            crypto_headers: vec![("Authorization", authorization)],
            content_encoding: ContentEncoding::Aes128Gcm,
        });
        // web-push speaks http 0.2; hyper 1 wants http 1.
        let built = web_push::request_builder::build_request::<Vec<u8>>(message);
        let mut request = http::Request::builder()
            .method(http::Method::POST)
            .uri(built.uri().to_string());
        for (name, value) in built.headers() {
            request = request.header(name.as_str(), value.as_bytes());
        }
        request
            .body(Full::new(Bytes::from(built.into_body())))
            .map_err(|e| format!("invalid request: {e}"))
    }

    fn authorization(&self, origin: &str) -> Result<String, String> {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((signed_at, header)) = tokens.get(origin) {
            if signed_at.elapsed() < TOKEN_REUSE {
                return Ok(header.clone());
            }
        }
        let header = self
            .vapid
            .authorization(origin, &self.contact)
            .map_err(|e| format!("{e:#}"))?;
        if tokens.len() >= TOKEN_CACHE_MAX {
            tokens.clear();
        }
        tokens.insert(origin.to_owned(), (Instant::now(), header.clone()));
        Ok(header)
    }
}

impl PushTarget {
    /// Checks what a browser handed over when it subscribed: an `https://` endpoint, a P-256
    /// point and a 16-octet secret. The error says which part is wrong. [`PushSender::send`]
    /// runs the same checks; calling this when storing a subscription refuses garbage early.
    pub fn check(&self) -> Result<(), String> {
        Subscription::parse(self, false).map(|_| ())
    }
}

/// A subscription whose parts have been decoded and checked.
struct Subscription {
    /// `scheme://host[:port]`, the VAPID audience.
    origin: String,
    ua_public: PublicKey,
    auth: [u8; 16],
}

impl Subscription {
    fn parse(t: &PushTarget, allow_http: bool) -> Result<Subscription, String> {
        let origin = origin(&t.endpoint, allow_http)?;
        let p256dh = decode_b64url(&t.p256dh).map_err(|_| "p256dh is not base64url".to_owned())?;
        // RFC 8291 §3.1: the uncompressed form; its exact octets go into the key derivation.
        if p256dh.len() != 65 || p256dh[0] != 4 {
            return Err(format!(
                "p256dh must be an uncompressed P-256 point (65 octets), it has {}",
                p256dh.len()
            ));
        }
        let ua_public = PublicKey::from_sec1_bytes(&p256dh).map_err(|_| "p256dh is not a point on P-256".to_owned())?;
        let auth = decode_b64url(&t.auth).map_err(|_| "auth is not base64url".to_owned())?;
        let auth: [u8; 16] = auth
            .try_into()
            .map_err(|a: Vec<u8>| format!("auth must be 16 octets, it has {}", a.len()))?;
        Ok(Subscription {
            origin,
            ua_public,
            auth,
        })
    }
}

/// The origin of a push endpoint (RFC 6454), which RFC 8292 §2 makes the token's audience.
fn origin(endpoint: &str, allow_http: bool) -> Result<String, String> {
    let uri: http::Uri = endpoint.parse().map_err(|_| "the endpoint is not a URL".to_owned())?;
    let scheme = uri.scheme_str().map(str::to_ascii_lowercase);
    let default_port = match scheme.as_deref() {
        Some("https") => 443,
        Some("http") if allow_http => 80,
        _ => return Err("the endpoint must be an https:// URL".to_owned()),
    };
    let authority = uri.authority().ok_or_else(|| "the endpoint has no host".to_owned())?;
    if authority.as_str().contains('@') {
        return Err("the endpoint must not carry credentials".to_owned());
    }
    let host = authority.host().to_ascii_lowercase();
    if host.is_empty() {
        return Err("the endpoint has no host".to_owned());
    }
    let scheme = scheme.unwrap_or_default();
    Ok(match authority.port_u16() {
        Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    })
}

/// RFC 8291 §3.3–3.4: the input keying material shared by sender and browser.
fn webpush_ikm(sender_key: &SecretKey, ua_public: &PublicKey, auth: &[u8; 16]) -> ([u8; 32], [u8; 65]) {
    let shared = p256::ecdh::diffie_hellman(sender_key.to_nonzero_scalar(), ua_public.as_affine());
    let as_public = sender_key.public_key().to_encoded_point(false);
    let ua_public = ua_public.to_encoded_point(false);
    let mut key_info = Vec::with_capacity(14 + 65 + 65);
    key_info.extend_from_slice(b"WebPush: info\0");
    key_info.extend_from_slice(ua_public.as_bytes());
    key_info.extend_from_slice(as_public.as_bytes());
    let mut ikm = [0u8; 32];
    hkdf_expand(auth, shared.raw_secret_bytes(), &key_info, &mut ikm);
    let mut keyid = [0u8; 65];
    keyid.copy_from_slice(as_public.as_bytes());
    (ikm, keyid)
}

/// RFC 8188 §2.2–2.3: the content-encryption key and the nonce base.
fn cek_and_nonce(salt: &[u8; 16], ikm: &[u8]) -> ([u8; 16], [u8; 12]) {
    let mut cek = [0u8; 16];
    let mut nonce = [0u8; 12];
    let hk = Hkdf::<Sha256>::new(Some(salt), ikm);
    // Output lengths of 16 and 12 are far below HKDF-SHA-256's limit, so expand cannot fail.
    let _ = hk.expand(b"Content-Encoding: aes128gcm\0", &mut cek);
    let _ = hk.expand(b"Content-Encoding: nonce\0", &mut nonce);
    (cek, nonce)
}

fn hkdf_expand(salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) {
    // Only called with 32-octet outputs, which HKDF-SHA-256 always produces.
    let _ = Hkdf::<Sha256>::new(Some(salt), ikm).expand(info, out);
}

/// RFC 8188 §2: an `aes128gcm` body of a single (last) record: header, then the plaintext with
/// its 0x02 delimiter, sealed. Record number 0, so the nonce is the nonce base itself.
fn seal_single_record(ikm: &[u8], salt: &[u8; 16], rs: u32, keyid: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let (cek, nonce) = cek_and_nonce(salt, ikm);
    let mut record = Vec::with_capacity(plaintext.len() + 1 + 16);
    record.extend_from_slice(plaintext);
    record.push(2);
    // AES-GCM encryption fails only for inputs over 64 GiB; the payload is capped far below.
    let sealed = Aes128Gcm::new(&cek.into())
        .encrypt(Nonce::from_slice(&nonce), record.as_slice())
        .unwrap_or_default();
    let mut body = Vec::with_capacity(16 + 4 + 1 + keyid.len() + sealed.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&rs.to_be_bytes());
    body.push(keyid.len() as u8);
    body.extend_from_slice(keyid);
    body.extend_from_slice(&sealed);
    body
}

/// RFC 8291 §4: the push message body for one subscription, from the sender's (ephemeral) key
/// and a salt, both fresh per message in real use.
fn encrypt(
    sender_key: &SecretKey,
    salt: &[u8; 16],
    ua_public: &PublicKey,
    auth: &[u8; 16],
    plaintext: &[u8],
) -> Vec<u8> {
    let (ikm, keyid) = webpush_ikm(sender_key, ua_public, auth);
    seal_single_record(&ikm, salt, RECORD_SIZE, &keyid, plaintext)
}

/// What a push service's answer means for the job (RFC 8030 §5, §8.4).
fn outcome(status: u16, retry_after: Option<Duration>, body: &[u8]) -> PushOutcome {
    match status {
        200..=299 => PushOutcome::Delivered,
        404 | 410 => PushOutcome::Gone,
        408 | 429 | 500..=599 => PushOutcome::Retry { after: retry_after },
        _ => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            let reason = if text.is_empty() {
                http::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("unexpected status")
                    .to_owned()
            } else {
                text.chars().take(REASON_MAX).collect()
            };
            PushOutcome::Rejected { status, reason }
        }
    }
}

/// Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let secs = (at.timestamp() - chrono::Utc::now().timestamp()).max(0);
    Some(Duration::from_secs(secs.unsigned_abs()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

    fn vectors() -> serde_json::Value {
        serde_json::from_str(include_str!("testdata/web-push-rfc-vectors.json")).unwrap()
    }

    fn b64(v: &serde_json::Value) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(v.as_str().unwrap()).unwrap()
    }

    fn secret(v: &serde_json::Value) -> SecretKey {
        SecretKey::from_slice(&b64(v)).unwrap()
    }

    fn browser() -> (SecretKey, [u8; 16], PushTarget) {
        let key = SecretKey::random(&mut rand::rngs::OsRng);
        let auth: [u8; 16] = rand::random();
        let target = PushTarget {
            endpoint: "https://push.example.net/wpush/v2/abc".into(),
            p256dh: URL_SAFE_NO_PAD.encode(key.public_key().to_encoded_point(false).as_bytes()),
            auth: URL_SAFE_NO_PAD.encode(auth),
        };
        (key, auth, target)
    }

    #[test]
    fn reproduces_rfc_8291_appendix_a() {
        let v = &vectors()["rfc8291_appendix_a"];
        // The RFC's private keys are read at run time from the shared fixtures, never stored.
        let Some((as_private, ua_private)) = crate::notify::vapid::tests::rfc8291_private_keys() else {
            eprintln!(
                "\n  ************************************************************\n  \
                 SKIPPED reproduces_rfc_8291_appendix_a: set LINLI_FIXTURES_DIR to\n  \
                 the shared fixtures directory (./dev does when ../shared exists)\n  \
                 ************************************************************\n"
            );
            return;
        };
        let as_key = secret(&serde_json::Value::from(as_private));
        let ua_key = secret(&serde_json::Value::from(ua_private));
        assert_eq!(
            as_key.public_key().to_encoded_point(false).as_bytes(),
            b64(&v["as_public"]).as_slice()
        );
        let ua_public = PublicKey::from_sec1_bytes(&b64(&v["ua_public"])).unwrap();
        assert_eq!(ua_key.public_key(), ua_public);
        let auth: [u8; 16] = b64(&v["auth_secret"]).try_into().unwrap();
        let salt: [u8; 16] = b64(&v["salt"]).try_into().unwrap();
        let plaintext = b64(&v["plaintext"]);
        assert_eq!(plaintext, v["plaintext_utf8"].as_str().unwrap().as_bytes());

        // The intermediate values first, so that a failure says which step went wrong.
        let (ikm, keyid) = webpush_ikm(&as_key, &ua_public, &auth);
        assert_eq!(ikm.as_slice(), b64(&v["ikm"]));
        assert_eq!(keyid.as_slice(), b64(&v["as_public"]));
        let (cek, nonce) = cek_and_nonce(&salt, &ikm);
        assert_eq!(cek.as_slice(), b64(&v["cek"]));
        assert_eq!(nonce.as_slice(), b64(&v["nonce"]));

        let body = encrypt(&as_key, &salt, &ua_public, &auth, &plaintext);
        assert_eq!(body.len(), 144);
        assert_eq!(body.len() as u64, v["body_length_octets"].as_u64().unwrap());
        assert_eq!(&body[..86], b64(&v["header"]).as_slice());
        assert_eq!(&body[86..], b64(&v["ciphertext"]).as_slice());
        assert_eq!(body, b64(&v["body_section5"]));
    }

    #[test]
    fn reproduces_rfc_8188_section_3_1() {
        let v = &vectors()["rfc8188_3_1"];
        let salt: [u8; 16] = b64(&v["salt"]).try_into().unwrap();
        let ikm = b64(&v["ikm"]);
        let (cek, nonce) = cek_and_nonce(&salt, &ikm);
        assert_eq!(cek.as_slice(), b64(&v["cek"]));
        assert_eq!(nonce.as_slice(), b64(&v["nonce"]));
        let rs = v["rs"].as_u64().unwrap() as u32;
        let body = seal_single_record(&ikm, &salt, rs, b"", v["plaintext_utf8"].as_str().unwrap().as_bytes());
        assert_eq!(body, b64(&v["body"]));
        assert_eq!(body.len(), 53);
    }

    #[test]
    fn ece_the_crate_web_push_uses_decrypts_what_we_send() {
        let (key, auth, target) = browser();
        let sub = Subscription::parse(&target, false).unwrap();
        let components = ece::EcKeyComponents::new(
            key.to_bytes().to_vec(),
            key.public_key().to_encoded_point(false).as_bytes().to_vec(),
        );
        for len in [1, 100, MAX_PAYLOAD] {
            let plaintext: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let body = encrypt(
                &SecretKey::random(&mut rand::rngs::OsRng),
                &rand::random(),
                &sub.ua_public,
                &auth,
                &plaintext,
            );
            assert_eq!(body.len(), 86 + len + 1 + 16);
            assert_eq!(ece::decrypt(&components, &auth, &body).unwrap(), plaintext);
            // A flipped bit anywhere in the sealed record is caught.
            let mut tampered = body.clone();
            tampered[90] ^= 1;
            assert!(ece::decrypt(&components, &auth, &tampered).is_err());
        }
    }

    #[test]
    fn the_largest_payload_fills_exactly_one_record() {
        let (_, auth, target) = browser();
        let sub = Subscription::parse(&target, false).unwrap();
        let key = SecretKey::random(&mut rand::rngs::OsRng);
        let body = encrypt(&key, &[7; 16], &sub.ua_public, &auth, &[b'x'; MAX_PAYLOAD]);
        assert_eq!(body.len(), RECORD_SIZE as usize);
    }

    fn sender() -> PushSender {
        PushSender::new(
            Vapid::generate().unwrap(),
            "mailto:ops@linli.example",
            Duration::from_secs(5),
        )
    }

    fn message(payload: Vec<u8>) -> PushMessage {
        PushMessage {
            payload,
            ttl_secs: 60,
            urgency: Urgency::Normal,
            topic: None,
        }
    }

    fn rejected_before_sending(outcome: PushOutcome, needle: &str) {
        match outcome {
            PushOutcome::Rejected { status: 0, reason } => {
                assert!(reason.contains(needle), "{reason:?} should mention {needle:?}")
            }
            other => panic!("expected a local rejection mentioning {needle:?}, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn bad_subscriptions_and_messages_are_rejected_without_a_request() {
        // None of these reach the network: the endpoint host does not exist, so a request
        // would come back as Retry, not Rejected.
        let s = sender();
        let (_, _, good) = browser();
        let ok = message(b"hi".to_vec());
        let with = |f: &dyn Fn(&mut PushTarget)| {
            let mut t = good.clone();
            f(&mut t);
            t
        };
        rejected_before_sending(s.send(&with(&|t| t.p256dh = "***".into()), &ok).await, "p256dh");
        rejected_before_sending(s.send(&with(&|t| t.p256dh = "BAAA".into()), &ok).await, "65 octets");
        // 65 octets with the right prefix, but not on the curve.
        let off_curve = URL_SAFE_NO_PAD.encode([4u8; 65]);
        rejected_before_sending(
            s.send(&with(&|t| t.p256dh = off_curve.clone()), &ok).await,
            "not a point",
        );
        rejected_before_sending(s.send(&with(&|t| t.auth = "%%".into()), &ok).await, "auth");
        rejected_before_sending(s.send(&with(&|t| t.auth = "AAAA".into()), &ok).await, "16 octets");
        rejected_before_sending(
            s.send(&with(&|t| t.endpoint = "not a url".into()), &ok).await,
            "endpoint",
        );
        rejected_before_sending(
            s.send(&with(&|t| t.endpoint = "http://push.example.net/x".into()), &ok)
                .await,
            "https",
        );
        rejected_before_sending(
            s.send(
                &with(&|t| t.endpoint = "https://user:pw@push.example.net/x".into()),
                &ok,
            )
            .await,
            "credentials",
        );
        rejected_before_sending(s.send(&with(&|t| t.endpoint = "/relative".into()), &ok).await, "https");
        rejected_before_sending(s.send(&good, &message(vec![0; MAX_PAYLOAD + 1])).await, "3993");
        let mut topic = ok.clone();
        topic.topic = Some("not a valid topic!".into());
        rejected_before_sending(s.send(&good, &topic).await, "topic");

        assert!(good.check().is_ok());
        assert!(with(&|t| t.auth = "AAAA".into()).check().is_err());
    }

    #[tokio::test]
    async fn prepared_requests_carry_the_rfc_8030_headers() {
        let s = sender();
        let (key, auth, mut target) = browser();
        target.endpoint = "https://Push.Example.net:443/wpush/v2/abc".into();
        let m = PushMessage {
            payload: b"{\"title\":\"\xe7\x89\xa9\xe4\xb8\x9a\"}".to_vec(),
            ttl_secs: 3600,
            urgency: Urgency::High,
            topic: Some("bill-2026-11".into()),
        };
        let request = s.prepare(&target, &m).unwrap();
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(request.uri(), "https://Push.Example.net:443/wpush/v2/abc");
        let h = request.headers();
        assert_eq!(h["content-encoding"], "aes128gcm");
        assert_eq!(h["ttl"], "3600");
        assert_eq!(h["urgency"], "high");
        assert_eq!(h["topic"], "bill-2026-11");
        let authorization = h["authorization"].to_str().unwrap().to_owned();
        let (t, k) = authorization
            .strip_prefix("vapid t=")
            .unwrap()
            .split_once(", k=")
            .unwrap();
        assert_eq!(k, s.vapid().public_key_b64url());
        let claims = super::super::vapid::tests::verify_es256(t, s.vapid().public_key()).unwrap();
        assert_eq!(claims["aud"], "https://push.example.net");

        let components = ece::EcKeyComponents::new(
            key.to_bytes().to_vec(),
            key.public_key().to_encoded_point(false).as_bytes().to_vec(),
        );
        let body = request.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(ece::decrypt(&components, &auth, &body).unwrap(), m.payload);

        // The token is reused for the same push service and not for another.
        let again = s.prepare(&target, &m).unwrap();
        assert_eq!(again.headers()["authorization"], authorization.as_str());
        target.endpoint = "https://fcm.googleapis.com/fcm/send/x".into();
        let other = s.prepare(&target, &m).unwrap();
        assert_ne!(other.headers()["authorization"], authorization.as_str());
    }

    #[test]
    fn origins_keep_only_non_default_ports() {
        assert_eq!(
            origin("https://fcm.googleapis.com/fcm/send/x", false).unwrap(),
            "https://fcm.googleapis.com"
        );
        assert_eq!(origin("https://a.example:443/x", false).unwrap(), "https://a.example");
        assert_eq!(
            origin("https://a.example:8443/x", false).unwrap(),
            "https://a.example:8443"
        );
        assert_eq!(origin("HTTPS://A.Example/x?y#z", false).unwrap(), "https://a.example");
        assert_eq!(origin("https://[::1]:9/x", false).unwrap(), "https://[::1]:9");
        assert_eq!(origin("http://127.0.0.1:80/x", true).unwrap(), "http://127.0.0.1");
        assert_eq!(
            origin("http://127.0.0.1:3000/x", true).unwrap(),
            "http://127.0.0.1:3000"
        );
        assert!(origin("http://127.0.0.1:3000/x", false).is_err());
        assert!(origin("ftp://a.example/x", true).is_err());
    }

    #[test]
    fn answers_map_to_outcomes() {
        let after = Some(Duration::from_secs(30));
        assert_eq!(outcome(201, None, b""), PushOutcome::Delivered);
        assert_eq!(outcome(200, None, b""), PushOutcome::Delivered);
        assert_eq!(outcome(404, None, b""), PushOutcome::Gone);
        assert_eq!(outcome(410, after, b""), PushOutcome::Gone);
        assert_eq!(outcome(429, after, b""), PushOutcome::Retry { after });
        assert_eq!(outcome(503, None, b""), PushOutcome::Retry { after: None });
        assert_eq!(outcome(408, None, b""), PushOutcome::Retry { after: None });
        assert_eq!(
            outcome(413, None, b""),
            PushOutcome::Rejected {
                status: 413,
                reason: "Payload Too Large".into()
            }
        );
        assert_eq!(
            outcome(400, None, b" {\"errno\":110}\n"),
            PushOutcome::Rejected {
                status: 400,
                reason: "{\"errno\":110}".into()
            }
        );
        match outcome(403, None, "错".repeat(1000).as_bytes()) {
            PushOutcome::Rejected { status: 403, reason } => assert_eq!(reason.chars().count(), REASON_MAX),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        // A date in the past means now.
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"), Some(Duration::ZERO));
        let later = chrono::Utc::now() + chrono::Duration::hours(2);
        let d = parse_retry_after(&later.format("%a, %d %b %Y %H:%M:%S GMT").to_string()).unwrap();
        assert!(d > Duration::from_secs(3600) && d <= Duration::from_secs(7200), "{d:?}");
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-5"), None);
    }
}
