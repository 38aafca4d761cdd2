//! Benchmark (not a test): an owners' assembly of 20 000 units, each with its own owner and
//! account. Times the opening (the register frozen), then 20 000 ballots of 10 items cast
//! through the HTTP API (a real socket, `linli`'s router) by 200 concurrent clients, with 200
//! of them sent twice at once to show a repeat is taken once; checks that none is lost or
//! doubled and that the log re-walks; then times the tally of the 20 000 ballots × 10 items.
//! SQLite always; PostgreSQL too when `LINLI_TEST_DATABASE_URL` is set. `LINLI_BENCH_UNITS`
//! and `LINLI_BENCH_CLIENTS` change the scale.
//!
//!     cargo bench -p server --bench governance
//!     LINLI_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres cargo bench -p server --bench governance
use app::access::model::{AuthVia, Authed, RequestMeta};
use app::access::service as access;
use app::db::entities::{gov_ballot_log, gov_ballots, gov_meetings, gov_voter_persons, sessions};
use app::db::{AppCtx, RuntimeConfig};
use app::governance::model::{ItemKind, MeetingAction, NewMeeting, NewMeetingItem, Rule};
use app::governance::{ballots, meetings};
use app::shared::ids::{MeetingId, UserId};
use axum::body::Bytes;
use chrono::Utc;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

mod common;
use common::{open, pct};

const ITEMS: usize = 10;
const REPEATS: usize = 200;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A community of `n` units, one owner each with an account and a session token; returns the
/// committee chair and each owner's (person id, token).
async fn seed(ctx: &AppCtx, n: usize) -> (Authed, app::shared::ids::OrgId, Vec<(i64, String)>) {
    let db = &ctx.db;
    let e = common::estate(ctx, n, |_| "owner").await;
    let now = Utc::now();
    let phone = common::phone;
    let (person_ids, user_ids) = (e.persons, e.users);
    // A session each: the clients send the session's token as a bearer, as the app does after
    // a login.
    let mut owners = Vec::with_capacity(n);
    let mut rows = Vec::with_capacity(n);
    for p in 0..n {
        let token = format!("bench-token-{p:08}-{}", std::process::id());
        rows.push(sessions::ActiveModel {
            id: Set(access::token_id(&token)),
            user_id: Set(user_ids[&phone(p)]),
            csrf_token: Set(format!("csrf{p}")),
            kind: Set("bearer".into()),
            ip: Set("127.0.0.1".into()),
            user_agent: Set("bench".into()),
            created_at: Set(now),
            last_seen_at: Set(now),
            reauth_at: Set(now),
        });
        owners.push((person_ids[&phone(p)], token));
    }
    for chunk in rows.chunks(1000) {
        sessions::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
    }
    access::grant_system(ctx, &phone(0), meetings::COMMITTEE_ROLE, e.community)
        .await
        .unwrap();
    let chair = Authed {
        user_id: UserId(user_ids[&phone(0)]),
        session_id: String::new(),
        csrf_token: String::new(),
        via: AuthVia::Cookie,
    };
    (chair, e.community, owners)
}

