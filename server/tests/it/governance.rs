//! Owners' governance through the HTTP API: the voter register.
use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_voter_register_counts_persons_and_areas_as_the_law_does_and_only_in_scope() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    let pm = w.token("pm.a").await;
    // Six units of 89.57 ㎡.
    let r = w
        .json(
            "POST",
            "/api/v1/buildings",
            Some(&pm),
            &json!({"community_id": w.community_a.0, "code": "1", "cells": 1, "floors": 2, "per_floor": 3, "area": "89.57"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = w
        .get(
            &format!("/api/v1/units?community_id={}&q=1-", w.community_a.0),
            Some(&pm),
        )
        .await;
    let units: Vec<(i64, String)> = r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["id"].as_i64().unwrap(), u["number"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(units.len(), 6);
    // 甲 buys units 0 and 1; 乙 and 丙 own unit 2 together; 丁 owns unit 3; 4 and 5 are unsold.
    for (unit, name, phone, relation) in [
        (0, "甲", "13900000001", "owner"),
        (1, "甲", "13900000001", "owner"),
        (2, "乙", "13900000002", "owner"),
        (2, "丙", "13900000003", "co_owner"),
        (3, "丁", "13900000004", "owner"),
    ] {
        let r = w
            .json(
                "POST",
                &format!("/api/v1/units/{}/occupants", units[unit].0),
                Some(&pm),
                &json!({"name": name, "phone": phone, "relation": relation}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }

    let uri = format!("/api/v1/communities/{}/voter-register", w.community_a.0);
    let r = w.get(&uri, Some(&pm)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let reg = r.json();
    assert_eq!(reg["complete"], true);
    assert_eq!(reg["units"], 6);
    assert_eq!(reg["total_area"], 6 * 8_957);
    // The developer, 甲 (two units), 乙 and 丙 together, 丁.
    assert_eq!(reg["total_persons"], 4);
    assert_eq!(reg["merged"], 2);
    assert_eq!(reg["developer"]["area"], 2 * 8_957);
    assert_eq!(reg["developer"]["units"], json!([units[4].1, units[5].1]));
    let voters = reg["voters"].as_array().unwrap();
    let two_units = voters
        .iter()
        .find(|v| v["units"].as_array().unwrap().len() == 2 && v["key"]["kind"] == "owners")
        .unwrap();
    assert_eq!(two_units["units"], json!([units[0].1, units[1].1]));
    assert_eq!(two_units["area"], 2 * 8_957);
    let together = voters
        .iter()
        .find(|v| v["key"]["owners"].as_array().is_some_and(|o| o.len() == 2))
        .unwrap();
    assert_eq!(together["units"], json!([units[2].1]));

    // Another office's manager: the community does not exist for them. Not a community (an
    // office), or no such id: not found either. A resident holds no people.read: forbidden.
    let other = w.token("pm.b").await;
    assert_eq!(w.get(&uri, Some(&other)).await.status, StatusCode::NOT_FOUND);
    let office = format!("/api/v1/communities/{}/voter-register", w.office_a.0);
    assert_eq!(w.get(&office, Some(&pm)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        w.get("/api/v1/communities/999999/voter-register", Some(&pm))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    w.resident("13900000001", "甲").await;
    let resident = w.token("13900000001").await;
    assert_eq!(w.get(&uri, Some(&resident)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.get(&uri, None).await.status, StatusCode::UNAUTHORIZED);
}
