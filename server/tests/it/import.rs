//! XLSX import and export of the property records through the real router: a workbook made
//! by another tool (openpyxl), dry run then commit, all-or-nothing on one bad row, hostile and
//! oversized files, data scope, and formula neutralisation on export.

use crate::common::*;
use app::db::entities::{audit_log, buildings, occupancies, parking_spaces, persons, units, vehicles};
use app::org::model::OrgKind;
use app::shared::ids::OrgId;
use app::shared::xlsx::write_workbook;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use calamine::Reader as _;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use std::io::{Cursor, Write as _};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const FIXTURE: &[u8] = include_bytes!("../fixtures/records-openpyxl.xlsx");

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| String::from(*s)).collect()
}

fn import_uri(community: OrgId, dry_run: bool, consent: bool) -> String {
    format!(
        "/api/v1/imports/records?community_id={}&dry_run={dry_run}&id_consent={consent}",
        community.0
    )
}

async fn upload(w: &World, token: &str, community: OrgId, dry_run: bool, consent: bool, bytes: Vec<u8>) -> Resp {
    w.send(
        Request::post(import_uri(community, dry_run, consent))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, XLSX)
            .body(Body::from(bytes))
            .unwrap(),
    )
    .await
}

async fn get_bytes(w: &World, uri: &str, token: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let res = w
        .router
        .clone()
        .oneshot(
            Request::get(uri)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, bytes)
}

fn report_counts(rep: &serde_json::Value) -> [i64; 6] {
    ["buildings", "units", "persons", "occupancies", "spaces", "vehicles"].map(|k| rep[k].as_i64().unwrap_or(-1))
}

struct Counts {
    buildings: u64,
    units: u64,
    persons: u64,
    occupancies: u64,
    spaces: u64,
    vehicles: u64,
}

async fn counts(w: &World) -> Counts {
    let db = &w.ctx.db;
    Counts {
        buildings: buildings::Entity::find().count(db).await.unwrap(),
        units: units::Entity::find().count(db).await.unwrap(),
        persons: persons::Entity::find().count(db).await.unwrap(),
        occupancies: occupancies::Entity::find().count(db).await.unwrap(),
        spaces: parking_spaces::Entity::find().count(db).await.unwrap(),
        vehicles: vehicles::Entity::find().count(db).await.unwrap(),
    }
}

fn unit_head() -> Vec<String> {
    strs(&[
        "楼栋号",
        "单元编号",
        "总层数",
        "房屋编号",
        "房屋楼层",
        "户型",
        "建筑面积",
        "用途",
    ])
}

/// A 房屋 sheet of `n` units in building `b` (numbers `b-1-01NN`), rows 2..=n+1.
fn unit_rows(b: &str, n: usize) -> Vec<Vec<String>> {
    (1..=n)
        .map(|i| {
            strs(&[
                b,
                "1",
                "9",
                &format!("{b}-1-01{i:02}"),
                "1",
                "两室一厅",
                "89.57",
                "住宅",
            ])
        })
        .collect()
}