async fn run(label: &str, url: Option<&str>) {
    let units = env("LINLI_BENCH_UNITS", 20_000);
    let clients = env("LINLI_BENCH_CLIENTS", 200);
    let db = open(url).await;
    let ctx = AppCtx {
        db,
        cfg: Arc::new(RuntimeConfig::default()),
    };
    let t = Instant::now();
    let (chair, community, owners) = seed(&ctx, units).await;
    println!(
        "{label}: seeded {units} units, owners, accounts and sessions in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let meta = RequestMeta::default();
    let today = app::shared::time::today_cn();
    let m = meetings::create(
        &ctx,
        &meta,
        &chair,
        NewMeeting {
            community,
            title: "基准表决".into(),
            body: String::new(),
            opens_on: today,
            closes_on: today + chrono::Days::new(30),
            allow_change: false,
            open_ballot: false,
        },
    )
    .await
    .unwrap();
    for i in 0..ITEMS {
        let item = NewMeetingItem {
            title: format!("事项 {i}"),
            body: String::new(),
            kind: ItemKind::Matter,
            rule: if i % 3 == 0 { Rule::Special } else { Rule::Ordinary },
            seats: 0,
            max_picks: 0,
            candidates: vec![],
        };
        meetings::add_item(&ctx, &meta, &chair, m.row.id, item).await.unwrap();
    }
    // Past the notice period, as time would be.
    let row = gov_meetings::Entity::find_by_id(m.row.id.0)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    let mut am: gov_meetings::ActiveModel = row.into();
    am.status = Set("noticed".into());
    am.opens_at = Set(Utc::now() - chrono::Duration::seconds(1));
    am.update(&ctx.db).await.unwrap();
    let t = Instant::now();
    meetings::act(&ctx, &meta, &chair, m.row.id, MeetingAction::Open)
        .await
        .unwrap();
    println!(
        "{label}: opening froze a register of {units} persons in {:.2} s",
        t.elapsed().as_secs_f64()
    );

    let idx: HashMap<i64, i32> = gov_voter_persons::Entity::find()
        .filter(gov_voter_persons::Column::MeetingId.eq(m.row.id.0))
        .all(&ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.person_id, v.voter_idx))
        .collect();

    // The server, on a real socket.
    let state = server::AppState {
        leptos_options: server::leptos_options("target/site-bench"),
        ctx: ctx.clone(),
        trusted_proxies: Arc::new(vec![]),
    };
    let app = server::router(state);
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(l, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
            .await
            .unwrap()
    });
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(clients)
        .build_http();
    let uri = format!("http://{addr}/api/v1/votes/{}/ballots", m.row.id.0);
    let choices = ["agree", "oppose", "abstain"];
    let mut jobs: Vec<(String, String)> = owners
        .iter()
        .enumerate()
        .map(|(k, (person, token))| {
            let answers: Vec<&str> = (0..ITEMS).map(|i| choices[(k * 7 + i * 3) % 3]).collect();
            let body = serde_json::json!({ "voter": idx[person], "answers": answers }).to_string();
            (token.clone(), body)
        })
        .collect();
    // Some ballots twice, the repeat sent by another client at about the same time.
    for k in 0..REPEATS.min(jobs.len()) {
        let j = jobs[k * (jobs.len() / REPEATS.max(1)).max(1) % jobs.len()].clone();
        jobs.push(j);
    }
    // Interleave the repeats with the rest.
    let len = jobs.len();
    for k in 0..REPEATS.min(len) {
        let a = len - 1 - k;
        let b = (k * 97) % len;
        jobs.swap(a, b);
    }
    let queue = Arc::new(tokio::sync::Mutex::new(jobs));
    let t = Instant::now();
    let mut tasks = vec![];
    for _ in 0..clients {
        let queue = queue.clone();
        let client = client.clone();
        let uri = uri.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = vec![];
            let mut failed = 0usize;
            loop {
                let Some((token, body)) = queue.lock().await.pop() else {
                    break;
                };
                let req = axum::http::Request::post(&uri)
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::from(body)))
                    .unwrap();
                let s = Instant::now();
                let res = client.request(req).await.unwrap();
                let status = res.status();
                let text = res.into_body().collect().await.unwrap().to_bytes();
                lat.push(s.elapsed());
                if status != 200 {
                    failed += 1;
                    if failed < 3 {
                        eprintln!("{status}: {}", String::from_utf8_lossy(&text));
                    }
                }
            }
            (lat, failed)
        }));
    }
    let mut lat = vec![];
    let mut failed = 0;
    for task in tasks {
        let (l, f) = task.await.unwrap();
        lat.extend(l);
        failed += f;
    }
    let took = t.elapsed();
    let sent = lat.len();
    println!(
        "{label}: {sent} ballot requests ({} repeats) from {clients} clients in {:.1} s: {:.0} ballots/s, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, {failed} refused",
        REPEATS.min(units),
        took.as_secs_f64(),
        units as f64 / took.as_secs_f64(),
        pct(&mut lat, 0.5),
        pct(&mut lat, 0.95),
        pct(&mut lat, 0.99),
    );
    let stored = gov_ballots::Entity::find()
        .filter(gov_ballots::Column::MeetingId.eq(m.row.id.0))
        .count(&ctx.db)
        .await
        .unwrap();
    let logged = gov_ballot_log::Entity::find()
        .filter(gov_ballot_log::Column::MeetingId.eq(m.row.id.0))
        .count(&ctx.db)
        .await
        .unwrap();
    println!(
        "{label}: ballots in force {stored}, log rows {logged}: {} lost, {} doubled",
        units as i64 - stored as i64,
        logged as i64 - stored as i64
    );
    let t = Instant::now();
    let v = ballots::verify(&ctx.db, MeetingId(m.row.id.0)).await.unwrap();
    println!(
        "{label}: the log re-walked and re-tallied in {:.2} s: {} problems",
        t.elapsed().as_secs_f64(),
        v.problems.len()
    );

    let row = gov_meetings::Entity::find_by_id(m.row.id.0)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    let mut times = vec![];
    let mut result = None;
    for _ in 0..5 {
        let t = Instant::now();
        result = Some(ballots::tally(&ctx.db, &row).await.unwrap());
        times.push(t.elapsed());
    }
    let result = result.unwrap();
    let agree = match &result.items[1].outcome {
        app::governance::model::ItemOutcome::Matter(t) => t.agree.persons,
        _ => 0,
    };
    println!(
        "{label}: tally of {} ballots × {ITEMS} items (read from the database and counted): median {:.0} ms (item 2: {agree} agree)",
        result.participating.persons,
        pct(&mut times, 0.5),
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    run("sqlite", None).await;
    if let Ok(url) = std::env::var("LINLI_TEST_DATABASE_URL") {
        run("postgres", Some(&url)).await;
    }
}
