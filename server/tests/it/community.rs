//! Community notices and surveys through the HTTP API: exact targeting by building, unit and
//! audience, read receipts per household, reminders only to the unread, scheduling and
//! withdrawal, scope; survey answers per household or person, their rules and their results.
use crate::common::*;
use app::db::entities::{cm_notice_receipts, jobs, notifications, users};
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

/// Two buildings of four homes in community A, and who lives where: (building, unit index,
/// name, phone, relation). Building 1's fourth home stands empty.
const LIVING: [(usize, usize, &str, &str, &str); 9] = [
    (0, 0, "业主一", "13900000001", "owner"),
    (0, 0, "租户一", "13900000011", "tenant"),
    (0, 1, "业主二", "13900000002", "owner"),
    (0, 1, "家属二", "13900000012", "family"),
    (0, 2, "业主三", "13900000003", "owner"),
    (1, 0, "业主四", "13900000004", "owner"),
    (1, 0, "租户四", "13900000014", "tenant"),
    (1, 1, "业主五", "13900000005", "owner"),
    (1, 2, "住户六", "13900000016", "resident"),
];

struct Estate {
    pm: String,
    /// Per building: its id and its units' (id, number).
    buildings: Vec<(i64, Vec<(i64, String)>)>,
}

async fn estate(w: &World) -> Estate {
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    let pm = w.token("pm.a").await;
    let mut buildings = vec![];
    for code in ["1", "2"] {
        let r = w
            .json(
                "POST",
                "/api/v1/buildings",
                Some(&pm),
                &json!({"community_id": w.community_a.0, "code": code, "cells": 1, "floors": 2, "per_floor": 2, "area": "89.57"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        let r = w
            .get(
                &format!("/api/v1/units?community_id={}&q={code}-", w.community_a.0),
                Some(&pm),
            )
            .await;
        let units: Vec<(i64, String)> = r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| (u["id"].as_i64().unwrap(), u["number"].as_str().unwrap().to_string()))
            .collect();
        assert_eq!(units.len(), 4);
        buildings.push((id, units));
    }
    for (b, u, name, phone, relation) in LIVING {
        let r = w
            .json(
                "POST",
                &format!("/api/v1/units/{}/occupants", buildings[b].1[u].0),
                Some(&pm),
                &json!({"name": name, "phone": phone, "relation": relation}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        w.resident(phone, name).await;
    }
    w.resident("13900000099", "别处的人").await;
    Estate { pm, buildings }
}

/// A notice to all of community A, with `fields` changed.
fn notice_with(w: &World, fields: &serde_json::Value) -> serde_json::Value {
    let mut b = json!({
        "community_id": w.community_a.0, "title": "通知", "body": "正文", "category": "notice",
        "kind": "normal", "audience": "everyone",
    });
    for (k, v) in fields.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

async fn notice(w: &World, pm: &str, fields: serde_json::Value) -> i64 {
    let r = w
        .json("POST", "/api/v1/notices", Some(pm), &notice_with(w, &fields))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["state"], "scheduled");
    r.json()["id"].as_i64().unwrap()
}

/// The ids of the notices `phone` sees in their list.
async fn seen(w: &World, phone: &str) -> Vec<i64> {
    let t = w.token(phone).await;
    let r = w.get("/api/v1/me/notices", Some(&t)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_i64().unwrap())
        .collect()
}

async fn user_id(w: &World, phone: &str) -> i64 {
    users::Entity::find()
        .filter(users::Column::Login.eq(phone))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn each_notice_reaches_exactly_its_households_and_nobody_else_can_open_it() {
    let w = world().await;
    let e = estate(&w).await;
    let b1 = e.buildings[0].0;
    let unit_2_0 = e.buildings[1].1[0].1.clone();
    let tenants_b1 = notice(
        &w,
        &e.pm,
        json!({"title": "1栋租户：电梯维保", "audience": "tenants", "buildings": [b1]}),
    )
    .await;
    let owners = notice(&w, &e.pm, json!({"title": "业主大会筹备", "audience": "owners"})).await;
    let one_unit = notice(&w, &e.pm, json!({"title": "您家漏水", "units": unit_2_0})).await;
    let everyone = notice(&w, &e.pm, json!({"title": "全体：消防演练", "category": "activity"})).await;
    // Saved but not sent before the job runs.
    assert!(seen(&w, "13900000001").await.is_empty());
    drain(&w).await;

    let expect: [(&str, Vec<i64>); 10] = [
        ("13900000001", vec![owners, everyone]),
        ("13900000011", vec![tenants_b1, everyone]),
        ("13900000002", vec![owners, everyone]),
        ("13900000012", vec![owners, everyone]),
        ("13900000003", vec![owners, everyone]),
        ("13900000004", vec![owners, one_unit, everyone]),
        ("13900000014", vec![one_unit, everyone]),
        ("13900000005", vec![owners, everyone]),
        ("13900000016", vec![everyone]),
        ("13900000099", vec![]),
    ];
    for (phone, want) in &expect {
        let mut got = seen(&w, phone).await;
        got.sort_unstable();
        let mut want = want.clone();
        want.sort_unstable();
        assert_eq!(got, want, "{phone}");
    }
    // Households reached: units, not people; the empty home gets nothing.
    let pm = e.pm.as_str();
    let households = |id: i64| {
        let w = &w;
        async move {
            w.get(&format!("/api/v1/notices/{id}"), Some(pm)).await.json()["notice"]["households"]
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(households(tenants_b1).await, 1);
    assert_eq!(households(owners).await, 5);
    assert_eq!(households(one_unit).await, 1);
    assert_eq!(households(everyone).await, 6);

    // A notice not aimed at someone does not exist for them.
    for (phone, id) in [
        ("13900000001", tenants_b1),
        ("13900000014", owners),
        ("13900000099", everyone),
        ("13900000005", one_unit),
    ] {
        let t = w.token(phone).await;
        let r = w.get(&format!("/api/v1/me/notices/{id}"), Some(&t)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{phone} opened {id}: {}", r.body);
    }
    // Nor for staff of another office, in the list or by id.
    let pm_b = w.token("pm.b").await;
    let r = w.get(&format!("/api/v1/notices/{owners}"), Some(&pm_b)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = w.get("/api/v1/notices", Some(&pm_b)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json().as_array().unwrap().len(), 0);
    let r = w.get("/api/v1/notices", Some(&e.pm)).await;
    assert_eq!(r.json().as_array().unwrap().len(), 4);
    // Residents write no notices.
    let t = w.token("13900000001").await;
    let r = w
        .json("POST", "/api/v1/notices", Some(&t), &notice_with(&w, &json!({})))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[tokio::test]
async fn reading_marks_the_household_and_a_reminder_goes_only_to_the_unread() {
    let w = world().await;
    let e = estate(&w).await;
    let id = notice(
        &w,
        &e.pm,
        json!({"title": "停水通知", "category": "outage", "audience": "owners"}),
    )
    .await;
    drain(&w).await;

    // 业主二's family member opens it: their household (1-1-0102's) has read it.
    let t = w.token("13900000012").await;
    let r = w.get(&format!("/api/v1/me/notices/{id}"), Some(&t)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["title"], "停水通知");
    assert_eq!(r.json()["category"], "outage");
    // Twice is still one household.
    w.get(&format!("/api/v1/me/notices/{id}"), Some(&t)).await;
    let t2 = w.token("13900000002").await;
    let mine = w.get("/api/v1/me/notices", Some(&t2)).await.json();
    assert_eq!(mine["items"][0]["read"], true, "the household read it: {mine}");
    assert_eq!(mine["unread"], 0);
    let d = w.get(&format!("/api/v1/notices/{id}"), Some(&e.pm)).await.json();
    assert_eq!(d["notice"]["households"], 5);
    assert_eq!(d["notice"]["read"], 1);
    assert_eq!(d["unread_total"], 4);
    let unread: Vec<&str> = d["unread"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["number"].as_str().unwrap())
        .collect();
    let number = |b: usize, u: usize| e.buildings[b].1[u].1.as_str();
    assert_eq!(unread, [number(0, 0), number(0, 2), number(1, 0), number(1, 1)]);
    // Filtering by another category leaves it out; by its own keeps it.
    let r = w.get("/api/v1/me/notices?category=activity", Some(&t2)).await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 0);
    let r = w.get("/api/v1/me/notices?category=outage", Some(&t2)).await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 1);
    let r = w.get("/api/v1/me/notices?category=nonsense", Some(&t2)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // The reminder reaches the owners of the four unread homes, not the household that read it
    // nor the tenant of an unread one.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/notices/{id}/reminders"),
            Some(&e.pm),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["reminders"], 1);
    let again = w
        .json(
            "POST",
            &format!("/api/v1/notices/{id}/reminders"),
            Some(&e.pm),
            &json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(again.json()["error"]["code"], "cm.err.reminded_recently");
    drain(&w).await;
    let key = format!("cm-notice:{id}:r1");
    let mut reminded = vec![];
    for phone in [
        "13900000001",
        "13900000011",
        "13900000002",
        "13900000012",
        "13900000003",
        "13900000004",
        "13900000014",
        "13900000005",
    ] {
        let n = notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(user_id(&w, phone).await))
            .filter(notifications::Column::DedupeKey.eq(key.clone()))
            .count(&w.ctx.db)
            .await
            .unwrap();
        if n > 0 {
            reminded.push(phone);
        }
    }
    assert_eq!(reminded, ["13900000001", "13900000003", "13900000004", "13900000005"]);

    // The receipts as a workbook: every household, read or not.
    let bytes = w.get_bytes(&format!("/api/v1/notices/{id}/receipts.xlsx"), &e.pm).await;
    let book = app::shared::xlsx::open_workbook(&bytes, &app::shared::xlsx::Limits::default()).unwrap();
    let rows = &book.sheets[0].rows;
    assert_eq!(rows[0].cells, ["房号", "状态", "阅读时间"]);
    assert_eq!(rows.len(), 6, "a header and five households");
    let read: Vec<&str> = rows
        .iter()
        .skip(1)
        .filter(|r| r.cell(1) == "已读")
        .map(|r| r.cell(0))
        .collect();
    assert_eq!(read, [number(0, 1)]);
    let pm_b = w.token("pm.b").await;
    let r = w.get(&format!("/api/v1/notices/{id}/receipts.xlsx"), Some(&pm_b)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Withdrawn: gone for residents, stays for staff.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/notices/{id}/withdrawal"),
            Some(&e.pm),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["notice"]["state"], "withdrawn");
    assert!(seen(&w, "13900000002").await.is_empty());
    let r = w.get(&format!("/api/v1/me/notices/{id}"), Some(&t)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Its inbox rows and reminders went with it: none leads to a notice no longer there.
    let left = notifications::Entity::find()
        .filter(notifications::Column::Link.eq(format!("/community/notices/{id}")))
        .count(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn emergencies_come_first_scheduled_ones_wait_and_bad_input_is_named() {
    let w = world().await;
    let e = estate(&w).await;
    // 业主一 muted notices and keeps quiet hours all day long, with notices by e-mail.
    use app::db::entities::notify_prefs;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let o1 = user_id(&w, "13900000001").await;
    notify_prefs::ActiveModel {
        user_id: Set(o1),
        muted: Set("announcements".into()),
        quiet_from: Set(0),
        quiet_to: Set(1439),
        updated_at: Set(chrono::Utc::now()),
        email: Set(Some("o1@example.com".into())),
        ..Default::default()
    }
    .insert(&w.ctx.db)
    .await
    .unwrap();
    let normal = notice(&w, &e.pm, json!({"title": "普通"})).await;
    let pinned = notice(&w, &e.pm, json!({"title": "置顶", "kind": "pinned"})).await;
    let emergency = notice(
        &w,
        &e.pm,
        json!({"title": "燃气泄漏", "kind": "emergency", "category": "outage", "ends_at": "2099-01-01T00:00"}),
    )
    .await;
    let ended = notice(&w, &e.pm, json!({"title": "过期"})).await;
    // Scheduled for tomorrow: the job waits for it.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .with_timezone(&app::shared::time::shanghai())
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let later = notice(&w, &e.pm, json!({"title": "明天发", "publish_at": tomorrow})).await;
    drain(&w).await;
    // The emergency still reached them at once; the normal notice only in the inbox.
    let mailed = |id: i64| {
        let w = &w;
        async move {
            let n = notifications::Entity::find()
                .filter(notifications::Column::UserId.eq(o1))
                .filter(notifications::Column::DedupeKey.eq(format!("cm-notice:{id}")))
                .one(&w.ctx.db)
                .await
                .unwrap()
                .expect("in the inbox");
            jobs::Entity::find()
                .filter(jobs::Column::Kind.eq("email"))
                .filter(jobs::Column::Payload.eq(json!({ "n": n.id }).to_string()))
                .count(&w.ctx.db)
                .await
                .unwrap()
        }
    };
    assert_eq!(mailed(emergency).await, 1);
    assert_eq!(mailed(normal).await, 0);
    // `ended` is archived once its end time has passed.
    use app::db::entities::cm_notices;
    let m = cm_notices::Entity::find_by_id(ended)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let mut am: cm_notices::ActiveModel = m.into();
    am.ends_at = Set(Some(chrono::Utc::now() - chrono::Duration::minutes(1)));
    am.update(&w.ctx.db).await.unwrap();

    assert_eq!(seen(&w, "13900000001").await, [emergency, pinned, normal]);
    let t = w.token("13900000001").await;
    // Reading the emergency does not move it: it stays on top until its end time.
    w.get(&format!("/api/v1/me/notices/{emergency}"), Some(&t)).await;
    assert_eq!(seen(&w, "13900000001").await, [emergency, pinned, normal]);
    let r = w.get(&format!("/api/v1/me/notices/{ended}"), Some(&t)).await;
    assert_eq!(r.status, StatusCode::OK, "an archived notice still opens from its link");
    let d = w.get(&format!("/api/v1/notices/{ended}"), Some(&e.pm)).await.json();
    assert_eq!(d["notice"]["archived"], true);

    let d = w.get(&format!("/api/v1/notices/{later}"), Some(&e.pm)).await.json();
    assert_eq!(d["notice"]["state"], "scheduled");
    assert_eq!(
        cm_notice_receipts::Entity::find()
            .filter(cm_notice_receipts::Column::NoticeId.eq(later))
            .count(&w.ctx.db)
            .await
            .unwrap(),
        0
    );
    // Withdrawn before its time, it never goes even when its job runs.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/notices/{later}/withdrawal"),
            Some(&e.pm),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    jobs::Entity::update_many()
        .col_expr(jobs::Column::RunAt, sea_orm::sea_query::Expr::value(chrono::Utc::now()))
        .exec(&w.ctx.db)
        .await
        .unwrap();
    drain(&w).await;
    let d = w.get(&format!("/api/v1/notices/{later}"), Some(&e.pm)).await.json();
    assert_eq!(d["notice"]["state"], "withdrawn");
    assert_eq!(d["notice"]["households"], 0);
    let r = w
        .json(
            "POST",
            &format!("/api/v1/notices/{later}/reminders"),
            Some(&e.pm),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Bad input: named, nothing stored.
    let before = cm_notices::Entity::find().count(&w.ctx.db).await.unwrap();
    for (body, field) in [
        (json!({"title": "  "}), "title"),
        (json!({"title": "x".repeat(121)}), "title"),
        (json!({"body": "<script>alert(1)</script>"}), "body"),
        (json!({"units": "1-1-0101, 9-9-9999"}), "units"),
        (json!({"buildings": [999_999]}), "buildings"),
        (json!({"publish_at": "明天上午"}), "publish_at"),
        (
            json!({"publish_at": "2099-01-02T10:00", "ends_at": "2099-01-01T10:00"}),
            "ends_at",
        ),
    ] {
        let r = w
            .json("POST", "/api/v1/notices", Some(&e.pm), &notice_with(&w, &body))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", r.body);
        assert_eq!(r.json()["error"]["field"], field, "{body}: {}", r.body);
    }
    let r = w
        .json(
            "POST",
            "/api/v1/notices",
            Some(&e.pm),
            &notice_with(&w, &json!({"category": "gossip"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // Another office's community does not exist for this manager.
    let r = w
        .json(
            "POST",
            "/api/v1/notices",
            Some(&e.pm),
            &notice_with(&w, &json!({"community_id": w.community_b.0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(cm_notices::Entity::find().count(&w.ctx.db).await.unwrap(), before);

    // Script and handlers are stripped from what is kept; the text stays.
    let id = notice(
        &w,
        &e.pm,
        json!({"body": "<p onclick=\"x()\">请关好门窗<script>steal()</script></p><img src=\"https://evil.example/t.gif\">"}),
    )
    .await;
    let d = w.get(&format!("/api/v1/notices/{id}"), Some(&e.pm)).await.json();
    let body = d["body"].as_str().unwrap();
    assert!(body.contains("请关好门窗"), "{body}");
    assert!(
        !body.contains("script") && !body.contains("onclick") && !body.contains("evil"),
        "{body}"
    );
}

/// A survey to all of community A closing in a week, with `fields` changed: a single choice
/// (required), a multiple choice, a rating (required) and a text.
async fn survey(w: &World, pm: &str, fields: serde_json::Value) -> i64 {
    let closes = (chrono::Utc::now() + chrono::Duration::days(7))
        .with_timezone(&app::shared::time::shanghai())
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let mut b = json!({
        "community_id": w.community_a.0, "title": "物业服务满意度", "audience": "everyone",
        "closes_at": closes,
        "questions": [
            {"text": "总体满意吗", "kind": "single", "required": true, "options": ["满意", "一般", "不满意"]},
            {"text": "希望改进", "kind": "multi", "options": ["保洁", "绿化", "安保"]},
            {"text": "维修服务", "kind": "rating", "required": true},
            {"text": "建议", "kind": "text"},
        ],
    });
    for (k, v) in fields.as_object().unwrap() {
        b[k] = v.clone();
    }
    let r = w.json("POST", "/api/v1/surveys", Some(pm), &b).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["state"], "scheduled");
    r.json()["id"].as_i64().unwrap()
}

async fn answer(w: &World, phone: &str, id: i64, answers: serde_json::Value) -> Resp {
    let t = w.token(phone).await;
    w.json(
        "PUT",
        &format!("/api/v1/me/surveys/{id}/answers"),
        Some(&t),
        &json!({ "answers": answers }),
    )
    .await
}

async fn responses(w: &World, id: i64) -> u64 {
    use app::db::entities::cm_survey_responses as r;
    r::Entity::find()
        .filter(r::Column::SurveyId.eq(id))
        .count(&w.ctx.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_survey_reaches_its_households_holds_one_answer_each_and_counts_them() {
    let w = world().await;
    let e = estate(&w).await;
    let b1 = e.buildings[0].0;
    let id = survey(&w, &e.pm, json!({"audience": "owners", "buildings": [b1]})).await;
    // Not open before the job runs.
    let t = w.token("13900000012").await;
    let r = w.get(&format!("/api/v1/me/surveys/{id}"), Some(&t)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    drain(&w).await;

    // Building 1's owners' households: three homes. Its tenant, building 2 and a stranger: none.
    let r = w.get(&format!("/api/v1/me/surveys/{id}"), Some(&t)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["questions"].as_array().unwrap().len(), 4);
    assert_eq!(r.json()["homes"][0]["answered"], false);
    for phone in ["13900000011", "13900000004", "13900000099"] {
        let t = w.token(phone).await;
        let r = w.get(&format!("/api/v1/me/surveys/{id}"), Some(&t)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{phone}: {}", r.body);
        let list = w.get("/api/v1/me/surveys", Some(&t)).await.json();
        assert_eq!(list.as_array().unwrap().len(), 0, "{phone}: {list}");
        let r = answer(
            &w,
            phone,
            id,
            json!([{"question": 0, "choices": [0]}, {"question": 2, "rating": 5}]),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{phone}: {}", r.body);
    }
    // Everyone it reached was told.
    let told = notifications::Entity::find()
        .filter(notifications::Column::DedupeKey.eq(format!("cm-survey:{id}")))
        .count(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(told, 4, "three owners and one family member");

    // Bad answers are named and store nothing.
    for (answers, field, code) in [
        (json!([{"question": 2, "rating": 4}]), "q0", "cm.err.required"),
        (
            json!([{"question": 0, "choices": [0, 1]}, {"question": 2, "rating": 4}]),
            "q0",
            "cm.err.one_choice",
        ),
        (
            json!([{"question": 0, "choices": [7]}, {"question": 2, "rating": 4}]),
            "q0",
            "cm.err.choice",
        ),
        (
            json!([{"question": 0, "choices": [0]}, {"question": 2, "rating": 6}]),
            "q2",
            "cm.err.rating",
        ),
        (
            json!([{"question": 0, "choices": [0]}, {"question": 2, "rating": 4}, {"question": 3, "text": "长".repeat(501)}]),
            "q3",
            "cm.err.text_long",
        ),
        (
            json!([{"question": 0, "choices": [0]}, {"question": 2, "rating": 4}, {"question": 9, "text": "x"}]),
            "q9",
            "cm.err.question",
        ),
    ] {
        let r = answer(&w, "13900000012", id, answers).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], code, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
    }
    assert_eq!(responses(&w, id).await, 0);

    // The family member answers for the household; the owner of the same home cannot answer again.
    let r = answer(
        &w,
        "13900000012",
        id,
        json!([{"question": 0, "choices": [0]}, {"question": 1, "choices": [2, 0]}, {"question": 2, "rating": 5},
               {"question": 3, "text": " 电梯常坏 "}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["homes"][0]["answered"], true);
    assert_eq!(r.json()["mine"][1]["choices"], json!([0, 2]));
    let r = answer(
        &w,
        "13900000002",
        id,
        json!([{"question": 0, "choices": [2]}, {"question": 2, "rating": 1}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "cm.err.answered");
    let r = answer(
        &w,
        "13900000001",
        id,
        json!([{"question": 0, "choices": [1]}, {"question": 2, "rating": 4}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let t1 = w.token("13900000001").await;
    let list = w.get("/api/v1/me/surveys", Some(&t1)).await.json();
    assert_eq!(list[0]["answered"], true, "{list}");

    // The results: counted per option and star, shares of those who answered, the average.
    let r = w.get(&format!("/api/v1/surveys/{id}/results"), Some(&e.pm)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let res = r.json();
    assert_eq!(res["survey"]["households"], 3);
    assert_eq!(res["survey"]["households_answered"], 2);
    assert_eq!(res["survey"]["responses"], 2);
    let counts = |q: usize| -> Vec<i64> {
        res["results"][q]["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(counts(0), [1, 1, 0]);
    assert_eq!(res["results"][1]["answered"], 1);
    assert_eq!(counts(1), [1, 0, 1]);
    assert_eq!(counts(2), [0, 0, 0, 1, 1]);
    assert_eq!(res["results"][2]["average"], "4.50");
    assert_eq!(res["results"][3]["texts"][0]["text"], "电梯常坏");
    // Named: the project manager, who may read people, sees whose answer it is.
    let who = res["results"][3]["texts"][0]["who"].as_str().unwrap().to_string();
    assert!(who.starts_with(&e.buildings[0].1[1].1), "{who}");

    // Another office sees nothing of it; a resident cannot read results.
    let pm_b = w.token("pm.b").await;
    let r = w.get(&format!("/api/v1/surveys/{id}/results"), Some(&pm_b)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = w.get(&format!("/api/v1/surveys/{id}/results"), Some(&t1)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn answers_per_person_can_be_replaced_until_the_survey_closes_and_anonymous_ones_name_nobody() {
    let w = world().await;
    let e = estate(&w).await;
    let id = survey(
        &w,
        &e.pm,
        json!({"per_person": true, "replace": true, "anonymous": true}),
    )
    .await;
    drain(&w).await;
    // Two people of one household each answer.
    for (phone, choice) in [("13900000002", 0), ("13900000012", 2)] {
        let r = answer(
            &w,
            phone,
            id,
            json!([{"question": 0, "choices": [choice]}, {"question": 2, "rating": 3}, {"question": 3, "text": "意见"}]),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    // One of them changes their mind: replaced, not added.
    let r = answer(
        &w,
        "13900000002",
        id,
        json!([{"question": 0, "choices": [1]}, {"question": 2, "rating": 5}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.json()["mine"],
        json!([{"question": 0, "choices": [1], "rating": null, "text": ""}, {"question": 2, "choices": [], "rating": 5, "text": ""}])
    );
    let res = w
        .get(&format!("/api/v1/surveys/{id}/results"), Some(&e.pm))
        .await
        .json();
    assert_eq!(res["survey"]["responses"], 2);
    assert_eq!(res["survey"]["households_answered"], 1);
    assert_eq!(res["survey"]["households"], 6);
    assert_eq!(res["results"][0]["counts"][0]["count"], 0);
    assert_eq!(res["results"][0]["counts"][1]["count"], 1);
    assert_eq!(res["results"][0]["counts"][2]["count"], 1);
    assert_eq!(res["results"][2]["average"], "4.00");
    assert_eq!(res["results"][3]["texts_total"], 1);
    // Anonymous: no one is named, to anyone.
    assert!(res["results"][3]["texts"][0]["who"].is_null(), "{res}");

    // The workbook: a summary and one row per answer, without a name column.
    let bytes = w.get_bytes(&format!("/api/v1/surveys/{id}/results.xlsx"), &e.pm).await;
    let book = app::shared::xlsx::open_workbook(&bytes, &app::shared::xlsx::Limits::default()).unwrap();
    assert_eq!(book.sheets[0].rows[0].cells, ["题目", "选项", "人数", "占比"]);
    let answers = &book.sheets[1].rows;
    assert_eq!(answers.len(), 3, "a header and two answers");
    assert_eq!(answers[0].cell(1), "1. 总体满意吗");

    // Closed early: no more answers, and the list says so.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/surveys/{id}/closing"),
            Some(&e.pm),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["survey"]["state"], "closed");
    let r = answer(
        &w,
        "13900000003",
        id,
        json!([{"question": 0, "choices": [0]}, {"question": 2, "rating": 5}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "cm.err.survey_closed");
    assert_eq!(responses(&w, id).await, 2);
    let t = w.token("13900000003").await;
    let list = w.get("/api/v1/me/surveys", Some(&t)).await.json();
    assert_eq!(list[0]["state"], "closed", "{list}");

    // Withdrawn: gone for residents and from their inboxes; the answers stay on record.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/surveys/{id}/withdrawal"),
            Some(&e.pm),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = w.get(&format!("/api/v1/me/surveys/{id}"), Some(&t)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let left = notifications::Entity::find()
        .filter(notifications::Column::DedupeKey.eq(format!("cm-survey:{id}")))
        .count(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(left, 0);
    assert_eq!(responses(&w, id).await, 2);
    let r = w
        .json(
            "POST",
            &format!("/api/v1/surveys/{id}/withdrawal"),
            Some(&e.pm),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "cm.err.survey_withdrawn");
}

#[tokio::test]
async fn a_survey_that_cannot_be_answered_is_refused_with_the_field_named() {
    let w = world().await;
    let e = estate(&w).await;
    let base = |fields: serde_json::Value| {
        let mut b = json!({
            "community_id": w.community_a.0, "title": "问卷", "audience": "everyone",
            "closes_at": "2099-01-01T10:00",
            "questions": [{"text": "满意吗", "kind": "single", "options": ["是", "否"]}],
        });
        for (k, v) in fields.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    for (fields, field, code) in [
        (json!({"questions": []}), "questions", "cm.err.no_questions"),
        (
            json!({"questions": [{"text": "满意吗", "kind": "single", "options": ["是", "是"]}]}),
            "q0",
            "cm.err.options_same",
        ),
        (
            json!({"questions": [{"text": "满意吗", "kind": "multi", "options": ["是"]}]}),
            "q0",
            "cm.err.options",
        ),
        (
            json!({"questions": [{"text": " ", "kind": "text"}]}),
            "q0",
            "cm.err.question_text",
        ),
        (json!({"closes_at": ""}), "closes_at", "cm.err.closes_missing"),
        (json!({"closes_at": "明天"}), "closes_at", "cm.err.time"),
        (
            json!({"opens_at": "2098-06-01T10:00", "closes_at": "2098-05-01T10:00"}),
            "closes_at",
            "cm.err.closes_before",
        ),
        (
            json!({"closes_at": "2099-01-01T10:00", "opens_at": "2097-01-01T10:00"}),
            "closes_at",
            "cm.err.closes_far",
        ),
        (json!({"title": ""}), "title", "cm.err.title"),
        (json!({"units": "9-9-9999"}), "units", "cm.err.unit_unknown"),
    ] {
        let r = w
            .json("POST", "/api/v1/surveys", Some(&e.pm), &base(fields.clone()))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], code, "{fields}: {}", r.body);
        assert_eq!(r.json()["error"]["field"], field, "{fields}: {}", r.body);
    }
    let r = w.get("/api/v1/surveys", Some(&e.pm)).await;
    assert_eq!(r.json().as_array().unwrap().len(), 0, "nothing stored");
    // Residents put no surveys.
    let t = w.token("13900000001").await;
    let r = w.json("POST", "/api/v1/surveys", Some(&t), &base(json!({}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

/// An event for all of community A starting in three days, with `fields` changed.
async fn event(w: &World, pm: &str, fields: serde_json::Value) -> i64 {
    let at = |days: i64, hours: i64| {
        (chrono::Utc::now() + chrono::Duration::days(days) + chrono::Duration::hours(hours))
            .with_timezone(&app::shared::time::shanghai())
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let mut b = json!({
        "community_id": w.community_a.0, "title": "亲子手工课", "place": "会所二楼", "audience": "everyone",
        "starts_at": at(3, 0), "ends_at": at(3, 2), "capacity": 5, "per_household": 3,
    });
    for (k, v) in fields.as_object().unwrap() {
        b[k] = v.clone();
    }
    let r = w.json("POST", "/api/v1/events", Some(pm), &b).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

async fn sign_up(w: &World, phone: &str, id: i64, headcount: u32) -> Resp {
    let t = w.token(phone).await;
    w.json(
        "PUT",
        &format!("/api/v1/me/events/{id}/signup"),
        Some(&t),
        &json!({ "headcount": headcount }),
    )
    .await
}

async fn withdraw_signup(w: &World, phone: &str, id: i64) -> Resp {
    let t = w.token(phone).await;
    w.json(
        "DELETE",
        &format!("/api/v1/me/events/{id}/signup"),
        Some(&t),
        &json!({}),
    )
    .await
}

#[tokio::test]
async fn seats_go_first_come_first_served_and_a_cancellation_lets_the_line_in() {
    let w = world().await;
    let e = estate(&w).await;
    let id = event(&w, &e.pm, json!({})).await;
    drain(&w).await;

    // Five seats: 3 + 2 fill them; the next household waits, as does a second one.
    let r = sign_up(&w, "13900000001", id, 3).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["mine"]["status"], "confirmed");
    assert_eq!(r.json()["seats_left"], 2);
    // One household, one sign-up: its tenant cannot sign it up again.
    let r = sign_up(&w, "13900000011", id, 1).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "cm.err.signed_up");
    // More than the limit per household is named.
    let r = sign_up(&w, "13900000002", id, 4).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "headcount");
    assert_eq!(
        sign_up(&w, "13900000002", id, 2).await.json()["mine"]["status"],
        "confirmed"
    );
    let r = sign_up(&w, "13900000003", id, 3).await;
    assert_eq!(r.json()["mine"]["status"], "waitlisted", "{}", r.body);
    assert_eq!(r.json()["mine"]["position"], 1);
    let r = sign_up(&w, "13900000004", id, 1).await;
    assert_eq!(r.json()["mine"]["status"], "waitlisted", "{}", r.body);
    assert_eq!(r.json()["mine"]["position"], 2);
    // A stranger and a household the event did not reach: nothing to sign up for.
    let r = sign_up(&w, "13900000099", id, 1).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // The two-person household cancels: the head of the line needs three, so the one-person
    // household behind it gets in, and is told.
    let r = withdraw_signup(&w, "13900000002", id).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["mine"].is_null(), "{}", r.body);
    let t4 = w.token("13900000004").await;
    let mine = w.get(&format!("/api/v1/me/events/{id}"), Some(&t4)).await.json();
    assert_eq!(mine["mine"]["status"], "confirmed", "{mine}");
    let told = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user_id(&w, "13900000004").await))
        .filter(notifications::Column::Link.eq(format!("/community/events/{id}")))
        .count(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(told, 2, "the new event and the seats");
    // The first household cancels too: now the three-person one fits.
    withdraw_signup(&w, "13900000001", id).await;
    let t3 = w.token("13900000003").await;
    let mine = w.get(&format!("/api/v1/me/events/{id}"), Some(&t3)).await.json();
    assert_eq!(mine["mine"]["status"], "confirmed", "{mine}");
    assert_eq!(mine["seats_left"], 1);

    // Staff see the sign-ups, check a household in once, and nobody else's office sees it.
    let d = w.get(&format!("/api/v1/events/{id}"), Some(&e.pm)).await.json();
    assert_eq!(d["event"]["taken"], 4);
    assert_ne!(d["signups"][0]["name"], "", "the manager may read people: {d}");
    // Staff who may publish but not read people see the units at the door, not who they are.
    {
        use app::db::entities::{role_permissions, roles};
        let role = roles::Entity::find()
            .filter(roles::Column::Code.eq("customer_service"))
            .one(&w.ctx.db)
            .await
            .unwrap()
            .unwrap();
        role_permissions::Entity::delete_many()
            .filter(role_permissions::Column::RoleId.eq(role.id))
            .filter(role_permissions::Column::Permission.eq("people.read"))
            .exec(&w.ctx.db)
            .await
            .unwrap();
    }
    w.staff("cs.a", "甲客服", "customer_service", w.office_a).await;
    let cs = w.token("cs.a").await;
    let seen = w.get(&format!("/api/v1/events/{id}"), Some(&cs)).await.json();
    assert_eq!(seen["signups"][0]["unit"], d["signups"][0]["unit"], "{seen}");
    assert_eq!(seen["signups"][0]["name"], "", "{seen}");
    assert_eq!(d["event"]["confirmed"], 2);
    assert_eq!(d["event"]["waitlisted"], 0);
    let first = d["signups"][0]["id"].as_i64().unwrap();
    let url = format!("/api/v1/events/{id}/signups/{first}/check-in");
    let r = w.json("POST", &url, Some(&e.pm), &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["event"]["checked_in"], 1);
    let r = w.json("POST", &url, Some(&e.pm), &json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let pm_b = w.token("pm.b").await;
    let r = w.get(&format!("/api/v1/events/{id}"), Some(&pm_b)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = w.json("POST", &url, Some(&pm_b), &json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The day before: the people of the two households with places are reminded (the owner of
    // 1-1-0201 alone; the owner and the tenant of 2-1-0101), nobody else.
    use app::db::entities::jobs as queued;
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    for j in queued::Entity::find()
        .filter(queued::Column::Kind.eq("community.event_remind"))
        .all(&w.ctx.db)
        .await
        .unwrap()
    {
        let mut j = j.into_active_model();
        j.run_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
        j.update(&w.ctx.db).await.unwrap();
    }
    drain(&w).await;
    let reminded = notifications::Entity::find()
        .filter(notifications::Column::DedupeKey.eq(format!("cm-event:{id}:remind")))
        .count(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(reminded, 3);

    // Cancelled: the households signed up are told, and nobody can sign up any more.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/events/{id}/cancellation"),
            Some(&e.pm),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["event"]["state"], "cancelled");
    let r = sign_up(&w, "13900000005", id, 1).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "cm.err.signups_closed");
    let told = notifications::Entity::find()
        .filter(notifications::Column::DedupeKey.eq(format!("cm-event-cancelled:{id}")))
        .count(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(told, 2);
}

#[tokio::test]
async fn a_fee_is_charged_with_the_seats_and_reversed_when_the_household_cancels() {
    use app::db::entities::bill_lines;
    let w = world().await;
    let e = estate(&w).await;
    let b2 = e.buildings[1].0;
    let id = event(
        &w,
        &e.pm,
        json!({"title": "温泉一日游", "fee": "88.50", "capacity": 0, "buildings": [b2], "audience": "owners"}),
    )
    .await;
    drain(&w).await;
    // Building 1 and building 2's tenant are not invited.
    for phone in ["13900000001", "13900000014"] {
        let r = sign_up(&w, phone, id, 1).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{phone}: {}", r.body);
    }
    let r = sign_up(&w, "13900000004", id, 2).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["mine"]["status"], "confirmed");
    assert!(r.json()["seats_left"].is_null(), "no limit: {}", r.body);
    let unit = e.buildings[1].1[0].0;
    let line = bill_lines::Entity::find()
        .filter(bill_lines::Column::UnitId.eq(unit))
        .filter(bill_lines::Column::Source.starts_with(format!("event:{id}:")))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .expect("a bill line for the seats");
    assert_eq!(line.amount, 17_700, "2 × ¥88.50");
    // The resident owes it like any bill.
    let t = w.token("13900000004").await;
    let bills = w.get("/api/v1/me/bills", Some(&t)).await;
    assert!(bills.body.contains("社区活动"), "{}", bills.body);

    // Cancelled before paying: the line is reversed, nothing is owed.
    let r = withdraw_signup(&w, "13900000004", id).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let line = bill_lines::Entity::find_by_id(line.id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(line.amount - line.paid - line.adjusted, 0);
    // Signed up again: a new charge, not the reversed one.
    let r = sign_up(&w, "13900000004", id, 1).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let lines = bill_lines::Entity::find()
        .filter(bill_lines::Column::UnitId.eq(unit))
        .filter(bill_lines::Column::Source.starts_with(format!("event:{id}:")))
        .all(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines.iter().map(|l| l.amount - l.paid - l.adjusted).sum::<i64>(), 8_850);
}

#[tokio::test]
async fn an_event_that_cannot_be_held_is_refused_with_the_field_named() {
    let w = world().await;
    let e = estate(&w).await;
    let base = |fields: serde_json::Value| {
        let mut b = json!({
            "community_id": w.community_a.0, "title": "活动", "place": "中心花园", "audience": "everyone",
            "starts_at": "2099-01-01T10:00", "ends_at": "2099-01-01T12:00", "per_household": 2,
        });
        for (k, v) in fields.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    for (fields, field, code) in [
        (json!({"place": " "}), "place", "cm.err.place"),
        (json!({"starts_at": ""}), "starts_at", "cm.err.starts_missing"),
        (
            json!({"starts_at": "2020-01-01T10:00", "ends_at": "2020-01-01T12:00"}),
            "starts_at",
            "cm.err.starts_past",
        ),
        (
            json!({"ends_at": "2099-01-01T09:00"}),
            "ends_at",
            "cm.err.event_ends_before",
        ),
        (
            json!({"signup_until": "2099-01-02T09:00"}),
            "signup_until",
            "cm.err.signup_until",
        ),
        (json!({"per_household": 0}), "per_household", "cm.err.per_household"),
        (json!({"per_household": 21}), "per_household", "cm.err.per_household"),
        (json!({"fee": "abc"}), "fee", "err.amount_invalid"),
        (
            json!({"publish_at": "2099-01-01T11:00"}),
            "publish_at",
            "cm.err.publish_after_start",
        ),
    ] {
        let r = w
            .json("POST", "/api/v1/events", Some(&e.pm), &base(fields.clone()))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], code, "{fields}: {}", r.body);
        assert_eq!(r.json()["error"]["field"], field, "{fields}: {}", r.body);
    }
    let r = w.get("/api/v1/events", Some(&e.pm)).await;
    assert_eq!(r.json().as_array().unwrap().len(), 0, "nothing stored");
    let t = w.token("13900000001").await;
    let r = w.json("POST", "/api/v1/events", Some(&t), &base(json!({}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[tokio::test]
async fn a_notices_photos_and_pdfs_open_for_the_households_it_reached_and_its_staff_only() {
    let w = world().await;
    let e = estate(&w).await;
    let b1 = e.buildings[0].0;
    let (doc, bytes) = pdf(&w, &e.pm, "停水范围.pdf").await;
    let pic = photo(&w, &e.pm).await;
    let id = notice(
        &w,
        &e.pm,
        json!({"title": "1栋停水", "buildings": [b1], "documents": [doc], "photos": [pic]}),
    )
    .await;
    drain(&w).await;
    let doc_url = format!("/api/v1/notices/{id}/documents/{doc}");
    let photo_url = format!("/api/v1/notices/{id}/photos/{pic}?thumb=true");

    // Building 1's owner sees both on the notice and can open them.
    let t = w.token("13900000001").await;
    let n = w.get(&format!("/api/v1/me/notices/{id}"), Some(&t)).await.json();
    assert_eq!(n["documents"][0]["id"], doc, "{n}");
    assert_eq!(n["documents"][0]["name"], "停水范围.pdf");
    assert_eq!(n["photos"][0]["id"], pic);
    assert_eq!(w.get_bytes(&doc_url, &t).await, bytes);
    let r = w.get(&photo_url, Some(&t)).await;
    assert_eq!(r.status, StatusCode::OK);
    // The manager who wrote it too; building 2, someone with no home and the other office: 404.
    assert_eq!(w.get(&doc_url, Some(&e.pm)).await.status, StatusCode::OK);
    let d = w.get(&format!("/api/v1/notices/{id}"), Some(&e.pm)).await.json();
    assert_eq!(d["photos"][0]["id"], pic, "{d}");
    for who in ["13900000004", "13900000099", "pm.b"] {
        let t = w.token(who).await;
        assert_eq!(w.get(&doc_url, Some(&t)).await.status, StatusCode::NOT_FOUND, "{who}");
        assert_eq!(w.get(&photo_url, Some(&t)).await.status, StatusCode::NOT_FOUND, "{who}");
    }
    // A file is one notice's: attaching it again is refused, and that notice is not stored.
    let before = app::db::entities::cm_notices::Entity::find()
        .count(&w.ctx.db)
        .await
        .unwrap();
    let r = w
        .json(
            "POST",
            "/api/v1/notices",
            Some(&e.pm),
            &notice_with(&w, &json!({"documents": [doc]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "documents");
    let after = app::db::entities::cm_notices::Entity::find()
        .count(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(before, after);
    // Someone else's upload is not the manager's to attach.
    let theirs = photo(&w, &t).await;
    let r = w
        .json(
            "POST",
            "/api/v1/notices",
            Some(&e.pm),
            &notice_with(&w, &json!({"photos": [theirs]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "photos");
}

#[tokio::test]
async fn photos_go_on_an_event_once_it_has_begun_and_show_to_the_households_it_reached() {
    use app::db::entities::cm_events;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let w = world().await;
    let e = estate(&w).await;
    let b1 = e.buildings[0].0;
    let id = event(&w, &e.pm, json!({"buildings": [b1]})).await;
    drain(&w).await;
    let pic = photo(&w, &e.pm).await;
    let add = |photos: serde_json::Value| {
        let w = &w;
        let pm = e.pm.clone();
        async move {
            w.json(
                "POST",
                &format!("/api/v1/events/{id}/photos"),
                Some(&pm),
                &json!({ "photos": photos }),
            )
            .await
        }
    };
    // Not before it begins.
    let r = add(json!([pic])).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "photos");
    // It began an hour ago.
    let mut m: cm_events::ActiveModel = cm_events::Entity::find_by_id(id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    m.starts_at = Set(chrono::Utc::now() - chrono::Duration::hours(1));
    m.update(&w.ctx.db).await.unwrap();
    let r = add(json!([])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = add(json!([pic])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["photos"][0]["id"], pic);
    assert_eq!(r.json()["begun"], true);

    let url = format!("/api/v1/events/{id}/photos/{pic}?thumb=true");
    let t = w.token("13900000002").await;
    let mine = w.get(&format!("/api/v1/me/events/{id}"), Some(&t)).await.json();
    assert_eq!(mine["photos"][0]["id"], pic, "{mine}");
    assert_eq!(w.get(&url, Some(&t)).await.status, StatusCode::OK);
    for who in ["13900000004", "13900000099", "pm.b"] {
        let t = w.token(who).await;
        assert_eq!(w.get(&url, Some(&t)).await.status, StatusCode::NOT_FOUND, "{who}");
    }
    // A resident cannot add photos.
    let theirs = photo(&w, &t).await;
    let r = w
        .json(
            "POST",
            &format!("/api/v1/events/{id}/photos"),
            Some(&t),
            &json!({ "photos": [theirs] }),
        )
        .await;
    assert!(
        matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        r.status
    );
}

#[tokio::test]
async fn the_owners_committee_signs_its_own_notices_and_follows_their_receipts() {
    let w = world().await;
    let e = estate(&w).await;
    let b2 = e.buildings[1].0;
    app::access::service::grant_system(
        &w.ctx,
        "13900000002",
        app::governance::model::COMMITTEE_ROLE,
        w.community_a,
    )
    .await
    .unwrap();
    let member = w.token("13900000002").await;
    let owner = w.token("13900000004").await;
    // A committee notice to building 2's owners, by a member who holds no staff permission.
    let body = notice_with(
        &w,
        &json!({"title": "业委会换届选举公告", "audience": "owners", "buildings": [b2], "by_committee": true}),
    );
    let r = w.json("POST", "/api/v1/notices", Some(&member), &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["by_committee"], true);
    let id = r.json()["id"].as_i64().unwrap();
    drain(&w).await;
    // Building 2's owners read it signed by the committee; the member does not live there.
    let n = w.get(&format!("/api/v1/me/notices/{id}"), Some(&owner)).await.json();
    assert_eq!(n["by_committee"], true, "{n}");
    assert_eq!(seen(&w, "13900000005").await, vec![id]);
    assert!(seen(&w, "13900000014").await.is_empty(), "a tenant is not an owner");
    assert!(seen(&w, "13900000001").await.is_empty(), "building 1 is not targeted");
    // The member follows the receipts: one of building 2's two owner households has read it.
    let d = w.get(&format!("/api/v1/notices/{id}"), Some(&member)).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    assert_eq!(d.json()["notice"]["households"], 2);
    assert_eq!(d.json()["notice"]["read"], 1);
    // The manager of the community sees it among the office's notices too.
    let list = w.get("/api/v1/notices", Some(&e.pm)).await.json();
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["id"] == id && n["by_committee"] == true));

    // Not a member: neither the committee's notice nor anything else.
    let r = w.json("POST", "/api/v1/notices", Some(&owner), &body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = w
        .json("POST", "/api/v1/notices", Some(&member), &notice_with(&w, &json!({})))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(
        w.get(&format!("/api/v1/notices/{id}"), Some(&owner)).await.status,
        StatusCode::FORBIDDEN
    );
    // Another community's committee is not this one's.
    let other = notice_with(&w, &json!({"community_id": w.community_b.0, "by_committee": true}));
    let r = w.json("POST", "/api/v1/notices", Some(&member), &other).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // Never an emergency; nothing stored.
    let before = app::db::entities::cm_notices::Entity::find()
        .count(&w.ctx.db)
        .await
        .unwrap();
    let r = w
        .json(
            "POST",
            "/api/v1/notices",
            Some(&member),
            &notice_with(&w, &json!({"kind": "emergency", "by_committee": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "kind");
    assert_eq!(
        app::db::entities::cm_notices::Entity::find()
            .count(&w.ctx.db)
            .await
            .unwrap(),
        before
    );

    // It is the committee's to withdraw: the manager may read its receipts, not take it back.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/notices/{id}/withdrawal"),
            Some(&e.pm),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "cm.err.committee_only");
    let r = w
        .json(
            "POST",
            &format!("/api/v1/notices/{id}/withdrawal"),
            Some(&member),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["notice"]["state"], "withdrawn");
    assert!(seen(&w, "13900000005").await.is_empty());
}

#[tokio::test]
async fn a_saved_target_group_names_a_communitys_households_for_its_staff_only() {
    let w = world().await;
    let e = estate(&w).await;
    let (b1, b2) = (e.buildings[0].0, e.buildings[1].0);
    let unit_1_2 = e.buildings[0].1[2].1.clone();
    let save = |body: serde_json::Value| {
        let (w, pm) = (&w, e.pm.as_str());
        async move {
            let mut b = json!({"community_id": w.community_a.0, "audience": "everyone"});
            for (k, v) in body.as_object().unwrap() {
                b[k] = v.clone();
            }
            w.json("POST", "/api/v1/target-groups", Some(pm), &b).await
        }
    };
    let r = save(json!({"name": "  1栋、2栋   租户 ", "audience": "tenants", "buildings": [b2, b1]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let tenants = r.json();
    assert_eq!(tenants["name"], "1栋、2栋 租户");
    assert_eq!(tenants["audience"], "tenants");
    assert_eq!(tenants["buildings"], json!([b1, b2]));
    assert_eq!(tenants["building_codes"], json!(["1", "2"]));
    let r = save(json!({"name": "三号房", "units": unit_1_2})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["units"], json!([unit_1_2]));

    // The same name again replaces the group: still two, the first now owners of building 1.
    let r = save(json!({"name": "1栋、2栋 租户", "audience": "owners", "buildings": [b1]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["id"], tenants["id"]);
    let list = |bearer: String| {
        let w = &w;
        async move {
            w.get(
                &format!("/api/v1/target-groups?community_id={}", w.community_a.0),
                Some(&bearer),
            )
            .await
        }
    };
    let r = list(e.pm.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let names: Vec<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["1栋、2栋 租户", "三号房"]);
    assert_eq!(r.json()[0]["audience"], "owners");
    assert_eq!(r.json()[0]["buildings"], json!([b1]));

    // What the group names is what a notice sent to it reaches: building 1's owners and family.
    let g = &r.json()[0];
    let id = notice(
        &w,
        &e.pm,
        json!({"title": "按常用对象", "audience": g["audience"], "buildings": g["buildings"]}),
    )
    .await;
    drain(&w).await;
    for (phone, reached) in [
        ("13900000001", true),
        ("13900000012", true),
        ("13900000011", false),
        ("13900000004", false),
    ] {
        assert_eq!(seen(&w, phone).await.contains(&id), reached, "{phone}");
    }

    // Bad input is named, and nothing is stored.
    for (body, field) in [
        (json!({"name": "   "}), "name"),
        (json!({"name": "名".repeat(41)}), "name"),
        (json!({"name": "坏楼", "buildings": [b1 + 999]}), "buildings"),
        (json!({"name": "坏房", "units": "9-9-9999"}), "units"),
    ] {
        let r = save(body.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", r.body);
        assert_eq!(r.json()["error"]["field"], field, "{body}: {}", r.body);
    }
    assert_eq!(list(e.pm.clone()).await.json().as_array().unwrap().len(), 2);

    // Staff of another office see no groups of community A and cannot save or delete one there;
    // residents keep none.
    let pm_b = w.token("pm.b").await;
    assert_eq!(list(pm_b.clone()).await.status, StatusCode::NOT_FOUND);
    let r = w
        .json(
            "POST",
            "/api/v1/target-groups",
            Some(&pm_b),
            &json!({"community_id": w.community_a.0, "name": "越权", "audience": "everyone"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let gid = tenants["id"].as_i64().unwrap();
    assert_eq!(
        w.delete(&format!("/api/v1/target-groups/{gid}"), &pm_b).await.status,
        StatusCode::NOT_FOUND
    );
    let resident = w.token("13900000001").await;
    assert_eq!(list(resident.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        w.delete(&format!("/api/v1/target-groups/{gid}"), &resident)
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Deleting forgets the group; the notice sent to it keeps its households.
    assert_eq!(
        w.delete(&format!("/api/v1/target-groups/{gid}"), &e.pm).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        w.delete(&format!("/api/v1/target-groups/{gid}"), &e.pm).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(list(e.pm.clone()).await.json().as_array().unwrap().len(), 1);
    assert!(seen(&w, "13900000001").await.contains(&id));
}

#[tokio::test]
async fn a_resident_with_two_homes_sees_the_current_ones_notices_and_may_switch_only_to_their_own() {
    let w = world().await;
    let e = estate(&w).await;
    let (b1, b2) = (e.buildings[0].0, e.buildings[1].0);
    let first = e.buildings[0].1[0].0;
    let second = e.buildings[1].1[3].0;
    // 业主一 (owner in building 1) also buys building 2's empty fourth home.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/units/{second}/occupants"),
            Some(&e.pm),
            &json!({"name": "业主一", "phone": "13900000001", "relation": "owner"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let t = w.token("13900000001").await;
    let r = w.get("/api/v1/me/current-home", Some(&t)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let homes: Vec<i64> = r.json()["homes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["unit"].as_i64().unwrap())
        .collect();
    assert_eq!(homes, [first, second]);
    assert_eq!(r.json()["current"], first, "the first home until one is chosen");

    let to_b1 = notice(&w, &e.pm, json!({"title": "1栋停水", "buildings": [b1]})).await;
    let to_b2 = notice(&w, &e.pm, json!({"title": "2栋停电", "buildings": [b2]})).await;
    drain(&w).await;
    assert_eq!(seen(&w, "13900000001").await, [to_b1]);
    // A link to the other home's notice still opens.
    let r = w.get(&format!("/api/v1/me/notices/{to_b2}"), Some(&t)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Switching shows the other home's notices, puts its bills first, and is kept.
    let r = w
        .json("PUT", "/api/v1/me/current-home", Some(&t), &json!({"unit_id": second}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["current"], second);
    assert_eq!(seen(&w, "13900000001").await, [to_b2]);
    let r = w.get("/api/v1/me/bills", Some(&t)).await;
    let order: Vec<i64> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["unit_id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, [second, first]);
    assert_eq!(
        w.get("/api/v1/me/current-home", Some(&t)).await.json()["current"],
        second
    );

    // Nobody switches to a home that is not theirs; nothing changes when they try.
    let neighbours = e.buildings[0].1[1].0;
    for unit in [neighbours, 999_999] {
        let r = w
            .json("PUT", "/api/v1/me/current-home", Some(&t), &json!({"unit_id": unit}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{unit}: {}", r.body);
    }
    assert_eq!(
        w.get("/api/v1/me/current-home", Some(&t)).await.json()["current"],
        second
    );
    // A neighbour's choice is their own.
    let t2 = w.token("13900000002").await;
    let r = w.get("/api/v1/me/current-home", Some(&t2)).await;
    assert_eq!(r.json()["current"], neighbours);
    assert_eq!(r.json()["homes"].as_array().unwrap().len(), 1);
    assert_eq!(seen(&w, "13900000002").await, [to_b1]);
    // Bad input is named.
    let r = w
        .json("PUT", "/api/v1/me/current-home", Some(&t), &json!({"unit_id": "二号"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
}
