//! Benchmark (not a test): billing at the scale of a large property company.
//! 100 000 units in 10 communities of one office, each with an owner; three charge items
//! (property fee by area, a fixed fee, and a formula). Times a month's bill run (preview,
//! generate, rerun) against a raw insert of the same rows, then the collection report over
//! four billed months (1.2 million lines), and twenty cashiers paying while a run writes. SQLite always; PostgreSQL too when
//! `LINLI_TEST_DATABASE_URL` is set.
//!
//!     cargo bench -p server --bench billing
//!     LINLI_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres cargo bench -p server --bench billing
use app::access::model::{AuthVia, Authed, RequestMeta, UserKind};
use app::access::service as access;
use app::billing::counter::{self, NewPayment};
use app::billing::model::PayMethod;
use app::billing::model::StandardInput;
use app::billing::{reports, runs, standards};
use app::db::entities::{bill_lines, buildings, occupancies, persons, units, users};
use app::db::{AppCtx, RuntimeConfig};
use app::org::model::OrgKind;
use app::org::service as org;
use app::shared::ids::{OrgId, UserId};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;
use common::{open, pct};

const COMMUNITIES: i64 = 10;
const UNITS_PER_COMMUNITY: i64 = 10_000;
const MONTHS: [&str; 4] = ["2026-01", "2026-02", "2026-03", "2026-04"];

