//! Web Push on the wire: a local axum server plays the push service. Linli's real request is
//! captured there, its VAPID token is verified with the server key (ES256, audience = the
//! receiver's origin, expiry within 24 h), and its body is decrypted by an independent
//! implementation, Python's `http_ece` (tests/push_decrypt.py), with the subscription's private
//! key. Then every answer a push service can give is mapped to what the queue must do.
//!
//! `./dev rust-tests` installs `http_ece` in a virtualenv and points `LINLI_TEST_PYTHON` at it;
//! without that variable the Python step is skipped with a loud note (all else still runs).

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use app::notify::push::{PushMessage, PushOutcome, PushSender, PushTarget, Urgency, MAX_PAYLOAD};
use app::notify::vapid::Vapid;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::Verifier;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use serde_json::Value;

const CONTACT: &str = "mailto:ops@linli.test";

/// One request as the push service received it.
#[derive(Clone, Debug)]
struct Captured {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

type Seen = Arc<Mutex<Vec<Captured>>>;

/// The stand-in push service. The path picks the answer, as real push services differ by
/// subscription: `/hang` never answers; everything else not listed is accepted with 201.
async fn push_service(State(seen): State<Seen>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    seen.lock().unwrap().push(Captured {
        method,
        uri: uri.clone(),
        headers,
        body,
    });
    match uri.path() {
        "/expired" => StatusCode::NOT_FOUND.into_response(),
        "/unsubscribed" => StatusCode::GONE.into_response(),
        "/slow-down" => (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "120")]).into_response(),
        "/broken" => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        "/maintenance" => (StatusCode::SERVICE_UNAVAILABLE, [("retry-after", "7")]).into_response(),
        "/bad" => (
            StatusCode::BAD_REQUEST,
            r#"{"code":400,"errno":110,"error":"Bad Request","message":"Invalid Crypto-Key"}"#,
        )
            .into_response(),
        "/too-big" => StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        "/hang" => std::future::pending().await,
        _ => (StatusCode::CREATED, [("location", "https://push.test/m/1")]).into_response(),
    }
}

/// Starts the push service on a free port; returns its origin and what it sees.
async fn start_push_service() -> (String, Seen) {
    let seen = Seen::default();
    let app = Router::new().fallback(push_service).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (origin, seen)
}

/// A browser's subscription: its key pair and auth secret stay with the test.
struct Browser {
    key: p256::SecretKey,
    auth: [u8; 16],
}

impl Browser {
    fn new() -> Browser {
        Browser {
            key: p256::SecretKey::random(&mut rand::rngs::OsRng),
            auth: rand::random(),
        }
    }

    fn target(&self, endpoint: String) -> PushTarget {
        PushTarget {
            endpoint,
            p256dh: URL_SAFE_NO_PAD.encode(self.key.public_key().to_encoded_point(false).as_bytes()),
            auth: URL_SAFE_NO_PAD.encode(self.auth),
        }
    }
}

/// A temporary data directory, removed even when the test fails.
struct ScratchDir(std::path::PathBuf);

