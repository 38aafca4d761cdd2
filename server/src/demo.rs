//! The demo community: deterministic, realistic, generated (no real personal data).
//! One company, a region, two offices with a community each, staff for every role, residents.
use app::access::model::UserKind;
use app::access::service as access;
use app::db::AppCtx;
use app::org::model::OrgKind;
use app::org::service as org;
use app::shared::ids::OrgId;

pub const DEMO_PASSWORD: &str = "linli-demo";

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高",
    "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "霞",
    "平", "刚", "桂英", "建华", "晓东", "雨桐", "子涵", "浩然", "思远",
];

/// A small deterministic generator so every demo database is the same.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() as usize) % v.len()]
    }
}

fn name(r: &mut Lcg) -> String {
    format!("{}{}", r.pick(SURNAMES), r.pick(GIVEN))
}

/// True when the database already has an org tree (the demo is never loaded twice).
pub async fn is_loaded(ctx: &AppCtx) -> anyhow::Result<bool> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    Ok(app::db::entities::org_units::Entity::find().count(&ctx.db).await? > 0)
}

/// A demo account signed in, as the services see a caller.
async fn who(ctx: &AppCtx, login: &str) -> anyhow::Result<app::access::model::Authed> {
    use app::db::entities::users;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let u = users::Entity::find()
        .filter(users::Column::Login.eq(login))
        .one(&ctx.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo user {login} missing"))?;
    Ok(app::access::model::Authed {
        user_id: app::shared::ids::UserId(u.id),
        session_id: String::new(),
        csrf_token: String::new(),
        via: app::access::model::AuthVia::Cookie,
    })
}

fn e(err: app::shared::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{err}")
}

/// Loads the demo into an empty database. Returns the number of accounts created.
pub async fn load(ctx: &AppCtx) -> anyhow::Result<usize> {
    if is_loaded(ctx).await? {
        anyhow::bail!("the database already holds data; the demo loads only into an empty database");
    }
    let db = &ctx.db;
    let company = org::create_org(db, None, OrgKind::Company, "邻里物业服务有限公司", "LL")
        .await
        .map_err(e)?;
    let region = org::create_org(db, Some(company.id), OrgKind::Region, "华东区域", "LL-HD")
        .await
        .map_err(e)?;
    let office_a = org::create_org(db, Some(region.id), OrgKind::Office, "桂花苑管理处", "LL-HD-GHY")
        .await
        .map_err(e)?;
    let office_b = org::create_org(db, Some(region.id), OrgKind::Office, "云栖府管理处", "LL-HD-YQF")
        .await
        .map_err(e)?;
    let ghy = org::create_org(db, Some(office_a.id), OrgKind::Community, "桂花苑", "GHY")
        .await
        .map_err(e)?;
    let yqf = org::create_org(db, Some(office_b.id), OrgKind::Community, "云栖府", "YQF")
        .await
        .map_err(e)?;
    // How residents reach each office (made-up numbers in the 555 test range).
    for (node, phone, address, hours) in [
        (company.id, "400-555-0100", "", "24 小时"),
        (
            office_a.id,
            "0571-5550-0101",
            "桂花苑 3 号楼底商 物业服务中心",
            "每天 8:00–20:00",
        ),
        (
            office_b.id,
            "0571-5550-0102",
            "云栖府 南门 物业服务中心",
            "每天 8:00–20:00",
        ),
    ] {
        let k = app::org::model::OrgContact {
            org: String::new(),
            phone: phone.into(),
            address: address.into(),
            hours: hours.into(),
        };
        org::set_contact(db, node, &k).await.map_err(e)?;
    }

    let mut r = Lcg(20261122);
    let mut n = 0;
    let staff = |login: &'static str, role: &'static str, org: OrgId| (login, role, org);
    let list = vec![
        staff("admin", "sysadmin", company.id),
        staff("hq.admin", "hq_admin", company.id),
        staff("region", "regional_manager", region.id),
        staff("pm.ghy", "project_manager", office_a.id),
        staff("cs.ghy", "customer_service", office_a.id),
        staff("tech.ghy", "technician", office_a.id),
        staff("cashier.ghy", "cashier", office_a.id),
        staff("guard.ghy", "security", office_a.id),
        staff("pm.yqf", "project_manager", office_b.id),
        staff("cs.yqf", "customer_service", office_b.id),
        staff("tech.yqf", "technician", office_b.id),
        staff("cashier.yqf", "cashier", office_b.id),
        staff("guard.yqf", "security", office_b.id),
    ];
    for (login, role, org) in list {
        let display = if login == "admin" {
            "系统管理员".to_string()
        } else {
            name(&mut r)
        };
        access::create_user_system(ctx, login, None, &display, DEMO_PASSWORD, UserKind::Staff, false)
            .await
            .map_err(e)?;
        access::grant_system(ctx, login, role, org).await.map_err(e)?;
        n += 1;
    }
    // Residents: 13800000001 … with generated names. Their homes arrive with property records.
    let mut resident_names = vec![];
    for i in 1..=40u32 {
        let phone = format!("138{:08}", i);
        let display = name(&mut r);
        resident_names.push(display.clone());
        access::create_user_system(
            ctx,
            &phone,
            Some(&phone),
            &display,
            DEMO_PASSWORD,
            UserKind::Resident,
            false,
        )
        .await
        .map_err(e)?;
        n += 1;
    }
    // Homes: 桂花苑 5 buildings × 2 entrances × 15 floors × 2 = 300 units; 云栖府 skips the
    // unlucky floors 4, 13 and 14: 4 × 2 × (19 − 3) × 2 = 256 units, plus 8 shops.
    let mut r = Lcg(20261125);
    let ghy_units = homes::building_units(db, ghy.id, 5, 2, 15, &[], &mut r).await?;
    let yqf_units = homes::building_units(db, yqf.id, 4, 2, 19, &[4, 13, 14], &mut r).await?;
    homes::shops(db, yqf.id, 8, &mut r).await?;
    homes::people(db, &ghy_units, &yqf_units, &resident_names, &mut r).await?;
    homes::parking_and_cars(db, ghy.id, yqf.id, &mut r).await?;
    homes::extras(ctx).await?;
    fees::load(ctx, office_a.id, office_b.id, ghy.id, yqf.id).await?;
    tickets::load(ctx, office_a.id).await?;
    engineering::load(ctx, ghy.id).await?;
    governance::load(ctx, ghy.id).await?;
    community::load(ctx, ghy.id).await?;
    amenities::load(ctx, ghy.id).await?;
    Ok(n + 1)
}

/// Service tickets of 桂花苑: a price list and a team, and a few tickets at different steps
/// (new, dispatched, rated, a logged complaint), made through the service as staff would.
mod tickets {
    use super::{e, who};
    use app::access::model::{Authed, RequestMeta};
    use app::db::AppCtx;
    use app::shared::ids::OrgId;
    use app::tickets::{act, config, model::*, submit::submit};

    /// A generated picture of the finished job (a soft gradient), uploaded as the technician:
    /// the demo office asks for an after photo like any office does by default.
    async fn after_photo(ctx: &AppCtx, tech: &Authed) -> anyhow::Result<i64> {
        let img = image::RgbImage::from_fn(160, 120, |x, y| image::Rgb([(x + 60) as u8, (y * 2) as u8, 150]));
        let mut png = std::io::Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png)?;
        let f = app::files::service::upload_photo(ctx, tech, png.into_inner(), "after.png")
            .await
            .map_err(e)?;
        Ok(f.id)
    }

    fn new(kind: Kind, category: &str, unit: i64, spot: &str, text: &str) -> NewTicket {
        NewTicket {
            kind,
            category: category.into(),
            unit_id: Some(unit),
            community_id: None,
            unit_number: String::new(),
            spot: spot.into(),
            description: text.into(),
            preferred_time: String::new(),
            photos: vec![],
            caller_name: String::new(),
            caller_phone: String::new(),
            priority: None,
        }
    }

    pub async fn load(ctx: &AppCtx, office: OrgId) -> anyhow::Result<()> {
        let meta = RequestMeta::default();
        let pm = who(ctx, "pm.ghy").await?;
        let cs = who(ctx, "cs.ghy").await?;
        let tech = who(ctx, "tech.ghy").await?;
        for (name, unit, price) in [
            ("更换水龙头", "个", 3_500),
            ("疏通下水道", "次", 8_000),
            ("更换灯泡", "个", 1_500),
        ] {
            let item = PriceItem {
                id: 0,
                name: name.into(),
                unit: unit.into(),
                price,
                active: true,
            };
            config::save_price(ctx, &meta, &pm, office.0, item).await.map_err(e)?;
        }
        let team = Team {
            id: 0,
            name: "水电班".into(),
            members: vec![(tech.user_id.0, String::new())],
        };
        config::save_team(ctx, &meta, &pm, office.0, team).await.map_err(e)?;
        // A resident with a home in 桂花苑 that the tests leave alone (13800000038…40).
        let mut reporter = None;
        for phone in ["13800000038", "13800000039", "13800000040"] {
            let r = who(ctx, phone).await?;
            let homes = app::estate::service::my_unit_ids(&ctx.db, r.user_id).await.map_err(e)?;
            if let Some(u) = homes.first() {
                reporter = Some((r, u.0));
                break;
            }
        }
        let Some((res, unit)) = reporter else { return Ok(()) };
        let act = |a: Action| ActInput::of(a);
        submit(
            ctx,
            &meta,
            &res,
            new(Kind::RepairHome, "electrical", unit, "", "客厅插座没电，空开没有跳闸"),
        )
        .await
        .map_err(e)?;
        let id = submit(
            ctx,
            &meta,
            &res,
            new(
                Kind::RepairPublic,
                "lighting",
                unit,
                "2 号楼 1 单元 8 楼",
                "楼道声控灯不亮",
            ),
        )
        .await
        .map_err(e)?;
        act::act(ctx, &meta, &cs, id, act(Action::Accept)).await.map_err(e)?;
        let to = Action::Dispatch {
            to: Some(tech.user_id.0),
            pool: false,
        };
        act::act(ctx, &meta, &cs, id, act(to.clone())).await.map_err(e)?;
        let id = submit(
            ctx,
            &meta,
            &res,
            new(Kind::RepairHome, "plumbing", unit, "", "卫生间水龙头滴水"),
        )
        .await
        .map_err(e)?;
        act::act(ctx, &meta, &cs, id, act(to)).await.map_err(e)?;
        for a in [Action::TakeOn, Action::CheckIn] {
            act::act(ctx, &meta, &tech, id, act(a)).await.map_err(e)?;
        }
        let mut done = act(Action::Complete);
        done.photos = vec![after_photo(ctx, &tech).await?];
        done.work_note = "更换阀芯".into();
        done.labour_minutes = Some(30);
        done.materials = vec![MaterialLine {
            name: "陶瓷阀芯".into(),
            quantity: "1".into(),
        }];
        act::act(ctx, &meta, &tech, id, done).await.map_err(e)?;
        act::act(ctx, &meta, &cs, id, act(Action::Verify)).await.map_err(e)?;
        let rate = Action::Rate {
            stars: 5,
            comment: "师傅准时，修得很好".into(),
        };
        act::act(ctx, &meta, &res, id, act(rate)).await.map_err(e)?;
        let mut call = new(Kind::Complaint, "noise", unit, "3 号楼", "晚上 10 点后仍有装修噪音");
        call.caller_name = "业主来电".into();
        call.caller_phone = "13800000039".into();
        let id = submit(ctx, &meta, &cs, call).await.map_err(e)?;
        act::act(ctx, &meta, &cs, id, act(Action::Accept)).await.map_err(e)?;
        Ok(())
    }
}

