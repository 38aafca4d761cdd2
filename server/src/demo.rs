//! The demo community: deterministic, realistic, generated (no real personal data).
//! One company, a region, two offices with a community each, staff for every role, residents.
use app::access::model::UserKind;
use app::access::service as access;
use app::db::AppCtx;
use app::estate::model::OrgKind;
use app::estate::service as estate;
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

fn e(err: app::shared::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{err}")
}

/// Loads the demo into an empty database. Returns the number of accounts created.
pub async fn load(ctx: &AppCtx) -> anyhow::Result<usize> {
    if is_loaded(ctx).await? {
        anyhow::bail!("the database already holds data; the demo loads only into an empty database");
    }
    let db = &ctx.db;
    let company = estate::create_org(db, None, OrgKind::Company, "邻里物业服务有限公司", "LL")
        .await
        .map_err(e)?;
    let region = estate::create_org(db, Some(company.id), OrgKind::Region, "华东区域", "LL-HD")
        .await
        .map_err(e)?;
    let office_a = estate::create_org(db, Some(region.id), OrgKind::Office, "桂花苑管理处", "LL-HD-GHY")
        .await
        .map_err(e)?;
    let office_b = estate::create_org(db, Some(region.id), OrgKind::Office, "云栖府管理处", "LL-HD-YQF")
        .await
        .map_err(e)?;
    estate::create_org(db, Some(office_a.id), OrgKind::Community, "桂花苑", "GHY")
        .await
        .map_err(e)?;
    estate::create_org(db, Some(office_b.id), OrgKind::Community, "云栖府", "YQF")
        .await
        .map_err(e)?;

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
    for i in 1..=40u32 {
        let phone = format!("138{:08}", i);
        let display = name(&mut r);
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
    Ok(n)
}
