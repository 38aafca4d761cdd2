//! Online payments end to end against a stand-in for Stripe's API on a local port: checkouts
//! opened with idempotency keys, webhook deliveries signed with Stripe's documented scheme
//! over Stripe's own example objects (valid, rotated secret, wrong secret, one changed byte,
//! stale, missing header), ten concurrent deliveries crediting once, events out of order,
//! reconciliation of a missed webhook, refunds, and the rules around them.

use crate::common::*;
use app::db::entities::{bill_lines, notifications, online_checkouts, payments, provider_events, users};
use app::db::RuntimeConfig;
use app::payments::provider::Online;
use app::payments::stripe::StripeProvider;
use app::payments::stripe_sig::sign;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

/// Signing secrets made for this test run (the current one and the one being rotated out).
fn secrets() -> &'static (String, String) {
    static S: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        let r = || format!("whsec_{:032x}", rand::random::<u128>());
        (r(), r())
    })
}

fn secret() -> &'static str {
    &secrets().0
}

fn old_secret() -> &'static str {
    &secrets().1
}
const OBJECTS: &str = include_str!("../../../app/src/payments/testdata/stripe-objects.json");

fn fixture(name: &str) -> Value {
    let all: Value = serde_json::from_str(OBJECTS).unwrap();
    all[name].clone()
}

/// What the stand-in Stripe saw and will answer.
#[derive(Default)]
struct Fake {
    /// (Idempotency-Key, form fields) of each POST /v1/checkout/sessions.
    sessions: Vec<(String, Vec<(String, String)>)>,
    refunds: Vec<(String, Vec<(String, String)>)>,
    /// `succeeded`, `pending`, or `refuse` (answer 400).
    refund_status: String,
    /// Events GET /v1/events lists, newest first as Stripe does.
    events: Vec<Value>,
}

type Shared = Arc<Mutex<Fake>>;

fn field<'a>(f: &'a [(String, String)], k: &str) -> Option<&'a str> {
    f.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str())
}

async fn create_session(
    State(s): State<Shared>,
    headers: axum::http::HeaderMap,
    Form(f): Form<Vec<(String, String)>>,
) -> Json<Value> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mut g = s.lock().unwrap();
    let n = g.sessions.len() + 1;
    let total: i64 = f
        .iter()
        .filter(|(k, _)| k.ends_with("[price_data][unit_amount]"))
        .map(|(_, v)| v.parse::<i64>().unwrap())
        .sum();
    let mut cs = fixture("checkout.session");
    cs["id"] = format!("cs_test_{n}").into();
    cs["url"] = format!("https://checkout.stripe.test/c/pay/cs_test_{n}").into();
    cs["status"] = "open".into();
    cs["payment_status"] = "unpaid".into();
    cs["amount_total"] = total.into();
    cs["currency"] = "cny".into();
    cs["expires_at"] = field(&f, "expires_at").unwrap().parse::<i64>().unwrap().into();
    cs["metadata"] = json!({ "linli_checkout": field(&f, "metadata[linli_checkout]").unwrap() });
    cs["client_reference_id"] = field(&f, "client_reference_id").unwrap().into();
    g.sessions.push((key, f));
    Json(cs)
}

async fn create_refund(
    State(s): State<Shared>,
    headers: axum::http::HeaderMap,
    Form(f): Form<Vec<(String, String)>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mut g = s.lock().unwrap();
    if g.refund_status == "refuse" {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": {"type": "invalid_request_error", "code": "charge_already_refunded", "message": "Charge has already been refunded."}})),
        )
            .into_response();
    }
    let mut re = fixture("refund");
    re["id"] = format!("re_test_{}", g.refunds.len() + 1).into();
    re["amount"] = field(&f, "amount").unwrap().parse::<i64>().unwrap().into();
    re["currency"] = "cny".into();
    re["payment_intent"] = field(&f, "payment_intent").unwrap().into();
    re["status"] = g.refund_status.clone().into();
    re["metadata"] = json!({ "linli_refund": field(&f, "metadata[linli_refund]").unwrap() });
    g.refunds.push((key, f));
    Json(re).into_response()
}

async fn list_events(State(s): State<Shared>) -> Json<Value> {
    let g = s.lock().unwrap();
    Json(json!({ "object": "list", "url": "/v1/events", "has_more": false, "data": g.events }))
}

