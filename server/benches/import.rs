//! How long a large records import takes: a 10 000-unit workbook (units, owners — half with an
//! ID number — and one owner relation per unit), written with our own writer, imported into a
//! fresh SQLite file database as a dry run and then as a commit. Three runs; prints the median.
//! A benchmark, not a test: it asserts correctness, never a time.
//!
//!     cargo bench -p server --bench import
use app::access::model::{AuthVia, Authed, RequestMeta, UserKind};
use app::access::service as access;
use app::db::{AppCtx, RuntimeConfig};
use app::estate::import::{import_records, ImportRequest};
use app::org::model::OrgKind;
use app::org::service as org;
use app::shared::i18n::Locale;
use std::sync::Arc;
use std::time::{Duration, Instant};

const UNITS: usize = 10_000;

/// A GB 11643 number with a valid check character.
fn id_number(i: usize) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: &[u8] = b"10X98765432";
    let body = format!(
        "110105{}{:02}{:02}{:03}",
        1950 + i % 50,
        1 + i % 12,
        1 + i % 28,
        i % 1000
    );
    let sum: u32 = body.bytes().zip(W).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{body}{}", C[(sum % 11) as usize] as char)
}

fn workbook() -> Vec<u8> {
    let s = |v: &[&str]| v.iter().map(|x| String::from(*x)).collect::<Vec<_>>();
    let mut units = vec![];
    let mut owners = vec![];
    let mut rel = vec![];
    // 20 buildings × 2 entrances × 25 floors × 10 units per floor.
    let mut i = 0;
    for b in 1..=20 {
        for cell in 1..=2 {
            for floor in 1..=25 {
                for n in 1..=10 {
                    let number = format!("{b}-{cell}-{floor:02}{n:02}");
                    let phone = format!("139{i:08}");
                    units.push(vec![
                        b.to_string(),
                        cell.to_string(),
                        "25".into(),
                        number.clone(),
                        floor.to_string(),
                        "三室两厅".into(),
                        if n % 2 == 0 { "89.57" } else { "120.3" }.into(),
                        "住宅".into(),
                    ]);
                    let id = if i % 2 == 0 { id_number(i) } else { String::new() };
                    owners.push(vec![format!("测试业主{i}"), phone.clone(), id]);
                    rel.push(vec![number, phone, "业主".into()]);
                    i += 1;
                }
            }
        }
    }
    assert_eq!(units.len(), UNITS);
    app::shared::xlsx::write_workbook(&[
        (
            "房屋",
            s(&[
                "楼栋号",
                "单元编号",
                "总层数",
                "房屋编号",
                "房屋楼层",
                "户型",
                "建筑面积",
                "用途",
            ]),
            units,
        ),
        ("业主", s(&["业主名称", "手机号", "身份证号"]), owners),
        ("房屋业主", s(&["房屋编号", "手机号", "关系"]), rel),
    ])
    .expect("workbook")
}

async fn one_run(book: &[u8], run: usize) -> (Duration, Duration) {
    let path = std::env::temp_dir().join(format!("linli-bench-import-{}-{run}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let db = server::connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .expect("database");
    server::migrate(&db).await.expect("migrate");
    let ctx = AppCtx {
        db,
        cfg: Arc::new(RuntimeConfig::default()),
    };
    let company = org::create_org(&ctx.db, None, OrgKind::Company, "测试物业", "T")
        .await
        .unwrap();
    let office = org::create_org(&ctx.db, Some(company.id), OrgKind::Office, "管理处", "T-A")
        .await
        .unwrap();
    let community = org::create_org(&ctx.db, Some(office.id), OrgKind::Community, "小区", "A1")
        .await
        .unwrap();
    let user = access::create_user_system(
        &ctx,
        "pm.bench",
        None,
        "经理",
        "Quiet-lantern-42",
        UserKind::Staff,
        false,
    )
    .await
    .unwrap();
    access::grant_system(&ctx, "pm.bench", "project_manager", office.id)
        .await
        .unwrap();
    let auth = Authed {
        user_id: user,
        session_id: String::new(),
        csrf_token: String::new(),
        via: AuthVia::Bearer,
    };
    let meta = RequestMeta::default();
    let mut req = ImportRequest {
        community_id: community.id,
        dry_run: true,
        id_consent: true,
    };

    let t = Instant::now();
    let dry = import_records(&ctx, &meta, &auth, Locale::ZhCn, req, book.to_vec())
        .await
        .unwrap();
    let dry_time = t.elapsed();
    assert_eq!(dry.error_count, 0, "{:?}", dry.errors.first());
    assert_eq!((dry.units, dry.persons, dry.occupancies), (10_000, 10_000, 10_000));

    req.dry_run = false;
    let t = Instant::now();
    let done = import_records(&ctx, &meta, &auth, Locale::ZhCn, req, book.to_vec())
        .await
        .unwrap();
    let commit_time = t.elapsed();
    assert!(done.committed && done.units == 10_000, "{:?}", done.errors.first());
    ctx.db.close().await.ok();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    (dry_time, commit_time)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let t = Instant::now();
    let book = workbook();
    println!(
        "workbook: {UNITS} units + {UNITS} owners + {UNITS} relations, {} KiB, written in {:?}",
        book.len() / 1024,
        t.elapsed()
    );
    let mut dry = vec![];
    let mut commit = vec![];
    for run in 0..3 {
        let (d, c) = one_run(&book, run).await;
        println!("run {}: dry run {d:?}, commit {c:?}", run + 1);
        dry.push(d);
        commit.push(c);
    }
    println!(
        "median of 3: dry run {:?}, commit {:?} (the commit checks everything again)",
        median(dry),
        median(commit)
    );
}