/// The demo's fee system, built through the billing services as the administrator would:
/// property, parking and water items, the last three months billed, most of it paid at the
/// counter, some arrears with late fees.
mod fees {
    use super::{e, Lcg};
    use app::access::model::{AuthVia, Authed, RequestMeta};
    use app::billing::{charge, counter, meters, model::*, runs, service, standards};
    use app::db::entities::{buildings, units, users};
    use app::db::AppCtx;
    use app::shared::ids::{ChargeItemId, OrgId, UserId};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

    fn std(basis: &str, price: &str, tiers: &str, from: &str) -> StandardInput {
        StandardInput {
            effective_from: from.into(),
            basis: basis.into(),
            price: price.into(),
            tiers: tiers.into(),
            formula: String::new(),
            round_mode: "half_up".into(),
            round_to: "fen".into(),
        }
    }

    pub async fn load(ctx: &AppCtx, office_a: OrgId, office_b: OrgId, ghy: OrgId, yqf: OrgId) -> anyhow::Result<()> {
        let admin = users::Entity::find()
            .filter(users::Column::Login.eq("admin"))
            .one(&ctx.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo admin missing"))?;
        let auth = Authed {
            user_id: UserId(admin.id),
            session_id: String::new(),
            csrf_token: String::new(),
            via: AuthVia::Cookie,
        };
        let meta = RequestMeta::default();
        let now = service::current_period();
        let from = format!("{}-01", charge::period_label(charge::add_months(now, -3)));
        for (office, community, price) in [(office_a, ghy, "2.50"), (office_b, yqf, "3.20")] {
            let mut s = BillingSettings::defaults(office);
            s.late_fee_mode = "daily".into();
            s.late_fee_rate = 5;
            s.grace_days = 5;
            s.due_day = 25;
            s.vacant_relief_bp = 3000;
            s.prepay_discount_bp = 500;
            service::save_settings(ctx, &meta, &auth, s).await.map_err(e)?;
            let item = |code: &str, name: &str, category: &str, st: StandardInput| standards::NewItem {
                office_id: office,
                code: code.into(),
                name: name.into(),
                category: category.into(),
                standard: st,
            };
            let fee = standards::create_item(
                ctx,
                &meta,
                &auth,
                item("WYF", "物业服务费", "property", std("area", price, "", &from)),
            )
            .await
            .map_err(e)?;
            standards::assign(ctx, &meta, &auth, fee.id, community, None, None)
                .await
                .map_err(e)?;
            let park = standards::create_item(
                ctx,
                &meta,
                &auth,
                item("CWF", "车位管理费", "parking", std("parking", "80", "", &from)),
            )
            .await
            .map_err(e)?;
            standards::assign(ctx, &meta, &auth, park.id, community, None, Some("residential".into()))
                .await
                .map_err(e)?;
            if community == ghy {
                let water = standards::create_item(
                    ctx,
                    &meta,
                    &auth,
                    item(
                        "SF",
                        "水费",
                        "water",
                        std("metered", "", "10:3.50, 20:4.20, :5.00", &from),
                    ),
                )
                .await
                .map_err(e)?;
                water_meters(ctx, &meta, &auth, community, water.id, now).await?;
            }
        }
        // Three months billed; older months mostly paid, the current one partly. The first
        // resident's homes keep their bills open for the walkthrough.
        let first_resident = users::Entity::find()
            .filter(users::Column::Login.eq("13800000001"))
            .one(&ctx.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo resident missing"))?;
        let keep_open = app::estate::service::my_unit_ids(&ctx.db, UserId(first_resident.id))
            .await
            .map_err(e)?;
        let mut r = Lcg(20261126);
        for (i, back) in [2, 1, 0].into_iter().enumerate() {
            let label = charge::period_label(charge::add_months(now, -back));
            for office in [office_a, office_b] {
                runs::bill_run(ctx, &meta, &auth, office, &label, true)
                    .await
                    .map_err(|x| e(x).context(format!("bill run {label}")))?;
            }
            let share = [88u64, 72, 25][i];
            for community in [ghy, yqf] {
                let us = units::Entity::find()
                    .filter(units::Column::CommunityId.eq(community.0))
                    .order_by_asc(units::Column::Id)
                    .all(&ctx.db)
                    .await?;
                for u in us {
                    if r.next() % 100 >= share || keep_open.contains(&app::shared::ids::UnitId(u.id)) {
                        continue;
                    }
                    let acct = counter::unit_account(ctx, &meta, &auth, u.id).await.map_err(e)?;
                    let lines: Vec<_> = acct.open.iter().filter(|l| l.period == label).collect();
                    if lines.is_empty() {
                        continue;
                    }
                    let total = lines
                        .iter()
                        .fold(app::shared::money::Money::ZERO, |a, l| a + l.outstanding + l.late_fee);
                    let method = [PayMethod::Cash, PayMethod::Pos, PayMethod::Transfer][(r.next() % 3) as usize];
                    counter::take_payment(
                        ctx,
                        &meta,
                        &auth,
                        counter::NewPayment {
                            unit_id: u.id,
                            lines: lines.iter().map(|l| l.id).collect(),
                            method,
                            amount: total.plain(),
                            prepay_item: None,
                            note: String::new(),
                            idempotency_key: None,
                        },
                    )
                    .await
                    .map_err(|x| e(x).context(format!("payment {label} unit {}", u.number)))?;
                }
            }
        }
        Ok(())
    }

    /// Water meters for the first building of 桂花苑 with four months of readings.
    async fn water_meters(
        ctx: &AppCtx,
        meta: &RequestMeta,
        auth: &Authed,
        community: OrgId,
        item: ChargeItemId,
        now: i32,
    ) -> anyhow::Result<()> {
        let b = buildings::Entity::find()
            .filter(buildings::Column::CommunityId.eq(community.0))
            .order_by_asc(buildings::Column::Id)
            .one(&ctx.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no building"))?;
        standards::assign(ctx, meta, auth, item, community, Some(b.id), None)
            .await
            .map_err(e)?;
        let us = units::Entity::find()
            .filter(units::Column::BuildingId.eq(b.id))
            .order_by_asc(units::Column::Id)
            .all(&ctx.db)
            .await?;
        let mut r = Lcg(7);
        let shared = meters::add_meter(
            ctx,
            meta,
            auth,
            meters::NewMeter {
                community_id: community,
                unit_id: None,
                building_id: Some(b.id),
                item_id: item.0,
                code: format!("{}-GT", b.code),
                kind: "water".into(),
                apportion: Some("area".into()),
            },
        )
        .await
        .map_err(e)?;
        let mut shared_reading = 100_000i64;
        for back in (0..4).rev() {
            let p = charge::add_months(now, -back);
            shared_reading += 3_000 + (r.next() % 1_000) as i64;
            meters::record_reading(
                ctx,
                meta,
                auth,
                shared.id,
                p,
                &app::shared::money::fixed2(shared_reading),
            )
            .await
            .map_err(e)?;
        }
        for u in us {
            let m = meters::add_meter(
                ctx,
                meta,
                auth,
                meters::NewMeter {
                    community_id: community,
                    unit_id: Some(u.id),
                    building_id: Some(b.id),
                    item_id: item.0,
                    code: format!("W-{}", u.number),
                    kind: "water".into(),
                    apportion: None,
                },
            )
            .await
            .map_err(e)?;
            let mut reading = 10_000 + (r.next() % 50_000) as i64;
            for back in (0..4).rev() {
                let p = charge::add_months(now, -back);
                reading += 600 + (r.next() % 1_400) as i64;
                meters::record_reading(ctx, meta, auth, m.id, p, &app::shared::money::fixed2(reading))
                    .await
                    .map_err(e)?;
            }
        }
        Ok(())
    }
}

/// The demo's buildings, units, owners and tenants, written straight to the tables (the
/// services' per-row audit would only add noise to a generated data set).
mod homes {
    use super::{name, Lcg};
    use app::db::entities::{bind_requests, buildings, occupancies, parking_spaces, persons, units, users, vehicles};
    use app::estate::model::{Relation, UnitStatus, UnitUse};
    use app::shared::ids::OrgId;
    use chrono::{NaiveDate, Utc};
    use sea_orm::{
        ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    };

    const LAYOUTS: &[(&str, i64)] = &[
        ("两室一厅", 7856),
        ("三室两厅", 8957),
        ("三室两厅", 10523),
        ("四室两厅", 13288),
    ];

    /// A unit the demo created: id, community, status.
    pub struct DemoUnit {
        pub id: i64,
        pub community: i64,
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn building_units(
        db: &DatabaseConnection,
        community: OrgId,
        buildings_n: u32,
        cells: u32,
        floors: u32,
        skip: &[u32],
        r: &mut Lcg,
    ) -> anyhow::Result<Vec<DemoUnit>> {
        let now = Utc::now();
        for b in 1..=buildings_n {
            let bm = buildings::ActiveModel {
                community_id: Set(community.0),
                code: Set(b.to_string()),
                name: Set(format!("{b}栋")),
                floors: Set(floors as i32),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
            let mut rows = vec![];
            for cell in 1..=cells {
                for floor in (1..=floors).filter(|f| !skip.contains(f)) {
                    for n in 1..=2u32 {
                        let (layout, area) = LAYOUTS[((n - 1) as usize + 2 * ((b as usize) % 2)) % LAYOUTS.len()];
                        // Most units have a registered area; some only the contract figure.
                        let registered = (r.next() % 10 < 7).then_some(area + (r.next() % 40) as i64 - 20);
                        rows.push(units::ActiveModel {
                            community_id: Set(community.0),
                            building_id: Set(bm.id),
                            cell: Set(cell.to_string()),
                            number: Set(format!("{b}-{cell}-{floor:02}{n:02}")),
                            floor: Set(floor as i32),
                            layout: Set(layout.into()),
                            use_type: Set(UnitUse::Residential.code().into()),
                            area_registered: Set(registered),
                            area_measured: Set(None),
                            area_contract: Set(Some(area)),
                            shared_area: Set(Some(area / 5)),
                            status: Set(UnitStatus::Occupied.code().into()),
                            created_at: Set(now),
                            updated_at: Set(now),
                            ..Default::default()
                        });
                    }
                }
            }
            units::Entity::insert_many(rows).exec(db).await?;
        }
        use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
        Ok(units::Entity::find()
            .filter(units::Column::CommunityId.eq(community.0))
            .order_by_asc(units::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|u| DemoUnit {
                id: u.id,
                community: u.community_id,
            })
            .collect())
    }

    pub async fn shops(db: &DatabaseConnection, community: OrgId, n: u32, r: &mut Lcg) -> anyhow::Result<()> {
        let now = Utc::now();
        let b = buildings::ActiveModel {
            community_id: Set(community.0),
            code: Set("S".into()),
            name: Set("沿街商铺".into()),
            floors: Set(1),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let rows: Vec<units::ActiveModel> = (1..=n)
            .map(|i| units::ActiveModel {
                community_id: Set(community.0),
                building_id: Set(b.id),
                cell: Set("1".into()),
                number: Set(format!("S-1-01{i:02}")),
                floor: Set(1),
                layout: Set("商铺".into()),
                use_type: Set(UnitUse::Shop.code().into()),
                area_registered: Set(Some(4000 + (r.next() % 6000) as i64)),
                area_measured: Set(None),
                area_contract: Set(None),
                shared_area: Set(None),
                status: Set(if i % 4 == 0 {
                    UnitStatus::Vacant
                } else {
                    UnitStatus::Occupied
                }
                .code()
                .into()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        units::Entity::insert_many(rows).exec(db).await?;
        Ok(())
    }

    /// Owners for every unit (residents 13800000001–40 own the first 40 units of 桂花苑;
    /// 13800000007 also co-owns one in 云栖府), a co-owner or family member for some, and a
    /// tenant in roughly every eighth unit.
    pub async fn people(
        db: &DatabaseConnection,
        a: &[DemoUnit],
        b: &[DemoUnit],
        resident_names: &[String],
        r: &mut Lcg,
    ) -> anyhow::Result<()> {
        let now = Utc::now();
        let mut next_phone = 0u32;
        let mut phone = |r: &mut Lcg| {
            next_phone += 1;
            let prefix = ["139", "186", "151", "177", "135"][(r.next() % 5) as usize];
            format!("{prefix}{:08}", 10_000_000 + next_phone * 7919 % 89_999_999)
        };
        let mut persons_rows = vec![];
        let mut occ: Vec<(usize, i64, i64, Relation)> = vec![]; // (person index, unit, community, relation)
        let all: Vec<&DemoUnit> = a.iter().chain(b.iter()).collect();
        let mut resident7 = 0;
        let mut past: Vec<usize> = vec![];
        for (i, u) in all.iter().enumerate() {
            let owner_phone = if i < 40 { format!("138{:08}", i + 1) } else { phone(r) };
            // The demo accounts 13800000001–40 are these owners, under the same names.
            let owner_name = resident_names.get(i).cloned().unwrap_or_else(|| name(r));
            persons_rows.push((owner_name, owner_phone));
            if i == 6 {
                resident7 = persons_rows.len() - 1;
            }
            occ.push((persons_rows.len() - 1, u.id, u.community, Relation::Owner));
            if r.next().is_multiple_of(6) {
                persons_rows.push((name(r), phone(r)));
                occ.push((persons_rows.len() - 1, u.id, u.community, Relation::Family));
            }
            if i >= 40 && r.next().is_multiple_of(8) {
                persons_rows.push((name(r), phone(r)));
                occ.push((persons_rows.len() - 1, u.id, u.community, Relation::Tenant));
            }
            if i >= 40 && r.next().is_multiple_of(15) {
                // A tenant who has moved out: the unit page shows them as history.
                persons_rows.push((name(r), phone(r)));
                past.push(occ.len());
                occ.push((persons_rows.len() - 1, u.id, u.community, Relation::Tenant));
            }
        }
        // A second home in the other community for 13800000007 (the multi-home case).
        if let Some(u) = b.get(3) {
            occ.push((resident7, u.id, u.community, Relation::CoOwner));
        }
        let rows: Vec<persons::ActiveModel> = persons_rows
            .iter()
            .map(|(n, p)| persons::ActiveModel {
                name: Set(n.clone()),
                phone: Set(Some(p.clone())),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        for chunk in rows.chunks(400) {
            persons::Entity::insert_many(chunk.to_vec()).exec(db).await?;
        }
        // The demo loads only into an empty database, so ids follow insertion order.
        let ids: Vec<i64> = persons::Entity::find()
            .order_by_asc(persons::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        anyhow::ensure!(ids.len() == persons_rows.len(), "demo persons were not all written");
        let start = NaiveDate::from_ymd_opt(2021, 6, 1).unwrap_or_default();
        let rows: Vec<occupancies::ActiveModel> = occ
            .iter()
            .enumerate()
            .map(|(k, (pi, unit, community, rel))| {
                let ended = past.contains(&k);
                let from = start + chrono::Duration::days(unit % 300);
                occupancies::ActiveModel {
                    unit_id: Set(*unit),
                    person_id: Set(ids[*pi]),
                    community_id: Set(*community),
                    relation: Set(rel.code().into()),
                    share_bp: Set(matches!(rel, Relation::Owner).then_some(10_000)),
                    start_date: Set(from),
                    end_date: Set(ended.then(|| from + chrono::Duration::days(365))),
                    lease_end: Set(matches!(rel, Relation::Tenant)
                        .then(|| from + chrono::Duration::days(if ended { 365 } else { 365 * 6 }))),
                    created_at: Set(now),
                    ..Default::default()
                }
            })
            .collect();
        for chunk in rows.chunks(500) {
            occupancies::Entity::insert_many(chunk.to_vec()).exec(db).await?;
        }
        Ok(())
    }

    /// Parking: 150 owned spaces in 桂花苑's basement, 100 rented in 云栖府; a car for about one
    /// owner in three (a quarter of them new-energy), parked on a space while spaces last.
    pub async fn parking_and_cars(db: &DatabaseConnection, ghy: OrgId, yqf: OrgId, r: &mut Lcg) -> anyhow::Result<()> {
        let now = Utc::now();
        let mut spaces: Vec<parking_spaces::ActiveModel> = vec![];
        for (community, prefix, n, kind, area) in [(ghy, "B1-", 150, "owned", 1250), (yqf, "P-", 100, "rented", 1200)] {
            for k in 1..=n {
                spaces.push(parking_spaces::ActiveModel {
                    community_id: Set(community.0),
                    code: Set(format!("{prefix}{k:03}")),
                    kind: Set(kind.into()),
                    area: Set(Some(area)),
                    created_at: Set(now),
                    ..Default::default()
                });
            }
        }
        for chunk in spaces.chunks(400) {
            parking_spaces::Entity::insert_many(chunk.to_vec()).exec(db).await?;
        }
        let mut free: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
        for s in parking_spaces::Entity::find()
            .order_by_desc(parking_spaces::Column::Id)
            .all(db)
            .await?
        {
            free.entry(s.community_id).or_default().push(s.id);
        }
        let owners = occupancies::Entity::find()
            .filter(occupancies::Column::Relation.eq(Relation::Owner.code()))
            .order_by_asc(occupancies::Column::Id)
            .all(db)
            .await?;
        const SERIAL: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        let mut cars = vec![];
        for (k, o) in owners.iter().enumerate() {
            if k != 0 && !r.next().is_multiple_of(3) {
                continue;
            }
            let new_energy = r.next().is_multiple_of(4);
            let plate = if new_energy {
                format!(
                    "浙A{}{:05}",
                    ["D", "F"][(r.next() % 2) as usize],
                    10_000 + k * 37 % 89_999
                )
            } else {
                let tail: String = (0..4)
                    .map(|j| SERIAL[((r.next() >> (j * 7)) % SERIAL.len() as u64) as usize] as char)
                    .collect();
                format!("浙A{}{}", tail, k % 10)
            };
            cars.push(vehicles::ActiveModel {
                community_id: Set(o.community_id),
                person_id: Set(o.person_id),
                unit_id: Set(Some(o.unit_id)),
                plate: Set(plate),
                new_energy: Set(new_energy),
                parking_space_id: Set(free.get_mut(&o.community_id).and_then(|v| v.pop())),
                note: Set(String::new()),
                created_at: Set(now),
                ..Default::default()
            });
        }
        // Generated plates may repeat: keep the first of each.
        let mut seen = std::collections::HashSet::new();
        cars.retain(|c| seen.insert(c.plate.clone().unwrap()));
        for chunk in cars.chunks(400) {
            vehicles::Entity::insert_many(chunk.to_vec()).exec(db).await?;
        }
        Ok(())
    }

    /// An ID number on record for 13800000001 (generated, valid under GB 11643, sealed like any
    /// other), and two requests to bind waiting for each office.
    pub async fn extras(ctx: &app::db::AppCtx) -> anyhow::Result<()> {
        let db = &ctx.db;
        let now = Utc::now();
        let admin = users::Entity::find()
            .filter(users::Column::Login.eq("admin"))
            .one(db)
            .await?
            .map(|u| u.id);
        if let Some(p) = persons::Entity::find()
            .filter(persons::Column::Phone.eq("13800000001"))
            .one(db)
            .await?
        {
            let id = app::estate::model::IdNumber::parse(&demo_id("33010619850314123"), now.date_naive())
                .map_err(|c| anyhow::anyhow!("demo ID number: {c}"))?;
            let sealed = app::estate::records::seal_id_number(&ctx.cfg.data_key, &id);
            let mut am: persons::ActiveModel = p.into();
            am.id_cipher = Set(Some(sealed.cipher));
            am.id_index = Set(Some(sealed.index));
            am.id_masked = Set(Some(sealed.masked));
            am.id_consent_at = Set(Some(now));
            am.id_consent_by = Set(admin);
            am.update(db).await?;
        }
        // 13800000039 asks to be recorded as family in 桂花苑 1-1-0201; 13800000040 as a tenant
        // in 云栖府's first shop-free flat.
        for (phone, community_code, number, relation) in [
            ("13800000039", "GHY", "1-1-0201", Relation::Family),
            ("13800000040", "YQF", "1-1-0102", Relation::Tenant),
        ] {
            let Some(user) = users::Entity::find()
                .filter(users::Column::Login.eq(phone))
                .one(db)
                .await?
            else {
                continue;
            };
            let Some(org) = app::db::entities::org_units::Entity::find()
                .filter(app::db::entities::org_units::Column::Code.eq(community_code))
                .one(db)
                .await?
            else {
                continue;
            };
            let Some(unit) = units::Entity::find()
                .filter(units::Column::CommunityId.eq(org.id))
                .filter(units::Column::Number.eq(number))
                .one(db)
                .await?
            else {
                continue;
            };
            bind_requests::ActiveModel {
                user_id: Set(user.id),
                community_id: Set(org.id),
                unit_id: Set(unit.id),
                relation: Set(relation.code().into()),
                name: Set(user.display_name.clone()),
                status: Set("pending".into()),
                note: Set(String::new()),
                decided_by: Set(None),
                decided_at: Set(None),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        Ok(())
    }

    /// Appends the GB 11643 check character to 17 digits.
    fn demo_id(first17: &str) -> String {
        const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = first17.bytes().zip(W).map(|(b, w)| (b - b'0') as u32 * w).sum();
        format!("{first17}{}", "10X98765432".as_bytes()[(sum % 11) as usize] as char)
    }
}

/// Engineering of 桂花苑: lifts, pumps, the fire pump and a switchboard with two maintenance
/// plans, six checkpoints and a night and a day patrol, entered as the project manager would.
/// Due dates count from today, so the ledger always shows one plan overdue and one due soon.
mod engineering {
    use super::e;
    use app::access::model::{AuthVia, Authed, RequestMeta};
    use app::db::entities::users;
    use app::db::AppCtx;
    use app::engineering::model::*;
    use app::engineering::{inspection, ledger};
    use app::shared::ids::{OrgId, UserId};
    use chrono::Duration;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    /// Code, name, category, location, model, supplier, installed, warranty until.
    #[rustfmt::skip]
    const EQUIPMENT: [(&str, &str, &str, &str, &str, &str, &str, &str); 5] = [
        ("DT-01", "1号楼客梯", "lift", "1号楼1单元", "OTIS GeN2-MR", "奥的斯电梯（中国）有限公司", "2019-06-18", "2024-06-17"),
        ("DT-02", "2号楼客梯", "lift", "2号楼1单元", "OTIS GeN2-MR", "奥的斯电梯（中国）有限公司", "2019-06-20", "2024-06-19"),
        ("SB-01", "生活水泵", "pump", "地下一层水泵房", "格兰富 CR15-5", "格兰富水泵（上海）有限公司", "2019-05-20", "2027-05-19"),
        ("XF-01", "消防泵", "fire", "地下一层消防泵房", "XBD8/30-100", "上海连成（集团）有限公司", "2019-05-20", "2027-05-19"),
        ("PD-01", "低压配电柜", "power", "1号配电房", "GCK-0.4kV", "正泰电气股份有限公司", "2019-04-10", "2025-04-09"),
    ];

    /// Name, location, equipment code, checklist.
    #[rustfmt::skip]
    const CHECKPOINTS: [(&str, &str, Option<&str>, &[&str]); 6] = [
        ("地下车库入口", "B1 层坡道口", None, &["照明", "排水沟", "消防通道畅通"]),
        ("生活水泵房", "地下一层", Some("SB-01"), &["水泵运行声音", "压力表读数", "有无渗漏", "门窗锁闭"]),
        ("消防泵房", "地下一层", Some("XF-01"), &["控制柜处于自动状态", "管网压力", "阀门常开", "有无渗漏"]),
        ("1号配电房", "1号楼东侧", Some("PD-01"), &["电压电流指示", "有无异味异响", "温度", "门锁"]),
        ("东门岗", "东门", None, &["道闸", "监控画面", "门岗值守"]),
        ("1号楼电梯机房", "1号楼顶层", Some("DT-01"), &["机房温度", "曳引机", "控制柜", "机房门锁"]),
    ];

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    pub async fn load(ctx: &AppCtx, ghy: OrgId) -> anyhow::Result<()> {
        let meta = RequestMeta::default();
        let pm = users::Entity::find()
            .filter(users::Column::Login.eq("pm.ghy"))
            .one(&ctx.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo user pm.ghy missing"))?;
        let pm = Authed {
            user_id: UserId(pm.id),
            session_id: String::new(),
            csrf_token: String::new(),
            via: AuthVia::Cookie,
        };
        let mut ids = std::collections::HashMap::new();
        for (code, name, category, location, model, supplier, installed, warranty) in EQUIPMENT {
            let d = ledger::create(
                ctx,
                &meta,
                &pm,
                EquipmentInput {
                    community_id: ghy,
                    code: code.into(),
                    name: name.into(),
                    category: category.into(),
                    location: location.into(),
                    model: model.into(),
                    supplier: supplier.into(),
                    installed_on: installed.into(),
                    warranty_until: warranty.into(),
                    notes: String::new(),
                    status: "active".into(),
                    photos: vec![],
                    documents: vec![],
                },
            )
            .await
            .map_err(e)?;
            ids.insert(code, d.equipment.id);
        }
        let today = app::shared::time::today_cn();
        for (code, name, n, unit, starts, list) in [
            (
                "DT-01",
                "电梯半月保养",
                15,
                "day",
                today + Duration::days(3),
                &["曳引机运行声音", "制动器", "门锁回路", "轿厢照明与通风", "应急电话"][..],
            ),
            (
                "XF-01",
                "消防泵每周试运行",
                1,
                "week",
                today - Duration::days(2),
                &["手动启泵", "出水压力", "控制柜指示灯", "阀门状态"][..],
            ),
        ] {
            ledger::add_plan(
                ctx,
                &meta,
                &pm,
                ids[code],
                PlanInput {
                    name: name.into(),
                    every_n: n,
                    every_unit: unit.into(),
                    checklist: strings(list),
                    starts_on: starts.to_string(),
                },
            )
            .await
            .map_err(e)?;
        }
        let mut points = vec![];
        for (name, location, equipment, list) in CHECKPOINTS {
            let c = inspection::create_checkpoint(
                ctx,
                &meta,
                &pm,
                CheckpointInput {
                    community_id: ghy,
                    name: name.into(),
                    location: location.into(),
                    equipment_id: equipment.map(|c| ids[c]),
                    checklist: strings(list),
                },
            )
            .await
            .map_err(e)?;
            points.push(c.id);
        }
        for (name, stops, slots, window) in [
            ("夜间巡逻", [4, 0, 3, 1], &["20:00", "23:00", "02:00"][..], 60),
            ("日间设备巡检", [1, 2, 3, 5], &["09:00", "15:00"][..], 90),
        ] {
            inspection::create_route(
                ctx,
                &meta,
                &pm,
                RouteInput {
                    community_id: ghy,
                    name: name.into(),
                    checkpoints: stops.iter().map(|i| points[*i]).collect(),
                    slots: strings(slots),
                    window_minutes: window,
                },
            )
            .await
            .map_err(e)?;
        }
        Ok(())
    }
}

/// Owners' governance in 桂花苑: a committee (13800000001 chairs it, 13800000002 sits on it), a
/// tenant with an account (13800000041, who is told why they cannot vote), and three meetings:
/// one published with its result, one whose voting has ended and waits for the committee to
/// close and publish it, one open now in which the demo owners with accounts have not voted.
/// Ballots go through the same hash-chained log as an owner's; the notice period is the one
/// liberty taken (the notice is dated 16 days before the opening, as the rules ask).
mod governance {
    use super::{e, name, who, Lcg, DEMO_PASSWORD};
    use app::access::model::{Authed, RequestMeta, UserKind};
    use app::access::service as access;
    use app::db::entities::{gov_meetings, gov_voter_persons, gov_voters, occupancies, persons, units};
    use app::db::AppCtx;
    use app::estate::model::Relation;
    use app::governance::{ballots, meetings, model::*, proxies};
    use app::shared::ids::{MeetingId, OrgId, UserId};
    use chrono::{Duration, Utc};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    use std::collections::HashSet;

    fn matter(title: &str, body: &str, rule: Rule) -> NewMeetingItem {
        NewMeetingItem {
            title: title.into(),
            body: body.into(),
            kind: ItemKind::Matter,
            rule,
            seats: 0,
            max_picks: 0,
            candidates: vec![],
        }
    }

    /// Drafts a meeting with its items as the chair, then opens its vote now, until `closes_in`.
    async fn open_meeting(
        ctx: &AppCtx,
        chair: &Authed,
        ghy: OrgId,
        title: &str,
        body: &str,
        allow_change: bool,
        open_ballot: bool,
        items: Vec<NewMeetingItem>,
        closes_in: Duration,
    ) -> anyhow::Result<gov_meetings::Model> {
        let meta = RequestMeta::default();
        let today = app::shared::time::today_cn();
        let new = NewMeeting {
            community: ghy,
            title: title.into(),
            body: body.into(),
            opens_on: today,
            closes_on: today + chrono::Days::new(30),
            allow_change,
            open_ballot,
        };
        let m = meetings::create(ctx, &meta, chair, new).await.map_err(e)?;
        for item in items {
            meetings::add_item(ctx, &meta, chair, m.row.id, item).await.map_err(e)?;
        }
        let row = gov_meetings::Entity::find_by_id(m.row.id.0)
            .one(&ctx.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo meeting missing"))?;
        let now = Utc::now();
        let mut am: gov_meetings::ActiveModel = row.into();
        am.status = Set(MeetingStatus::Noticed.code().into());
        am.opens_at = Set(now - Duration::seconds(1));
        am.noticed_at = Set(Some(now - Duration::days(16)));
        am.closes_at = Set(now + closes_in);
        am.update(&ctx.db).await?;
        meetings::act(ctx, &meta, chair, m.row.id, MeetingAction::Open)
            .await
            .map_err(e)?;
        gov_meetings::Entity::find_by_id(m.row.id.0)
            .one(&ctx.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo meeting missing"))
    }

    /// Ballots for about `share` percent of the voters, skipping those whose owners have demo
    /// accounts when `spare_accounts` (so they can vote themselves). `pick` answers each item.
    async fn cast_many(
        ctx: &AppCtx,
        m: &gov_meetings::Model,
        by: UserId,
        share: u64,
        spare_accounts: bool,
        r: &mut Lcg,
        pick: impl Fn(&mut Lcg) -> Ballot,
    ) -> anyhow::Result<()> {
        let with_accounts: HashSet<i64> = if spare_accounts {
            let phones: Vec<String> = (1..=41).map(|i| format!("138{i:08}")).collect();
            let ps: Vec<i64> = persons::Entity::find()
                .filter(persons::Column::Phone.is_in(phones))
                .all(&ctx.db)
                .await?
                .into_iter()
                .map(|p| p.id)
                .collect();
            gov_voter_persons::Entity::find()
                .filter(gov_voter_persons::Column::MeetingId.eq(m.id))
                .filter(gov_voter_persons::Column::PersonId.is_in(ps))
                .all(&ctx.db)
                .await?
                .into_iter()
                .map(|v| i64::from(v.voter_idx))
                .collect()
        } else {
            HashSet::new()
        };
        let voters = gov_voters::Entity::find()
            .filter(gov_voters::Column::MeetingId.eq(m.id))
            .order_by_asc(gov_voters::Column::Idx)
            .all(&ctx.db)
            .await?;
        for v in voters {
            if v.key == "developer" || with_accounts.contains(&i64::from(v.idx)) || r.next() % 100 >= share {
                continue;
            }
            let b = pick(r);
            ballots::record(ctx, m.id, &v, &b, by).await.map_err(e)?;
        }
        Ok(())
    }

    fn choice(r: &mut Lcg, agree: u64, oppose: u64) -> Option<Vote> {
        let x = r.next() % 100;
        Some(Vote::Choice(if x < agree {
            Choice::Agree
        } else if x < agree + oppose {
            Choice::Oppose
        } else {
            Choice::Abstain
        }))
    }

    pub async fn load(ctx: &AppCtx, ghy: OrgId) -> anyhow::Result<()> {
        let meta = RequestMeta::default();
        let mut r = Lcg(20261208);
        access::grant_system(ctx, "13800000001", meetings::COMMITTEE_ROLE, ghy)
            .await
            .map_err(e)?;
        access::grant_system(ctx, "13800000002", meetings::COMMITTEE_ROLE, ghy)
            .await
            .map_err(e)?;
        // A tenant of 桂花苑 with an account: the vote page tells them why they cannot vote.
        let tenant = name(&mut r);
        access::create_user_system(
            ctx,
            "13800000041",
            Some("13800000041"),
            &tenant,
            DEMO_PASSWORD,
            UserKind::Resident,
            false,
        )
        .await
        .map_err(e)?;
        let now = Utc::now();
        let p = persons::ActiveModel {
            name: Set(tenant),
            phone: Set(Some("13800000041".into())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&ctx.db)
        .await?;
        let unit = units::Entity::find()
            .filter(units::Column::CommunityId.eq(ghy.0))
            .order_by_asc(units::Column::Id)
            .all(&ctx.db)
            .await?
            .into_iter()
            .nth(60)
            .ok_or_else(|| anyhow::anyhow!("桂花苑 has no 61st unit"))?;
        let start = app::shared::time::today_cn() - chrono::Days::new(200);
        occupancies::ActiveModel {
            unit_id: Set(unit.id),
            person_id: Set(p.id),
            community_id: Set(ghy.0),
            relation: Set(Relation::Tenant.code().into()),
            share_bp: Set(None),
            start_date: Set(start),
            end_date: Set(None),
            lease_end: Set(Some(start + chrono::Days::new(730))),
            pays_fees: Set(false),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&ctx.db)
        .await?;

        let chair = who(ctx, "13800000001").await?;
        // The committee's roster: the chair, the member with an account as vice chair, three
        // more owners; filed with the street office.
        let mut members = Vec::new();
        for (i, phone) in [
            "13800000001",
            "13800000002",
            "13800000007",
            "13800000011",
            "13800000016",
        ]
        .into_iter()
        .enumerate()
        {
            let p = persons::Entity::find()
                .filter(persons::Column::Phone.eq(phone))
                .one(&ctx.db)
                .await?
                .ok_or_else(|| anyhow::anyhow!("demo owner {phone} missing"))?;
            members.push(CommitteeMember {
                name: p.name,
                position: match i {
                    0 => CommitteePosition::Chair,
                    1 => CommitteePosition::ViceChair,
                    _ => CommitteePosition::Member,
                },
            });
        }
        let term_start = app::shared::time::today_cn() - chrono::Days::new(400);
        app::governance::roster::save(
            ctx,
            &meta,
            &chair,
            NewRoster {
                community: ghy,
                term_start,
                term_end: term_start + chrono::Months::new(60) - chrono::Days::new(1),
                filed_on: Some(term_start + chrono::Days::new(20)),
                filed_with: "桂花街道办事处".into(),
                members,
                documents: vec![],
            },
        )
        .await
        .map_err(e)?;
        // 1. Published: renewing the property company, the elevator fund, the committee election.
        let candidates: Vec<String> = (0..7).map(|_| name(&mut r)).collect();
        let m1 = open_meeting(
            ctx,
            &chair,
            ghy,
            "2026 年第一次业主大会",
            "本次会议表决续聘物业服务企业、使用专项维修资金更换 3 号楼电梯，并选举第二届业主委员会。\n表决材料已在物业服务中心和各楼栋公告栏张贴。",
            false,
            true,
            vec![
                matter(
                    "续聘邻里物业服务有限公司为本小区物业服务企业（三年）",
                    "合同期 2027 年 1 月 1 日至 2029 年 12 月 31 日，收费标准不变。",
                    Rule::Ordinary,
                ),
                matter(
                    "使用专项维修资金更换 3 号楼 1、2 单元电梯",
                    "预算 86 万元，由 3 号楼业主分摊；招标结果另行公示。",
                    Rule::Ordinary,
                ),
                NewMeetingItem {
                    title: "选举第二届业主委员会委员（5 名）".into(),
                    body: "每张选票最多选 5 名候选人。".into(),
                    kind: ItemKind::Election,
                    rule: Rule::Ordinary,
                    seats: 5,
                    max_picks: 5,
                    candidates: vec![candidates.join("\n")],
                },
            ],
            Duration::hours(1),
        )
        .await?;
        cast_many(ctx, &m1, chair.user_id, 82, false, &mut r, |r| {
            let mut picks: Vec<u32> = vec![];
            for c in 0..7u32 {
                // The first five are favoured; the last two less so.
                if picks.len() < 5 && r.next() % 100 < if c < 5 { 80 } else { 35 } {
                    picks.push(c);
                }
            }
            vec![choice(r, 78, 12), choice(r, 64, 24), Some(Vote::Picks(picks))]
        })
        .await?;
        let mut am: gov_meetings::ActiveModel = gov_meetings::Entity::find_by_id(m1.id)
            .one(&ctx.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo meeting missing"))?
            .into();
        am.closes_at = Set(Utc::now());
        am.update(&ctx.db).await?;
        meetings::act(ctx, &meta, &chair, MeetingId(m1.id), MeetingAction::Close)
            .await
            .map_err(e)?;
        meetings::act(ctx, &meta, &chair, MeetingId(m1.id), MeetingAction::Publish)
            .await
            .map_err(e)?;

        // 2. Voting ended: the committee closes it and publishes the result.
        let m2 = open_meeting(
            ctx,
            &chair,
            ghy,
            "关于更换小区门禁系统的表决",
            "现有门禁系统已使用 9 年，拟更换为支持人脸和手机开门的系统，费用从公共收益中列支。",
            false,
            false,
            vec![matter(
                "同意更换门禁系统，费用约 18 万元从公共收益中列支",
                "",
                Rule::Ordinary,
            )],
            Duration::hours(1),
        )
        .await?;
        cast_many(ctx, &m2, chair.user_id, 76, false, &mut r, |r| vec![choice(r, 70, 20)]).await?;
        let mut am: gov_meetings::ActiveModel = gov_meetings::Entity::find_by_id(m2.id)
            .one(&ctx.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo meeting missing"))?
            .into();
        am.closes_at = Set(Utc::now() - Duration::minutes(1));
        am.update(&ctx.db).await?;

        // 3. Open now for ten days; owners may change their ballot until the close.
        let m3 = open_meeting(
            ctx,
            &chair,
            ghy,
            "关于增设电动自行车集中充电设施的表决",
            "拟在 2 号楼与 3 号楼之间的架空层增设 60 个充电车位（改变共有部分用途），充电收益扣除电费后补充专项维修资金。",
            true,
            false,
            vec![
                matter(
                    "同意在 2、3 号楼架空层增设电动自行车集中充电设施",
                    "改变共有部分用途，须经参与表决专有部分面积四分之三以上且参与表决人数四分之三以上同意。",
                    Rule::Special,
                ),
                matter("同意充电收益扣除电费后补充专项维修资金", "", Rule::Special),
            ],
            Duration::days(10),
        )
        .await?;
        cast_many(ctx, &m3, chair.user_id, 55, true, &mut r, |r| {
            vec![choice(r, 80, 10), choice(r, 72, 10)]
        })
        .await?;
        // 13800000034 is away and names their neighbour 13800000035 as proxy, with a photo of
        // the signed authorization; the chair accepts it (a `proxy` row of the log).
        let owner = who(ctx, "13800000034").await?;
        let id = MeetingId(m3.id);
        let mine = meetings::mine(ctx, &owner, id).await.map_err(e)?;
        if let Some(v) = mine.voters.first() {
            let img = image::RgbImage::from_fn(120, 160, |x, y| {
                image::Rgb([245, (200 + x % 40) as u8, (170 + y % 80) as u8])
            });
            let mut png = std::io::Cursor::new(Vec::new());
            img.write_to(&mut png, image::ImageFormat::Png)?;
            let photo = app::files::service::upload_photo(ctx, &owner, png.into_inner(), "委托书.png")
                .await
                .map_err(e)?;
            let meta = RequestMeta::default();
            let new = NewProxy {
                voter: v.voter,
                name: name(&mut r),
                phone: "13800000035".into(),
                authorization: photo.id,
            };
            let p = proxies::request(ctx, &meta, &owner, id, new).await.map_err(e)?;
            let yes = ProxyDecision {
                accept: true,
                reason: String::new(),
            };
            proxies::decide(ctx, &meta, &chair, id, p.id, yes).await.map_err(e)?;
        }
        Ok(())
    }
}

/// 桂花苑's notices, written by its manager as staff would: a water cut (an emergency, until the
/// day after tomorrow), the property fee publicity (pinned), a fire drill, a winter tip, and a
/// lift notice for building 1's tenants. The server's worker sends them once it runs.
mod community {
    use super::{e, who};
    use app::community::{events, model::*, notices, surveys};
    use app::db::AppCtx;
    use app::shared::ids::OrgId;
    use chrono::{Duration, Utc};

    pub async fn load(ctx: &AppCtx, ghy: OrgId) -> anyhow::Result<()> {
        let pm = who(ctx, "pm.ghy").await?;
        let local = |d: Duration| {
            (Utc::now() + d)
                .with_timezone(&app::shared::time::shanghai())
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        };
        let building_1 = app::estate::service::buildings_of(&ctx.db, ghy.0)
            .await
            .map_err(e)?
            .into_iter()
            .next()
            .map(|b| b.0);
        let list = [
            (
                "明日 9:00–17:00 全小区停水",
                "<p>因市政供水管网检修，<strong>明日 9:00 至 17:00</strong> 全小区停水。</p><p>请提前储水，关好水龙头，以免来水时跑水。如有疑问请致电物业服务中心。</p>",
                NoticeCategory::Outage,
                NoticeKind::Emergency,
                Audience::Everyone,
                vec![],
                local(Duration::days(2)),
            ),
            (
                "2026 年度物业费收支情况公示",
                "根据《物业管理条例》，现将本年度物业服务费收支情况公示如下，公示期 15 天。\n\n收入：物业服务费、停车管理费、公共收益。\n支出：人员、保洁、绿化、秩序维护、设施设备维保。\n\n业主如有异议，请在公示期内向物业服务中心或业主委员会书面反映。",
                NoticeCategory::Publicity,
                NoticeKind::Pinned,
                Audience::Owners,
                vec![],
                local(Duration::days(15)),
            ),
            (
                "消防安全演练通知",
                "本周六上午 10:00 在中心花园举行消防演练，届时会有警报声，请勿惊慌。欢迎住户参加，学习灭火器使用。",
                NoticeCategory::Activity,
                NoticeKind::Normal,
                Audience::Everyone,
                vec![],
                String::new(),
            ),
            (
                "冬季防冻温馨提示",
                "气温骤降，请关好门窗，阳台和室外水管做好保温；长期不在家的住户请关闭总水阀。",
                NoticeCategory::Tip,
                NoticeKind::Normal,
                Audience::Everyone,
                vec![],
                String::new(),
            ),
            (
                "1 栋电梯年检，租户请留意",
                "1 栋电梯将于下周二进行年度检验，当天 9:00–12:00 暂停使用，请合理安排出行。",
                NoticeCategory::Notice,
                NoticeKind::Normal,
                Audience::Tenants,
                building_1.into_iter().collect(),
                String::new(),
            ),
        ];
        for (title, body, category, kind, audience, buildings, ends_at) in list {
            notices::create(
                ctx,
                &app::access::model::RequestMeta::default(),
                &pm,
                NewNotice {
                    community_id: ghy,
                    title: title.into(),
                    body: body.into(),
                    category,
                    kind,
                    audience,
                    buildings,
                    units: String::new(),
                    publish_at: String::new(),
                    ends_at,
                    documents: vec![],
                    photos: vec![],
                    by_committee: false,
                },
            )
            .await
            .map_err(e)?;
        }
        survey(ctx, ghy, &pm, local(Duration::days(30))).await?;
        event(
            ctx,
            ghy,
            &pm,
            local(Duration::days(5)),
            local(Duration::days(5) + Duration::hours(2)),
        )
        .await
    }

    /// A free craft class in five days for every household (20 places, up to 3 per household),
    /// published at once so that residents find it on the 社区 tab.
    async fn event(
        ctx: &AppCtx,
        ghy: OrgId,
        pm: &app::access::model::Authed,
        starts_at: String,
        ends_at: String,
    ) -> anyhow::Result<()> {
        let ev = events::create(
            ctx,
            &app::access::model::RequestMeta::default(),
            pm,
            NewEvent {
                community_id: ghy,
                title: "亲子手工课：剪纸与灯笼".into(),
                body: "迎新年，带孩子一起动手做剪纸和小灯笼。材料由物业准备，请穿方便活动的衣服。".into(),
                place: "会所二楼活动室".into(),
                starts_at,
                ends_at,
                signup_until: String::new(),
                capacity: 20,
                per_household: 3,
                fee: String::new(),
                audience: Audience::Everyone,
                buildings: vec![],
                units: String::new(),
                publish_at: String::new(),
            },
        )
        .await
        .map_err(e)?;
        if let app::jobs::JobResult::Failed(why) = events::publish_job(ctx, &serde_json::json!({ "e": ev.id })).await {
            anyhow::bail!("publishing the demo event: {why}");
        }
        Ok(())
    }

    /// The yearly satisfaction survey, open for a month, opened at once and already answered by
    /// a dozen households (not by the residents the end-to-end tests sign in as), so that its
    /// results page has something to show.
    async fn survey(
        ctx: &AppCtx,
        ghy: OrgId,
        pm: &app::access::model::Authed,
        closes_at: String,
    ) -> anyhow::Result<()> {
        let (title, intro, questions) = satisfaction_template();
        let s = surveys::create(
            ctx,
            &app::access::model::RequestMeta::default(),
            pm,
            NewSurvey {
                community_id: ghy,
                title,
                intro,
                questions,
                audience: Audience::Everyone,
                buildings: vec![],
                units: String::new(),
                anonymous: false,
                per_person: false,
                replace: true,
                opens_at: String::new(),
                closes_at,
            },
        )
        .await
        .map_err(e)?;
        if let app::jobs::JobResult::Failed(why) = surveys::open_job(ctx, &serde_json::json!({ "s": s.id })).await {
            anyhow::bail!("opening the demo survey: {why}");
        }
        let notes = [
            "电梯经常停运，希望加快维修",
            "",
            "垃圾清运及时，点赞保洁阿姨",
            "",
            "晚上门岗对外卖车辆管理不严",
            "",
        ];
        for n in 2..=13u32 {
            let phone = format!("138{:08}", n);
            let resident = who(ctx, &phone).await?;
            // Mostly content, some not: a spread that differs by service.
            let stars = |q: u32| Some([5, 5, 4, 4, 4, 3, 3, 2, 5, 1][((n * n * 7 + q * 13 + n * q * 5) % 10) as usize]);
            let mut answers: Vec<QuestionAnswer> = (0..7)
                .map(|q| QuestionAnswer {
                    question: q,
                    rating: stars(q),
                    ..Default::default()
                })
                .collect();
            answers.push(QuestionAnswer {
                question: 7,
                choices: vec![n % 3],
                ..Default::default()
            });
            answers.push(QuestionAnswer {
                question: 8,
                choices: vec![n % 8, (n + 3) % 8],
                ..Default::default()
            });
            answers.push(QuestionAnswer {
                question: 9,
                text: notes[n as usize % notes.len()].into(),
                ..Default::default()
            });
            surveys::answer(ctx, &resident, s.id, None, |_| answers)
                .await
                .map_err(e)?;
        }
        Ok(())
    }
}

/// 桂花苑's clubhouse: four venues (a badminton court, a hall that needs approval, a free
/// meeting room on weekdays, BBQ pits open past midnight) and the coming week's bookings, made
/// through the booking rules as residents would (not by the residents the end-to-end tests sign
/// in as).
mod amenities {
    use super::{e, who};
    use app::amenities::model::{Booker, NewBooking, VenueInput, VenueKind};
    use app::amenities::{bookings, venues};
    use app::db::AppCtx;
    use app::shared::ids::OrgId;
    use chrono::Duration;

    pub async fn load(ctx: &AppCtx, ghy: OrgId) -> anyhow::Result<()> {
        let cs = who(ctx, "cs.ghy").await?;
        let meta = app::access::model::RequestMeta::default();
        let all = vec![Booker::Owners, Booker::Tenants, Booker::Family];
        let base = VenueInput {
            community_id: ghy,
            name: String::new(),
            kind: VenueKind::Court,
            description: String::new(),
            capacity: 4,
            slot_minutes: 60,
            hours_weekday: "07:00-22:00".into(),
            hours_weekend: "07:00-22:00".into(),
            who: all.clone(),
            window_days: 7,
            lead_minutes: 30,
            max_per_day: 1,
            max_per_week: 3,
            max_slots: 2,
            cancel_minutes: 120,
            price: String::new(),
            guest_price: String::new(),
            approval: false,
            noshow_limit: 2,
            noshow_days: 30,
            suspend_days: 7,
            active: true,
        };
        let list = [
            VenueInput {
                name: "羽毛球场".into(),
                description: "会所一楼，标准单片场地，提供球网；球拍可在前台借用。".into(),
                price: "20".into(),
                guest_price: "40".into(),
                ..base.clone()
            },
            VenueInput {
                name: "多功能厅".into(),
                kind: VenueKind::Hall,
                description: "可容纳 60 人，有投影和音响，适合生日会、讲座和业主活动。预订需物业审核。".into(),
                capacity: 60,
                slot_minutes: 120,
                hours_weekday: "09:00-21:00".into(),
                hours_weekend: "09:00-21:00".into(),
                who: vec![Booker::Owners, Booker::Family],
                window_days: 14,
                lead_minutes: 24 * 60,
                max_per_week: 1,
                max_slots: 3,
                cancel_minutes: 48 * 60,
                price: "100".into(),
                guest_price: "300".into(),
                approval: true,
                ..base.clone()
            },
            VenueInput {
                name: "会议室".into(),
                kind: VenueKind::Meeting,
                description: "会所二楼，12 座，适合业主小组讨论。".into(),
                capacity: 12,
                hours_weekend: String::new(),
                hours_weekday: "09:00-18:00".into(),
                max_per_day: 2,
                max_per_week: 5,
                max_slots: 3,
                cancel_minutes: 30,
                noshow_limit: 0,
                ..base.clone()
            },
            VenueInput {
                name: "烧烤位".into(),
                kind: VenueKind::Bbq,
                description: "中心花园旁，自带炭炉；请自行清理，23:00 后请小声。".into(),
                capacity: 10,
                slot_minutes: 120,
                hours_weekday: "17:00-01:00".into(),
                hours_weekend: "11:00-01:00".into(),
                window_days: 10,
                max_per_week: 2,
                max_slots: 2,
                cancel_minutes: 6 * 60,
                price: "50".into(),
                guest_price: "80".into(),
                ..base
            },
        ];
        let mut ids = vec![];
        for v in list {
            ids.push(venues::save(ctx, &meta, &cs, None, v).await.map_err(e)?.id);
        }
        // The coming week: a court booked most evenings, the BBQ on Saturday night, a hall
        // request waiting for approval. A slot already past when the demo loads is skipped.
        let today = app::shared::time::today_cn();
        let plan: [(u32, usize, i64, &str, u32); 9] = [
            (27, 0, 0, "20:00", 1),
            (28, 0, 1, "19:00", 2),
            (29, 0, 2, "19:00", 1),
            (31, 0, 3, "20:00", 1),
            (32, 0, 4, "18:00", 2),
            (33, 3, 5, "19:00", 2),
            (34, 2, 1, "10:00", 2),
            (35, 1, 6, "15:00", 2),
            (27, 3, 2, "23:00", 1),
        ];
        for (n, venue, day, at, slots) in plan {
            let resident = who(ctx, &format!("138{n:08}")).await?;
            let start = format!("{}T{at}", today + Duration::days(day));
            let b = NewBooking {
                venue_id: ids[venue],
                start,
                slots,
                unit_id: None,
                guest_name: String::new(),
                guest_phone: String::new(),
            };
            match bookings::book(ctx, &resident, b).await {
                Ok(_) => {}
                Err(err) if err.status() == 422 => {}
                Err(err) => return Err(e(err)),
            }
        }
        Ok(())
    }
}