impl ScratchDir {
    fn new() -> ScratchDir {
        let dir = std::env::temp_dir().join(format!(
            "linli-push-test-{}-{:08x}",
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

fn b64(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(s).unwrap()
}

/// Checks a `vapid t=…, k=…` header against the sender's public key, independently of the
/// crates that signed it; returns the token's claims.
fn verify_vapid(authorization: &str, server_key: &[u8]) -> Value {
    let rest = authorization
        .strip_prefix("vapid t=")
        .unwrap_or_else(|| panic!("not a vapid Authorization header: {authorization}"));
    let (token, k) = rest.split_once(", k=").unwrap();
    assert_eq!(b64(k), server_key, "k= is the server's public key");
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let (header, claims) = signed.split_once('.').unwrap();
    let header: Value = serde_json::from_slice(&b64(header)).unwrap();
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["typ"], "JWT");
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(server_key).unwrap();
    let signature = p256::ecdsa::Signature::from_slice(&b64(signature)).unwrap();
    key.verify(signed.as_bytes(), &signature)
        .expect("the VAPID token verifies with the server key");
    serde_json::from_slice(&b64(claims)).unwrap()
}

/// Runs tests/push_decrypt.py (Python's http_ece) on `body` with `browser`'s key: the plaintext,
/// or the script's complaint. `None` when LINLI_TEST_PYTHON is not set.
fn http_ece_decrypt(body: &[u8], browser: &Browser) -> Option<Result<Vec<u8>, String>> {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let python = std::env::var_os("LINLI_TEST_PYTHON")?;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/push_decrypt.py");
    let input = serde_json::json!({
        "body": URL_SAFE_NO_PAD.encode(body),
        "private_key": URL_SAFE_NO_PAD.encode(browser.key.to_bytes()),
        "auth": URL_SAFE_NO_PAD.encode(browser.auth),
    });
    let mut child = Command::new(&python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("LINLI_TEST_PYTHON={python:?} does not run: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "LINLI_TEST_PYTHON={python:?} lacks http_ece (./dev installs it):\n{stderr}"
    );
    Some(if out.status.success() {
        Ok(b64(std::str::from_utf8(&out.stdout).unwrap().trim()))
    } else {
        Err(format!("{}: {stderr}", out.status))
    })
}

#[tokio::test]
async fn a_real_push_request_verifies_and_decrypts_with_http_ece() {
    let (origin, seen) = start_push_service().await;
    let dir = ScratchDir::new();
    let vapid = Vapid::load_or_create(&dir.0).unwrap();
    let server_key = vapid.public_key().to_vec();
    let sender = PushSender::new(vapid, CONTACT, Duration::from_secs(10)).allow_http();
    let browser = Browser::new();
    let target = browser.target(format!("{origin}/wpush/v2/gAAAAABn-device-1"));

    let notice = serde_json::json!({
        "title": "物业费账单已出",
        "body": "2026年11月 物业费 ¥386.40，请于30日前缴纳",
        "url": "/bills/42",
    })
    .to_string()
    .into_bytes();
    let largest: Vec<u8> = (0..MAX_PAYLOAD).map(|_| rand::random::<u8>()).collect();
    let messages = [
        PushMessage {
            payload: notice,
            ttl_secs: 86_400,
            urgency: Urgency::High,
            topic: Some("bill-42".into()),
        },
        PushMessage {
            payload: largest,
            ttl_secs: 0,
            urgency: Urgency::VeryLow,
            topic: None,
        },
        PushMessage {
            payload: Vec::new(),
            ttl_secs: 60,
            urgency: Urgency::Normal,
            topic: None,
        },
    ];
    for m in &messages {
        assert_eq!(sender.send(&target, m).await, PushOutcome::Delivered);
    }

    let captured = seen.lock().unwrap().clone();
    assert_eq!(captured.len(), messages.len());
    let mut python_ran = false;
    for (m, req) in messages.iter().zip(&captured) {
        assert_eq!(req.method, Method::POST);
        assert_eq!(req.uri.path(), "/wpush/v2/gAAAAABn-device-1");
        let h = &req.headers;
        assert_eq!(h["content-encoding"], "aes128gcm");
        assert_eq!(h["content-type"], "application/octet-stream");
        assert_eq!(h["content-length"], req.body.len().to_string().as_str());
        assert_eq!(h["ttl"], m.ttl_secs.to_string().as_str());
        let urgency = match m.urgency {
            Urgency::VeryLow => "very-low",
            Urgency::Low => "low",
            Urgency::Normal => "normal",
            Urgency::High => "high",
        };
        assert_eq!(h["urgency"], urgency);
        assert_eq!(h.get("topic").map(|v| v.to_str().unwrap()), m.topic.as_deref());

        let claims = verify_vapid(h["authorization"].to_str().unwrap(), &server_key);
        assert_eq!(claims["aud"], origin.as_str(), "aud is the push service's origin");
        assert_eq!(claims["sub"], CONTACT);
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        let exp = claims["exp"].as_u64().unwrap();
        assert!(exp > now, "the token has not expired (exp {exp}, now {now})");
        assert!(
            exp <= now + 24 * 3600,
            "the token expires within 24 h (exp {exp}, now {now})"
        );

        // Single record: 86-octet header, plaintext, delimiter, 16-octet tag.
        assert_eq!(req.body.len(), 86 + m.payload.len() + 1 + 16);
        assert!(req.body.len() <= 4096);
        if let Some(decrypted) = http_ece_decrypt(&req.body, &browser) {
            let plaintext = decrypted.unwrap_or_else(|e| panic!("http_ece could not decrypt Linli's push body: {e}"));
            assert_eq!(plaintext, m.payload, "http_ece recovers what was sent");
            python_ran = true;
        }
    }
    // Every message got a fresh salt and sender key.
    assert_ne!(captured[0].body[..16], captured[2].body[..16]);
    assert_ne!(captured[0].body[21..86], captured[2].body[21..86]);

    // Another subscription's key cannot read the message.
    if python_ran {
        let stranger = Browser {
            key: p256::SecretKey::random(&mut rand::rngs::OsRng),
            auth: browser.auth,
        };
        let result = http_ece_decrypt(&captured[0].body, &stranger).unwrap();
        assert!(result.is_err(), "a stranger's key must not decrypt");
    } else {
        eprintln!(
            "\n\
             ******************************************************************************\n\
             * SKIPPED the independent decryption: LINLI_TEST_PYTHON is not set.          *\n\
             * `./dev rust-tests` installs http_ece in ~/.cache/linli/venv and sets it;   *\n\
             * by hand: LINLI_TEST_PYTHON=~/.cache/linli/venv/bin/python cargo test ...   *\n\
             ******************************************************************************\n"
        );
    }
}

#[tokio::test]
async fn every_answer_of_the_push_service_maps_to_an_outcome() {
    let (origin, seen) = start_push_service().await;
    let vapid = Vapid::generate().unwrap();
    let sender = PushSender::new(vapid.clone(), CONTACT, Duration::from_secs(10)).allow_http();
    let browser = Browser::new();
    let m = PushMessage {
        payload: r#"{"title":"报修已派单"}"#.as_bytes().to_vec(),
        ttl_secs: 3600,
        urgency: Urgency::Normal,
        topic: None,
    };
    let send = |path: &str| {
        let target = browser.target(format!("{origin}{path}"));
        let sender = sender.clone();
        let m = m.clone();
        async move { sender.send(&target, &m).await }
    };

    assert_eq!(send("/ok").await, PushOutcome::Delivered);
    assert_eq!(send("/expired").await, PushOutcome::Gone);
    assert_eq!(send("/unsubscribed").await, PushOutcome::Gone);
    assert_eq!(
        send("/slow-down").await,
        PushOutcome::Retry {
            after: Some(Duration::from_secs(120))
        }
    );
    assert_eq!(send("/broken").await, PushOutcome::Retry { after: None });
    assert_eq!(
        send("/maintenance").await,
        PushOutcome::Retry {
            after: Some(Duration::from_secs(7))
        }
    );
    match send("/bad").await {
        PushOutcome::Rejected { status: 400, reason } => {
            assert!(reason.contains("Invalid Crypto-Key"), "{reason}")
        }
        other => panic!("400 should be Rejected, got {other:?}"),
    }
    assert_eq!(
        send("/too-big").await,
        PushOutcome::Rejected {
            status: 413,
            reason: "Payload Too Large".into()
        }
    );
    assert_eq!(seen.lock().unwrap().len(), 8, "each send was one request");

    // A push service that takes the request and never answers: the sender's timeout ends it.
    let impatient = PushSender::new(vapid.clone(), CONTACT, Duration::from_millis(300)).allow_http();
    let hang = browser.target(format!("{origin}/hang"));
    assert_eq!(impatient.send(&hang, &m).await, PushOutcome::Retry { after: None });
    assert_eq!(seen.lock().unwrap().len(), 9, "the hanging request did arrive");

    // Nobody listening: a network error, so try again later.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let nobody = browser.target(format!("http://{closed}/x"));
    assert_eq!(sender.send(&nobody, &m).await, PushOutcome::Retry { after: None });

    // Refused before sending: nothing reaches the push service.
    let before = seen.lock().unwrap().len();
    let strict = PushSender::new(vapid, CONTACT, Duration::from_secs(10));
    let plain_http = browser.target(format!("{origin}/ok"));
    assert!(matches!(
        strict.send(&plain_http, &m).await,
        PushOutcome::Rejected { status: 0, .. }
    ));
    let mut broken_keys = browser.target(format!("{origin}/ok"));
    broken_keys.p256dh = "BOGUS".into();
    assert!(matches!(
        sender.send(&broken_keys, &m).await,
        PushOutcome::Rejected { status: 0, .. }
    ));
    let oversized = PushMessage {
        payload: vec![0; MAX_PAYLOAD + 1],
        ..m.clone()
    };
    assert!(matches!(
        sender.send(&browser.target(format!("{origin}/ok")), &oversized).await,
        PushOutcome::Rejected { status: 0, .. }
    ));
    assert_eq!(seen.lock().unwrap().len(), before);
}
