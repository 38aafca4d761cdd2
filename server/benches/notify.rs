//! Benchmark (not a test): one notice fanned out to 100 000 devices through the job queue to a
//! push service on a local port (RFC 8291 encryption, VAPID, HTTP POST per device), as the
//! server's workers run it. Prints the time to raise the notice (inbox rows + queued jobs) and
//! the delivery rate. SQLite always; PostgreSQL too when `LINLI_TEST_DATABASE_URL` is set.
//!
//!     cargo bench -p server --bench notify
//!     LINLI_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres cargo bench -p server --bench notify
use app::db::entities::{jobs, users};
use app::db::{AppCtx, RuntimeConfig};
use app::jobs::queue;
use app::notify::{model::Category, push::PushSender, service, vapid::Vapid};
use app::shared::ids::UserId;
use axum::http::StatusCode;
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;
use common::open;

const DEVICES: usize = 100_000;
/// Workers in this one process (a server runs one; several servers run several).
const WORKERS: usize = 4;

async fn receiver() -> (String, Arc<AtomicU64>) {
    let hits = Arc::new(AtomicU64::new(0));
    let h = hits.clone();
    let app = axum::Router::new().route(
        "/p/{id}",
        axum::routing::post(move || {
            let h = h.clone();
            async move {
                h.fetch_add(1, Ordering::Relaxed);
                StatusCode::CREATED
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (format!("http://{addr}"), hits)
}

async fn run(label: &str, url: Option<&str>) {
    let db = open(url).await;
    let (base, hits) = receiver().await;
    let vapid = Vapid::generate().unwrap();
    let sender = PushSender::new(vapid.clone(), "mailto:bench@example.com", Duration::from_secs(10)).allow_http();
    let ctx = AppCtx {
        db,
        cfg: Arc::new(RuntimeConfig::default().with(app::notify::channel::Outbound {
            push: Some(Arc::new(sender)),
            vapid_public: vapid.public_key_b64url(),
            ..Default::default()
        })),
    };
    // 100 000 residents, one device each (a real P-256 key and auth secret per device class).
    let t = Instant::now();
    let now = Utc::now();
    let device_key = Vapid::generate().unwrap().public_key_b64url();
    let device_auth = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
    };
    for chunk in (0..DEVICES).collect::<Vec<_>>().chunks(1_000) {
        let us: Vec<users::ActiveModel> = chunk
            .iter()
            .map(|i| users::ActiveModel {
                login: Set(format!("b{i}")),
                phone: Set(Some(format!("1{:010}", i))),
                display_name: Set(format!("住户{i}")),
                password_hash: Set("!".into()),
                kind: Set("resident".into()),
                status: Set("active".into()),
                locale: Set("zh-CN".into()),
                large_text: Set(false),
                password_changed_at: Set(now),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        users::Entity::insert_many(us)
            .exec_without_returning(&ctx.db)
            .await
            .unwrap();
    }
    let ids: Vec<i64> = users::Entity::find()
        .all(&ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    common::devices(&ctx.db, &ids, |u| format!("{base}/p/{u}"), &device_key, &device_auth).await;
    println!(
        "[{label}] seeded {DEVICES} users and devices in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let users: Vec<UserId> = ids.iter().map(|i| UserId(*i)).collect();
    let notice = service::Notice {
        category: Category::Announcements,
        title: "停水通知".into(),
        body: "本周六上午 9:00–11:00 停水检修，请提前储水。".into(),
        link: "/community".into(),
        dedupe: Some("bench:1".into()),
        ttl: chrono::Duration::hours(6),
        broadcast: None,
        replace: false,
        urgent: false,
    };
    let t = Instant::now();
    let mut raised = 0;
    for chunk in users.chunks(1_000) {
        raised += service::raise(&ctx.db, chunk, &notice).await.unwrap();
    }
    let raise_s = t.elapsed().as_secs_f64();
    assert_eq!(raised, DEVICES);
    println!(
        "[{label}] raise: {DEVICES} inbox rows + {DEVICES} push jobs in {raise_s:.2} s ({:.0} notices/s)",
        DEVICES as f64 / raise_s
    );

    let t = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    let registry = std::sync::Arc::new(server::jobs::registry(0));
    for w in 0..WORKERS {
        let ctx = ctx.clone();
        let registry = registry.clone();
        set.spawn(async move {
            let mut n = 0;
            loop {
                let k = queue::run_once(&ctx, &registry, &format!("bench-{w}"), 128)
                    .await
                    .unwrap();
                if k == 0 {
                    return n;
                }
                n += k;
            }
        });
    }
    let mut ran = 0;
    while let Some(r) = set.join_next().await {
        ran += r.unwrap();
    }
    let secs = t.elapsed().as_secs_f64();
    let delivered = hits.load(Ordering::Relaxed);
    let done = jobs::Entity::find()
        .filter(jobs::Column::State.eq("done"))
        .count(&ctx.db)
        .await
        .unwrap();
    println!(
        "[{label}] delivery: {delivered} pushes received by the local push service, {done} jobs done ({ran} run) in {secs:.2} s = {:.0} pushes/s with {WORKERS} workers",
        delivered as f64 / secs
    );
    assert_eq!(delivered as usize, DEVICES, "every device exactly once");
}

#[tokio::main]
async fn main() {
    let _ = tracing_subscriber::fmt().with_env_filter("error").try_init();
    run("SQLite", None).await;
    if let Ok(url) = std::env::var("LINLI_TEST_DATABASE_URL") {
        if !url.is_empty() {
            run("PostgreSQL", Some(&url)).await;
        }
    }
}
