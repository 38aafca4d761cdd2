//! Benchmark (not a test): the staff ticket list and the daily report with 1 000 000 tickets
//! (20 communities in 4 offices, 120 days, every status). Prints p50/p95 of each query as the
//! service runs it (scope lookup, filters, names for the page). SQLite always; PostgreSQL too
//! when `LINLI_TEST_DATABASE_URL` is set. `LINLI_BENCH_TICKETS` changes the count.
//!
//!     cargo bench -p server --bench service
//!     LINLI_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres cargo bench -p server --bench service
use app::access::model::{AuthVia, Authed, RequestMeta, UserKind};
use app::access::service as access;
use app::db::entities::service_tickets;
use app::db::{AppCtx, RuntimeConfig};
use app::org::model::OrgKind;
use app::org::service as org;
use app::shared::ids::{OrgId, UserId};
use app::tickets::model::ListFilter;
use app::tickets::{lists, reports};
use chrono::{Duration as Days, Utc};
use sea_orm::{ActiveValue::Set, EntityTrait};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;
use common::{open, pct};

const RUNS: usize = 200;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

async fn who(ctx: &AppCtx, login: &str, role: &str, org: OrgId) -> Authed {
    let id = access::create_user_system(ctx, login, None, login, "Bench-password-2026", UserKind::Staff, false)
        .await
        .unwrap();
    access::grant_system(ctx, login, role, org).await.unwrap();
    let _ = id;
    let u = app::db::entities::users::Entity::find()
        .all(&ctx.db)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.login == login)
        .unwrap();
    Authed {
        user_id: UserId(u.id),
        session_id: String::new(),
        csrf_token: String::new(),
        via: AuthVia::Bearer,
    }
}

async fn time<F, Fut>(runs: usize, mut f: F) -> (f64, f64)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut v: Vec<Duration> = Vec::with_capacity(runs);
    for i in 0..runs {
        let t = Instant::now();
        f(i).await;
        v.push(t.elapsed());
    }
    (pct(&mut v, 0.5), pct(&mut v, 0.95))
}