#[tokio::test]
async fn a_workbook_from_openpyxl_imports_after_a_dry_run() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    let ta = w.token("pm.a").await;
    // Someone already on record by phone is reused, and keeps their name.
    let now = chrono::Utc::now();
    let old = persons::Entity::insert(persons::ActiveModel {
        name: sea_orm::Set("老业主".into()),
        phone: sea_orm::Set(Some("13900000005".into())),
        created_at: sea_orm::Set(now),
        updated_at: sea_orm::Set(now),
        ..Default::default()
    })
    .exec(&w.ctx.db)
    .await
    .unwrap()
    .last_insert_id;

    // Without consent the ID numbers stop the import, and say so once.
    let r = upload(&w, &ta, w.community_a, true, false, FIXTURE.to_vec()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rep = r.json();
    assert_eq!(rep["committed"], false);
    assert_eq!(rep["error_count"], 1, "{}", r.body);
    assert_eq!(rep["errors"][0]["column"], "id_consent");
    assert_eq!(rep["errors"][0]["sheet"], "业主信息");
    assert!(rep["errors"][0]["message"].as_str().unwrap().contains("同意"));

    let r = upload(&w, &ta, w.community_a, true, true, FIXTURE.to_vec()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rep = r.json();
    assert_eq!(rep["error_count"], 0, "{}", r.body);
    assert_eq!(report_counts(&rep), [2, 24, 19, 22, 3, 2], "{}", r.body);
    assert_eq!(counts(&w).await.units, 0, "a dry run writes nothing");

    let r = upload(&w, &ta, w.community_a, false, true, FIXTURE.to_vec()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["committed"], true);
    let c = counts(&w).await;
    assert_eq!(
        (c.buildings, c.units, c.persons, c.occupancies, c.spaces, c.vehicles),
        (2, 24, 20, 22, 3, 2)
    );

    // The units are there, with exact areas, owners in order and the owner's effect on status.
    let page = w
        .get(
            &format!("/api/v1/units?community_id={}&limit=200", w.community_a.0),
            Some(&ta),
        )
        .await
        .json();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 24);
    let first = items.iter().find(|u| u["number"] == "1-1-0101").unwrap();
    assert_eq!(first["area"], 8957);
    assert_eq!(first["owners"], "测试业主1、测试业主20");
    assert_eq!(first["status"], "delivered");
    assert_eq!(first["layout"], "三室两厅");
    let top = items.iter().find(|u| u["number"] == "1-1-0301").unwrap();
    assert_eq!(top["status"], "sold_undelivered");
    let shop = items.iter().find(|u| u["number"] == "2-1-0101").unwrap();
    assert_eq!(shop["use_type"], "shop");
    let unit = units::Entity::find()
        .filter(units::Column::Number.eq("1-1-0101"))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((unit.area_contract, unit.shared_area), (Some(8957), Some(8957 - 7520)));

    // The person on record kept their name and got the ID number, sealed; shares are exact.
    let kept = persons::Entity::find_by_id(old).one(&w.ctx.db).await.unwrap().unwrap();
    assert_eq!(kept.name, "老业主");
    let sealed = kept.id_cipher.clone().unwrap();
    let plain = w.ctx.cfg.data_key.open(&sealed).unwrap();
    assert_eq!(plain.len(), 18);
    assert!(!sealed.contains(&plain));
    assert_eq!(
        kept.id_masked.unwrap(),
        format!("{}********{}", &plain[..6], &plain[14..])
    );
    assert!(kept.id_consent_at.is_some() && kept.id_consent_by.is_some());
    let p1 = persons::Entity::find()
        .filter(persons::Column::Phone.eq("13900000001"))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert!(p1.id_index.is_some());
    let p2 = persons::Entity::find()
        .filter(persons::Column::Phone.eq("13900000002"))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert!(p2.id_cipher.is_none() && p2.id_consent_at.is_none());
    let shares: Vec<Option<i32>> = occupancies::Entity::find()
        .filter(occupancies::Column::UnitId.eq(unit.id))
        .order_by_asc(occupancies::Column::Id)
        .all(&w.ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.share_bp)
        .collect();
    assert_eq!(shares, [Some(5000), Some(5000)]);
    let tenant = occupancies::Entity::find()
        .filter(occupancies::Column::Relation.eq("tenant"))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tenant.start_date.to_string(), "2026-01-01");
    assert_eq!(tenant.lease_end.map(|d| d.to_string()).as_deref(), Some("2027-01-01"));
    let cars = vehicles::Entity::find()
        .order_by_asc(vehicles::Column::Id)
        .all(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(cars[0].plate, "京A12345");
    assert!(cars[0].unit_id.is_some() && cars[0].parking_space_id.is_some());
    assert!(cars[1].new_energy);

    // One audit row with the counts and no personal data.
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("records.import"))
        .all(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    let summary = audit[0].summary.to_string();
    assert!(summary.contains("\"units\":24"), "{summary}");
    assert!(!summary.contains("139") && !summary.contains("测试业主"), "{summary}");

    // The same file again: every unit is taken, nothing more is written.
    let r = upload(&w, &ta, w.community_a, false, true, FIXTURE.to_vec()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let rep = r.json();
    assert_eq!(rep["committed"], false);
    assert!(rep["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["code"] == "err.import_unit_exists" && e["sheet"] == "房屋" && e["column"] == "房号"));
    assert!(rep["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["code"] == "err.import_plate_exists"));
    assert_eq!(counts(&w).await.units, 24);
}

#[tokio::test]
async fn one_bad_row_commits_nothing_and_is_named() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    let ta = w.token("pm.a").await;
    let mut rows = unit_rows("3", 8);
    // Spreadsheet row 7 is the sixth data row.
    rows[5][6] = "89.5x".into();
    let owners = vec![strs(&["测试业主1", "13900000001"]), strs(&["测试业主2", "13900000002"])];
    let rel = vec![
        strs(&["3-1-0101", "13900000001", "业主"]),
        strs(&["3-1-0102", "13900000002", "业主"]),
    ];
    let book = write_workbook(&[
        ("房屋", unit_head(), rows),
        ("业主", strs(&["业主名称", "手机号"]), owners),
        ("房屋业主", strs(&["房屋编号", "手机号", "关系"]), rel),
    ])
    .unwrap();
    let before = counts(&w).await;
    let r = upload(&w, &ta, w.community_a, false, false, book.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let rep = r.json();
    assert_eq!(rep["committed"], false);
    assert_eq!(rep["error_count"], 1, "{}", r.body);
    let e = &rep["errors"][0];
    assert_eq!(
        (e["sheet"].as_str(), e["row"].as_i64(), e["column"].as_str()),
        (Some("房屋"), Some(7), Some("建筑面积"))
    );
    assert_eq!(e["code"], "err.area_invalid");
    assert_eq!(e["message"], "面积须为正数，最多两位小数");
    let after = counts(&w).await;
    assert_eq!(
        (after.buildings, after.units, after.persons, after.occupancies),
        (before.buildings, before.units, before.persons, before.occupancies)
    );
    // The messages follow the caller's language.
    let en = w
        .send(
            Request::post(import_uri(w.community_a, true, false))
                .header(header::AUTHORIZATION, format!("Bearer {ta}"))
                .header(header::CONTENT_TYPE, "application/octet-stream")
                .header(header::ACCEPT_LANGUAGE, "en")
                .body(Body::from(book))
                .unwrap(),
        )
        .await;
    assert_eq!(en.status, StatusCode::OK, "{}", en.body);
    assert!(
        en.json()["errors"][0]["message"].as_str().unwrap().starts_with("Area"),
        "{}",
        en.body
    );
    // The dry run still counts what the valid rows would create.
    assert_eq!(report_counts(&en.json()), [1, 7, 2, 2, 0, 0]);
}

/// A plausible XLSX whose one sheet inflates to 200 MB of zeros.
fn zip_bomb() -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    z.start_file("[Content_Types].xml", opts).unwrap();
    z.write_all(b"<Types/>").unwrap();
    z.start_file("xl/workbook.xml", opts).unwrap();
    z.write_all(b"<workbook/>").unwrap();
    z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..200 {
        z.write_all(&chunk).unwrap();
    }
    z.finish().unwrap().into_inner()
}

#[tokio::test]
async fn oversized_hostile_and_foreign_files_are_refused() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    let ta = w.token("pm.a").await;
    let big = vec![0u8; 10 * 1024 * 1024 + 1];
    // Declared too large: refused before the body is read.
    let r = w
        .send(
            Request::post(import_uri(w.community_a, true, false))
                .header(header::AUTHORIZATION, format!("Bearer {ta}"))
                .header(header::CONTENT_TYPE, XLSX)
                .header(header::CONTENT_LENGTH, big.len())
                .body(Body::from(big.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert_eq!(r.json()["error"]["message"], "文件超过 10 MB 上限");
    // Not declared: refused once it grows past the limit.
    let r = upload(&w, &ta, w.community_a, true, false, big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "err.xlsx_file_too_large");
    // Other endpoints keep the general 2 MB limit, with a localized answer.
    let r = w
        .send(
            Request::post("/api/v1/buildings")
                .header(header::AUTHORIZATION, format!("Bearer {ta}"))
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, 3 * 1024 * 1024)
                .header(header::ACCEPT_LANGUAGE, "en")
                .body(Body::from(vec![b' '; 3 * 1024 * 1024]))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert_eq!(r.json()["error"]["message"], "The request body is too large");

    let bomb = zip_bomb();
    assert!(bomb.len() < 2 * 1024 * 1024);
    let r = upload(&w, &ta, w.community_a, true, false, bomb).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "err.xlsx_unpacked_too_large");
    assert_eq!(r.json()["error"]["field"], "file");
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("100 MB"));

    let csv = "房屋编号,建筑面积\n1-1-0101,89.57\n".as_bytes().to_vec();
    let r = upload(&w, &ta, w.community_a, true, false, csv.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "err.xlsx_not_xlsx");
    let r = w
        .send(
            Request::post(import_uri(w.community_a, true, false))
                .header(header::AUTHORIZATION, format!("Bearer {ta}"))
                .header(header::CONTENT_TYPE, "text/csv")
                .body(Body::from(csv))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    // A workbook with none of the expected sheets.
    let other = write_workbook(&[("Sheet1", strs(&["a"]), vec![strs(&["1"])])]).unwrap();
    let r = upload(&w, &ta, w.community_a, true, false, other).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["code"], "err.import_no_sheets");
    assert_eq!(counts(&w).await.units, 0);

    // The page calls this with the session cookie: the CSRF header is required.
    let c = w.browser_login("pm.a").await;
    let book = write_workbook(&[("房屋", unit_head(), unit_rows("5", 2))]).unwrap();
    let send = |csrf: Option<String>| {
        let mut b = Request::post(import_uri(w.community_a, true, false))
            .header(header::COOKIE, c.header())
            .header(header::CONTENT_TYPE, XLSX);
        if let Some(t) = csrf {
            b = b.header("x-csrf-token", t);
        }
        b.body(Body::from(book.clone())).unwrap()
    };
    let r = w.send(send(None)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = w.send(send(c.get("linli_csrf"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["units"], 2);
}

#[tokio::test]
async fn import_and_export_stay_in_scope() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    w.staff("cs.a", "甲客服", "customer_service", w.office_a).await;
    w.resident("13800000009", "赵敏").await;
    let ta = w.token("pm.a").await;
    let tb = w.token("pm.b").await;
    let book_a = write_workbook(&[("房屋", unit_head(), unit_rows("1", 3))]).unwrap();
    let book_b = write_workbook(&[("房屋", unit_head(), unit_rows("9", 2))]).unwrap();

    // Office A cannot import into B's community; a clerk without people.write cannot import;
    // a resident cannot; an id that is no community in scope is refused the same way.
    for (token, community) in [
        (ta.clone(), w.community_b),
        (w.token("cs.a").await, w.community_a),
        (w.token("13800000009").await, w.community_a),
        (ta.clone(), OrgId(999_999)),
    ] {
        let r = upload(&w, &token, community, false, false, book_a.clone()).await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{community:?}: {} {}",
            r.status,
            r.body
        );
    }
    // An office node is in scope but is not a community.
    let r = upload(&w, &ta, w.office_a, true, false, book_a.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "community_id");
    assert_eq!(counts(&w).await.units, 0);

    assert_eq!(
        upload(&w, &ta, w.community_a, false, false, book_a).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        upload(&w, &tb, w.community_b, false, false, book_b).await.status,
        StatusCode::CREATED
    );

    let (status, headers, bytes) = get_bytes(&w, "/api/v1/units/export.xlsx", &ta).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], XLSX);
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"units.xlsx\""
    );
    let numbers = exported_numbers(&bytes);
    assert_eq!(numbers, ["1-1-0101", "1-1-0102", "1-1-0103"]);
    let (_, _, bytes) = get_bytes(
        &w,
        &format!("/api/v1/units/export.xlsx?community_id={}", w.community_b.0),
        &ta,
    )
    .await;
    assert!(exported_numbers(&bytes).is_empty());
    let (_, _, bytes) = get_bytes(&w, "/api/v1/units/export.xlsx?q=9-", &tb).await;
    assert_eq!(exported_numbers(&bytes), ["9-1-0101", "9-1-0102"]);
    let resident = w.token("13800000009").await;
    assert_eq!(
        get_bytes(&w, "/api/v1/units/export.xlsx", &resident).await.0,
        StatusCode::FORBIDDEN
    );

    // The template has the five sheets, each with its headers and an example.
    let (status, _, bytes) = get_bytes(&w, "/api/v1/imports/records/template.xlsx", &ta).await;
    assert_eq!(status, StatusCode::OK);
    let book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["房屋", "业主", "房屋业主", "车位", "车辆"]);
}

fn exported_numbers(bytes: &[u8]) -> Vec<String> {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range("房屋").unwrap();
    let head: Vec<String> = range.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let col = head.iter().position(|h| h == "房屋编号").unwrap();
    range.rows().skip(1).map(|r| r[col].to_string()).collect()
}

#[tokio::test]
async fn export_neutralises_formulas_and_re_imports_elsewhere() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    let ta = w.token("pm.a").await;
    let evil = "=HYPERLINK(\"http://x\")";
    let mut rows = unit_rows("1", 2);
    rows[0][5] = evil.into();
    let book = write_workbook(&[("房屋", unit_head(), rows)]).unwrap();
    let r = upload(&w, &ta, w.community_a, false, false, book).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let stored = units::Entity::find()
        .filter(units::Column::Number.eq("1-1-0101"))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.layout, evil, "kept as text, exactly");

    let (status, _, bytes) = get_bytes(&w, "/api/v1/units/export.xlsx", &ta).await;
    assert_eq!(status, StatusCode::OK);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let range = book.worksheet_range("房屋").unwrap();
    let head: Vec<String> = range.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let layout = head.iter().position(|h| h == "户型").unwrap();
    let area = head.iter().position(|h| h == "建筑面积").unwrap();
    let cell = range.get((1, layout)).unwrap();
    assert_eq!(cell, &calamine::Data::String(format!("'{evil}")));
    assert_eq!(range.get((1, area)).unwrap().to_string(), "89.57");
    assert_eq!(range.get((2, layout)).unwrap().to_string(), "两室一厅");

    // The export is an import file: into another community it goes as it came.
    let a2 = app::org::service::create_org(&w.ctx.db, Some(w.office_a), OrgKind::Community, "甲二期", "A2")
        .await
        .unwrap();
    let r = upload(&w, &ta, a2.id, false, false, bytes).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(report_counts(&r.json()), [1, 2, 0, 0, 0, 0]);
    let copy = units::Entity::find()
        .filter(units::Column::CommunityId.eq(a2.id.0))
        .filter(units::Column::Number.eq("1-1-0101"))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((copy.layout.as_str(), copy.area_contract), (evil, Some(8957)));
}