async fn fake_stripe() -> (String, Shared) {
    let s: Shared = Arc::new(Mutex::new(Fake {
        refund_status: "succeeded".into(),
        ..Default::default()
    }));
    let app = Router::new()
        .route("/v1/checkout/sessions", post(create_session))
        .route("/v1/refunds", post(create_refund))
        .route("/v1/events", get(list_events))
        .with_state(s.clone());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (format!("http://{addr}"), s)
}

struct T {
    w: World,
    fake: Shared,
    pm: String,
    cashier: String,
    resident: String,
    unit: i64,
    line: i64,
}

/// Office A with two 89.57 ㎡ homes billed 2.50 元/㎡ for next month (¥223.93 each), the first
/// home's owner 13900000001 signed up, and online payment through the stand-in Stripe.
async fn setup() -> T {
    let (base, fake) = fake_stripe().await;
    let provider = StripeProvider::new(
        &format!("sk_test_{:032x}", rand::random::<u128>()),
        vec![secret().into(), old_secret().into()],
        Some(&base),
    )
    .unwrap();
    let cfg = RuntimeConfig {
        public_url: "http://localhost:3000".into(),
        ..Default::default()
    }
    .with(Online {
        provider: Some(Arc::new(provider)),
    });
    let w = world_with(cfg).await;
    let s = fee_setup(&w, 1, 2).await;
    s.bill_next_month(&w).await;
    w.resident("13900000001", "业主0").await;
    w.resident("13900000002", "业主1").await;
    let resident = w.token("13900000001").await;
    let bills = w.get("/api/v1/me/bills", Some(&resident)).await.json();
    let unit = bills[0]["unit_id"].as_i64().unwrap();
    let line = bills[0]["open"][0]["id"].as_i64().unwrap();
    assert_eq!(bills[0]["due"], 22_393);
    T {
        w,
        fake,
        pm: s.pm,
        cashier: s.cashier,
        resident,
        unit,
        line,
    }
}

/// Asks for an online refund of payment `pid` as `token`.
async fn refund(t: &T, token: &str, pid: i64, reason: &str) -> Resp {
    t.w.json(
        "POST",
        &format!("/api/v1/billing/payments/{pid}/online-refund"),
        Some(token),
        &json!({ "reason": reason }),
    )
    .await
}