async fn run(label: &str, url: Option<&str>, total: usize) {
    let db = open(url).await;
    let ctx = AppCtx {
        db,
        cfg: Arc::new(RuntimeConfig::default()),
    };
    let c = &ctx.db;
    let company = org::create_org(c, None, OrgKind::Company, "基准物业", "B")
        .await
        .unwrap();
    let mut offices = vec![];
    let mut communities = vec![];
    for o in 0..4 {
        let office = org::create_org(
            c,
            Some(company.id),
            OrgKind::Office,
            &format!("管理处{o}"),
            &format!("B-{o}"),
        )
        .await
        .unwrap();
        for k in 0..5 {
            let cm = org::create_org(
                c,
                Some(office.id),
                OrgKind::Community,
                &format!("小区{o}-{k}"),
                &format!("B-{o}-{k}"),
            )
            .await
            .unwrap();
            communities.push((office.id.0, cm.id.0));
        }
        offices.push(office.id);
    }
    let hq = who(&ctx, "hq.desk", "project_manager", company.id).await;
    let desk = who(&ctx, "office.desk", "customer_service", offices[0]).await;
    let tech = who(&ctx, "tech.one", "technician", offices[0]).await;

    // 1M tickets over 120 days; the last week's still open, most older ones closed.
    let t = Instant::now();
    let now = Utc::now();
    let statuses = [
        "submitted",
        "accepted",
        "dispatched",
        "in_progress",
        "done",
        "verified",
        "closed",
        "cancelled",
    ];
    let kinds = ["repair_home", "repair_public", "complaint", "inquiry", "praise"];
    let mut r = Lcg(20261126);
    let mut rows: Vec<service_tickets::ActiveModel> = Vec::with_capacity(500);
    for i in 0..total {
        let (office, community) = communities[(r.next() % communities.len() as u64) as usize];
        let age_min = (r.next() % (120 * 24 * 60)) as i64;
        let created = now - Days::minutes(age_min);
        let recent = age_min < 7 * 24 * 60;
        let status = if recent {
            statuses[(r.next() % 8) as usize]
        } else if r.next().is_multiple_of(50) {
            statuses[(r.next() % 4) as usize]
        } else {
            statuses[6 + (r.next() % 2) as usize]
        };
        let open = matches!(status, "submitted" | "accepted" | "dispatched" | "in_progress");
        let handled = (!open && status != "cancelled").then(|| created + Days::minutes((r.next() % 400) as i64));
        let closed = matches!(status, "closed" | "cancelled").then(|| created + Days::minutes(500));
        let assignee =
            (status != "submitted" && status != "accepted" && r.next().is_multiple_of(10)).then_some(tech.user_id.0);
        rows.push(service_tickets::ActiveModel {
            number: Set(format!("R{:08}-{i}", 20260000 + i % 10_000)),
            office_id: Set(office),
            community_id: Set(community),
            unit_id: Set(None),
            kind: Set(kinds[(r.next() % 5) as usize].into()),
            category: Set("other".into()),
            priority: Set(if r.next().is_multiple_of(10) {
                "urgent"
            } else {
                "normal"
            }
            .into()),
            source: Set("app".into()),
            status: Set(status.into()),
            spot: Set(format!("{} 号楼", r.next() % 20)),
            description: Set("楼道灯不亮，晚上回家看不清台阶".into()),
            preferred_time: Set(String::new()),
            reporter_id: Set(None),
            caller_name: Set(String::new()),
            caller_phone: Set(String::new()),
            team_id: Set(None),
            assignee_id: Set(assignee),
            pool: Set(false),
            taken_on: Set(assignee.is_some()),
            respond_due: Set(created + Days::minutes(15)),
            handle_due: Set(created + Days::minutes(240)),
            responded_at: Set((status != "submitted").then(|| created + Days::minutes((r.next() % 30) as i64))),
            handled_at: Set(handled),
            closed_at: Set(closed),
            respond_breached: Set(false),
            handle_breached: Set(false),
            escalated: Set(0),
            stars: Set((status == "closed" && r.next().is_multiple_of(2)).then(|| 3 + (r.next() % 3) as i32)),
            rating_comment: Set(String::new()),
            labour_minutes: Set(handled.map(|_| 30)),
            materials: Set("[]".into()),
            charge: Set(None),
            bill_line_id: Set(None),
            reopened: Set(0),
            created_by: Set(hq.user_id.0),
            created_at: Set(created),
            updated_at: Set(created),
            ..Default::default()
        });
        // 500 rows × 38 columns stay under SQLite's 32 766 bound variables.
        if rows.len() == 500 || i + 1 == total {
            service_tickets::Entity::insert_many(std::mem::take(&mut rows))
                .exec_without_returning(c)
                .await
                .unwrap();
        }
    }
    if url.is_none() {
        use sea_orm::ConnectionTrait;
        c.execute_unprepared("ANALYZE").await.unwrap();
    } else {
        use sea_orm::ConnectionTrait;
        // What autovacuum does on a live server: statistics and the visibility map that
        // index-only scans need.
        c.execute_unprepared("VACUUM ANALYZE service_tickets").await.unwrap();
    }
    println!("[{label}] {total} tickets stored in {:.1} s", t.elapsed().as_secs_f64());

    let meta = RequestMeta::default();
    let cases: Vec<(&str, &Authed, ListFilter)> = vec![
        ("headquarters, all, first page", &hq, ListFilter::default()),
        (
            "headquarters, open",
            &hq,
            ListFilter {
                status: "open".into(),
                ..Default::default()
            },
        ),
        (
            "headquarters, overdue",
            &hq,
            ListFilter {
                status: "overdue".into(),
                ..Default::default()
            },
        ),
        (
            "office desk, open",
            &desk,
            ListFilter {
                status: "open".into(),
                ..Default::default()
            },
        ),
        (
            "office desk, complaints",
            &desk,
            ListFilter {
                kind: "complaint".into(),
                ..Default::default()
            },
        ),
        ("technician, own work", &tech, ListFilter::default()),
    ];
    for (name, who, f) in cases {
        // Keyset pages deep into the list as well as the first one.
        let first = lists::staff_list(&ctx, &meta, who, f.clone()).await.unwrap();
        let deep = first.items.last().map(|x| x.id - (total as i64) / 3);
        let (p50, p95) = time(RUNS, |i| {
            let mut f = f.clone();
            if i % 2 == 1 {
                f.before = deep.filter(|d| *d > 0);
            }
            let ctx = &ctx;
            let meta = &meta;
            async move {
                let p = lists::staff_list(ctx, meta, who, f).await.unwrap();
                std::hint::black_box(p);
            }
        })
        .await;
        println!(
            "[{label}] staff ticket list, {name}: p50 {p50:.2} ms, p95 {p95:.2} ms ({} rows a page)",
            first.items.len()
        );
    }
    for (name, who) in [("headquarters", &hq), ("office", &desk)] {
        let nodes = reports::report_scope(&ctx, &meta, who, None).await.unwrap();
        let (p50, p95) = time(RUNS / 2, |i| {
            let day = app::shared::time::today_cn() - Days::days((i % 30) as i64);
            let nodes = nodes.clone();
            let ctx = &ctx;
            async move {
                let d = reports::daily(&ctx.db, &nodes, day, Utc::now()).await.unwrap();
                std::hint::black_box(d);
            }
        })
        .await;
        let d = reports::daily(&ctx.db, &nodes, app::shared::time::today_cn(), Utc::now())
            .await
            .unwrap();
        println!(
            "[{label}] daily report, {name}: p50 {p50:.2} ms, p95 {p95:.2} ms (today: {} new, {} overdue)",
            d.created, d.overdue
        );
    }
}

#[tokio::main]
async fn main() {
    let total: usize = std::env::var("LINLI_BENCH_TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    run("SQLite", None, total).await;
    if let Ok(url) = std::env::var("LINLI_TEST_DATABASE_URL") {
        run("PostgreSQL", Some(&url), total).await;
    }
}
