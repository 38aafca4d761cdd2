//! Notifications: a bill run's notice reaches the household's inbox once; overdue reminders
//! once per home and month; each user sees and marks only their own; devices are validated and
//! owned; the job queue hands each job to exactly one of several concurrent workers, backs off,
//! gives up after its attempts or its expiry.

use crate::common::*;
use app::db::entities::{jobs, notifications};
use app::jobs::{queue, JobResult, NewJob};
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use std::collections::HashSet;

#[tokio::test]
async fn a_bill_run_tells_each_household_once_and_only_them() {
    let w = world().await;
    let s = fee_setup(&w, 1, 2).await;
    w.resident("13900000001", "业主0").await;
    w.resident("13900000002", "业主1").await;
    let mine = w.token("13900000001").await;
    let other = w.token("13900000002").await;
    s.bill_next_month(&w).await;
    // Nothing in the inbox until the queued job has run.
    let r = w.get("/api/v1/me/notifications", Some(&mine)).await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 0);
    assert_eq!(drain(&w).await, 1);
    let inbox = w.get("/api/v1/me/notifications", Some(&mine)).await.json();
    let items = inbox["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{inbox}");
    assert_eq!(items[0]["category"], "bills");
    assert_eq!(items[0]["link"], "/pay");
    assert!(items[0]["title"].as_str().unwrap().contains(&next_period()));
    assert!(items[0]["body"].as_str().unwrap().contains("¥223.93"), "{inbox}");
    assert_eq!(inbox["unread"], 1);
    // A second run of the month adds no lines and no notice; the same job again adds nothing.
    s.bill_next_month(&w).await;
    let run = jobs::Entity::find().one(&w.ctx.db).await.unwrap().unwrap();
    queue::enqueue(
        &w.ctx.db,
        &[NewJob::now(
            "billing.bill_issued",
            serde_json::from_str(&run.payload).unwrap(),
        )],
    )
    .await
    .unwrap();
    assert_eq!(drain(&w).await, 1);
    assert_eq!(
        notifications::Entity::find().count(&w.ctx.db).await.unwrap(),
        2,
        "one notice per household"
    );
    // The other household sees only its own, and cannot mark mine read.
    let theirs = w.get("/api/v1/me/notifications", Some(&other)).await.json();
    assert_eq!(theirs["items"].as_array().unwrap().len(), 1);
    let my_id = items[0]["id"].as_i64().unwrap();
    let r = w
        .json(
            "POST",
            "/api/v1/me/notifications/read",
            Some(&other),
            &json!({"ids": [my_id]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(w.get("/api/v1/me/notifications", Some(&mine)).await.json()["unread"], 1);
    let r = w
        .json(
            "POST",
            "/api/v1/me/notifications/read",
            Some(&mine),
            &json!({"ids": [my_id]}),
        )
        .await;
    assert_eq!(r.json(), json!(0));
    let n = notifications::Entity::find_by_id(my_id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert!(n.read_at.is_some());
    // Signed out: no inbox.
    assert_eq!(
        w.get("/api/v1/me/notifications", None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn overdue_reminders_are_raised_once_per_home_and_month() {
    use app::db::entities::bill_lines;
    use sea_orm::{sea_query::Expr, QueryFilter};
    let w = world().await;
    let s = fee_setup(&w, 1, 2).await;
    w.resident("13900000001", "业主0").await;
    let mine = w.token("13900000001").await;
    s.bill_next_month(&w).await;
    // Nothing is overdue yet.
    assert_eq!(app::billing::notices::overdue_reminders(&w.ctx).await.unwrap(), 0);
    // Move the due dates into the past.
    let past = chrono::NaiveDate::from_ymd_opt(2026, 1, 25).unwrap();
    bill_lines::Entity::update_many()
        .col_expr(bill_lines::Column::DueDate, Expr::value(past))
        .filter(bill_lines::Column::Id.gt(0))
        .exec(&w.ctx.db)
        .await
        .unwrap();
    // Only 13900000001 has an account: one notice; running again adds none.
    assert_eq!(app::billing::notices::overdue_reminders(&w.ctx).await.unwrap(), 1);
    assert_eq!(app::billing::notices::overdue_reminders(&w.ctx).await.unwrap(), 0);
    let inbox = w.get("/api/v1/me/notifications", Some(&mine)).await.json();
    assert!(inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["title"] == "账单已逾期"));
}

#[tokio::test]
async fn devices_are_validated_and_belong_to_their_user() {
    let w = world().await;
    w.resident("13900000001", "甲").await;
    w.resident("13900000002", "乙").await;
    let a = w.token("13900000001").await;
    let b = w.token("13900000002").await;
    let a_user = w.get("/api/v1/me", Some(&a)).await.json()["id"].as_i64().unwrap();
    use app::db::entities::push_subscriptions;
    use sea_orm::EntityTrait;
    // A P-256 point is 65 bytes, the auth secret 16 (base64url); both made now, as a browser does.
    use base64::Engine;
    let device_key = app::notify::vapid::Vapid::generate().unwrap().public_key_b64url();
    let auth_secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
    let (p256dh, auth) = (device_key.as_str(), auth_secret.as_str());
    let sub = |endpoint: &str, p: &str, au: &str| json!({"endpoint": endpoint, "p256dh": p, "auth": au, "label": "Chrome · Android"});
    for (body, field) in [
        (sub("ftp://push.example/x", p256dh, auth), "endpoint"),
        (sub("https://push.example/x", "short", auth), "p256dh"),
        (sub("https://push.example/x", p256dh, "AAAA"), "auth"),
    ] {
        let r = w.json("POST", "/api/v1/me/devices", Some(&a), &body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], field);
    }
    let r = w
        .json(
            "POST",
            "/api/v1/me/devices",
            Some(&a),
            &sub("https://push.example/send/abc", p256dh, auth),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    // Subscribing the same endpoint again updates it rather than adding a second device.
    let r = w
        .json(
            "POST",
            "/api/v1/me/devices",
            Some(&a),
            &sub("https://push.example/send/abc", p256dh, auth),
        )
        .await;
    assert_eq!(r.json()["id"], id);
    // Knowing the endpoint is not enough to take the device: other keys are refused.
    let other_key = app::notify::vapid::Vapid::generate().unwrap().public_key_b64url();
    let r = w
        .json(
            "POST",
            "/api/v1/me/devices",
            Some(&b),
            &sub("https://push.example/send/abc", &other_key, auth),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let held = push_subscriptions::Entity::find_by_id(id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((held.p256dh.as_str(), held.user_id), (p256dh, a_user));
    assert_eq!(
        w.get("/api/v1/me/devices", Some(&a))
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        w.get("/api/v1/me/devices", Some(&b))
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let r = w.delete(&format!("/api/v1/me/devices/{id}"), &b).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = w.delete(&format!("/api/v1/me/devices/{id}"), &a).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    // Preferences: a bad time names its field; good ones are kept.
    let r = w
        .json(
            "PUT",
            "/api/v1/me/notify-prefs",
            Some(&a),
            &json!({"muted": ["market"], "quiet_from": "25:00", "quiet_to": "07:00"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "quiet_from");
    let r = w
        .json(
            "PUT",
            "/api/v1/me/notify-prefs",
            Some(&a),
            &json!({"muted": ["market", "votes"], "quiet_from": "22:00", "quiet_to": "07:00"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["muted"], json!(["market", "votes"]));
}

#[tokio::test]
async fn each_job_goes_to_exactly_one_of_several_concurrent_workers() {
    let w = world().await;
    let js: Vec<NewJob> = (0..300).map(|i| NewJob::now("test.noop", json!({ "i": i }))).collect();
    queue::enqueue(&w.ctx.db, &js).await.unwrap();
    let mut set = tokio::task::JoinSet::new();
    for k in 0..6 {
        let db = w.ctx.db.clone();
        set.spawn(async move {
            let mut mine = vec![];
            loop {
                let got = queue::claim(&db, &format!("w{k}"), 25, chrono::Duration::seconds(60))
                    .await
                    .unwrap();
                if got.is_empty() {
                    return mine;
                }
                mine.extend(got.into_iter().map(|j| j.id));
            }
        });
    }
    let mut all = vec![];
    while let Some(r) = set.join_next().await {
        all.extend(r.unwrap());
    }
    let unique: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), 300, "every job claimed");
    assert_eq!(unique.len(), 300, "no job claimed twice");
    // Leased: nobody can claim them again until the lease runs out.
    assert!(queue::claim(&w.ctx.db, "late", 10, chrono::Duration::seconds(60))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn failing_jobs_back_off_then_give_up_and_expired_ones_stop() {
    let w = world().await;
    let mut j = NewJob::now("test.flaky", json!({}));
    j.max_attempts = 2;
    queue::enqueue(&w.ctx.db, &[j]).await.unwrap();
    let got = queue::claim(&w.ctx.db, "w", 5, chrono::Duration::seconds(60))
        .await
        .unwrap();
    assert_eq!(got[0].attempts, 1);
    let retry = JobResult::Retry {
        after: None,
        error: "503".into(),
    };
    queue::settle(&w.ctx.db, &got[0], "w", &retry).await.unwrap();
    let row = jobs::Entity::find_by_id(got[0].id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.state, "queued");
    let wait = (row.run_at - queue::now()).num_seconds();
    assert!((29..=30).contains(&wait), "first retry waits 30 s, got {wait}");
    // Not due yet: nothing to claim.
    assert!(queue::claim(&w.ctx.db, "w", 5, chrono::Duration::seconds(60))
        .await
        .unwrap()
        .is_empty());
    // Someone else's settle of a job it does not hold changes nothing.
    queue::settle(&w.ctx.db, &row, "intruder", &JobResult::Done)
        .await
        .unwrap();
    assert_eq!(
        jobs::Entity::find_by_id(row.id)
            .one(&w.ctx.db)
            .await
            .unwrap()
            .unwrap()
            .state,
        "queued"
    );
    // Second attempt (pretend it is due) fails again: out of attempts.
    let mut second = row.clone();
    second.attempts = 2;
    queue::settle(&w.ctx.db, &second, "w", &retry).await.unwrap();
    assert_eq!(
        jobs::Entity::find_by_id(row.id)
            .one(&w.ctx.db)
            .await
            .unwrap()
            .unwrap()
            .state,
        "failed"
    );

    // A job whose expiry comes before its next try is given up as expired.
    let mut e = NewJob::now("test.short", json!({}));
    e.expires_at = Some(queue::now() + chrono::Duration::seconds(10));
    queue::enqueue(&w.ctx.db, &[e]).await.unwrap();
    let got = queue::claim(&w.ctx.db, "w", 5, chrono::Duration::seconds(60))
        .await
        .unwrap();
    queue::settle(&w.ctx.db, &got[0], "w", &retry).await.unwrap();
    assert_eq!(
        jobs::Entity::find_by_id(got[0].id)
            .one(&w.ctx.db)
            .await
            .unwrap()
            .unwrap()
            .state,
        "expired"
    );
    // An unknown kind fails for good rather than looping.
    queue::enqueue(&w.ctx.db, &[NewJob::now("test.unknown", json!({}))])
        .await
        .unwrap();
    assert_eq!(drain(&w).await, 1);
    let failed = jobs::Entity::find()
        .filter(jobs::Column::Kind.eq("test.unknown"))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(failed.state, "failed");
}

/// A push service on a local port: `/ok` accepts, `/gone` answers 410, `/flaky` fails once
/// with 500 then accepts, `/slow` never answers in time. Counts every request per path.
async fn push_service() -> (
    String,
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, u32>>>,
) {
    use axum::extract::{Path, State};
    use std::sync::{Arc, Mutex};
    type Hits = Arc<Mutex<std::collections::HashMap<String, u32>>>;
    async fn recv(State(h): State<Hits>, Path(p): Path<String>) -> StatusCode {
        let n = {
            let mut g = h.lock().unwrap();
            let e = g.entry(p.clone()).or_insert(0);
            *e += 1;
            *e
        };
        match p.as_str() {
            "ok" => StatusCode::CREATED,
            "gone" => StatusCode::GONE,
            "flaky" if n == 1 => StatusCode::INTERNAL_SERVER_ERROR,
            "flaky" => StatusCode::CREATED,
            _ => {
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                StatusCode::CREATED
            }
        }
    }
    let hits: Hits = Arc::default();
    let app = axum::Router::new()
        .route("/{p}", axum::routing::post(recv))
        .with_state(hits.clone());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (format!("http://{addr}"), hits)
}

#[tokio::test]
async fn deliveries_retry_back_off_drop_gone_devices_and_never_deliver_twice() {
    use app::db::entities::push_subscriptions;
    use app::notify::{push::PushSender, vapid::Vapid};
    use base64::Engine;
    use sea_orm::sea_query::Expr;
    let (base, hits) = push_service().await;
    let vapid = Vapid::generate().unwrap();
    let sender = PushSender::new(
        vapid.clone(),
        "mailto:ops@example.com",
        std::time::Duration::from_millis(800),
    )
    .allow_http();
    let cfg = app::db::RuntimeConfig::default().with(app::notify::channel::Outbound {
        push: Some(std::sync::Arc::new(sender)),
        vapid_public: vapid.public_key_b64url(),
        ..Default::default()
    });
    let w = world_with(cfg).await;
    w.resident("13900000001", "甲").await;
    let tok = w.token("13900000001").await;
    // Four devices of one user; each subscription's keys are a real P-256 point and secret.
    for p in ["ok", "gone", "flaky", "slow"] {
        let device_key = Vapid::generate().unwrap().public_key_b64url();
        let auth = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
        let r = w
            .json(
                "POST",
                "/api/v1/me/devices",
                Some(&tok),
                &json!({"endpoint": format!("{base}/{p}"), "p256dh": device_key, "auth": auth, "label": p}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let user = authed(&w, "13900000001").await.user_id;
    let notice = app::notify::service::Notice {
        category: app::notify::model::Category::Repairs,
        title: "报修已派工".into(),
        body: "维修师傅将于今天下午上门".into(),
        link: "/repair".into(),
        dedupe: Some("ticket:1:dispatched".into()),
        ttl: chrono::Duration::hours(6),
        broadcast: None,
        replace: false,
        urgent: false,
    };
    assert_eq!(
        app::notify::service::raise(&w.ctx.db, &[user], &notice).await.unwrap(),
        1
    );
    // Raising it again (a retried transition) stores and sends nothing more.
    assert_eq!(
        app::notify::service::raise(&w.ctx.db, &[user], &notice).await.unwrap(),
        0
    );
    assert_eq!(jobs::Entity::find().count(&w.ctx.db).await.unwrap(), 4);
    assert_eq!(drain(&w).await, 4);
    let state = |s: &'static str| {
        let db = w.ctx.db.clone();
        async move {
            jobs::Entity::find()
                .filter(jobs::Column::State.eq(s))
                .count(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(state("done").await, 2, "ok delivered; gone handled");
    assert_eq!(state("queued").await, 2, "flaky and slow wait for a retry");
    // The gone device is removed; the others stay.
    let left: Vec<String> = push_subscriptions::Entity::find()
        .all(&w.ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.label)
        .collect();
    assert_eq!(left.len(), 3);
    assert!(!left.contains(&"gone".to_string()));
    // The retries wait for their backoff (30 s); nothing is due now.
    let queued = jobs::Entity::find()
        .filter(jobs::Column::State.eq("queued"))
        .all(&w.ctx.db)
        .await
        .unwrap();
    for j in &queued {
        assert_eq!(j.attempts, 1);
        let wait = (j.run_at - queue::now()).num_seconds();
        assert!((29..=30).contains(&wait), "backoff {wait}");
    }
    assert_eq!(drain(&w).await, 0);
    // Time passes: make them due. The flaky service now accepts; the slow one times out again.
    jobs::Entity::update_many()
        .col_expr(jobs::Column::RunAt, Expr::value(queue::now()))
        .filter(jobs::Column::State.eq("queued"))
        .exec(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(drain(&w).await, 2);
    let slow = jobs::Entity::find()
        .filter(jobs::Column::State.eq("queued"))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .expect("the slow one is still retrying");
    assert_eq!(slow.attempts, 2);
    assert!(
        (slow.run_at - queue::now()).num_seconds() >= 59,
        "second backoff is 60 s"
    );
    let h = hits.lock().unwrap().clone();
    assert_eq!(h.get("ok"), Some(&1), "delivered once: {h:?}");
    assert_eq!(h.get("gone"), Some(&1), "{h:?}");
    assert_eq!(h.get("flaky"), Some(&2), "one failure, one delivery: {h:?}");
    assert_eq!(h.get("slow"), Some(&2), "{h:?}");
}

#[tokio::test]
async fn staff_broadcast_to_their_subtree_and_see_delivery_counts() {
    let w = world().await;
    let _ = fee_setup(&w, 1, 3).await;
    w.staff("kf.a", "甲客服", "customer_service", w.office_a).await;
    w.staff("kf.b", "乙客服", "customer_service", w.office_b).await;
    w.resident("13900000001", "业主0").await;
    w.resident("13900000002", "业主1").await;
    let kf = w.token("kf.a").await;
    let kf_b = w.token("kf.b").await;
    let reader = w.token("13900000001").await;
    let body = |org: i64, title: &str, link: &str| json!({"org_id": org, "title": title, "body": "本周六上午 9:00–11:00 停水检修，请提前储水。", "link": link});
    // Bad input names its field; another office is out of scope.
    let r = w
        .json("POST", "/api/v1/broadcasts", Some(&kf), &body(w.office_a.0, " ", ""))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "title");
    let r = w
        .json(
            "POST",
            "/api/v1/broadcasts",
            Some(&kf),
            &body(w.office_a.0, "停水通知", "https://evil.example"),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "link");
    let r = w
        .json(
            "POST",
            "/api/v1/broadcasts",
            Some(&kf_b),
            &body(w.office_a.0, "停水通知", ""),
        )
        .await;
    assert!(
        matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        r.status
    );
    let r = w
        .json(
            "POST",
            "/api/v1/broadcasts",
            Some(&reader),
            &body(w.office_a.0, "停水通知", ""),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w
        .json(
            "POST",
            "/api/v1/broadcasts",
            Some(&kf),
            &body(w.office_a.0, "停水通知", "/community"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["sending"], true);
    assert_eq!(drain(&w).await, 1);
    // Three homes have owners; two of them have accounts: two inboxes.
    let list = w.get("/api/v1/broadcasts", Some(&kf)).await.json();
    assert_eq!(list[0]["recipients"], 2, "{list}");
    assert_eq!(list[0]["read"], 0);
    assert_eq!(list[0]["sending"], false);
    let inbox = w.get("/api/v1/me/notifications", Some(&reader)).await.json();
    let n = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["title"] == "停水通知")
        .cloned()
        .expect("the broadcast reached the inbox");
    assert_eq!(n["category"], "announcements");
    assert_eq!(n["link"], "/community");
    w.json(
        "POST",
        "/api/v1/me/notifications/read",
        Some(&reader),
        &json!({"ids": [n["id"]]}),
    )
    .await;
    assert_eq!(w.get("/api/v1/broadcasts", Some(&kf)).await.json()[0]["read"], 1);
    // The job again (a retried delivery) reaches nobody twice.
    queue::enqueue(
        &w.ctx.db,
        &[NewJob::now("notify.broadcast", json!({"b": list[0]["id"]}))],
    )
    .await
    .unwrap();
    drain(&w).await;
    assert_eq!(w.get("/api/v1/broadcasts", Some(&kf)).await.json()[0]["recipients"], 2);
    // Office B's staff do not see office A's broadcasts.
    assert_eq!(
        w.get("/api/v1/broadcasts", Some(&kf_b))
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test]
async fn marking_read_names_a_bounded_list() {
    let w = world().await;
    w.resident("13900000001", "甲").await;
    let tok = w.token("13900000001").await;
    // 32 766 ids once overflowed SQLite's variables (a 500); more than 1000 is named now.
    for (n, status) in [(32_766, StatusCode::UNPROCESSABLE_ENTITY), (1_000, StatusCode::OK)] {
        let ids: Vec<i64> = (1..=n).collect();
        let r = w
            .json(
                "POST",
                "/api/v1/me/notifications/read",
                Some(&tok),
                &json!({ "ids": ids }),
            )
            .await;
        assert_eq!(r.status, status, "{n}: {}", r.body);
        if status != StatusCode::OK {
            assert_eq!(r.json()["error"]["field"], "ids");
        }
    }
}