/// The resident opens a checkout for all open lines; returns (checkout id, session id).
async fn start(t: &T) -> (i64, String) {
    let r =
        t.w.json(
            "POST",
            "/api/v1/me/online-payments",
            Some(&t.resident),
            &json!({"unit_id": t.unit, "lines": []}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v = r.json();
    assert_eq!(v["status"], "open");
    let id = v["id"].as_i64().unwrap();
    let session = online_checkouts::Entity::find_by_id(id)
        .one(&t.w.ctx.db)
        .await
        .unwrap()
        .unwrap()
        .provider_ref
        .unwrap();
    (id, session)
}

/// A Stripe event around `object`, shaped like Stripe's own example event.
fn event(id: &str, kind: &str, object: Value) -> String {
    let mut e = fixture("event");
    e["id"] = id.into();
    e["type"] = kind.into();
    e["created"] = chrono::Utc::now().timestamp().into();
    e["data"] = json!({ "object": object });
    e.to_string()
}

fn paid_session(checkout: i64, session: &str, pi: &str, amount: i64) -> Value {
    let mut cs = fixture("checkout.session");
    cs["id"] = session.into();
    cs["status"] = "complete".into();
    cs["payment_status"] = "paid".into();
    cs["amount_total"] = amount.into();
    cs["currency"] = "cny".into();
    cs["payment_intent"] = pi.into();
    cs["metadata"] = json!({ "linli_checkout": checkout.to_string() });
    cs["client_reference_id"] = checkout.to_string().into();
    cs
}

fn succeeded_intent(checkout: i64, pi: &str, amount: i64) -> Value {
    let mut p = fixture("payment_intent");
    p["id"] = pi.into();
    p["status"] = "succeeded".into();
    p["amount"] = amount.into();
    p["amount_received"] = amount.into();
    p["currency"] = "cny".into();
    p["metadata"] = json!({ "linli_checkout": checkout.to_string() });
    p
}

fn signed(body: &str, secret: &str, t: i64) -> Request<Body> {
    Request::post("/webhooks/stripe")
        .header("content-type", "application/json")
        .header(
            "stripe-signature",
            format!("t={t},v1={}", sign(secret, t, body.as_bytes())),
        )
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn online_payments(t: &T) -> Vec<payments::Model> {
    payments::Entity::find()
        .filter(payments::Column::UnitId.eq(t.unit))
        .filter(payments::Column::Method.eq("online"))
        .all(&t.w.ctx.db)
        .await
        .unwrap()
}

async fn line_paid(t: &T) -> i64 {
    bill_lines::Entity::find_by_id(t.line)
        .one(&t.w.ctx.db)
        .await
        .unwrap()
        .unwrap()
        .paid
}

#[tokio::test]
async fn a_checkout_is_opened_once_with_an_idempotency_key_and_only_for_ones_own_home() {
    let t = setup().await;
    let (id, session) = start(&t).await;
    {
        let g = t.fake.lock().unwrap();
        assert_eq!(g.sessions.len(), 1);
        let (key, f) = &g.sessions[0];
        assert_eq!(key, &format!("linli-checkout-{id}"));
        assert_eq!(field(f, "mode"), Some("payment"));
        assert_eq!(field(f, "line_items[0][price_data][currency]"), Some("cny"));
        assert_eq!(field(f, "line_items[0][price_data][unit_amount]"), Some("22393"));
        assert_eq!(
            field(f, "payment_intent_data[metadata][linli_checkout]"),
            Some(id.to_string().as_str())
        );
        assert_eq!(
            field(f, "success_url"),
            Some(format!("http://localhost:3000/pay/online/{id}").as_str())
        );
    }
    assert!(session.starts_with("cs_test_"));
    // Tapping again reuses the open checkout: no second session at Stripe.
    let (again, _) = start(&t).await;
    assert_eq!(again, id);
    assert_eq!(t.fake.lock().unwrap().sessions.len(), 1);
    // Another household cannot pay (or even see) this home's bills.
    let other = t.w.token("13900000002").await;
    let r =
        t.w.json(
            "POST",
            "/api/v1/me/online-payments",
            Some(&other),
            &json!({"unit_id": t.unit, "lines": []}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = t.w.get(&format!("/api/v1/payments/checkouts/{id}"), Some(&other)).await;
    assert!(
        matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        r.status
    );
    // Lines of another home are refused by name.
    let r =
        t.w.json(
            "POST",
            "/api/v1/me/online-payments",
            Some(&t.resident),
            &json!({"unit_id": t.unit, "lines": [t.line + 1000]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "lines");
    // Staff of another office do not see the checkout.
    let pm_b = t.w.token("pm.b").await;
    let r = t.w.get("/api/v1/payments/checkouts", Some(&pm_b)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json().as_array().unwrap().len(), 0);
    let r = t.w.get("/api/v1/payments/checkouts", Some(&t.pm)).await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn webhook_signatures_are_checked_and_a_refused_delivery_changes_nothing() {
    let t = setup().await;
    let (id, session) = start(&t).await;
    let body = event(
        "evt_sig_1",
        "checkout.session.completed",
        paid_session(id, &session, "pi_sig", 22_393),
    );
    // Wrong secret, one changed byte, stale, from the future, missing header: all 400.
    let r =
        t.w.send(signed(&body, &format!("whsec_{:032x}", rand::random::<u128>()), now()))
            .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let mut tampered = body.clone().into_bytes();
    let i = body.find("22393").unwrap();
    tampered[i] = b'1';
    let good_sig = sign(secret(), now(), body.as_bytes());
    let r =
        t.w.send(
            Request::post("/webhooks/stripe")
                .header("stripe-signature", format!("t={},v1={good_sig}", now()))
                .body(Body::from(tampered))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = t.w.send(signed(&body, secret(), now() - 301)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = t.w.send(signed(&body, secret(), now() + 400)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r =
        t.w.send(
            Request::post("/webhooks/stripe")
                .body(Body::from(body.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(provider_events::Entity::find().count(&t.w.ctx.db).await.unwrap(), 0);
    assert_eq!(line_paid(&t).await, 0);
    assert!(online_payments(&t).await.is_empty());
    // Signed with the previous secret (rotation under way): accepted and settled.
    let r = t.w.send(signed(&body, old_secret(), now())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["outcome"], "settled");
    assert_eq!(line_paid(&t).await, 22_393);
    // The same event again, now with the current secret: a no-op.
    let r = t.w.send(signed(&body, secret(), now())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["outcome"], "duplicate");
    let ps = online_payments(&t).await;
    assert_eq!(ps.len(), 1);
    assert_eq!(ps[0].amount, 22_393);
    assert_eq!(ps[0].provider_ref.as_deref(), Some("pi_sig"));
    // The resident sees it paid, with its receipt.
    let v =
        t.w.get(&format!("/api/v1/payments/checkouts/{id}"), Some(&t.resident))
            .await
            .json();
    assert_eq!(v["status"], "paid");
    assert_eq!(v["payment_id"], ps[0].id);
    let r = t.w.get("/api/v1/me/bills", Some(&t.resident)).await.json();
    assert_eq!(r[0]["due"], 0);
}

#[tokio::test]
async fn ten_concurrent_deliveries_of_one_event_credit_once() {
    let t = setup().await;
    let (id, session) = start(&t).await;
    let body = event(
        "evt_burst",
        "checkout.session.completed",
        paid_session(id, &session, "pi_burst", 22_393),
    );
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let router = t.w.router.clone();
        let req = signed(&body, secret(), now());
        set.spawn(async move {
            use http_body_util::BodyExt;
            let res = router.oneshot(req).await.unwrap();
            let status = res.status();
            let b = res.into_body().collect().await.unwrap().to_bytes();
            (status, serde_json::from_slice::<Value>(&b).unwrap_or(Value::Null))
        });
    }
    let mut outcomes = vec![];
    while let Some(r) = set.join_next().await {
        let (status, v) = r.unwrap();
        assert_eq!(status, StatusCode::OK, "{v}");
        outcomes.push(v["outcome"].as_str().unwrap().to_string());
    }
    assert_eq!(outcomes.iter().filter(|o| *o == "settled").count(), 1, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|o| *o == "duplicate").count(), 9, "{outcomes:?}");
    assert_eq!(online_payments(&t).await.len(), 1);
    assert_eq!(line_paid(&t).await, 22_393);
}

#[tokio::test]
async fn payment_intent_succeeded_before_session_completed_settles_once() {
    let t = setup().await;
    let (id, session) = start(&t).await;
    // Stripe does not promise order: the payment intent's event first …
    let pi = event(
        "evt_pi",
        "payment_intent.succeeded",
        succeeded_intent(id, "pi_order", 22_393),
    );
    let r = t.w.send(signed(&pi, secret(), now())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["outcome"], "settled");
    // … then the session's, and a stale expiry after that: nothing more happens.
    let cs = event(
        "evt_cs",
        "checkout.session.completed",
        paid_session(id, &session, "pi_order", 22_393),
    );
    let r = t.w.send(signed(&cs, secret(), now())).await;
    assert_eq!(r.json()["outcome"], "already");
    let mut expired = fixture("checkout.session");
    expired["id"] = session.clone().into();
    expired["status"] = "expired".into();
    expired["metadata"] = json!({ "linli_checkout": id.to_string() });
    let ex = event("evt_ex", "checkout.session.expired", expired);
    let r = t.w.send(signed(&ex, secret(), now())).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(online_payments(&t).await.len(), 1);
    assert_eq!(line_paid(&t).await, 22_393);
    let ck = online_checkouts::Entity::find_by_id(id)
        .one(&t.w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ck.status, "paid");
    assert_eq!(ck.payment_ref.as_deref(), Some("pi_order"));

    // Both kinds at once for a second home's checkout: still one receipt.
    let t2 = setup().await;
    let (id2, session2) = start(&t2).await;
    let a = event(
        "evt_a",
        "payment_intent.succeeded",
        succeeded_intent(id2, "pi_two", 22_393),
    );
    let b = event(
        "evt_b",
        "checkout.session.completed",
        paid_session(id2, &session2, "pi_two", 22_393),
    );
    let (ra, rb) = tokio::join!(
        t2.w.router.clone().oneshot(signed(&a, secret(), now())),
        t2.w.router.clone().oneshot(signed(&b, secret(), now()))
    );
    assert_eq!(ra.unwrap().status(), StatusCode::OK);
    assert_eq!(rb.unwrap().status(), StatusCode::OK);
    assert_eq!(online_payments(&t2).await.len(), 1);
    assert_eq!(line_paid(&t2).await, 22_393);
}

#[tokio::test]
async fn reconciliation_applies_a_missed_webhook_once() {
    let t = setup().await;
    let (id, session) = start(&t).await;
    let ev: Value = serde_json::from_str(&event(
        "evt_missed",
        "checkout.session.completed",
        paid_session(id, &session, "pi_missed", 22_393),
    ))
    .unwrap();
    t.fake.lock().unwrap().events = vec![ev];
    // Residents and cashiers may not trigger it; a manager may.
    let r =
        t.w.json("POST", "/api/v1/payments/reconcile", Some(&t.cashier), &json!({}))
            .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r =
        t.w.json("POST", "/api/v1/payments/reconcile", Some(&t.pm), &json!({}))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["fetched"], 1);
    assert_eq!(r.json()["settled"], 1);
    assert_eq!(line_paid(&t).await, 22_393);
    let r =
        t.w.json("POST", "/api/v1/payments/reconcile", Some(&t.pm), &json!({}))
            .await;
    assert_eq!(r.json()["applied"], 0);
    assert_eq!(online_payments(&t).await.len(), 1);
    let e = provider_events::Entity::find().one(&t.w.ctx.db).await.unwrap().unwrap();
    assert_eq!((e.via.as_str(), e.outcome.as_str()), ("reconcile", "settled"));
}

#[tokio::test]
async fn refunds_go_through_the_provider_once_and_reverse_the_receipt() {
    let t = setup().await;
    let (id, session) = start(&t).await;
    let body = event(
        "evt_r",
        "checkout.session.completed",
        paid_session(id, &session, "pi_refund", 22_393),
    );
    assert_eq!(t.w.send(signed(&body, secret(), now())).await.status, StatusCode::OK);
    let pid = online_payments(&t).await[0].id;
    // An online payment cannot be reversed at the counter; the money must go back first.
    let r = refund(&t, &t.cashier, pid, "重复缴费").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = refund(&t, &t.pm, pid, " ").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "reason");
    let r = refund(&t, &t.pm, pid, "重复缴费").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["refund"], "succeeded");
    {
        let g = t.fake.lock().unwrap();
        assert_eq!(g.refunds.len(), 1);
        assert!(g.refunds[0].0.starts_with("linli-refund-"));
        assert_eq!(field(&g.refunds[0].1, "payment_intent"), Some("pi_refund"));
        assert_eq!(field(&g.refunds[0].1, "amount"), Some("22393"));
    }
    // The ledger: a red receipt for −223.93, and the line is open again.
    let red = payments::Entity::find()
        .filter(payments::Column::ReversesId.eq(pid))
        .one(&t.w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(red.amount, -22_393);
    assert_eq!(line_paid(&t).await, 0);
    // Once only: asking again is refused and Stripe is not called again.
    let r = refund(&t, &t.pm, pid, "再退一次").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(t.fake.lock().unwrap().refunds.len(), 1);
    // Stripe's own refund.updated arriving afterwards changes nothing.
    let mut re = fixture("refund");
    re["id"] = "re_test_1".into();
    re["status"] = "succeeded".into();
    re["payment_intent"] = "pi_refund".into();
    let ev = event("evt_re", "refund.updated", re);
    let r = t.w.send(signed(&ev, secret(), now())).await;
    assert_eq!(r.json()["outcome"], "already");
    assert_eq!(
        payments::Entity::find()
            .filter(payments::Column::ReversesId.eq(pid))
            .count(&t.w.ctx.db)
            .await
            .unwrap(),
        1
    );
    // A counter payment is not refunded online.
    let cash =
        t.w.json(
            "POST",
            "/api/v1/billing/payments",
            Some(&t.cashier),
            &json!({"unit_id": t.unit, "lines": [t.line], "method": "cash", "amount": "223.93"}),
        )
        .await;
    assert_eq!(cash.status, StatusCode::CREATED, "{}", cash.body);
    let cid = cash.json()["id"].as_i64().unwrap();
    let r = refund(&t, &t.pm, cid, "x").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
}

#[tokio::test]
async fn a_pending_refund_is_finished_by_the_providers_event_and_a_refused_one_is_recorded() {
    let t = setup().await;
    let (id, session) = start(&t).await;
    let body = event(
        "evt_p",
        "checkout.session.completed",
        paid_session(id, &session, "pi_pending", 22_393),
    );
    assert_eq!(t.w.send(signed(&body, secret(), now())).await.status, StatusCode::OK);
    let pid = online_payments(&t).await[0].id;
    t.fake.lock().unwrap().refund_status = "pending".into();
    let r = refund(&t, &t.pm, pid, "业主搬离").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["refund"], "requested");
    assert_eq!(
        line_paid(&t).await,
        22_393,
        "nothing reversed until Stripe says it succeeded"
    );
    let refund_id = field(&t.fake.lock().unwrap().refunds[0].1, "metadata[linli_refund]")
        .unwrap()
        .to_string();
    let mut re = fixture("refund");
    re["id"] = "re_test_1".into();
    re["status"] = "succeeded".into();
    re["payment_intent"] = "pi_pending".into();
    re["metadata"] = json!({ "linli_refund": refund_id });
    let r =
        t.w.send(signed(&event("evt_done", "refund.updated", re), secret(), now()))
            .await;
    assert_eq!(r.json()["outcome"], "settled");
    assert_eq!(line_paid(&t).await, 0);

    // A refund Stripe refuses is recorded as failed with its message; the ledger is untouched.
    let t = setup().await;
    let (id, session) = start(&t).await;
    let body = event(
        "evt_q",
        "checkout.session.completed",
        paid_session(id, &session, "pi_refused", 22_393),
    );
    assert_eq!(t.w.send(signed(&body, secret(), now())).await.status, StatusCode::OK);
    let pid = online_payments(&t).await[0].id;
    t.fake.lock().unwrap().refund_status = "refuse".into();
    let r = refund(&t, &t.pm, pid, "业主搬离").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let v =
        t.w.get(&format!("/api/v1/payments/checkouts/{id}"), Some(&t.pm))
            .await
            .json();
    assert_eq!(v["refund"], "failed");
    assert!(
        v["refund_error"].as_str().unwrap().contains("already been refunded"),
        "{v}"
    );
    assert_eq!(line_paid(&t).await, 22_393);
}

#[tokio::test]
async fn money_for_lines_paid_meanwhile_at_the_counter_goes_to_prepaid_and_is_flagged() {
    let t = setup().await;
    let (id, session) = start(&t).await;
    let cash =
        t.w.json(
            "POST",
            "/api/v1/billing/payments",
            Some(&t.cashier),
            &json!({"unit_id": t.unit, "lines": [t.line], "method": "cash", "amount": "223.93"}),
        )
        .await;
    assert_eq!(cash.status, StatusCode::CREATED, "{}", cash.body);
    let body = event(
        "evt_late",
        "checkout.session.completed",
        paid_session(id, &session, "pi_late", 22_393),
    );
    let r = t.w.send(signed(&body, secret(), now())).await;
    assert_eq!(r.json()["outcome"], "settled");
    assert_eq!(line_paid(&t).await, 22_393, "the line is not paid twice");
    let bills = t.w.get("/api/v1/me/bills", Some(&t.resident)).await.json();
    assert_eq!(bills[0]["prepaid"], 22_393, "the online money is kept as prepaid");
    let v =
        t.w.get(&format!("/api/v1/payments/checkouts/{id}"), Some(&t.pm))
            .await
            .json();
    assert_eq!(v["status"], "paid");
    assert!(!v["note"].as_str().unwrap().is_empty(), "{v}");
}

#[tokio::test]
async fn without_keys_online_payment_is_off_and_says_so() {
    let w = world().await;
    w.resident("13900000009", "某业主").await;
    let tok = w.token("13900000009").await;
    let r = w
        .json(
            "POST",
            "/api/v1/me/online-payments",
            Some(&tok),
            &json!({"unit_id": 1, "lines": []}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "online");
    let r = w
        .send(Request::post("/webhooks/stripe").body(Body::from("{}")).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn payment_events_that_disagree_are_held_for_staff_and_the_home_waits_for_their_decision() {
    let t = setup().await;
    let db = &t.w.ctx.db;
    let (id, session) = start(&t).await;
    // The provider reports 200.00 arriving for a checkout of 223.93: nothing is credited.
    let body = event(
        "evt_short",
        "checkout.session.completed",
        paid_session(id, &session, "pi_short", 20_000),
    );
    let r = t.w.send(signed(&body, secret(), now())).await;
    assert_eq!(r.json()["outcome"], "flagged", "{}", r.body);
    assert!(online_payments(&t).await.is_empty());
    assert_eq!(line_paid(&t).await, 0);
    let v =
        t.w.get(&format!("/api/v1/payments/checkouts/{id}"), Some(&t.pm))
            .await
            .json();
    assert_eq!(v["status"], "disputed", "{v}");
    assert!(v["dispute"].as_str().unwrap().contains("200.00"), "{v}");
    // The resident cannot pay the home again until staff decide.
    let again =
        t.w.json(
            "POST",
            "/api/v1/me/online-payments",
            Some(&t.resident),
            &json!({"unit_id": t.unit, "lines": []}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(again.json()["error"]["field"], "online");
    // The staff who manage billing over the home heard of it; the cashier did not.
    let user = |login: &'static str| async move {
        users::Entity::find()
            .filter(users::Column::Login.eq(login))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let notices = |u: i64| async move {
        notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(u))
            .filter(notifications::Column::Link.eq("/admin/billing/online?status=disputed"))
            .count(db)
            .await
            .unwrap()
    };
    assert_eq!(notices(user("pm.a").await).await, 1);
    assert_eq!(notices(user("cashier.a").await).await, 0);
    assert_eq!(notices(user("pm.b").await).await, 0);
    // Only a manager over the home decides, with a note.
    let resolve = |token: String, body: Value| {
        let w = &t.w;
        async move {
            w.json(
                "POST",
                &format!("/api/v1/payments/checkouts/{id}/resolve"),
                Some(&token),
                &body,
            )
            .await
        }
    };
    let r = resolve(t.cashier.clone(), json!({"resolution": "accepted", "note": "核对无误"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let pm_b = t.w.token("pm.b").await;
    let r = resolve(pm_b, json!({"resolution": "accepted", "note": "核对无误"})).await;
    assert!(
        matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        r.body
    );
    let r = resolve(t.pm.clone(), json!({"resolution": "accepted", "note": "  "})).await;
    assert_eq!(r.json()["error"]["field"], "note", "{}", r.body);
    assert!(online_payments(&t).await.is_empty());
    // Accepted: what arrived becomes a receipt, once.
    let r = resolve(
        t.pm.clone(),
        json!({"resolution": "accepted", "note": "业主少付，已电话确认"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "paid");
    assert_eq!(r.json()["resolution"], "accepted");
    let paid = online_payments(&t).await;
    assert_eq!(paid.len(), 1);
    assert_eq!(paid[0].amount, 20_000);
    assert_eq!(line_paid(&t).await, 20_000);
    let r = resolve(t.pm.clone(), json!({"resolution": "accepted", "note": "再来一次"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(online_payments(&t).await.len(), 1);
    // Money in another currency cannot be booked: staff return it, nothing is credited, and
    // the home can be paid again.
    let (id2, session2) = start(&t).await;
    let mut usd = paid_session(id2, &session2, "pi_usd", 2_393);
    usd["currency"] = "usd".into();
    let r =
        t.w.send(signed(
            &event("evt_usd", "checkout.session.completed", usd),
            secret(),
            now(),
        ))
        .await;
    assert_eq!(r.json()["outcome"], "flagged", "{}", r.body);
    let resolve2 = |body: Value| {
        let (w, pm) = (&t.w, t.pm.clone());
        async move {
            w.json(
                "POST",
                &format!("/api/v1/payments/checkouts/{id2}/resolve"),
                Some(&pm),
                &body,
            )
            .await
        }
    };
    let r = resolve2(json!({"resolution": "accepted", "note": "入账"})).await;
    assert_eq!(r.json()["error"]["field"], "resolution", "{}", r.body);
    let r = resolve2(json!({"resolution": "returned", "note": "已在 Stripe 退回"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "failed");
    assert_eq!(r.json()["resolution"], "returned");
    assert_eq!(online_payments(&t).await.len(), 1);
    assert_eq!(line_paid(&t).await, 20_000);
    let (id3, _) = start(&t).await;
    assert_ne!(id3, id2);
}

#[tokio::test]
async fn a_resident_lists_the_checkouts_of_their_own_home_only() {
    let t = setup().await;
    let (id, _) = start(&t).await;
    let mine = t.w.get("/api/v1/payments/checkouts", Some(&t.resident)).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    let ids: Vec<i64> = mine
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![id]);
    // The neighbour (the other home's owner) sees none of them.
    let other = t.w.token("13900000002").await;
    let theirs = t.w.get("/api/v1/payments/checkouts", Some(&other)).await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    assert_eq!(theirs.json().as_array().unwrap().len(), 0, "{}", theirs.body);
    // An account with neither a home nor staff rights is refused, as before.
    t.w.resident("13700000009", "无房者").await;
    let nobody = t.w.token("13700000009").await;
    let r = t.w.get("/api/v1/payments/checkouts", Some(&nobody)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}
