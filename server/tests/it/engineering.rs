//! Engineering through the real router: the equipment ledger, plans and maintenance,
//! checkpoints and routes with their validation, scope across offices, results re-sent by a
//! phone stored once, an abnormal result opening exactly one ticket, rounds done and missed,
//! the QR sheet and the page a scanned code opens; equipment documents (PDF manuals) and
//! routes edited after they ran.

use crate::common::*;
use app::db::entities::{audit_log, inspection_results, inspection_rounds, service_tickets};
use app::engineering::model::{next_due, EveryUnit};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::{Duration, NaiveDate, Timelike, Utc};
use leptos::server_fn::ServerFn;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

struct Staff {
    pm_a: String,
    tech_a: String,
    pm_b: String,
    tech_b: String,
    resident: String,
}

/// Office A: pm.a (manages), tech.a and guard.a (record); office B: pm.b, tech.b; a resident.
async fn staff(w: &World) -> Staff {
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("tech.a", "甲工程", "technician", w.office_a).await;
    w.staff("guard.a", "甲保安", "security", w.office_a).await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    w.staff("tech.b", "乙工程", "technician", w.office_b).await;
    w.resident("13900000001", "住户甲").await;
    Staff {
        pm_a: w.token("pm.a").await,
        tech_a: w.token("tech.a").await,
        pm_b: w.token("pm.b").await,
        tech_b: w.token("tech.b").await,
        resident: w.token("13900000001").await,
    }
}

fn field(r: &Resp) -> String {
    r.json()["error"]["field"].as_str().unwrap_or_default().to_string()
}

fn equipment(community: i64, code: &str) -> Value {
    json!({
        "community_id": community, "code": code, "name": "生活水泵", "category": "pump",
        "location": "地下一层水泵房", "model": "CR15-5", "supplier": "格兰富",
        "installed_on": "2019-05-20", "warranty_until": "2027-05-19",
    })
}

