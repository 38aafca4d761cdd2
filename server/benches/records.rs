//! Benchmark (not a test): property records at the scale of a large property company.
//! 100 000 units in 10 communities, 150 000 persons, 150 000 occupancies, 30 000 vehicles;
//! times the services the pages and `/api/v1` call (scope resolution included) and prints
//! p50 / p95 per query. SQLite always; PostgreSQL too when `LINLI_TEST_DATABASE_URL` is set.
//!
//!     cargo bench -p server --bench records
//!     LINLI_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres cargo bench -p server --bench records
use app::access::model::{AuthVia, Authed, RequestMeta, UserKind};
use app::access::service as access;
use app::db::entities::{buildings, occupancies, persons, units, vehicles};
use app::db::{AppCtx, RuntimeConfig};
use app::estate::people;
use app::estate::records::{self, UnitFilter};
use app::org::model::OrgKind;
use app::org::service as org;
use app::shared::ids::UserId;
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use std::sync::Arc;

mod common;
use common::{open, pct};
use std::time::Instant;

const COMMUNITIES: i64 = 10;
const UNITS_PER_COMMUNITY: i64 = 10_000;
const PERSONS: i64 = 150_000;
const ITER: usize = 300;
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高",
    "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明",
];

/// Fills the database; returns a project manager of the first office (4 of the 10
/// communities) and a phone and a plate that exist inside that scope.
async fn seed(ctx: &AppCtx) -> (Authed, String, String) {
    let db = &ctx.db;
    let t = Instant::now();
    let company = org::create_org(db, None, OrgKind::Company, "基准物业", "BM")
        .await
        .unwrap();
    let mut offices = vec![];
    for o in 0..3 {
        offices.push(
            org::create_org(
                db,
                Some(company.id),
                OrgKind::Office,
                &format!("管理处{o}"),
                &format!("BM-{o}"),
            )
            .await
            .unwrap(),
        );
    }
    let mut communities = vec![];
    for c in 0..COMMUNITIES {
        let office = &offices[(c as usize * 3 / COMMUNITIES as usize).min(2)];
        communities.push(
            org::create_org(
                db,
                Some(office.id),
                OrgKind::Community,
                &format!("小区{c}"),
                &format!("BM-C{c}"),
            )
            .await
            .unwrap(),
        );
    }
    let now = Utc::now();
    let mut unit_ids = vec![];
    for c in &communities {
        let mut bids = vec![];
        for b in 1..=25 {
            let row = buildings::ActiveModel {
                community_id: Set(c.id.0),
                code: Set(b.to_string()),
                name: Set(format!("{b}栋")),
                floors: Set(20),
                created_at: Set(now),
                ..Default::default()
            };
            bids.push(buildings::Entity::insert(row).exec(db).await.unwrap().last_insert_id);
        }
        let mut rows = vec![];
        for k in 0..UNITS_PER_COMMUNITY {
            let (b, rest) = (k / 400, k % 400);
            let (cell, rest) = (rest / 200 + 1, rest % 200);
            let (floor, n) = (rest / 10 + 1, rest % 10 + 1);
            rows.push(units::ActiveModel {
                community_id: Set(c.id.0),
                building_id: Set(bids[b as usize]),
                cell: Set(cell.to_string()),
                number: Set(format!("{}-{cell}-{floor:02}{n:02}", b + 1)),
                floor: Set(floor as i32),
                layout: Set("三室两厅".into()),
                use_type: Set("residential".into()),
                area_registered: Set(None),
                area_measured: Set(None),
                area_contract: Set(Some(8957)),
                shared_area: Set(None),
                status: Set("occupied".into()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
        }
        for chunk in rows.chunks(1000) {
            units::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
        }
    }
    use sea_orm::{QueryOrder, QuerySelect};
    unit_ids.extend(
        units::Entity::find()
            .select_only()
            .column(units::Column::Id)
            .column(units::Column::CommunityId)
            .order_by_asc(units::Column::Id)
            .into_tuple::<(i64, i64)>()
            .all(db)
            .await
            .unwrap(),
    );
    let mut people = vec![];
    for p in 0..PERSONS {
        let name = format!(
            "{}{}{}",
            SURNAMES[(p * 7 % 20) as usize],
            GIVEN[(p * 13 % 16) as usize],
            GIVEN[(p / 16 % 16) as usize]
        );
        people.push(persons::ActiveModel {
            name: Set(name),
            phone: Set(Some(format!("139{:08}", p))),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
    }
    for chunk in people.chunks(1000) {
        persons::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
    }
    let first_person: i64 = persons::Entity::find()
        .select_only()
        .column(persons::Column::Id)
        .order_by_asc(persons::Column::Id)
        .into_tuple()
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut occ = vec![];
    let mut cars = vec![];
    for p in 0..PERSONS {
        let (uid, cid) = unit_ids[(p % unit_ids.len() as i64) as usize];
        occ.push(occupancies::ActiveModel {
            unit_id: Set(uid),
            person_id: Set(first_person + p),
            community_id: Set(cid),
            relation: Set(if p < unit_ids.len() as i64 { "owner" } else { "family" }.into()),
            share_bp: Set(None),
            start_date: Set(now.date_naive()),
            end_date: Set(None),
            lease_end: Set(None),
            created_at: Set(now),
            ..Default::default()
        });
        if p % 5 == 0 {
            cars.push(vehicles::ActiveModel {
                community_id: Set(cid),
                person_id: Set(first_person + p),
                unit_id: Set(Some(uid)),
                plate: Set(format!("浙A{:05}", p / 5)),
                new_energy: Set(false),
                parking_space_id: Set(None),
                note: Set(String::new()),
                created_at: Set(now),
                ..Default::default()
            });
        }
    }
    for chunk in occ.chunks(1000) {
        occupancies::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
    }
    for chunk in cars.chunks(1000) {
        vehicles::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
    }
    // Fresh statistics, as autovacuum / `PRAGMA optimize` would have them in production.
    db.execute_unprepared("ANALYZE").await.unwrap();
    println!(
        "  seeded {} units, {PERSONS} persons, {PERSONS} occupancies, {} vehicles in {:.1} s",
        unit_ids.len(),
        cars.len(),
        t.elapsed().as_secs_f64()
    );
    access::create_user_system(
        ctx,
        "bench.pm",
        None,
        "基准经理",
        "Bench-password-1",
        UserKind::Staff,
        false,
    )
    .await
    .unwrap();
    access::grant_system(ctx, "bench.pm", "project_manager", offices[0].id)
        .await
        .unwrap();
    use sea_orm::{ColumnTrait, QueryFilter};
    let user = app::db::entities::users::Entity::find()
        .filter(app::db::entities::users::Column::Login.eq("bench.pm"))
        .one(db)
        .await
        .unwrap()
        .expect("the bench user")
        .id;
    let auth = Authed {
        user_id: UserId(user),
        session_id: "bench".into(),
        csrf_token: String::new(),
        via: AuthVia::Bearer,
    };
    // Person 0 lives in community 0 (office 0); plate 浙A00000 is theirs.
    (auth, "13900000000".into(), "浙A00000".into())
}

async fn time<F, Fut, T>(label: &str, mut f: F)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    for i in 0..10 {
        f(i).await; // warm caches
    }
    let mut v = Vec::with_capacity(ITER);
    for i in 0..ITER {
        let t = Instant::now();
        std::hint::black_box(f(i).await);
        v.push(t.elapsed());
    }
    println!(
        "  {label:<44} p50 {:>6.2} ms   p95 {:>6.2} ms",
        pct(&mut v, 0.5),
        pct(&mut v, 0.95)
    );
}

async fn run(url: Option<&str>) {
    println!("{}", if url.is_some() { "PostgreSQL" } else { "SQLite (file)" });
    let db = open(url).await;
    let ctx = AppCtx {
        db,
        cfg: Arc::new(RuntimeConfig::default()),
    };
    let (auth, phone, plate) = seed(&ctx).await;
    let meta = RequestMeta::default();
    let (ctx, meta, auth) = (&ctx, &meta, &auth);
    time("units: first keyset page (50)", |_| async move {
        records::list_units(ctx, meta, auth, &UnitFilter::default())
            .await
            .unwrap()
    })
    .await;
    time("units: a deep keyset page (after 30 000)", |i| async move {
        let f = UnitFilter {
            after: Some(30_000 + i as i64),
            ..Default::default()
        };
        records::list_units(ctx, meta, auth, &f).await.unwrap()
    })
    .await;
    time("units: number prefix `12-1-`", |_| async move {
        let f = UnitFilter {
            q: Some("12-1-".into()),
            ..Default::default()
        };
        records::list_units(ctx, meta, auth, &f).await.unwrap()
    })
    .await;
    let phone = phone.as_str();
    time("persons: by phone", |_| async move {
        let p = people::search_people(ctx, meta, auth, Some(phone), None, None)
            .await
            .unwrap();
        assert_eq!(p.items.len(), 1);
        p
    })
    .await;
    time("persons: by name prefix `王伟`", |_| async move {
        let p = people::search_people(ctx, meta, auth, Some("王伟"), None, None)
            .await
            .unwrap();
        assert!(!p.items.is_empty());
        p
    })
    .await;
    time("persons: by unit number prefix `3-1-05`", |_| async move {
        people::search_people(ctx, meta, auth, Some("3-1-05"), None, None)
            .await
            .unwrap()
    })
    .await;
    let plate = plate.as_str();
    time("persons: by plate", |_| async move {
        let p = people::search_people(ctx, meta, auth, Some(plate), None, None)
            .await
            .unwrap();
        assert_eq!(p.items.len(), 1);
        p
    })
    .await;
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    run(None).await;
    if let Some(url) = std::env::var("LINLI_TEST_DATABASE_URL").ok().filter(|s| !s.is_empty()) {
        run(Some(&url)).await;
    }
}