/// Fills the database; returns an administrator at the company and the company's id.
async fn seed(ctx: &AppCtx) -> (Authed, OrgId) {
    let db = &ctx.db;
    let t = Instant::now();
    let company = org::create_org(db, None, OrgKind::Company, "基准物业", "BM")
        .await
        .unwrap();
    let office = org::create_org(db, Some(company.id), OrgKind::Office, "管理处", "BM-0")
        .await
        .unwrap();
    let now = Utc::now();
    let since = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let mut communities = vec![];
    for c in 0..COMMUNITIES {
        let community = org::create_org(
            db,
            Some(office.id),
            OrgKind::Community,
            &format!("小区{c}"),
            &format!("BM-C{c}"),
        )
        .await
        .unwrap();
        let mut bids = vec![];
        for b in 1..=25 {
            let row = buildings::ActiveModel {
                community_id: Set(community.id.0),
                code: Set(b.to_string()),
                name: Set(format!("{b}栋")),
                floors: Set(20),
                created_at: Set(now),
                ..Default::default()
            };
            bids.push(buildings::Entity::insert(row).exec(db).await.unwrap().last_insert_id);
        }
        let rows: Vec<units::ActiveModel> = (0..UNITS_PER_COMMUNITY)
            .map(|k| {
                let (b, rest) = (k / 400, k % 400);
                let (floor, n) = (rest / 20 + 1, rest % 20 + 1);
                units::ActiveModel {
                    community_id: Set(community.id.0),
                    building_id: Set(bids[b as usize]),
                    cell: Set("1".into()),
                    number: Set(format!("{}-1-{floor:02}{n:02}", b + 1)),
                    floor: Set(floor as i32),
                    layout: Set("三室两厅".into()),
                    use_type: Set("residential".into()),
                    area_registered: Set(Some(7_000 + (k % 50) * 137)),
                    area_measured: Set(None),
                    area_contract: Set(None),
                    shared_area: Set(Some(1_500)),
                    status: Set(if k % 40 == 0 { "vacant" } else { "occupied" }.into()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
            })
            .collect();
        for chunk in rows.chunks(1000) {
            units::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
        }
        communities.push(community.id);
    }
    let unit_ids: Vec<(i64, i64)> = units::Entity::find()
        .select_only()
        .column(units::Column::Id)
        .column(units::Column::CommunityId)
        .order_by_asc(units::Column::Id)
        .into_tuple()
        .all(db)
        .await
        .unwrap();
    let people: Vec<persons::ActiveModel> = (0..unit_ids.len())
        .map(|p| persons::ActiveModel {
            name: Set(format!("业主{p}")),
            phone: Set(Some(format!("139{p:08}"))),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in people.chunks(1000) {
        persons::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
    }
    let first: i64 = persons::Entity::find()
        .select_only()
        .column(persons::Column::Id)
        .order_by_asc(persons::Column::Id)
        .into_tuple()
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let occ: Vec<occupancies::ActiveModel> = unit_ids
        .iter()
        .enumerate()
        .map(|(p, (uid, cid))| occupancies::ActiveModel {
            unit_id: Set(*uid),
            person_id: Set(first + p as i64),
            community_id: Set(*cid),
            relation: Set("owner".into()),
            share_bp: Set(None),
            start_date: Set(since),
            end_date: Set(None),
            lease_end: Set(None),
            pays_fees: Set(false),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in occ.chunks(1000) {
        occupancies::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
    }
    db.execute_unprepared("ANALYZE").await.unwrap();
    access::create_user_system(
        ctx,
        "bench.admin",
        None,
        "基准管理员",
        "Bench-password-1",
        UserKind::Staff,
        false,
    )
    .await
    .unwrap();
    access::grant_system(ctx, "bench.admin", "sysadmin", company.id)
        .await
        .unwrap();
    let user = users::Entity::find()
        .filter(users::Column::Login.eq("bench.admin"))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let auth = Authed {
        user_id: UserId(user),
        session_id: "bench".into(),
        csrf_token: String::new(),
        via: AuthVia::Bearer,
    };
    let meta = RequestMeta::default();
    let std = |basis: &str, price: &str, formula: &str| StandardInput {
        effective_from: "2020-01-01".into(),
        basis: basis.into(),
        price: price.into(),
        tiers: String::new(),
        formula: formula.into(),
        round_mode: "half_up".into(),
        round_to: "fen".into(),
    };
    for (code, name, cat, s) in [
        ("WYF", "物业服务费", "property", std("area", "2.50", "")),
        ("LJF", "垃圾清运费", "other", std("fixed", "10", "")),
        (
            "DTF",
            "电梯运行费",
            "other",
            std("formula", "", "shared_area * 0.3 + if(floor > 10, 5, 0)"),
        ),
    ] {
        let item = standards::create_item(
            ctx,
            &meta,
            &auth,
            standards::NewItem {
                office_id: office.id,
                code: code.into(),
                name: name.into(),
                category: cat.into(),
                standard: s,
            },
        )
        .await
        .unwrap();
        for c in &communities {
            standards::assign(ctx, &meta, &auth, item.id, *c, None, None)
                .await
                .unwrap();
        }
    }
    println!(
        "  seeded {} units with owners, 3 items in {:.1} s",
        unit_ids.len(),
        t.elapsed().as_secs_f64()
    );
    (auth, company.id)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

async fn run(url: Option<&str>) {
    println!("{}", if url.is_some() { "PostgreSQL" } else { "SQLite (file)" });
    let ctx = AppCtx {
        db: open(url).await,
        cfg: Arc::new(RuntimeConfig::default()),
    };
    let (auth, company) = seed(&ctx).await;
    let meta = RequestMeta::default();
    let db = &ctx.db;

    let t = Instant::now();
    let r = runs::bill_run(&ctx, &meta, &auth, company, MONTHS[0], false)
        .await
        .unwrap();
    println!(
        "  bill run preview {}: {} lines          {}",
        MONTHS[0],
        r.new_lines,
        secs(t.elapsed())
    );
    let t = Instant::now();
    let r = runs::bill_run(&ctx, &meta, &auth, company, MONTHS[0], true)
        .await
        .unwrap();
    let run_time = t.elapsed();
    println!(
        "  bill run generate {}: {} lines         {}",
        MONTHS[0],
        r.new_lines,
        secs(run_time)
    );
    assert_eq!(
        r.new_lines,
        3 * (COMMUNITIES * UNITS_PER_COMMUNITY) as u64,
        "{:?}",
        r.problems.first()
    );
    let t = Instant::now();
    let r = runs::bill_run(&ctx, &meta, &auth, company, MONTHS[0], true)
        .await
        .unwrap();
    println!(
        "  bill run again (adds {}, keeps {})    {}",
        r.new_lines,
        r.existing,
        secs(t.elapsed())
    );

    // The floor: inserting the same rows with nothing computed or checked.
    let rows: Vec<bill_lines::ActiveModel> = bill_lines::Entity::find()
        .filter(bill_lines::Column::Period.eq(202601))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|l| {
            let mut a: bill_lines::ActiveModel = l.into();
            a.id = NotSet;
            a.period = Set(209912);
            a
        })
        .collect();
    let t = Instant::now();
    let txn = db.begin().await.unwrap();
    for chunk in rows.chunks(500) {
        bill_lines::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
    let raw = t.elapsed();
    println!(
        "  raw insert of the same {} rows          {}  (the run takes {:.1}× that)",
        rows.len(),
        secs(raw),
        run_time.as_secs_f64() / raw.as_secs_f64()
    );
    bill_lines::Entity::delete_many()
        .filter(bill_lines::Column::Period.eq(209912))
        .exec(db)
        .await
        .unwrap();

    for m in &MONTHS[1..] {
        let t = Instant::now();
        let r = runs::bill_run(&ctx, &meta, &auth, company, m, true).await.unwrap();
        println!(
            "  bill run generate {m}: {} lines         {}",
            r.new_lines,
            secs(t.elapsed())
        );
    }
    // About 85 % collected, as at a typical office.
    db.execute_unprepared("UPDATE bill_lines SET paid = amount WHERE id % 7 <> 0")
        .await
        .unwrap();
    db.execute_unprepared("ANALYZE").await.unwrap();
    let lines = bill_lines::Entity::find().count(db).await.unwrap();
    println!("  collection report over {lines} lines (median of 7, p95):");
    for by in ["tree", "building", "item", "period"] {
        let mut v = vec![];
        for _ in 0..7 {
            let t = Instant::now();
            let r = reports::collection(&ctx, &meta, &auth, company, MONTHS[0], MONTHS[3], by)
                .await
                .unwrap();
            v.push(t.elapsed());
            std::hint::black_box(r);
        }
        println!(
            "    by {by:<10} p50 {:>7.1} ms   p95 {:>7.1} ms",
            pct(&mut v, 0.5),
            pct(&mut v, 0.95)
        );
    }
    cashiers_during_a_run(&ctx, &auth, company).await;
}

/// Twenty cashiers take payments while a month's bill run writes 300 000 lines: how many are
/// refused (the goal is none) and how long they wait, against the same cashiers alone.
async fn cashiers_during_a_run(ctx: &AppCtx, auth: &Authed, company: OrgId) {
    const CASHIERS: usize = 20;
    let units: Vec<i64> = units::Entity::find()
        .select_only()
        .column(units::Column::Id)
        .order_by_asc(units::Column::Id)
        .limit(1000)
        .into_tuple()
        .all(&ctx.db)
        .await
        .unwrap();
    let units = Arc::new(units);
    let busy = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let cashiers = |rounds: Option<usize>| {
        (0..CASHIERS)
            .map(|c| {
                let (ctx, auth, units, busy) = (ctx.clone(), auth.clone(), units.clone(), busy.clone());
                tokio::spawn(async move {
                    let (mut lat, mut refused) = (vec![], 0usize);
                    let mut i = c;
                    while rounds.map_or(busy.load(std::sync::atomic::Ordering::Relaxed), |n| {
                        lat.len() + refused < n
                    }) {
                        let n = NewPayment {
                            unit_id: units[i % units.len()],
                            lines: vec![],
                            method: PayMethod::Cash,
                            amount: "10.00".into(),
                            prepay_item: None,
                            note: String::new(),
                            idempotency_key: None,
                        };
                        i += CASHIERS;
                        let t = Instant::now();
                        match counter::take_payment(&ctx, &RequestMeta::default(), &auth, n).await {
                            Ok(_) => lat.push(t.elapsed()),
                            Err(_) => refused += 1,
                        }
                    }
                    (lat, refused)
                })
            })
            .collect::<Vec<_>>()
    };
    let collect = |handles: Vec<tokio::task::JoinHandle<(Vec<Duration>, usize)>>| async move {
        let (mut all, mut refused) = (vec![], 0);
        for h in handles {
            let (l, r) = h.await.unwrap();
            all.extend(l);
            refused += r;
        }
        (all, refused)
    };
    let (mut alone, r0) = collect(cashiers(Some(50))).await;
    let run = {
        let (ctx, auth, busy) = (ctx.clone(), auth.clone(), busy.clone());
        tokio::spawn(async move {
            let t = Instant::now();
            let r = runs::bill_run(&ctx, &RequestMeta::default(), &auth, company, "2026-05", true).await;
            busy.store(false, std::sync::atomic::Ordering::Relaxed);
            (r.map(|r| r.new_lines), t.elapsed())
        })
    };
    let (mut during, r1) = collect(cashiers(None)).await;
    let (lines, took) = run.await.unwrap();
    println!(
        "  {CASHIERS} cashiers taking payments, alone: {} paid, {r0} refused, p50 {:.1} ms, p99 {:.1} ms",
        alone.len(),
        pct(&mut alone, 0.5),
        pct(&mut alone, 0.99)
    );
    println!(
        "  … while a bill run writes {} lines ({}): {} paid, {r1} refused, p50 {:.1} ms, p99 {:.1} ms",
        lines.map(|n| n.to_string()).unwrap_or_else(|e| format!("{e:?}")),
        secs(took),
        during.len(),
        pct(&mut during, 0.5),
        pct(&mut during, 0.99)
    );
}

#[tokio::main]
async fn main() {
    run(None).await;
    if let Ok(url) = std::env::var("LINLI_TEST_DATABASE_URL") {
        run(Some(&url)).await;
    }
}