async fn checkpoint(w: &World, token: &str, community: i64, name: &str, equipment: Option<i64>) -> Value {
    let r = w
        .json(
            "POST",
            "/api/v1/checkpoints",
            Some(token),
            &json!({"community_id": community, "name": name, "location": "地下一层",
                "equipment_id": equipment, "checklist": ["运行声音", "压力表读数", "有无渗漏"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()
}

fn answers(bad: &[&str]) -> Value {
    json!(["运行声音", "压力表读数", "有无渗漏"]
        .iter()
        .map(|i| json!({"item": i, "result": if bad.contains(i) { "abnormal" } else { "ok" }}))
        .collect::<Vec<_>>())
}

async fn audits(w: &World, action: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .count(&w.ctx.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_ledger_validates_names_the_field_and_stays_inside_the_office() {
    let w = world().await;
    let s = staff(&w).await;
    let (a, b) = (w.community_a.0, w.community_b.0);

    let bad = w
        .json("POST", "/api/v1/equipment", Some(&s.pm_a), &equipment(a, "水泵 1"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(field(&bad), "code");
    let mut late = equipment(a, "SB-09");
    late["warranty_until"] = json!("2018-01-01");
    let r = w.json("POST", "/api/v1/equipment", Some(&s.pm_a), &late).await;
    assert_eq!(
        (r.status, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "warranty_until".into())
    );
    let mut cat = equipment(a, "SB-09");
    cat["category"] = json!("spaceship");
    let r = w.json("POST", "/api/v1/equipment", Some(&s.pm_a), &cat).await;
    assert_eq!(field(&r), "category");

    let r = w
        .json("POST", "/api/v1/equipment", Some(&s.pm_a), &equipment(a, "sb-01"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let created = r.json();
    assert_eq!(created["equipment"]["code"], "SB-01");
    assert_eq!(created["can"], json!({"manage": true, "record": false}));
    let id = created["equipment"]["id"].as_i64().unwrap();
    let dup = w
        .json("POST", "/api/v1/equipment", Some(&s.pm_a), &equipment(a, "SB-01"))
        .await;
    assert_eq!(
        (dup.status, field(&dup)),
        (StatusCode::CONFLICT, "code".into()),
        "{}",
        dup.body
    );
    // The same code in another community is another piece of equipment.
    let r = w
        .json("POST", "/api/v1/equipment", Some(&s.pm_b), &equipment(b, "SB-01"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id_b = r.json()["equipment"]["id"].as_i64().unwrap();

    // Writes: managers of the community only.
    let r = w
        .json("POST", "/api/v1/equipment", Some(&s.pm_a), &equipment(b, "SB-02"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w
        .json("POST", "/api/v1/equipment", Some(&s.tech_a), &equipment(a, "SB-02"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w
        .json("POST", "/api/v1/equipment", Some(&s.resident), &equipment(a, "SB-02"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Reads: the technician sees office A's ledger, nobody sees across offices.
    let list = w.get("/api/v1/equipment", Some(&s.tech_a)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let ids: Vec<i64> = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![id]);
    assert_eq!(
        w.get(&format!("/api/v1/equipment/{id}"), Some(&s.tech_a)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        w.get(&format!("/api/v1/equipment/{id}"), Some(&s.pm_b)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&format!("/api/v1/equipment/{id_b}"), Some(&s.tech_a))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&format!("/api/v1/equipment/{id}"), Some(&s.resident))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.get("/api/v1/equipment", Some(&s.resident)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.get(&format!("/api/v1/equipment?community={b}"), Some(&s.tech_a))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let found = w
        .get("/api/v1/equipment?q=%E6%B0%B4%E6%B3%B5&category=pump", Some(&s.pm_a))
        .await;
    assert_eq!(found.json().as_array().unwrap().len(), 1);

    // Edit and retire; the community cannot change.
    let mut edit = equipment(a, "SB-01");
    edit["name"] = json!("1号生活水泵");
    edit["status"] = json!("retired");
    let r = w
        .json("PUT", &format!("/api/v1/equipment/{id}"), Some(&s.pm_a), &edit)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["equipment"]["status"], "retired");
    edit["community_id"] = json!(b);
    let r = w
        .json("PUT", &format!("/api/v1/equipment/{id}"), Some(&s.pm_a), &edit)
        .await;
    assert_eq!(field(&r), "community_id");
    let r = w
        .json(
            "PUT",
            &format!("/api/v1/equipment/{id}"),
            Some(&s.pm_b),
            &equipment(b, "X-1"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(audits(&w, "engineering.equipment.create").await, 2);
    assert_eq!(audits(&w, "engineering.equipment.update").await, 1);
}

#[tokio::test]
async fn maintenance_against_a_plan_moves_its_due_date() {
    let w = world().await;
    let s = staff(&w).await;
    let a = w.community_a.0;
    let r = w
        .json("POST", "/api/v1/equipment", Some(&s.pm_a), &equipment(a, "XF-01"))
        .await;
    let id = r.json()["equipment"]["id"].as_i64().unwrap();
    let plans = format!("/api/v1/equipment/{id}/plans");
    let today = app::shared::time::today_cn();
    let plan = |checklist: Value, unit: &str| json!({"name": "月度保养", "every_n": 1, "every_unit": unit, "checklist": checklist, "starts_on": today.to_string()});
    let r = w
        .json("POST", &plans, Some(&s.pm_a), &plan(json!(["", "  "]), "month"))
        .await;
    assert_eq!(
        (r.status, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "checklist".into())
    );
    let r = w
        .json("POST", &plans, Some(&s.pm_a), &plan(json!(["a"]), "fortnight"))
        .await;
    assert_eq!(field(&r), "every_unit");
    let r = w
        .json("POST", &plans, Some(&s.tech_a), &plan(json!(["a"]), "month"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w
        .json(
            "POST",
            &plans,
            Some(&s.pm_a),
            &plan(json!(["手动启泵", "出水压力"]), "month"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let p = r.json();
    assert_eq!(p["next_due"], today.to_string());
    assert_eq!(p["due_state"], "due_soon");
    let plan_id = p["id"].as_i64().unwrap();

    let work = |results: Value| json!({"plan_id": plan_id, "results": results, "note": "正常"});
    let ok = json!([{"item": "手动启泵", "result": "ok"}, {"item": "出水压力", "result": "abnormal"}]);
    let url = format!("/api/v1/equipment/{id}/maintenance");
    // The project manager manages but does not record; office B's technician cannot see it.
    assert_eq!(
        w.json("POST", &url, Some(&s.pm_a), &work(ok.clone())).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.json("POST", &url, Some(&s.tech_b), &work(ok.clone())).await.status,
        StatusCode::NOT_FOUND
    );
    let r = w
        .json(
            "POST",
            &url,
            Some(&s.tech_a),
            &work(json!([{"item": "手动启泵", "result": "ok"}])),
        )
        .await;
    assert_eq!(
        (r.status, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "results".into())
    );
    let r = w.json("POST", &url, Some(&s.tech_a), &json!({"note": ""})).await;
    assert_eq!(field(&r), "note", "ad-hoc work says what was done");
    let r = w.json("POST", &url, Some(&s.tech_a), &work(ok)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["abnormal"], true);
    let r = w
        .json("POST", &url, Some(&s.tech_a), &json!({"note": "更换压力表"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let d = w.get(&format!("/api/v1/equipment/{id}"), Some(&s.tech_a)).await.json();
    let want = next_due(today, 1, EveryUnit::Month, today, today);
    assert_eq!(d["plans"][0]["next_due"], want.to_string());
    assert_eq!(d["equipment"]["next_due"], want.to_string());
    assert_eq!(d["records"].as_array().unwrap().len(), 2);
    assert_eq!(d["records"][1]["plan"], "月度保养");
    assert_eq!(d["can"], json!({"manage": false, "record": true}));
    assert_eq!(audits(&w, "engineering.maintenance.record").await, 2);
}

#[tokio::test]
async fn checkpoints_and_routes_refuse_bad_input_by_field() {
    let w = world().await;
    let s = staff(&w).await;
    let (a, b) = (w.community_a.0, w.community_b.0);
    let r = w
        .json(
            "POST",
            "/api/v1/checkpoints",
            Some(&s.pm_a),
            &json!({"community_id": a, "name": "水泵房", "checklist": []}),
        )
        .await;
    assert_eq!(
        (r.status, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "checklist".into())
    );
    let r = w
        .json(
            "POST",
            "/api/v1/checkpoints",
            Some(&s.pm_a),
            &json!({"community_id": a, "name": "", "checklist": ["a"]}),
        )
        .await;
    assert_eq!(field(&r), "name");
    // Equipment of another community cannot be linked.
    let eb = w
        .json("POST", "/api/v1/equipment", Some(&s.pm_b), &equipment(b, "SB-01"))
        .await
        .json()["equipment"]["id"]
        .as_i64()
        .unwrap();
    let r = w
        .json(
            "POST",
            "/api/v1/checkpoints",
            Some(&s.pm_a),
            &json!({"community_id": a, "name": "水泵房", "equipment_id": eb, "checklist": ["a"]}),
        )
        .await;
    assert_eq!(field(&r), "equipment_id");

    let c1 = checkpoint(&w, &s.pm_a, a, "水泵房", None).await["id"].as_i64().unwrap();
    let c2 = checkpoint(&w, &s.pm_a, a, "配电房", None).await["id"].as_i64().unwrap();
    let cb = checkpoint(&w, &s.pm_b, b, "乙水泵房", None).await["id"]
        .as_i64()
        .unwrap();
    let route = |name: &str, stops: Vec<i64>, slots: Value, window: u32| json!({"community_id": a, "name": name, "checkpoints": stops, "slots": slots, "window_minutes": window});
    for (body, f) in [
        (route("夜巡", vec![c1, c2], json!(["20:00", "25:00"]), 60), "slots"),
        (route("夜巡", vec![c1, c2], json!([]), 60), "slots"),
        (route("夜巡", vec![c1, c2], json!(["20:00", "20:00"]), 60), "slots"),
        (
            route("夜巡", vec![c1, c2], json!(["23:00", "00:30"]), 120),
            "window_minutes",
        ),
        (route("夜巡", vec![c1, c2], json!(["20:00"]), 5), "window_minutes"),
        (route("夜巡", vec![], json!(["20:00"]), 60), "checkpoints"),
        (route("夜巡", vec![c1, c1], json!(["20:00"]), 60), "checkpoints"),
        (route("夜巡", vec![c1, cb], json!(["20:00"]), 60), "checkpoints"),
        (route("", vec![c1], json!(["20:00"]), 60), "name"),
    ] {
        let r = w.json("POST", "/api/v1/patrol-routes", Some(&s.pm_a), &body).await;
        assert_eq!(
            (r.status, field(&r)),
            (StatusCode::UNPROCESSABLE_ENTITY, f.into()),
            "{body}: {}",
            r.body
        );
    }
    let r = w
        .json(
            "POST",
            "/api/v1/patrol-routes",
            Some(&s.pm_a),
            &route("夜巡", vec![c2, c1], json!(["23:00", "8:00"]), 60),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let rt = r.json();
    assert_eq!(rt["slots"], json!(["08:00", "23:00"]));
    assert_eq!(rt["stops"][0]["id"], c2, "walking order kept");
    let r = w
        .json(
            "POST",
            "/api/v1/patrol-routes",
            Some(&s.pm_a),
            &route("夜巡", vec![c1], json!(["21:00"]), 60),
        )
        .await;
    assert_eq!((r.status, field(&r)), (StatusCode::CONFLICT, "name".into()));
    let r = w
        .json(
            "POST",
            "/api/v1/patrol-routes",
            Some(&s.tech_a),
            &route("日巡", vec![c1], json!(["09:00"]), 60),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Lists stay inside the office.
    let mine = w.get("/api/v1/checkpoints", Some(&s.tech_a)).await.json();
    let names: Vec<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["水泵房", "配电房"]);
    assert_eq!(mine[0]["routes"], json!(["夜巡"]));
    assert_eq!(
        w.get(&format!("/api/v1/checkpoints?community={a}"), Some(&s.pm_b))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get("/api/v1/patrol-routes", Some(&s.resident)).await.status,
        StatusCode::FORBIDDEN
    );
    let routes_b = w.get("/api/v1/patrol-routes", Some(&s.tech_b)).await.json();
    assert_eq!(routes_b, json!([]));
}

#[tokio::test]
async fn a_resent_result_is_stored_once_and_an_abnormal_one_opens_one_ticket() {
    let w = world().await;
    let s = staff(&w).await;
    let a = w.community_a.0;
    let pump = w
        .json("POST", "/api/v1/equipment", Some(&s.pm_a), &equipment(a, "SB-01"))
        .await
        .json()["equipment"]["id"]
        .as_i64()
        .unwrap();
    let cp = checkpoint(&w, &s.pm_a, a, "生活水泵房", Some(pump)).await["id"]
        .as_i64()
        .unwrap();
    let now_ms = Utc::now().timestamp_millis();
    let result = |client: &str, bad: &[&str]| {
        json!({"checkpoint_id": cp, "client_id": client, "answers": answers(bad),
            "note": "压力表指针抖动", "recorded_at": now_ms - 60_000})
    };

    // Office B's technician cannot record on office A's checkpoint; a resident cannot at all.
    let r = w
        .json(
            "POST",
            "/api/v1/inspections",
            Some(&s.tech_b),
            &result("phone-b-00000001", &[]),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = w
        .json(
            "POST",
            "/api/v1/inspections",
            Some(&s.resident),
            &result("phone-r-00000001", &[]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w
        .json(
            "POST",
            "/api/v1/inspections",
            Some(&s.pm_a),
            &result("phone-p-00000001", &[]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "managing is not recording");

    // Bad input names its field.
    let mut bad = result("short", &[]);
    let r = w.json("POST", "/api/v1/inspections", Some(&s.tech_a), &bad).await;
    assert_eq!(field(&r), "client_id");
    bad = result("phone-a-00000009", &[]);
    bad["answers"] = json!([{"item": "运行声音", "result": "ok"}]);
    let r = w.json("POST", "/api/v1/inspections", Some(&s.tech_a), &bad).await;
    assert_eq!(field(&r), "answers");
    bad = result("phone-a-00000009", &[]);
    bad["recorded_at"] = json!(now_ms + 3_600_000);
    let r = w.json("POST", "/api/v1/inspections", Some(&s.tech_a), &bad).await;
    assert_eq!(field(&r), "recorded_at");

    // An abnormal result: one ticket, in the public-repair category of the pump.
    let first = w
        .json(
            "POST",
            "/api/v1/inspections",
            Some(&s.tech_a),
            &result("phone-a-00000001", &["压力表读数"]),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let first = first.json();
    assert_eq!(first["abnormal"], true);
    assert_eq!(first["duplicate"], false);
    let number = first["ticket_number"].as_str().expect("a ticket number").to_string();
    let ticket = first["ticket_id"].as_i64().unwrap();
    // The phone lost the answer and sends again: the same result, no second ticket.
    let again = w
        .json(
            "POST",
            "/api/v1/inspections",
            Some(&s.tech_a),
            &result("phone-a-00000001", &["压力表读数"]),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let again = again.json();
    assert_eq!(
        (again["id"].clone(), again["duplicate"].clone()),
        (first["id"].clone(), json!(true))
    );
    assert_eq!(again["ticket_number"], number.as_str());
    // Another user cannot reuse someone's id.
    w.staff("tech.a2", "甲工程二", "technician", w.office_a).await;
    let t2 = w.token("tech.a2").await;
    let r = w
        .json(
            "POST",
            "/api/v1/inspections",
            Some(&t2),
            &result("phone-a-00000001", &[]),
        )
        .await;
    assert_eq!((r.status, field(&r)), (StatusCode::CONFLICT, "client_id".into()));

    let stored = inspection_results::Entity::find()
        .filter(inspection_results::Column::ClientId.eq("phone-a-00000001"))
        .count(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(stored, 1);
    let tickets = service_tickets::Entity::find().all(&w.ctx.db).await.unwrap();
    assert_eq!(tickets.len(), 1, "exactly one ticket");
    let t = &tickets[0];
    assert_eq!((t.id, t.number.as_str()), (ticket, number.as_str()));
    assert_eq!(
        (t.category.as_str(), t.source.as_str(), t.community_id),
        ("plumbing", "inspection", a)
    );
    assert!(
        t.description.contains("压力表读数") && t.spot.contains("生活水泵房"),
        "{t:?}"
    );

    // Three copies sent at once (a flaky signal retrying): one row, one more ticket.
    let body = result("phone-a-00000002", &["运行声音"]);
    let sends = (0..3).map(|_| w.json("POST", "/api/v1/inspections", Some(&s.tech_a), &body));
    let answers_back = futures::future::join_all(sends).await;
    let mut statuses: Vec<u16> = answers_back.iter().map(|r| r.status.as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        vec![200, 200, 201],
        "{:?}",
        answers_back.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    let ids: std::collections::HashSet<i64> = answers_back.iter().map(|r| r.json()["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(service_tickets::Entity::find().count(&w.ctx.db).await.unwrap(), 2);

    // A normal result opens nothing; a security guard records too.
    w.staff("guard.a2", "甲保安二", "security", w.office_a).await;
    let guard = w.token("guard.a2").await;
    let r = w
        .json(
            "POST",
            "/api/v1/inspections",
            Some(&guard),
            &result("phone-g-00000001", &[]),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(r.json()["ticket_id"].is_null());
    assert_eq!(service_tickets::Entity::find().count(&w.ctx.db).await.unwrap(), 2);

    let list = w
        .get(&format!("/api/v1/inspections?community={a}"), Some(&s.pm_a))
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 3);
    let only_bad = w.get("/api/v1/inspections?abnormal=true", Some(&s.tech_a)).await.json();
    assert_eq!(only_bad["items"].as_array().unwrap().len(), 2);
    assert_eq!(only_bad["items"][1]["ticket_number"], number.as_str());
    assert_eq!(
        w.get("/api/v1/inspections", Some(&s.tech_b)).await.json()["items"],
        json!([])
    );
    assert_eq!(
        w.get("/api/v1/inspections", Some(&s.resident)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(audits(&w, "engineering.inspection.record").await, 3);
}

#[tokio::test]
async fn a_round_is_done_when_every_checkpoint_reports_and_missed_when_its_window_ends() {
    let w = world().await;
    let s = staff(&w).await;
    let a = w.community_a.0;
    let c1 = checkpoint(&w, &s.pm_a, a, "东门岗", None).await["id"].as_i64().unwrap();
    let c2 = checkpoint(&w, &s.pm_a, a, "车库入口", None).await["id"]
        .as_i64()
        .unwrap();
    // A round that started five minutes ago (possibly yesterday, just before midnight).
    let now = Utc::now();
    let local = now.with_timezone(&app::shared::time::shanghai()).naive_local();
    let start = (local - Duration::minutes(5))
        .with_second(0)
        .unwrap()
        .with_nanosecond(0)
        .unwrap();
    let (date, slot) = (start.date(), start.format("%H:%M").to_string());
    let r = w
        .json(
            "POST",
            "/api/v1/patrol-routes",
            Some(&s.pm_a),
            &json!({"community_id": a, "name": "夜巡", "checkpoints": [c1, c2], "slots": [slot], "window_minutes": 30}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let rounds_url = format!("/api/v1/rounds?community={a}&date={date}");
    let before = w.get(&rounds_url, Some(&s.tech_a)).await.json();
    assert_eq!(before[0]["status"], "planned", "{before}");
    assert_eq!(
        (before[0]["done"].clone(), before[0]["total"].clone()),
        (json!(0), json!(2))
    );

    let send = |cp: i64, id: &str| json!({"checkpoint_id": cp, "client_id": id, "answers": answers(&[]), "recorded_at": now.timestamp_millis()});
    let r = w
        .json(
            "POST",
            "/api/v1/inspections",
            Some(&s.tech_a),
            &send(c1, "round-test-0001"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["round"], json!(slot));
    let half = w.get(&rounds_url, Some(&s.tech_a)).await.json();
    assert_eq!(
        (half[0]["status"].clone(), half[0]["done"].clone()),
        (json!("planned"), json!(1))
    );
    let r = w
        .json(
            "POST",
            "/api/v1/inspections",
            Some(&s.tech_a),
            &send(c2, "round-test-0002"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let done = w.get(&rounds_url, Some(&s.tech_a)).await.json();
    assert_eq!(done[0]["status"], "done", "{done}");
    let stored = inspection_rounds::Entity::find().all(&w.ctx.db).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].status.as_str(), stored[0].date), ("done", date));
    // Office B sees none of it.
    assert_eq!(w.get("/api/v1/rounds", Some(&s.tech_b)).await.json(), json!([]));
    assert_eq!(w.get(&rounds_url, Some(&s.pm_b)).await.status, StatusCode::NOT_FOUND);

    // The next day nobody walks it: once the window has ended, the pass marks it missed.
    // Running the pass again (another server) changes nothing.
    let next_day: NaiveDate = date + Duration::days(1);
    let after = app::engineering::inspection::utc(start + Duration::days(1) + Duration::minutes(31));
    let r1 = app::engineering::jobs::rounds_pass(&w.ctx, after).await.unwrap();
    // (Near midnight the following day's round is made too, still planned.)
    assert!(r1.created >= 1 && (r1.missed, r1.done) == (1, 0), "{r1:?}");
    let r2 = app::engineering::jobs::rounds_pass(&w.ctx, after).await.unwrap();
    assert_eq!((r2.created, r2.missed, r2.done), (0, 0, 0), "{r2:?}");
    let missed = inspection_rounds::Entity::find()
        .filter(inspection_rounds::Column::Date.eq(next_day))
        .all(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(missed.len(), 1);
    assert_eq!(missed[0].status, "missed");
    let still_done = inspection_rounds::Entity::find()
        .filter(inspection_rounds::Column::Date.eq(date))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still_done.status, "done");
    // Before its window ends the pass only plans it.
    let early = app::engineering::inspection::utc(start + Duration::days(2) + Duration::minutes(29));
    let r3 = app::engineering::jobs::rounds_pass(&w.ctx, early).await.unwrap();
    assert_eq!(r3.missed, 0, "{r3:?}");
    let planned = inspection_rounds::Entity::find()
        .filter(inspection_rounds::Column::Date.eq(date + Duration::days(2)))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .expect("the round of the day after is planned");
    assert_eq!(planned.status, "planned");
}

#[tokio::test]
async fn the_scan_page_and_the_qr_sheet() {
    let w = world().await;
    let s = staff(&w).await;
    let a = w.community_a.0;
    let cp = checkpoint(&w, &s.pm_a, a, "消防泵房", None).await;
    let token = cp["qr_token"].as_str().unwrap().to_string();
    assert_eq!(token.len(), 22);

    let tech = w.browser_login("tech.a").await;
    let r = w
        .server_fn(app::engineering::api::ScanCode::PATH, &[("token", &token)], &tech, true)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("消防泵房") && r.body.contains("有无渗漏"), "{}", r.body);
    let other = w.browser_login("tech.b").await;
    let r = w
        .server_fn(
            app::engineering::api::ScanCode::PATH,
            &[("token", &token)],
            &other,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = w
        .server_fn(
            app::engineering::api::ScanCode::PATH,
            &[("token", "no-such-token")],
            &tech,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The manager sees the checkpoint in lists but does not record inspections: told so.
    let pm = w.browser_login("pm.a").await;
    let r = w
        .server_fn(app::engineering::api::ScanCode::PATH, &[("token", &token)], &pm, true)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // The page a code opens renders the form on the server, for the technician only.
    let page = |c: &Cookies| {
        Request::get(format!("/i/{token}"))
            .header(header::COOKIE, c.header())
            .body(Body::empty())
            .unwrap()
    };
    let r = w.send(page(&tech)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("消防泵房") && r.body.contains("异常"), "{}", r.body);
    let r = w.send(page(&other)).await;
    assert!(!r.body.contains("消防泵房"));
    let visitor = w.browser().await;
    let r = w.send(page(&visitor)).await;
    assert!(
        r.body.contains("/login?next=%2Fi%2F"),
        "a visitor is sent to log in and back"
    );

    // The QR sheet: the manager's; codes point at the public address and are inline SVG.
    let community = a.to_string();
    let r = w
        .server_fn(
            app::engineering::api::LoadQrSheet::PATH,
            &[("community", &community)],
            &pm,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let sheet: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(sheet["cards"][0]["title"], "消防泵房");
    assert!(sheet["cards"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/i/{token}")));
    assert!(sheet["cards"][0]["svg"].as_str().unwrap().starts_with("<svg"));
    let r = w
        .server_fn(
            app::engineering::api::LoadQrSheet::PATH,
            &[("community", &community)],
            &tech,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let b = w.community_b.0.to_string();
    let r = w
        .server_fn(
            app::engineering::api::LoadQrSheet::PATH,
            &[("community", &b)],
            &pm,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

fn pdf(pages: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n".to_vec();
    b.extend(std::iter::repeat_n(b'x', pages * 1000));
    b.extend_from_slice(b"\ntrailer<</Root 1 0 R>>\n%%EOF\n");
    b
}

async fn upload_doc(w: &World, token: &str, name: &str, content_type: &str, bytes: Vec<u8>) -> Resp {
    w.send(
        Request::post(format!("/api/v1/files/documents?name={name}"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", content_type)
            .body(Body::from(bytes))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn equipment_documents_are_pdfs_downloaded_inside_the_office_and_removed_by_a_manager() {
    let w = world().await;
    let s = staff(&w).await;
    let a = w.community_a.0;
    // 水泵说明书.pdf, percent-encoded as a phone sends it.
    let name = "%E6%B0%B4%E6%B3%B5%E8%AF%B4%E6%98%8E%E4%B9%A6.pdf";
    let r = upload_doc(&w, &s.pm_a, name, "application/pdf", pdf(3)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let manual = r.json();
    assert_eq!(manual["name"], "水泵说明书.pdf");
    let manual = manual["id"].as_i64().unwrap();
    let card = upload_doc(&w, &s.pm_a, "warranty.PDF", "application/octet-stream", pdf(1))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();

    // Refused uploads say why, by field, and keep nothing.
    for (n, ct, bytes, status, code) in [
        (
            "a.pdf",
            "application/pdf",
            b"PK\x03\x04 a word file".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "err.doc_not_pdf",
        ),
        (
            "a.docx",
            "application/pdf",
            pdf(1),
            StatusCode::UNPROCESSABLE_ENTITY,
            "err.doc_wrong_extension",
        ),
        (
            "a.pdf",
            "application/pdf",
            pdf(1)[..40].to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "err.doc_truncated",
        ),
        (
            "a.pdf",
            "image/png",
            pdf(1),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "err.doc_not_pdf",
        ),
        (
            "a.pdf",
            "application/pdf",
            vec![],
            StatusCode::UNPROCESSABLE_ENTITY,
            "err.doc_empty",
        ),
    ] {
        let r = upload_doc(&w, &s.pm_a, n, ct, bytes).await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].as_str().unwrap()),
            (status, code),
            "{n} {ct}"
        );
        assert_eq!(field(&r), "file");
    }
    let big = upload_doc(&w, &s.pm_a, "big.pdf", "application/pdf", pdf(21 * 1024)).await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", big.body);
    assert_eq!(big.json()["error"]["code"], "err.doc_too_large");
    assert_eq!(
        upload_doc(&w, "", "a.pdf", "application/pdf", pdf(1)).await.status,
        StatusCode::UNAUTHORIZED
    );

    // A photo is not a document, someone else's upload is not yours: nothing is attached.
    let photo = w
        .send(
            Request::post("/api/v1/files/photos?name=p.png")
                .header("authorization", format!("Bearer {}", s.pm_a))
                .header("content-type", "image/png")
                .body(Body::from(tiny_png()))
                .unwrap(),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let theirs = upload_doc(&w, &s.pm_b, "b.pdf", "application/pdf", pdf(1)).await.json()["id"]
        .as_i64()
        .unwrap();
    for bad in [photo, theirs] {
        let mut body = equipment(a, "PUMP-D1");
        body["documents"] = json!([manual, bad]);
        let r = w.json("POST", "/api/v1/equipment", Some(&s.pm_a), &body).await;
        assert_eq!(
            (r.status, field(&r), r.json()["error"]["code"].clone()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "documents".into(),
                json!("err.doc_not_yours")
            )
        );
    }
    assert_eq!(
        w.get("/api/v1/equipment", Some(&s.pm_a)).await.json(),
        json!([]),
        "nothing half-written"
    );

    let mut body = equipment(a, "PUMP-D1");
    body["documents"] = json!([manual]);
    let r = w.json("POST", "/api/v1/equipment", Some(&s.pm_a), &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let eq = r.json()["equipment"]["id"].as_i64().unwrap();
    // Adding the warranty card later, with the rest of the form unchanged.
    let mut body = equipment(a, "PUMP-D1");
    body["documents"] = json!([card]);
    let d = w
        .json("PUT", &format!("/api/v1/equipment/{eq}"), Some(&s.pm_a), &body)
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    let docs = d.json()["documents"].clone();
    assert_eq!(
        docs.as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["水泵说明书.pdf", "warranty.pdf"]
    );

    // Anyone who may see the equipment downloads it, as an attachment under its name.
    let url = format!("/api/v1/equipment/{eq}/documents/{manual}");
    let r = w.get(&url, Some(&s.tech_a)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
    let disposition = r.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''%E6%B0%B4"), "{disposition}");
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(r.body.len(), pdf(3).len());
    // Not through the photo route, not from another office, not for a resident.
    assert_eq!(
        w.get(&format!("/api/v1/equipment/{eq}/photos/{manual}"), Some(&s.pm_a))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    for t in [&s.pm_b, &s.tech_b] {
        assert_eq!(w.get(&url, Some(t)).await.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(w.get(&url, Some(&s.resident)).await.status, StatusCode::FORBIDDEN);

    // Removing: not by a technician (no ledger right) nor another office; a manager may.
    let r = w.send(delete(&url, &s.tech_a)).await;
    assert!(
        matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        r.status
    );
    assert_eq!(w.send(delete(&url, &s.pm_b)).await.status, StatusCode::NOT_FOUND);
    let r = w.send(delete(&url, &s.pm_a)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["documents"].as_array().unwrap().len(), 1);
    assert_eq!(w.get(&url, Some(&s.pm_a)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.send(delete(&url, &s.pm_a)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(audits(&w, "engineering.equipment.document_remove").await, 1);
}

fn tiny_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

fn delete(url: &str, token: &str) -> Request<Body> {
    Request::delete(url)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn a_route_is_edited_keeping_its_history_and_dropping_unstarted_rounds_of_removed_times() {
    let w = world().await;
    let s = staff(&w).await;
    let a = w.community_a.0;
    let c1 = checkpoint(&w, &s.pm_a, a, "东门岗", None).await["id"].as_i64().unwrap();
    let c2 = checkpoint(&w, &s.pm_a, a, "车库入口", None).await["id"]
        .as_i64()
        .unwrap();
    let c3 = checkpoint(&w, &s.pm_a, a, "水泵房", None).await["id"].as_i64().unwrap();
    let body = |name: &str, stops: Vec<i64>, slots: Value, window: u32| json!({"community_id": a, "name": name, "checkpoints": stops, "slots": slots, "window_minutes": window});
    let rt = w
        .json(
            "POST",
            "/api/v1/patrol-routes",
            Some(&s.pm_a),
            &body("夜巡", vec![c1, c2], json!(["08:00", "20:00"]), 60),
        )
        .await
        .json();
    let id = rt["id"].as_i64().unwrap();
    let other = w
        .json(
            "POST",
            "/api/v1/patrol-routes",
            Some(&s.pm_a),
            &body("日巡", vec![c1], json!(["09:00"]), 60),
        )
        .await
        .json();
    assert!(other["id"].is_i64(), "{other}");
    // Yesterday's evening round ended unwalked but the pass has not marked it yet, yesterday
    // morning's was missed, this morning's done, tomorrow evening's not yet started.
    let today = app::shared::time::today_cn();
    let (yesterday, tomorrow) = (today.pred_opt().unwrap(), today.succ_opt().unwrap());
    for (date, slot, status) in [
        (yesterday, "20:00", "planned"),
        (yesterday, "08:00", "missed"),
        (today, "08:00", "done"),
        (tomorrow, "20:00", "planned"),
    ] {
        inspection_rounds::ActiveModel {
            route_id: Set(id),
            date: Set(date),
            slot: Set(slot.into()),
            status: Set(status.into()),
            done_at: Set(None),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&w.ctx.db)
        .await
        .unwrap();
    }
    let url = format!("/api/v1/patrol-routes/{id}");

    // Refused edits name the field and change nothing.
    for (b, status, f) in [
        (
            body("夜巡", vec![c1, c1], json!(["08:00"]), 60),
            StatusCode::UNPROCESSABLE_ENTITY,
            "checkpoints",
        ),
        (
            body("夜巡", vec![c1], json!(["8点"]), 60),
            StatusCode::UNPROCESSABLE_ENTITY,
            "slots",
        ),
        (
            body("日巡", vec![c1], json!(["08:00"]), 60),
            StatusCode::CONFLICT,
            "name",
        ),
        (
            json!({"community_id": w.community_b.0, "name": "夜巡", "checkpoints": [c1], "slots": ["08:00"], "window_minutes": 60}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "community_id",
        ),
    ] {
        let r = w.json("PUT", &url, Some(&s.pm_a), &b).await;
        assert_eq!((r.status, field(&r)), (status, f.into()), "{b}: {}", r.body);
    }
    // Not another office's manager, not a technician.
    let fine = body("夜间巡逻", vec![c3, c1], json!(["08:00", "21:30"]), 45);
    assert_eq!(
        w.json("PUT", &url, Some(&s.pm_b), &fine).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.json("PUT", &url, Some(&s.tech_a), &fine).await.status,
        StatusCode::FORBIDDEN
    );
    let unchanged = w
        .get(&format!("/api/v1/patrol-routes?community={a}"), Some(&s.pm_a))
        .await
        .json();
    assert_eq!(unchanged[0]["name"], "夜巡", "{unchanged}");

    let r = w.json("PUT", &url, Some(&s.pm_a), &fine).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rt = r.json();
    assert_eq!(rt["name"], "夜间巡逻");
    assert_eq!(
        rt["stops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![c3, c1],
        "the new walking order"
    );
    assert_eq!(rt["slots"], json!(["08:00", "21:30"]));
    assert_eq!(rt["window_minutes"], 45);
    // History stays (yesterday evening's unwalked round is settled as missed under the old
    // plan, not dropped); tomorrow's 20:00 round, never started, is gone.
    let mut left: Vec<(String, String, String)> = inspection_rounds::Entity::find()
        .filter(inspection_rounds::Column::RouteId.eq(id))
        .all(&w.ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.date.to_string(), r.slot, r.status))
        .collect();
    left.sort();
    let (y, t) = (yesterday.to_string(), today.to_string());
    assert_eq!(
        left,
        vec![
            (y.clone(), "08:00".into(), "missed".into()),
            (y, "20:00".into(), "missed".into()),
            (t, "08:00".into(), "done".into()),
        ]
    );
    assert_eq!(audits(&w, "engineering.route.update").await, 1);

    // A checkpoint taken out of use (through the API) cannot join a route any more.
    let cp = w
        .json(
            "PUT",
            &format!("/api/v1/checkpoints/{c2}"),
            Some(&s.pm_a),
            &json!({"community_id": a, "name": "车库入口（旧）", "location": "B1", "checklist": ["道闸"], "active": false}),
        )
        .await;
    assert_eq!(cp.status, StatusCode::OK, "{}", cp.body);
    assert_eq!(
        (cp.json()["name"].clone(), cp.json()["active"].clone()),
        (json!("车库入口（旧）"), json!(false))
    );
    assert_eq!(
        w.json(
            "PUT",
            &format!("/api/v1/checkpoints/{c2}"),
            Some(&s.pm_b),
            &json!({"community_id": a, "name": "x", "checklist": ["a"]}),
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let r = w
        .json(
            "PUT",
            &url,
            Some(&s.pm_a),
            &body("夜间巡逻", vec![c3, c2], json!(["08:00"]), 45),
        )
        .await;
    assert_eq!(
        (r.status, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "checkpoints".into())
    );

    // A round under way with a result at a start time being removed stays (its result points
    // at it), and the edit still succeeds.
    let local = Utc::now().with_timezone(&app::shared::time::shanghai()).naive_local();
    let start = (local - Duration::minutes(5))
        .with_second(0)
        .unwrap()
        .with_nanosecond(0)
        .unwrap();
    let slot = start.format("%H:%M").to_string();
    let other_slot = if slot.starts_with("03") { "04:00" } else { "03:00" };
    // Checkpoints of this route only, so the result can belong to no other round.
    let c4 = checkpoint(&w, &s.pm_a, a, "北门岗", None).await["id"].as_i64().unwrap();
    let c5 = checkpoint(&w, &s.pm_a, a, "南门岗", None).await["id"].as_i64().unwrap();
    let patrol = w
        .json(
            "POST",
            "/api/v1/patrol-routes",
            Some(&s.pm_a),
            &body("巡更", vec![c4, c5], json!([slot]), 30),
        )
        .await;
    assert_eq!(patrol.status, StatusCode::CREATED, "{}", patrol.body);
    let pid = patrol.json()["id"].as_i64().unwrap();
    let r = w
        .json(
            "POST",
            "/api/v1/inspections",
            Some(&s.tech_a),
            &json!({"checkpoint_id": c4, "client_id": "edit-under-way-0001", "answers": [{"item": "运行声音", "result": "ok"}, {"item": "压力表读数", "result": "ok"}, {"item": "有无渗漏", "result": "ok"}], "recorded_at": Utc::now().timestamp_millis()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let under_way = inspection_rounds::Entity::find()
        .filter(inspection_rounds::Column::RouteId.eq(pid))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .expect("the result made its round");
    assert_eq!(under_way.status, "planned");
    let r = w
        .json(
            "PUT",
            &format!("/api/v1/patrol-routes/{pid}"),
            Some(&s.pm_a),
            &body("巡更", vec![c4, c5], json!([other_slot]), 30),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        inspection_rounds::Entity::find_by_id(under_way.id)
            .one(&w.ctx.db)
            .await
            .unwrap()
            .is_some(),
        "a walked round is kept"
    );

    // Stopped and restarted through the API as well.
    let r = w
        .json(
            "PUT",
            &format!("{url}/active"),
            Some(&s.pm_a),
            &json!({"active": false}),
        )
        .await;
    assert_eq!((r.status, r.json()["active"].clone()), (StatusCode::OK, json!(false)));
}

#[tokio::test]
async fn the_openapi_document_describes_the_engineering_routes() {
    let w = world().await;
    let doc = w.get("/api/v1/openapi.json", None).await.json();
    for (path, method) in [
        ("/api/v1/equipment", "get"),
        ("/api/v1/equipment", "post"),
        ("/api/v1/equipment/{id}", "get"),
        ("/api/v1/equipment/{id}/maintenance", "post"),
        ("/api/v1/checkpoints", "get"),
        ("/api/v1/checkpoints", "post"),
        ("/api/v1/patrol-routes", "post"),
        ("/api/v1/patrol-routes/{id}", "put"),
        ("/api/v1/checkpoints/{id}", "put"),
        ("/api/v1/patrol-routes/{id}/active", "put"),
        ("/api/v1/equipment/{id}/documents/{file}", "get"),
        ("/api/v1/equipment/{id}/documents/{file}", "delete"),
        ("/api/v1/files/documents", "post"),
        ("/api/v1/rounds", "get"),
        ("/api/v1/inspections", "get"),
        ("/api/v1/inspections", "post"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} documented");
    }
    for schema in ["NewResult", "ResultRow", "EquipmentInput", "RouteInput", "Verdict"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "schema {schema}");
    }
}
