//! People records through `/api/v1`: ID numbers sealed at rest and revealed only with the
//! permission; search, vehicles, parking, move-out; bind requests and family invites; and the
//! office-A / API-key scope over all of it.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

const ID: &str = "11010519491231002X";

/// Generates a 4-unit building and returns the unit ids and numbers.
async fn building(w: &World, token: &str, community: i64, code: &str) -> Vec<(i64, String)> {
    let r = w
        .json(
            "POST",
            "/api/v1/buildings",
            Some(token),
            &json!({"community_id": community, "code": code, "cells": 1, "floors": 2, "per_floor": 2}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = w
        .get(
            &format!("/api/v1/units?community_id={community}&q={code}-"),
            Some(token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["id"].as_i64().unwrap(), u["number"].as_str().unwrap().to_string()))
        .collect()
}

async fn occupant(w: &World, token: &str, unit: i64, name: &str, phone: &str, relation: &str) -> Value {
    let r = w
        .json(
            "POST",
            &format!("/api/v1/units/{unit}/occupants"),
            Some(token),
            &json!({"name": name, "phone": phone, "relation": relation}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()
}

fn field(r: &Resp) -> String {
    r.json()["error"]["field"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn id_numbers_are_sealed_masked_and_revealed_only_with_the_permission() {
    // A SQLite file, so the test can read the bytes the database keeps.
    let dir = std::env::temp_dir().join(format!("linli-seal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let on_file = std::env::var("LINLI_TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
        .is_none();
    let db = if on_file {
        let path = dir.join("seal.db");
        let _ = std::fs::remove_file(&path);
        let db = server::connect(&format!("sqlite://{}?mode=rwc", path.display()))
            .await
            .unwrap();
        server::migrate(&db).await.unwrap();
        db
    } else {
        test_db().await
    };
    let w = world_on(db, Default::default()).await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("cs.a", "甲客服", "customer_service", w.office_a).await;
    w.staff("root", "系统管理员", "sysadmin", w.company).await;
    w.staff("root.b", "乙管理员", "sysadmin", w.office_b).await;
    let pm = w.token("pm.a").await;
    let units = building(&w, &pm, w.community_a.0, "1").await;
    let owner = occupant(&w, &pm, units[0].0, "张三", "13911110001", "owner").await;
    let pid = owner["person_id"].as_i64().unwrap();
    let put = |body: Value| {
        let w = &w;
        let pm = pm.clone();
        async move {
            w.json("PUT", &format!("/api/v1/persons/{pid}/id-number"), Some(&pm), &body)
                .await
        }
    };

    // Consent first; every rule of GB 11643 is named.
    let r = put(json!({"id_number": ID, "consent": false})).await;
    assert_eq!(
        (r.status, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "consent".into()),
        "{}",
        r.body
    );
    let r = put(json!({"id_number": "110105194912310021", "consent": true})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["code"], "err.id_check");
    assert!(
        r.json()["error"]["message"].as_str().unwrap().contains("校验位"),
        "{}",
        r.body
    );
    let r = put(json!({"id_number": "11010519491231002x", "consent": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["id_masked"], "110105********002X");
    assert!(!r.body.contains(ID));
    let r = w.get(&format!("/api/v1/persons/{pid}"), Some(&pm)).await;
    assert_eq!(r.json()["id_masked"], "110105********002X");
    assert!(r.json()["id_consent_at"].is_string());
    assert!(!r.body.contains(ID));

    // The same number on another person is found through the keyed index, not by decrypting.
    let other = occupant(&w, &pm, units[1].0, "李四", "13911110002", "owner").await;
    let r = w
        .json(
            "PUT",
            &format!("/api/v1/persons/{}/id-number", other["person_id"]),
            Some(&pm),
            &json!({"id_number": ID, "consent": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // Revealing needs people.reveal_id over the person: not a project manager, not an
    // administrator of another office; a company administrator yes, and it is audited.
    let reveal = format!("/api/v1/persons/{pid}/id-number/reveal");
    for (who, want) in [
        ("pm.a", StatusCode::FORBIDDEN),
        ("cs.a", StatusCode::FORBIDDEN),
        ("root.b", StatusCode::NOT_FOUND),
    ] {
        let t = w.token(who).await;
        let r = w.json("POST", &reveal, Some(&t), &json!({})).await;
        assert_eq!(r.status, want, "{who}: {}", r.body);
        assert!(!r.body.contains(ID));
    }
    let root = w.token("root").await;
    let r = w.json("POST", &reveal, Some(&root), &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["id_number"], ID);
    let r = w.get("/api/v1/audit?action=person.id_reveal", Some(&root)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("person.id_reveal"), "{}", r.body);
    assert!(!r.body.contains(ID), "the audit log keeps the masked number only");

    // Nowhere in the database is the number in plain text.
    if on_file {
        use sea_orm::ConnectionTrait;
        w.ctx
            .db
            .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .ok();
        let mut bytes = std::fs::read(dir.join("seal.db")).unwrap();
        if let Ok(wal) = std::fs::read(dir.join("seal.db-wal")) {
            bytes.extend(wal);
        }
        let hay = String::from_utf8_lossy(&bytes);
        assert!(hay.contains("张三"), "the check reads the real file");
        assert!(!hay.contains(ID) && !hay.contains("11010519491231002x"));
        assert!(!hay.contains("19491231"), "not even the birth date");
    } else {
        use sea_orm::{ConnectionTrait, Statement};
        for table in ["persons", "audit_log"] {
            let rows = w
                .ctx
                .db
                .query_all_raw(Statement::from_string(
                    w.ctx.db.get_database_backend(),
                    format!("SELECT CAST(t.* AS text) AS row FROM {table} t"),
                ))
                .await
                .unwrap();
            let texts: Vec<String> = rows.iter().map(|r| r.try_get("", "row").unwrap()).collect();
            // The check reads real rows: the person and the reveal are there, masked.
            assert!(
                texts.iter().any(|t| t.contains("110105********002X")),
                "{table}: {texts:?}"
            );
            for text in &texts {
                assert!(!text.contains(ID) && !text.contains("19491231"), "{table}: {text}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn vehicles_parking_search_and_move_out() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    let pm = w.token("pm.a").await;
    let units = building(&w, &pm, w.community_a.0, "3").await;
    let o = occupant(&w, &pm, units[0].0, "王五", "13922220001", "owner").await;
    let t = occupant(&w, &pm, units[1].0, "赵六", "13922220002", "tenant").await;
    let r = w
        .json(
            "POST",
            "/api/v1/parking-spaces",
            Some(&pm),
            &json!({"community_id": w.community_a.0, "prefix": "B1-", "from": 1, "to": 12, "kind": "owned", "area": "12.5"}),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["created"].as_i64()),
        (StatusCode::CREATED, Some(12)),
        "{}",
        r.body
    );
    let r = w
        .json(
            "POST",
            "/api/v1/parking-spaces",
            Some(&pm),
            &json!({"community_id": w.community_a.0, "prefix": "B1-", "from": 10, "to": 20, "kind": "owned"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "an overlapping run creates nothing: {}",
        r.body
    );
    let r = w.get("/api/v1/parking-spaces?q=B1-01", Some(&pm)).await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 3, "{}", r.body);

    let add = |unit: i64, body: Value| {
        let w = &w;
        let pm = pm.clone();
        async move {
            w.json("POST", &format!("/api/v1/units/{unit}/vehicles"), Some(&pm), &body)
                .await
        }
    };
    let r = add(units[0].0, json!({"plate": "京A 1234", "person_id": o["person_id"]})).await;
    assert_eq!(
        (r.status, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "plate".into())
    );
    let r = add(units[0].0, json!({"plate": "京A12345", "person_id": t["person_id"]})).await;
    assert_eq!(
        (r.status, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "person_id".into()),
        "the tenant lives elsewhere"
    );
    let r = add(
        units[0].0,
        json!({"plate": "京A12345", "person_id": o["person_id"], "space_code": "C9"}),
    )
    .await;
    assert_eq!(
        (r.status, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "space_code".into())
    );
    let r = add(
        units[0].0,
        json!({"plate": "粤b·d12345", "person_id": o["person_id"], "space_code": "B1-003"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (r.json()["plate"].as_str(), r.json()["new_energy"].as_bool()),
        (Some("粤BD12345"), Some(true))
    );
    let r = add(units[1].0, json!({"plate": "粤BD12345", "person_id": t["person_id"]})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "one plate, one vehicle");

    // Search by plate, phone, unit number and name all find the owner.
    for q in ["粤BD12345", "13922220001", "3-1-010", "王五"] {
        let r = w.get(&format!("/api/v1/persons?q={}", urlencode(q)), Some(&pm)).await;
        assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
        let names: Vec<String> = r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        assert!(names.iter().any(|n| n == "王五"), "{q}: {names:?}");
    }
    let r = w.get("/api/v1/parking-spaces?q=B1-003", Some(&pm)).await;
    assert_eq!(r.json()["items"][0]["plates"], json!(["粤BD12345"]));
    // The car moves to another space; the list by plate prefix finds it there.
    let car = w.get("/api/v1/vehicles?q=粤b", Some(&pm)).await.json()["items"][0].clone();
    assert_eq!(car["space_code"], "B1-003");
    let r = w
        .json(
            "PATCH",
            &format!("/api/v1/vehicles/{}", car["id"]),
            Some(&pm),
            &json!({"space_code": "B1-012", "note": "白色"}),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["space_code"].as_str()),
        (StatusCode::OK, Some("B1-012")),
        "{}",
        r.body
    );
    let r = w
        .json(
            "PATCH",
            &format!("/api/v1/vehicles/{}", car["id"]),
            Some(&pm),
            &json!({"space_code": "Z9"}),
        )
        .await;
    assert_eq!(
        (r.status, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "space_code".into())
    );
    let r = w
        .json(
            "PATCH",
            &format!("/api/v1/persons/{}", o["person_id"]),
            Some(&pm),
            &json!({"name": " 王五一 "}),
        )
        .await;
    assert_eq!(r.json()["name"], "王五一");
    let r = w
        .get(
            &format!("/api/v1/buildings?community_id={}", w.community_a.0),
            Some(&pm),
        )
        .await;
    assert_eq!(r.json()["items"][0]["code"], "3");
    let bid = r.json()["items"][0]["id"].as_i64().unwrap();
    let r = w
        .json(
            "PATCH",
            &format!("/api/v1/buildings/{bid}"),
            Some(&pm),
            &json!({"name": "三号楼"}),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["name"].as_str(), r.json()["code"].as_str()),
        (StatusCode::OK, Some("三号楼"), Some("3"))
    );
    let space = w.get("/api/v1/parking-spaces?q=B1-001", Some(&pm)).await.json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    let r = w
        .json(
            "PATCH",
            &format!("/api/v1/parking-spaces/{space}"),
            Some(&pm),
            &json!({"kind": "rented", "area": "13.2"}),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["kind"].as_str(), r.json()["area"].as_i64()),
        (StatusCode::OK, Some("rented"), Some(1320)),
        "{}",
        r.body
    );
    let r = w
        .json(
            "PATCH",
            &format!("/api/v1/parking-spaces/{space}"),
            Some(&pm),
            &json!({"area": "-1"}),
        )
        .await;
    assert_eq!((r.status, field(&r)), (StatusCode::UNPROCESSABLE_ENTITY, "area".into()));

    // Move-out keeps history; a second move-out or a date in the future is refused.
    let end = format!("/api/v1/occupancies/{}/end", t["occupancy_id"]);
    let r = w.json("POST", &end, Some(&pm), &json!({"date": "2999-01-01"})).await;
    assert_eq!((r.status, field(&r)), (StatusCode::UNPROCESSABLE_ENTITY, "date".into()));
    let r = w.json("POST", &end, Some(&pm), &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["until"].is_string());
    let r = w.json("POST", &end, Some(&pm), &json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = w.get(&format!("/api/v1/units/{}", units[1].0), Some(&pm)).await;
    assert_eq!(r.json()["occupants"].as_array().unwrap().len(), 0);
    assert_eq!(r.json()["history"][0]["name"], "赵六");
    let r = w.get(&format!("/api/v1/persons/{}", t["person_id"]), Some(&pm)).await;
    assert!(r.json()["homes"][0]["until"].is_string(), "{}", r.body);
}

#[tokio::test]
async fn residents_ask_to_bind_staff_of_that_office_decide_and_heads_invite_family() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    let pm = w.token("pm.a").await;
    let pm_b = w.token("pm.b").await;
    let units = building(&w, &pm, w.community_a.0, "5").await;
    w.resident("13933330001", "新业主").await;
    let me = w.token("13933330001").await;
    assert_eq!(w.get("/api/v1/me/homes", Some(&me)).await.json(), json!([]));

    let ask = |body: Value| {
        let w = &w;
        let me = me.clone();
        async move { w.json("POST", "/api/v1/me/bind-requests", Some(&me), &body).await }
    };
    let r =
        ask(json!({"community_id": w.community_a.0, "unit_number": "9-9-9999", "relation": "owner", "name": "新业主"}))
            .await;
    assert_eq!(
        (r.status, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "unit_number".into()),
        "{}",
        r.body
    );
    let r =
        ask(json!({"community_id": w.community_a.0, "unit_number": units[2].1, "relation": "owner", "name": "新业主"}))
            .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let req = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.json()["status"], "pending");
    let r =
        ask(json!({"community_id": w.community_a.0, "unit_number": units[2].1, "relation": "owner", "name": "新业主"}))
            .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "one pending request per unit");

    // Office B neither sees nor decides it; office A approves.
    let r = w.get("/api/v1/bind-requests", Some(&pm_b)).await;
    assert_eq!(r.json()["items"], json!([]));
    let decide = format!("/api/v1/bind-requests/{req}/decision");
    let r = w.json("POST", &decide, Some(&pm_b), &json!({"approve": true})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = w.json("POST", &decide, Some(&me), &json!({"approve": true})).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a resident cannot approve their own request"
    );
    let r = w.get("/api/v1/bind-requests", Some(&pm)).await;
    assert_eq!(r.json()["items"][0]["id"], req);
    let r = w.json("POST", &decide, Some(&pm), &json!({"approve": true})).await;
    assert_eq!(
        (r.status, r.json()["status"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{}",
        r.body
    );
    let r = w.json("POST", &decide, Some(&pm), &json!({"approve": false})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "decided once");
    let homes = w.get("/api/v1/me/homes", Some(&me)).await.json();
    assert_eq!(homes[0]["unit"]["number"], units[2].1.as_str());
    assert_eq!(homes[0]["relation"], "owner");

    // The owner invites family by phone: nobody is linked until the person accepts, and the
    // household sees only a masked name meanwhile.
    let fam = format!("/api/v1/me/homes/{}/family", units[2].0);
    w.resident("13933330002", "小明本人").await;
    let kid = w.token("13933330002").await;
    let r = w
        .json(
            "POST",
            &fam,
            Some(&me),
            &json!({"name": "小明", "phone": "13933330002"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["status"], "pending");
    assert_eq!(r.json()["name_masked"], "小*");
    assert!(
        !r.body.contains("小明本人"),
        "the invited account's name is not shown: {}",
        r.body
    );
    let invite = r.json()["id"].as_i64().unwrap();
    let r = w
        .json(
            "POST",
            &format!("/api/v1/me/homes/{}/family", units[3].0),
            Some(&me),
            &json!({"name": "x", "phone": "13933330003"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "not their home");
    let homes = w.get("/api/v1/me/homes", Some(&kid)).await.json();
    assert_eq!(homes.as_array().unwrap().len(), 0, "not joined before accepting");
    let mine = w.get("/api/v1/me/homes", Some(&me)).await.json();
    assert_eq!(mine[0]["household"].as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["invites"][0]["name_masked"], "小*");
    // Only the invited phone answers it.
    w.resident("13933330005", "路人").await;
    let stranger = w.token("13933330005").await;
    let accept = format!("/api/v1/me/family-invites/{invite}/accept");
    let r = w.json("POST", &accept, Some(&stranger), &json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let waiting = w.get("/api/v1/me/family-invites", Some(&kid)).await.json();
    assert_eq!(waiting[0]["id"], invite);
    assert_eq!(waiting[0]["inviter"], "新业主");
    let r = w.json("POST", &accept, Some(&kid), &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "accepted");
    let r = w.json("POST", &accept, Some(&kid), &json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "answered once: {}", r.body);
    let homes = w.get("/api/v1/me/homes", Some(&kid)).await.json();
    assert_eq!(homes[0]["unit"]["id"], units[2].0);
    assert_eq!(homes[0]["relation"], "family");
    assert_eq!(homes[0]["household"].as_array().unwrap().len(), 2);
    let r = w
        .json("POST", &fam, Some(&kid), &json!({"name": "y", "phone": "13933330004"}))
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "a family member does not manage the household"
    );
    // A declined invite links nobody; a pending one is withdrawn by the head.
    let r = w
        .json(
            "POST",
            &fam,
            Some(&me),
            &json!({"name": "路人甲", "phone": "13933330005"}),
        )
        .await;
    let second = r.json()["id"].as_i64().unwrap();
    let r = w
        .json(
            "POST",
            &format!("/api/v1/me/family-invites/{second}/decline"),
            Some(&stranger),
            &json!({}),
        )
        .await;
    assert_eq!(r.json()["status"], "declined", "{}", r.body);
    assert_eq!(
        w.get("/api/v1/me/homes", Some(&stranger))
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let r = w
        .json(
            "POST",
            &fam,
            Some(&me),
            &json!({"name": "某人", "phone": "13933330006"}),
        )
        .await;
    let third = r.json()["id"].as_i64().unwrap();
    let r = w.delete(&format!("/api/v1/me/family-invites/{third}"), &kid).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "only the head withdraws");
    let r = w.delete(&format!("/api/v1/me/family-invites/{third}"), &me).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let mine = w.get("/api/v1/me/homes", Some(&me)).await.json();
    assert_eq!(mine[0]["invites"].as_array().unwrap().len(), 0, "{mine}");
}

#[tokio::test]
async fn office_a_staff_and_an_office_a_api_key_see_none_of_office_b_people() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    w.staff("root", "系统管理员", "sysadmin", w.company).await;
    let pm_a = w.token("pm.a").await;
    let pm_b = w.token("pm.b").await;
    let root = w.token("root").await;

    // Office B's records: a unit, an owner, a vehicle, a parking space, a bind request.
    let ub = building(&w, &pm_b, w.community_b.0, "8").await;
    let ob = occupant(&w, &pm_b, ub[0].0, "乙业主", "13944440001", "owner").await;
    let r = w
        .json(
            "POST",
            "/api/v1/parking-spaces",
            Some(&pm_b),
            &json!({"community_id": w.community_b.0, "prefix": "P", "from": 1, "to": 3, "kind": "public"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = w
        .json(
            "POST",
            &format!("/api/v1/units/{}/vehicles", ub[0].0),
            Some(&pm_b),
            &json!({"plate": "沪A88888", "person_id": ob["person_id"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let vb = r.json()["id"].as_i64().unwrap();
    w.resident("13944440009", "乙申请人").await;
    let asker = w.token("13944440009").await;
    let r = w
        .json(
            "POST",
            "/api/v1/me/bind-requests",
            Some(&asker),
            &json!({"community_id": w.community_b.0, "unit_number": ub[1].1, "relation": "tenant", "name": "乙申请人"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let req_b = r.json()["id"].as_i64().unwrap();
    // Office A has its own owner so empty answers are not empty for the wrong reason.
    let ua = building(&w, &pm_a, w.community_a.0, "8").await;
    occupant(&w, &pm_a, ua[0].0, "甲业主", "13944440002", "owner").await;

    // An API key scoped to office A, made in the admin service, used as a bearer.
    let cookies = w.browser_login("root").await;
    let r = w
        .server_fn(
            &server_fn_path::<app::access::api::CreateApiKey>(),
            &[
                ("name", "停车场系统"),
                ("role_code", "project_manager"),
                ("org_id", &w.office_a.0.to_string()),
            ],
            &cookies,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let key = r.json()["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("lk_"));
    // The key holds a project manager's role, but a key never manages accounts: the same
    // request from the project manager creates the account.
    let staff = |login: &str| json!({"login": login, "display_name": "新员工", "password": "Sturdy-bridge-19", "role_code": "cashier", "org_id": w.office_a.0});
    let r = w.json("POST", "/api/v1/users", Some(&key), &staff("by.key")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = w.json("POST", "/api/v1/users", Some(&pm_a), &staff("by.pm")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let pid_b = ob["person_id"].as_i64().unwrap();
    let bs = format!("/api/v1/buildings?community_id={}", w.community_b.0);
    let bid_b = w.get(&bs, Some(&pm_b)).await.json()["items"][0]["id"].as_i64().unwrap();
    let sid_b = w.get("/api/v1/parking-spaces", Some(&pm_b)).await.json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    for (who, t) in [("staff A", pm_a.as_str()), ("key A", key.as_str())] {
        for q in ["", "13944440001", "沪A88888", "8-1-", "乙"] {
            let r = w.get(&format!("/api/v1/persons?q={}", urlencode(q)), Some(t)).await;
            assert_eq!(r.status, StatusCode::OK, "{who} {q}: {}", r.body);
            assert!(
                !r.body.contains("乙业主") && !r.body.contains("13944440001"),
                "{who} {q}: {}",
                r.body
            );
        }
        let r = w.get("/api/v1/persons", Some(t)).await;
        assert!(r.body.contains("甲业主"), "{who} sees their own office: {}", r.body);
        let gets = [format!("/api/v1/persons/{pid_b}"), format!("/api/v1/units/{}", ub[0].0)];
        for uri in &gets {
            assert_eq!(w.get(uri, Some(t)).await.status, StatusCode::NOT_FOUND, "{who} {uri}");
        }
        let r = w.get("/api/v1/parking-spaces", Some(t)).await;
        assert_eq!(r.json()["items"], json!([]), "{who}");
        let r = w.get("/api/v1/vehicles", Some(t)).await;
        assert!(
            r.status == StatusCode::OK && !r.body.contains("沪A88888"),
            "{who}: {}",
            r.body
        );
        let r = w
            .get(&format!("/api/v1/buildings?community_id={}", w.community_b.0), Some(t))
            .await;
        assert_eq!(r.json()["items"], json!([]), "{who}");
        let r = w
            .get(&format!("/api/v1/units?community_id={}", w.community_b.0), Some(t))
            .await;
        assert_eq!(r.json()["items"], json!([]), "{who}");
        let r = w.get("/api/v1/bind-requests", Some(t)).await;
        assert_eq!(r.json()["items"], json!([]), "{who}");
        let writes = [
            (
                "PUT",
                format!("/api/v1/persons/{pid_b}/id-number"),
                json!({"id_number": ID, "consent": true}),
            ),
            (
                "POST",
                format!("/api/v1/units/{}/vehicles", ub[0].0),
                json!({"plate": "沪A77777", "person_id": pid_b}),
            ),
            ("DELETE", format!("/api/v1/vehicles/{vb}"), json!({})),
            ("PATCH", format!("/api/v1/vehicles/{vb}"), json!({"note": "x"})),
            ("PATCH", format!("/api/v1/persons/{pid_b}"), json!({"name": "x"})),
            ("PATCH", format!("/api/v1/buildings/{bid_b}"), json!({"name": "x"})),
            (
                "PATCH",
                format!("/api/v1/parking-spaces/{sid_b}"),
                json!({"kind": "owned"}),
            ),
            (
                "POST",
                format!("/api/v1/occupancies/{}/end", ob["occupancy_id"]),
                json!({}),
            ),
            (
                "POST",
                format!("/api/v1/units/{}/occupants", ub[1].0),
                json!({"name": "x", "phone": "13944440005", "relation": "owner"}),
            ),
            (
                "POST",
                format!("/api/v1/bind-requests/{req_b}/decision"),
                json!({"approve": true}),
            ),
        ];
        for (m, uri, body) in &writes {
            let r = w.json(m, uri, Some(t), body).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} {m} {uri}: {}", r.body);
        }
        let r = w
            .json(
                "POST",
                "/api/v1/parking-spaces",
                Some(t),
                &json!({"community_id": w.community_b.0, "prefix": "Q", "from": 1, "to": 1, "kind": "public"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    // The same through the server functions and the server-rendered pages of office A.
    let b_markers = ["乙业主", "沪A88888", "乙申请人", "乙小区"];
    let ca = w.browser_login("pm.a").await;
    let pid_s = pid_b.to_string();
    let unit_s = ub[0].0.to_string();
    let calls: [(String, Vec<(&str, &str)>); 5] = [
        (server_fn_path::<app::estate::api::SearchPeople>(), vec![]),
        (server_fn_path::<app::estate::api::SearchPeople>(), vec![("q", "乙")]),
        (server_fn_path::<app::estate::api::ListSpaces>(), vec![]),
        (
            server_fn_path::<app::estate::api::ListBindRequests>(),
            vec![("all", "true")],
        ),
        (
            server_fn_path::<app::estate::api::PersonDetail>(),
            vec![("id", pid_s.as_str())],
        ),
    ];
    for (path, form) in &calls {
        let r = w.server_fn(path, form, &ca, true).await;
        for m in b_markers {
            assert!(!r.body.contains(m), "{path} leaked {m}: {}", r.body);
        }
    }
    let r = w
        .server_fn(
            &server_fn_path::<app::estate::api::UnitDetail>(),
            &[("id", unit_s.as_str())],
            &ca,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    for page in [
        "/admin/people".to_string(),
        "/admin/parking".to_string(),
        "/admin/binds".to_string(),
        format!("/admin/people/{pid_b}"),
        format!("/admin/units/{}", ub[0].0),
    ] {
        let r = w
            .send(
                axum::http::Request::get(page.as_str())
                    .header(axum::http::header::COOKIE, ca.header())
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        // A detail page outside the scope renders the not-found state (its status depends on
        // whether the error resolves before the streamed head is sent).
        let detail = page.matches('/').count() == 3;
        assert!(
            r.status == StatusCode::OK || (detail && r.status == StatusCode::NOT_FOUND),
            "{page}: {}",
            r.status
        );
        for m in b_markers {
            assert!(!r.body.contains(m), "page {page} leaked {m}");
        }
    }
    let r = w
        .send(
            axum::http::Request::get("/admin/people")
                .header(axum::http::header::COOKIE, ca.header())
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(r.body.contains("甲业主"), "the page does render office A's people");

    // Exports hold the caller's office only, masked, and are audited.
    for (uri, sheet) in [
        ("/api/v1/persons/export.xlsx", "住户"),
        ("/api/v1/parking-spaces/export.xlsx", "车位"),
    ] {
        let r = w.get(uri, Some(&pm_a)).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        let bytes = w.get_bytes(uri, &pm_a).await;
        use calamine::Reader as _;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let text: String = book
            .worksheet_range(sheet)
            .unwrap()
            .rows()
            .flat_map(|r| r.iter().map(|c| c.to_string()))
            .collect::<Vec<_>>()
            .join("|");
        assert!(!text.contains("乙业主") && !text.contains("P001"), "{uri}: {text}");
        if sheet == "住户" {
            assert!(text.contains("甲业主") && text.contains("139****0002"), "{text}");
            assert!(!text.contains("13944440002"), "phones stay masked");
        }
    }
    let r = w.get("/api/v1/audit?action=people.export", Some(&root)).await;
    assert!(r.body.contains("people.export"), "{}", r.body);

    // B's records are untouched.
    let r = w.get(&format!("/api/v1/units/{}", ub[0].0), Some(&pm_b)).await;
    assert_eq!(r.json()["occupants"].as_array().unwrap().len(), 1);
    assert_eq!(r.json()["vehicles"].as_array().unwrap().len(), 1);

    // A resident reaches no staff list at all.
    let r = w.get("/api/v1/persons", Some(&asker)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Revoked, the key opens nothing; the key is listed without its secret.
    let r = w
        .server_fn(&server_fn_path::<app::access::api::ListApiKeys>(), &[], &cookies, true)
        .await;
    assert!(!r.body.contains(&key), "{}", r.body);
    let id = r.json()[0]["id"].as_i64().unwrap().to_string();
    assert!(r.json()[0]["last_used_at"].is_string(), "use is noted: {}", r.body);
    let r = w
        .server_fn(
            &server_fn_path::<app::access::api::RevokeApiKey>(),
            &[("id", &id)],
            &cookies,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        w.get("/api/v1/persons", Some(&key)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The company administrator still sees everyone.
    let r = w.get("/api/v1/persons?q=13944440001", Some(&root)).await;
    assert!(r.body.contains("乙业主"));
}

fn server_fn_path<T: leptos::server_fn::ServerFn>() -> String {
    T::PATH.to_string()
}

#[tokio::test]
async fn staff_edit_units_and_grow_the_tree_within_their_scope() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    let pm = w.token("pm.a").await;
    let pm_b = w.token("pm.b").await;
    let ua = building(&w, &pm, w.community_a.0, "2").await;
    let ub = building(&w, &pm_b, w.community_b.0, "2").await;

    let patch = |id: i64, body: Value| {
        let w = &w;
        let pm = pm.clone();
        async move { w.json("PATCH", &format!("/api/v1/units/{id}"), Some(&pm), &body).await }
    };
    let r = patch(ua[0].0, json!({"area_measured": "90.1", "area_contract": "91"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.json()["area"].as_i64(), r.json()["area_source"].as_str()),
        (Some(9010), Some("measured")),
        "areas travel as exact hundredths of a square metre"
    );
    let r = patch(
        ua[0].0,
        json!({"area_registered": "89.57", "status": "occupied", "layout": "三室两厅"}),
    )
    .await;
    assert_eq!(
        (r.json()["area"].as_i64(), r.json()["area_source"].as_str()),
        (Some(8957), Some("registered"))
    );
    assert_eq!(r.json()["status"], "occupied");
    let r = patch(ua[0].0, json!({"area_registered": ""})).await;
    assert_eq!(
        r.json()["area_source"],
        "measured",
        "clearing the registered figure falls back"
    );
    let r = patch(ua[0].0, json!({"shared_area": "12.345"})).await;
    assert_eq!(
        (r.status, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "shared_area".into())
    );
    let r = patch(ub[0].0, json!({"layout": "x"})).await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "office B's unit does not exist for office A"
    );
    let r = w.get(&format!("/api/v1/units/{}", ua[0].0), Some(&pm)).await;
    assert_eq!(r.json()["areas"]["contract"], 9100);
    w.staff("root", "系统管理员", "sysadmin", w.company).await;
    let root = w.token("root").await;
    let r = w.get("/api/v1/audit?action=unit.update", Some(&root)).await;
    assert!(r.body.contains("unit.update") && r.body.contains("90.10"), "{}", r.body);

    // The tree grows under the caller's own nodes only.
    let org = |body: Value, t: &str| {
        let w = &w;
        let t = t.to_string();
        async move { w.json("POST", "/api/v1/orgs", Some(&t), &body).await }
    };
    let r = org(
        json!({"parent_id": w.office_a.0, "kind": "community", "name": "甲二期", "code": "A2"}),
        &pm,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let new_id = r.json()["id"].as_i64().unwrap();
    let r = org(
        json!({"parent_id": w.office_a.0, "kind": "community", "name": "重复", "code": "A2"}),
        &pm,
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = org(
        json!({"parent_id": w.office_a.0, "kind": "region", "name": "不行", "code": "A3"}),
        &pm,
    )
    .await;
    assert_eq!((r.status, field(&r)), (StatusCode::UNPROCESSABLE_ENTITY, "kind".into()));
    let r = org(
        json!({"parent_id": w.office_b.0, "kind": "community", "name": "越权", "code": "B9"}),
        &pm,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The new community is in scope at once: a building can be generated there.
    building(&w, &pm, new_id, "1").await;
    let r = w
        .json(
            "PATCH",
            &format!("/api/v1/orgs/{new_id}"),
            Some(&pm),
            &json!({"name": "甲小区二期"}),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["name"].as_str()),
        (StatusCode::OK, Some("甲小区二期"))
    );
    let r = w
        .json(
            "PATCH",
            &format!("/api/v1/orgs/{}", w.office_b.0),
            Some(&pm),
            &json!({"name": "改名"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w.get("/api/v1/orgs", Some(&pm_b)).await;
    assert!(!r.body.contains("甲小区二期"));
}

#[tokio::test]
async fn handover_inspections_follow_the_community_checklist_and_deliver_the_unit() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("cs.a", "甲客服", "customer_service", w.office_a).await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    let pm = w.token("pm.a").await;
    let units = building(&w, &pm, w.community_a.0, "6").await;
    let list = format!("/api/v1/communities/{}/handover-checklist", w.community_a.0);
    let r = w.get(&list, Some(&pm)).await;
    assert_eq!(
        r.json().as_array().unwrap().len(),
        10,
        "the default checklist: {}",
        r.body
    );
    let r = w
        .json("PUT", &list, Some(&pm), &json!({"items": ["门窗", "门窗"]}))
        .await;
    assert_eq!(
        (r.status, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "items".into())
    );
    let r = w
        .json("PUT", &list, Some(&pm), &json!({"items": ["门窗", "墙面", "水电"]}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let pm_b = w.token("pm.b").await;
    let r = w.json("PUT", &list, Some(&pm_b), &json!({"items": ["x"]})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let inspect = format!("/api/v1/units/{}/handovers", units[0].0);
    let r = w.json("POST", &inspect, Some(&pm), &json!({"ok": [true, true]})).await;
    assert_eq!(
        (r.status, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "ok".into()),
        "answers must match the checklist"
    );
    let r = w
        .json(
            "POST",
            &inspect,
            Some(&pm),
            &json!({"ok": [true, false, true], "notes": ["", "客厅墙面开裂", ""]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["passed"], false);
    let u = w.get(&format!("/api/v1/units/{}", units[0].0), Some(&pm)).await.json();
    assert_eq!(u["unit"]["status"], "unsold", "a failed inspection delivers nothing");
    let r = w
        .json(
            "POST",
            &inspect,
            Some(&pm),
            &json!({"ok": [true, true, true], "inspected_on": "2999-01-01"}),
        )
        .await;
    assert_eq!(
        (r.status, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "inspected_on".into())
    );
    let cs = w.token("cs.a").await;
    let r = w
        .json("POST", &inspect, Some(&cs), &json!({"ok": [true, true, true]}))
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "customer service reads, does not inspect"
    );
    let r = w
        .json("POST", &inspect, Some(&pm_b), &json!({"ok": [true, true, true]}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = w
        .json("POST", &inspect, Some(&pm), &json!({"ok": [true, true, true]}))
        .await;
    assert_eq!(
        (r.status, r.json()["passed"].as_bool()),
        (StatusCode::CREATED, Some(true))
    );
    let u = w.get(&format!("/api/v1/units/{}", units[0].0), Some(&pm)).await.json();
    assert_eq!(u["unit"]["status"], "delivered");
    assert_eq!(u["handovers"].as_array().unwrap().len(), 2);
    assert_eq!(
        u["handovers"][1]["results"][1]["note"], "客厅墙面开裂",
        "history keeps what was found"
    );
    // A later checklist change leaves past inspections as they were.
    w.json("PUT", &list, Some(&pm), &json!({"items": ["全部"]})).await;
    let u = w.get(&format!("/api/v1/units/{}", units[0].0), Some(&pm)).await.json();
    assert_eq!(u["handovers"][0]["results"].as_array().unwrap().len(), 3);
    assert_eq!(u["checklist"], json!(["全部"]));
}

#[tokio::test]
async fn a_person_added_by_phone_from_another_office_is_linked_but_not_taken_over() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    w.staff("root", "系统管理员", "sysadmin", w.company).await;
    let (pm_a, pm_b, root) = (w.token("pm.a").await, w.token("pm.b").await, w.token("root").await);
    let ua = building(&w, &pm_a, w.community_a.0, "1").await;
    let ub = building(&w, &pm_b, w.community_b.0, "2").await;
    // Office A's owner, with an ID number on record.
    let oa = occupant(&w, &pm_a, ua[0].0, "甲业主", "13955550001", "owner").await;
    let person = oa["person_id"].as_i64().unwrap();
    // Office B adds the same phone to one of its units (under another name): linked, not copied.
    let ob = occupant(&w, &pm_b, ub[0].0, "冒名", "13955550001", "tenant").await;
    assert_eq!(ob["person_id"].as_i64(), Some(person));
    // B sees the person with B's home only, never A's.
    let seen = w.get(&format!("/api/v1/persons/{person}"), Some(&pm_b)).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    let homes = seen.json()["homes"].as_array().unwrap().clone();
    assert_eq!(homes.len(), 1, "{}", seen.body);
    assert_eq!(homes[0]["unit_id"].as_i64(), Some(ub[0].0), "{}", seen.body);
    // Neither office alone edits a person they share; the company's administrator does.
    for token in [&pm_b, &pm_a] {
        let r = w
            .json(
                "PATCH",
                &format!("/api/v1/persons/{person}"),
                Some(token),
                &json!({"name": "改名"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert_eq!(field(&r), "person");
        let r = w
            .json(
                "PUT",
                &format!("/api/v1/persons/{person}/id-number"),
                Some(token),
                &json!({"id_number": ID, "consent": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    }
    let r = w.get(&format!("/api/v1/persons/{person}"), Some(&root)).await;
    assert_eq!(r.json()["name"], "甲业主", "nothing was changed: {}", r.body);
    let r = w
        .json(
            "PATCH",
            &format!("/api/v1/persons/{person}"),
            Some(&root),
            &json!({"name": "甲业主本人"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn an_id_number_is_unique_within_an_office_and_never_reveals_another_office() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    let (pm_a, pm_b) = (w.token("pm.a").await, w.token("pm.b").await);
    let ua = building(&w, &pm_a, w.community_a.0, "1").await;
    let ub = building(&w, &pm_b, w.community_b.0, "2").await;
    let a1 = occupant(&w, &pm_a, ua[0].0, "甲一", "13955550011", "owner").await["person_id"]
        .as_i64()
        .unwrap();
    let a2 = occupant(&w, &pm_a, ua[1].0, "甲二", "13955550012", "owner").await["person_id"]
        .as_i64()
        .unwrap();
    let b1 = occupant(&w, &pm_b, ub[0].0, "乙一", "13955550021", "owner").await["person_id"]
        .as_i64()
        .unwrap();
    let put = |token: &str, person: i64| {
        let token = token.to_string();
        let w = &w;
        async move {
            w.json(
                "PUT",
                &format!("/api/v1/persons/{person}/id-number"),
                Some(&token),
                &json!({"id_number": ID, "consent": true}),
            )
            .await
        }
    };
    let r = put(&pm_a, a1).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Office B stores the same number on its own record: nothing tells B that A has it.
    let r = put(&pm_b, b1).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Within office A the number is taken, and A is told so in words.
    let r = put(&pm_a, a2).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(field(&r), "id_number");
    assert!(r.body.contains("身份证号"), "{}", r.body);
    let r = w.get(&format!("/api/v1/persons/{a2}"), Some(&pm_a)).await;
    assert!(r.json()["id_masked"].is_null(), "nothing was stored: {}", r.body);
}

#[tokio::test]
async fn residents_see_the_contact_of_the_office_above_their_home() {
    use leptos::server_fn::ServerFn;
    let w = world().await;
    let s = fee_setup(&w, 1, 1).await;
    w.resident("13900000001", "业主甲").await;
    let pm_a = w.browser_login("pm.a").await;
    let pm_b = w.browser_login("pm.b").await;
    let resident = w.browser_login("13900000001").await;
    let set = app::estate::api::SetOrgContact::PATH;
    let office = w.office_a.0.to_string();
    let form = |phone: &'static str| {
        let office = office.clone();
        move || {
            vec![
                ("id".to_string(), office.clone()),
                ("phone".to_string(), phone.to_string()),
                ("address".to_string(), "桂花苑 3 号楼".to_string()),
                ("hours".to_string(), "每天 8:00–20:00".to_string()),
            ]
        }
    };
    let send = |c: &Cookies, f: Vec<(String, String)>| {
        let w = &w;
        let c = c.clone();
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            w.server_fn(set, &pairs, &c, true).await
        }
    };
    // Another office may not, a phone that is not one is named, the office's own manager may.
    let r = send(&pm_b, form("0571-5550-0101")()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = send(&pm_a, form("call us")()).await;
    assert_eq!(r.json()["field"], "phone", "{}", r.body);
    let r = send(&pm_a, form("0571-5550-0101")()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The resident of a home under the office sees it; nobody logged out sees the office's.
    let mine = w
        .server_fn(app::estate::api::MyContacts::PATH, &[], &resident, true)
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert_eq!(mine.json()[0]["phone"], "0571-5550-0101", "{}", mine.body);
    assert_eq!(mine.json()[0]["hours"], "每天 8:00–20:00");
    let anon = w.browser().await;
    let public = w
        .server_fn(app::access::api::PublicContact::PATH, &[], &anon, true)
        .await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.body);
    assert!(public.json().is_null(), "the company has none yet: {}", public.body);
    assert!(!s.units.is_empty());
}
