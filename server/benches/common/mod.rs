//! What the benchmarks share: a fresh database (a SQLite file, or a new PostgreSQL database
//! when a URL is given) and percentiles.
#![allow(dead_code)]
use app::db::entities::{buildings, occupancies, persons, push_subscriptions, units, users};
use app::db::AppCtx;
use app::org::model::OrgKind;
use app::org::service as org;
use app::shared::ids::OrgId;
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::time::Duration;

pub async fn open(url: Option<&str>) -> DatabaseConnection {
    let db = match url {
        Some(base) => {
            let admin = server::connect(base).await.expect("connect PostgreSQL");
            let name = format!("linli_bench_{}", std::process::id());
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                .await
                .unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            let i = base.rfind('/').expect("a database path in the URL");
            server::connect(&format!("{}/{name}", &base[..i])).await.unwrap()
        }
        None => {
            let dir = std::env::temp_dir().join(format!("linli-bench-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            server::connect(&format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()))
                .await
                .unwrap()
        }
    };
    server::migrate(&db).await.unwrap();
    db
}

/// The `p` percentile (0–1) of `v`, in milliseconds.
pub fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1000.0
}

/// The phone (and login) of the bench's `p`-th resident.
pub fn phone(p: usize) -> String {
    format!("137{p:08}")
}

/// A seeded community: its id, its units' ids in order, and the ids of its people and their
/// accounts by phone.
pub struct Estate {
    pub office: OrgId,
    pub community: OrgId,
    pub units: Vec<i64>,
    pub persons: HashMap<String, i64>,
    pub users: HashMap<String, i64>,
}

/// One community of `n` units in buildings of 400 (20 floors × 20), each with one person living
/// there as `relation(k)` (`"owner"`, `"tenant"` …) who has an account without a usable password
/// (nobody logs in with one here), written straight to the tables.
pub async fn estate(ctx: &AppCtx, n: usize, relation: impl Fn(usize) -> &'static str) -> Estate {
    let db = &ctx.db;
    let company = org::create_org(db, None, OrgKind::Company, "基准物业", "BM")
        .await
        .unwrap();
    let office = org::create_org(db, Some(company.id), OrgKind::Office, "管理处", "BM-0")
        .await
        .unwrap();
    let community = org::create_org(db, Some(office.id), OrgKind::Community, "基准小区", "BM-C")
        .await
        .unwrap();
    let now = Utc::now();
    let since = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let mut bids = vec![];
    for b in 0..n.div_ceil(400) {
        let row = buildings::ActiveModel {
            community_id: Set(community.id.0),
            code: Set((b + 1).to_string()),
            name: Set(format!("{}栋", b + 1)),
            floors: Set(20),
            created_at: Set(now),
            ..Default::default()
        };
        bids.push(buildings::Entity::insert(row).exec(db).await.unwrap().last_insert_id);
    }
    let rows: Vec<units::ActiveModel> = (0..n)
        .map(|k| {
            let (b, rest) = (k / 400, k % 400);
            let (floor, m) = (rest / 20 + 1, rest % 20 + 1);
            units::ActiveModel {
                community_id: Set(community.id.0),
                building_id: Set(bids[b]),
                cell: Set("1".into()),
                number: Set(format!("{}-1-{floor:02}{m:02}", b + 1)),
                floor: Set(floor as i32),
                layout: Set("三室两厅".into()),
                use_type: Set("residential".into()),
                area_registered: Set(Some(7_000 + (k as i64 % 50) * 137)),
                area_measured: Set(None),
                area_contract: Set(None),
                shared_area: Set(None),
                status: Set("occupied".into()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        })
        .collect();
    for chunk in rows.chunks(1000) {
        units::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
    }
    let unit_ids: Vec<i64> = units::Entity::find()
        .filter(units::Column::CommunityId.eq(community.id.0))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    let people: Vec<persons::ActiveModel> = (0..n)
        .map(|p| persons::ActiveModel {
            name: Set(format!("住户{p}")),
            phone: Set(Some(phone(p))),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in people.chunks(1000) {
        persons::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
    }
    let person_ids: HashMap<String, i64> = persons::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|p| Some((p.phone?, p.id)))
        .collect();
    let occ: Vec<occupancies::ActiveModel> = (0..n)
        .map(|p| {
            let rel = relation(p);
            occupancies::ActiveModel {
                unit_id: Set(unit_ids[p]),
                person_id: Set(person_ids[&phone(p)]),
                community_id: Set(community.id.0),
                relation: Set(rel.into()),
                share_bp: Set((rel == "owner").then_some(10_000)),
                start_date: Set(since),
                end_date: Set(None),
                lease_end: Set(None),
                pays_fees: Set(rel == "owner"),
                created_at: Set(now),
                ..Default::default()
            }
        })
        .collect();
    for chunk in occ.chunks(1000) {
        occupancies::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
    }
    let accounts: Vec<users::ActiveModel> = (0..n)
        .map(|p| users::ActiveModel {
            login: Set(phone(p)),
            phone: Set(Some(phone(p))),
            display_name: Set(format!("住户{p}")),
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
    for chunk in accounts.chunks(1000) {
        users::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
    }
    let user_ids: HashMap<String, i64> = users::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| (u.login, u.id))
        .collect();
    Estate {
        office: office.id,
        community: community.id,
        units: unit_ids,
        persons: person_ids,
        users: user_ids,
    }
}

/// One push device per account of `users`, at `endpoint(user)`, with the given key and secret.
pub async fn devices(db: &DatabaseConnection, users: &[i64], endpoint: impl Fn(i64) -> String, key: &str, auth: &str) {
    let now = Utc::now();
    for chunk in users.chunks(1_000) {
        let subs: Vec<push_subscriptions::ActiveModel> = chunk
            .iter()
            .map(|u| push_subscriptions::ActiveModel {
                user_id: Set(*u),
                endpoint: Set(endpoint(*u)),
                p256dh: Set(key.into()),
                auth: Set(auth.into()),
                label: Set("bench".into()),
                created_at: Set(now),
                last_ok_at: Set(None),
                ..Default::default()
            })
            .collect();
        push_subscriptions::Entity::insert_many(subs)
            .exec_without_returning(db)
            .await
            .unwrap();
    }
}
