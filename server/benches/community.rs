//! Benchmark (not a test): a notice to every household of a community of 50 000 homes (one
//! owner or tenant each, every account with one push device). Times the sending job (the target
//! resolved into 50 000 receipts, the inbox rows and the queued pushes), then the read-receipt
//! summary staff open (`GET /notices/{id}`'s work: counts and the first unread households) while
//! residents read it, as percentiles. SQLite always; PostgreSQL too when
//! `LINLI_TEST_DATABASE_URL` is set. `LINLI_BENCH_UNITS` changes the scale.
//!
//!     cargo bench -p server --bench community
//!     LINLI_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres cargo bench -p server --bench community
use app::access::model::{AuthVia, Authed, RequestMeta, UserKind};
use app::access::service as access;
use app::community::model::{Audience, NewNotice, NoticeCategory, NoticeKind};
use app::community::notices;
use app::db::entities::{cm_notice_receipts, jobs, notifications, users};
use app::db::{AppCtx, RuntimeConfig};
use app::jobs::JobResult;
use app::shared::ids::UserId;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::sync::Arc;
use std::time::Instant;

mod common;
use common::{open, pct};

async fn run(label: &str, url: Option<&str>) {
    let n: usize = std::env::var("LINLI_BENCH_UNITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let db = open(url).await;
    let ctx = AppCtx {
        db,
        cfg: Arc::new(RuntimeConfig::default()),
    };
    let t = Instant::now();
    // Every fifth home rented: the tenant lives there, the owner does not.
    let e = common::estate(&ctx, n, |k| if k % 5 == 0 { "tenant" } else { "owner" }).await;
    let ids: Vec<i64> = e.users.values().copied().collect();
    common::devices(
        &ctx.db,
        &ids,
        |u| format!("https://push.example/p/{u}"),
        "bench",
        "bench",
    )
    .await;
    access::create_user_system(
        &ctx,
        "bench.pm",
        None,
        "基准经理",
        "Bench-Linli-2026-notices!",
        UserKind::Staff,
        false,
    )
    .await
    .unwrap();
    access::grant_system(&ctx, "bench.pm", "project_manager", e.office)
        .await
        .unwrap();
    let pm_id = users::Entity::find()
        .filter(users::Column::Login.eq("bench.pm"))
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let pm = Authed {
        user_id: UserId(pm_id),
        session_id: String::new(),
        csrf_token: String::new(),
        via: AuthVia::Cookie,
    };
    println!(
        "[{label}] seeded {n} homes, people, accounts and devices in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let meta = RequestMeta::default();
    let row = notices::create(
        &ctx,
        &meta,
        &pm,
        NewNotice {
            community_id: e.community,
            title: "明日全小区停水".into(),
            body: "明日 9:00–17:00 停水检修，请提前储水。".into(),
            category: NoticeCategory::Outage,
            kind: NoticeKind::Emergency,
            audience: Audience::Everyone,
            buildings: vec![],
            units: String::new(),
            publish_at: String::new(),
            ends_at: String::new(),
            documents: vec![],
            photos: vec![],
            by_committee: false,
        },
    )
    .await
    .unwrap();
    let t = Instant::now();
    let r = notices::publish(&ctx, &serde_json::json!({ "n": row.id })).await;
    let send = t.elapsed();
    assert!(matches!(r, JobResult::Done), "{r:?}");
    let receipts = cm_notice_receipts::Entity::find()
        .filter(cm_notice_receipts::Column::NoticeId.eq(row.id))
        .count(&ctx.db)
        .await
        .unwrap();
    let inbox = notifications::Entity::find().count(&ctx.db).await.unwrap();
    let pushes = jobs::Entity::find()
        .filter(jobs::Column::Kind.eq("push"))
        .count(&ctx.db)
        .await
        .unwrap();
    assert_eq!(receipts as usize, n);
    println!(
        "[{label}] sending to {n} households: {receipts} receipts, {inbox} inbox rows, {pushes} pushes queued in {:.2} s ({:.0} households/s)",
        send.as_secs_f64(),
        n as f64 / send.as_secs_f64()
    );

    // Residents read it (a tenth of them, spread over the community) between staff looking.
    let readers: Vec<i64> = (0..n).step_by(10).map(|p| e.users[&common::phone(p)]).collect();
    let mut summary = vec![];
    let mut reads = vec![];
    for (i, u) in readers.iter().enumerate() {
        let who = Authed {
            user_id: UserId(*u),
            session_id: String::new(),
            csrf_token: String::new(),
            via: AuthVia::Cookie,
        };
        let t = Instant::now();
        notices::open(&ctx, &who, row.id).await.unwrap();
        reads.push(t.elapsed());
        if i % 25 == 0 {
            let t = Instant::now();
            let d = notices::detail(&ctx, &meta, &pm, row.id).await.unwrap();
            summary.push(t.elapsed());
            assert_eq!(d.notice.read + d.unread_total, n as i64);
        }
    }
    println!(
        "[{label}] a resident opening it (marks the household read): median {:.1} ms, p95 {:.1} ms over {} reads",
        pct(&mut reads.clone(), 0.5),
        pct(&mut reads, 0.95),
        readers.len()
    );
    println!(
        "[{label}] read-receipt summary for staff ({n} households): median {:.1} ms, p95 {:.1} ms over {} looks",
        pct(&mut summary.clone(), 0.5),
        pct(&mut summary, 0.95),
        summary.len()
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    run("sqlite", None).await;
    if let Ok(url) = std::env::var("LINLI_TEST_DATABASE_URL") {
        run("postgres", Some(&url)).await;
    }
}