#[tokio::test]
async fn the_import_page_renders_for_staff() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    let c = w.browser_login("pm.a").await;
    let page = |uri: &str| {
        Request::get(uri)
            .header(header::COOKIE, c.header())
            .body(Body::empty())
            .unwrap()
    };
    let r = w.send(page("/admin/import")).await;
    assert_eq!(r.status, StatusCode::OK);
    for text in [
        "导入/导出",
        "预检",
        "确认导入",
        "甲小区",
        "template.xlsx",
        "export.xlsx",
        r#"type="file""#,
    ] {
        assert!(r.body.contains(text), "{text} missing");
    }
    assert!(!r.body.contains("乙小区"), "only communities in scope are offered");
    let r = w.send(page("/admin/units")).await;
    assert!(r.body.contains(r#"href="/admin/import""#));
}

#[tokio::test]
async fn the_openapi_document_describes_the_workbook_routes() {
    let w = world().await;
    let doc = w.get("/api/v1/openapi.json", None).await.json();
    let paths = &doc["paths"];
    for p in [
        "/api/v1/imports/records",
        "/api/v1/imports/records/template.xlsx",
        "/api/v1/units/export.xlsx",
    ] {
        assert!(paths.get(p).is_some(), "{p} missing");
    }
    let upload = &paths["/api/v1/imports/records"]["post"];
    assert!(upload["requestBody"]["content"].get(XLSX).is_some(), "{upload}");
    assert!(upload["responses"].get("413").is_some());
}
