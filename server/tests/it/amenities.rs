//! The clubhouse through the HTTP API: no slot ever booked twice (the database refuses it, on
//! SQLite and PostgreSQL), each booking rule refusing in words with nothing stored, a price on
//! the household's bill reversed by a cancellation, closures, check-in by code, no-shows, and
//! scope (another household's booking and another office's desk answer 404).
use crate::common::*;
use app::db::entities::{am_booking_slots, am_bookings, bill_lines, notifications, users};
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;

/// Who lives where in community A's one building of four homes: (unit index, name, phone,
/// relation).
const LIVING: [(usize, &str, &str, &str); 6] = [
    (0, "业主一", "13900000001", "owner"),
    (0, "租户一", "13900000011", "tenant"),
    (1, "业主二", "13900000002", "owner"),
    (2, "业主三", "13900000003", "owner"),
    (3, "业主四", "13900000004", "owner"),
    (3, "家属四", "13900000014", "family"),
];

struct Estate {
    pm: String,
    units: Vec<(i64, String)>,
}

async fn estate(w: &World) -> Estate {
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    let pm = w.token("pm.a").await;
    let r = w
        .json(
            "POST",
            "/api/v1/buildings",
            Some(&pm),
            &json!({"community_id": w.community_a.0, "code": "1", "cells": 1, "floors": 2, "per_floor": 2, "area": "89.57"}),
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
    assert_eq!(units.len(), 4);
    for (u, name, phone, relation) in LIVING {
        let r = w
            .json(
                "POST",
                &format!("/api/v1/units/{}/occupants", units[u].0),
                Some(&pm),
                &json!({"name": name, "phone": phone, "relation": relation}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        w.resident(phone, name).await;
    }
    Estate { pm, units }
}

/// A badminton court of community A open 08:00–22:00 every day, with `fields` changed.
async fn venue(w: &World, pm: &str, fields: serde_json::Value) -> i64 {
    let mut b = json!({
        "community_id": w.community_a.0, "name": "羽毛球场", "kind": "court", "capacity": 4, "slot_minutes": 60,
        "hours_weekday": "08:00-22:00", "hours_weekend": "08:00-22:00", "who": ["owners", "tenants"],
        "window_days": 7, "lead_minutes": 0, "max_per_day": 0, "max_per_week": 0, "max_slots": 2,
        "cancel_minutes": 120,
    });
    for (k, v) in fields.as_object().unwrap() {
        b[k] = v.clone();
    }
    let r = w.json("POST", "/api/v1/venues", Some(pm), &b).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

/// `days` from today at `hm`, local, as the API takes it.
fn at(days: i64, hm: &str) -> String {
    format!("{}T{hm}", app::shared::time::today_cn() + Duration::days(days))
}

async fn book(w: &World, token: &str, venue: i64, start: &str, slots: u32) -> Resp {
    w.json(
        "POST",
        "/api/v1/me/bookings",
        Some(token),
        &json!({"venue_id": venue, "start": start, "slots": slots}),
    )
    .await
}

async fn bookings_count(w: &World) -> u64 {
    am_bookings::Entity::find().count(&w.ctx.db).await.unwrap()
}

#[tokio::test]
async fn a_hundred_requests_for_one_slot_make_one_booking_and_the_database_refuses_a_second() {
    let w = world().await;
    let e = estate(&w).await;
    let v = venue(&w, &e.pm, json!({})).await;
    let mut tokens = vec![];
    for phone in ["13900000001", "13900000002", "13900000003", "13900000004"] {
        tokens.push(w.token(phone).await);
    }
    let start = at(2, "19:00");
    let results = futures::future::join_all((0..100).map(|i| book(&w, &tokens[i % tokens.len()], v, &start, 1))).await;
    let won: Vec<&Resp> = results.iter().filter(|r| r.status == StatusCode::CREATED).collect();
    assert_eq!(
        won.len(),
        1,
        "exactly one booking: {:?}",
        results.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for r in results.iter().filter(|r| r.status != StatusCode::CREATED) {
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], "am.err.taken");
        assert!(
            r.json()["error"]["message"].as_str().unwrap().contains("刚被预订"),
            "{}",
            r.body
        );
    }
    assert_eq!(bookings_count(&w).await, 1, "the refused left nothing behind");
    assert_eq!(am_booking_slots::Entity::find().count(&w.ctx.db).await.unwrap(), 1);
    // The rule is the database's: a second row for the same slot is refused by its key, whatever
    // code writes it.
    let held = am_booking_slots::Entity::find().one(&w.ctx.db).await.unwrap().unwrap();
    let again = am_booking_slots::ActiveModel {
        venue_id: Set(held.venue_id),
        starts_at: Set(held.starts_at),
        booking_id: Set(held.booking_id),
    }
    .insert(&w.ctx.db)
    .await;
    assert!(again.is_err(), "a second row for one slot is refused by the table");
    // The slot shows as taken.
    let day = w
        .get(
            &format!("/api/v1/me/venues/{v}/slots?date={}", &start[..10]),
            Some(&tokens[0]),
        )
        .await;
    assert_eq!(day.status, StatusCode::OK, "{}", day.body);
    let slot = day.json()["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["label"] == "19:00")
        .cloned()
        .unwrap();
    assert_eq!(slot["state"], "taken");
}

#[tokio::test]
async fn each_rule_refuses_in_words_naming_its_figures_and_stores_nothing() {
    let w = world().await;
    let e = estate(&w).await;
    let v = venue(
        &w,
        &e.pm,
        json!({"who": ["owners"], "max_per_day": 1, "max_per_week": 2, "window_days": 5, "lead_minutes": 60}),
    )
    .await;
    let owner = w.token("13900000001").await;
    let r = book(&w, &owner, v, &at(1, "19:00"), 2).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["status"], "confirmed");
    assert_eq!(r.json()["ends_at"], "21:00");
    assert_eq!(r.json()["code"].as_str().unwrap().len(), 8);
    let stored = bookings_count(&w).await;

    let refused = |r: &Resp, code: &str, words: &str| {
        assert_eq!(r.json()["error"]["code"], code, "{}", r.body);
        let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(msg.contains(words), "{msg} should say {words}");
        assert!(!msg.contains('{'), "{msg}: every figure filled in");
    };
    // The same day again: the day's limit, with its figures.
    let r = book(&w, &owner, v, &at(1, "09:00"), 1).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    refused(&r, "am.err.day_limit", "当天已预订 1 次，上限 1 次");
    // The week's limit once two are booked in one week (Monday to Sunday).
    let week_days: Vec<i64> = (1..=5)
        .filter(|d| {
            let a = app::shared::time::today_cn() + Duration::days(1);
            let b = app::shared::time::today_cn() + Duration::days(*d);
            app::amenities::model::week_start(a) == app::amenities::model::week_start(b) && *d != 1
        })
        .collect();
    if week_days.len() >= 2 {
        let r = book(&w, &owner, v, &at(week_days[0], "10:00"), 1).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = book(&w, &owner, v, &at(week_days[1], "10:00"), 1).await;
        refused(&r, "am.err.week_limit", "本周已预订 2 次，上限 2 次");
    }
    let stored = bookings_count(&w).await.max(stored);
    // Beyond the window, too many slots, outside the hours, in the past, too late.
    refused(&book(&w, &owner, v, &at(6, "10:00"), 1).await, "am.err.too_far", "5 天");
    refused(
        &book(&w, &owner, v, &at(3, "10:00"), 3).await,
        "am.err.too_many_slots",
        "2 个时段",
    );
    refused(
        &book(&w, &owner, v, &at(3, "22:00"), 1).await,
        "am.err.not_a_slot",
        "开放时间",
    );
    refused(
        &book(&w, &owner, v, &at(3, "21:00"), 2).await,
        "am.err.not_a_slot",
        "开放时间",
    );
    refused(&book(&w, &owner, v, &at(-1, "10:00"), 1).await, "am.err.past", "已过");
    // A tenant, when only owners may book.
    let tenant = w.token("13900000011").await;
    refused(
        &book(&w, &tenant, v, &at(3, "10:00"), 1).await,
        "am.err.not_for_you",
        "身份",
    );
    // A closure: its reason is named.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/venues/{v}/closures"),
            Some(&e.pm),
            &json!({"starts_at": at(4, "00:00"), "ends_at": at(5, "00:00"), "reason": "地面翻新"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let owner2 = w.token("13900000002").await;
    refused(
        &book(&w, &owner2, v, &at(4, "10:00"), 1).await,
        "am.err.closed",
        "地面翻新",
    );
    // Garbage.
    let r = book(&w, &owner2, v, "明天晚上", 1).await;
    assert_eq!(r.json()["error"]["field"], "start", "{}", r.body);
    assert_eq!(bookings_count(&w).await, stored, "nothing stored by a refusal");
    // English too.
    let req = axum::http::Request::post("/api/v1/me/bookings")
        .header("content-type", "application/json")
        .header("accept-language", "en")
        .header("authorization", format!("Bearer {owner}"))
        .body(axum::body::Body::from(
            json!({"venue_id": v, "start": at(1, "10:00"), "slots": 1}).to_string(),
        ))
        .unwrap();
    let r = w.send(req).await;
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Booked 1 times that day; the limit is 1"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn a_price_goes_on_the_bill_and_a_cancellation_takes_it_off_until_it_is_paid() {
    let w = world().await;
    let e = estate(&w).await;
    let v = venue(&w, &e.pm, json!({"price": "20", "cancel_minutes": 60})).await;
    let owner = w.token("13900000002").await;
    let r = book(&w, &owner, v, &at(2, "19:00"), 2).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["amount"], "40.00");
    assert_eq!(r.json()["can_cancel"], true);
    let id = r.json()["id"].as_i64().unwrap();
    let line = bill_lines::Entity::find()
        .filter(bill_lines::Column::Source.eq(format!("amenity:{id}")))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .expect("a bill line");
    assert_eq!((line.amount, line.unit_id), (4000, e.units[1].0));

    // Cancelled in time: the slots free up and the charge is reversed, exactly.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/me/bookings/{id}/cancellation"),
            Some(&owner),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "cancelled");
    let line = bill_lines::Entity::find_by_id(line.id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(line.amount - line.paid - line.adjusted, 0, "nothing owed");
    assert_eq!(am_booking_slots::Entity::find().count(&w.ctx.db).await.unwrap(), 0);
    // Twice: refused, nothing reversed twice.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/me/bookings/{id}/cancellation"),
            Some(&owner),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let again = bill_lines::Entity::find_by_id(line.id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.adjusted, 4000);

    // Booked again and paid at the counter: the resident is sent to the desk.
    let r = book(&w, &owner, v, &at(2, "19:00"), 1).await;
    assert_eq!(r.status, StatusCode::CREATED, "the slot is free again: {}", r.body);
    let id2 = r.json()["id"].as_i64().unwrap();
    let line2 = bill_lines::Entity::find()
        .filter(bill_lines::Column::Source.eq(format!("amenity:{id2}")))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    w.staff("cashier.a", "收费员", "cashier", w.office_a).await;
    let cashier = w.token("cashier.a").await;
    let r = w
        .json(
            "POST",
            "/api/v1/billing/payments",
            Some(&cashier),
            &json!({"unit_id": e.units[1].0, "lines": [line2.id], "method": "cash", "amount": "20.00"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = w.get(&format!("/api/v1/me/bookings/{id2}"), Some(&owner)).await;
    assert_eq!(r.json()["paid"], true, "{}", r.body);
    let r = w
        .json(
            "POST",
            &format!("/api/v1/me/bookings/{id2}/cancellation"),
            Some(&owner),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "am.err.paid");
    let r = w.get(&format!("/api/v1/me/bookings/{id2}"), Some(&owner)).await;
    assert_eq!(r.json()["status"], "confirmed", "still booked: nothing half-done");
}

#[tokio::test]
async fn a_closure_cancels_the_bookings_it_overlaps_and_tells_each_household() {
    let w = world().await;
    let e = estate(&w).await;
    let v = venue(&w, &e.pm, json!({"price": "15"})).await;
    let one = w.token("13900000001").await;
    let three = w.token("13900000003").await;
    let a = book(&w, &one, v, &at(3, "10:00"), 1).await.json()["id"]
        .as_i64()
        .unwrap();
    let b = book(&w, &three, v, &at(3, "15:00"), 2).await.json()["id"]
        .as_i64()
        .unwrap();
    let c = book(&w, &three, v, &at(4, "15:00"), 1).await.json()["id"]
        .as_i64()
        .unwrap();
    let r = w
        .json(
            "POST",
            &format!("/api/v1/venues/{v}/closures"),
            Some(&e.pm),
            &json!({"starts_at": at(3, "09:30"), "ends_at": at(3, "16:00"), "reason": "灯光检修"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["cancelled"], 2);
    for (id, token, status) in [
        (a, &one, "cancelled"),
        (b, &three, "cancelled"),
        (c, &three, "confirmed"),
    ] {
        let r = w.get(&format!("/api/v1/me/bookings/{id}"), Some(token)).await;
        assert_eq!(r.json()["status"], status, "{}", r.body);
        if status == "cancelled" {
            assert_eq!(r.json()["reason"], "灯光检修");
        }
    }
    // Each household told once, in the bookings category, with a link to its booking.
    let user = users::Entity::find()
        .filter(users::Column::Login.eq("13900000003"))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let told = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user.id))
        .filter(notifications::Column::Link.eq(format!("/community/clubhouse/bookings/{b}")))
        .count(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(told, 1);
    // The charges of the two are reversed; the third's stands.
    for (id, owed) in [(a, 0), (b, 0), (c, 1500)] {
        let l = bill_lines::Entity::find()
            .filter(bill_lines::Column::Source.eq(format!("amenity:{id}")))
            .one(&w.ctx.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(l.amount - l.paid - l.adjusted, owed, "booking {id}");
    }
    // A bad closure names its field.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/venues/{v}/closures"),
            Some(&e.pm),
            &json!({"starts_at": at(3, "16:00"), "ends_at": at(3, "09:00"), "reason": "x"}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "ends_at", "{}", r.body);
}

#[tokio::test]
async fn the_desk_checks_a_booking_in_once_by_its_code_and_marks_no_shows() {
    let w = world().await;
    let e = estate(&w).await;
    let v = venue(&w, &e.pm, json!({})).await;
    let owner = w.token("13900000001").await;
    let r = book(&w, &owner, v, &at(2, "10:00"), 1).await;
    let (id, code) = (
        r.json()["id"].as_i64().unwrap(),
        r.json()["code"].as_str().unwrap().to_string(),
    );
    let check_in = |code: String| {
        let pm = e.pm.clone();
        let w = &w;
        async move {
            w.json("POST", "/api/v1/bookings/check-in", Some(&pm), &json!({ "code": code }))
                .await
        }
    };
    // Two days early.
    let r = check_in(code.clone()).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "am.err.too_early");
    // Its time comes (moved to have started five minutes ago).
    let now = Utc::now();
    let mut row: am_bookings::ActiveModel = am_bookings::Entity::find_by_id(id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    row.starts_at = Set(now - Duration::minutes(5));
    row.ends_at = Set(now + Duration::minutes(55));
    row.update(&w.ctx.db).await.unwrap();
    let r = check_in(format!(" {} {} ", &code[..4], &code[4..])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "checked_in");
    let r = check_in(code.clone()).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "am.err.checked_in");
    // Not a code; no such code; another office's desk.
    assert_eq!(check_in("12ab".into()).await.json()["error"]["field"], "code");
    assert_eq!(check_in("00000000".into()).await.status, StatusCode::NOT_FOUND);
    let pm_b = w.token("pm.b").await;
    let r = w
        .json(
            "POST",
            "/api/v1/bookings/check-in",
            Some(&pm_b),
            &json!({ "code": code }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // Another booking whose start passed twenty minutes ago without a check-in: a no-show.
    let r = book(&w, &owner, v, &at(3, "10:00"), 1).await;
    let late = r.json()["id"].as_i64().unwrap();
    let mut row: am_bookings::ActiveModel = am_bookings::Entity::find_by_id(late)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    row.starts_at = Set(now - Duration::minutes(20));
    row.ends_at = Set(now + Duration::minutes(40));
    row.update(&w.ctx.db).await.unwrap();
    assert_eq!(app::amenities::bookings::mark_no_shows(&w.ctx).await.unwrap(), 1);
    let r = w.get(&format!("/api/v1/me/bookings/{late}"), Some(&owner)).await;
    assert_eq!(r.json()["status"], "no_show");
    assert_eq!(r.json()["can_cancel"], false);
}

#[tokio::test]
async fn a_household_sees_only_its_own_bookings_and_staff_only_their_offices() {
    let w = world().await;
    let e = estate(&w).await;
    let v = venue(&w, &e.pm, json!({"approval": true})).await;
    let owner = w.token("13900000001").await;
    let tenant = w.token("13900000011").await;
    let other = w.token("13900000002").await;
    let r = book(&w, &owner, v, &at(2, "10:00"), 1).await;
    assert_eq!(r.json()["status"], "pending", "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    // The same home's tenant sees it; another household does not, even by id.
    assert_eq!(
        w.get(&format!("/api/v1/me/bookings/{id}"), Some(&tenant)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        w.get(&format!("/api/v1/me/bookings/{id}"), Some(&other)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = w
        .json(
            "POST",
            &format!("/api/v1/me/bookings/{id}/cancellation"),
            Some(&other),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        w.get("/api/v1/me/bookings", Some(&other))
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // A stranger sees no venues; a resident cannot run the desk.
    w.resident("13900000099", "别处的人").await;
    let stranger = w.token("13900000099").await;
    assert_eq!(
        w.get("/api/v1/me/venues", Some(&stranger))
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        w.get(&format!("/api/v1/me/venues/{v}/slots"), Some(&stranger))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let venue_body = json!({
        "community_id": w.community_a.0, "name": "私人球场", "kind": "court", "capacity": 4, "slot_minutes": 60,
        "hours_weekday": "08:00-22:00", "hours_weekend": "", "who": ["owners"], "window_days": 7, "max_slots": 1,
    });
    assert_eq!(
        w.json("POST", "/api/v1/venues", Some(&owner), &venue_body).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.get(
            &format!("/api/v1/bookings?community_id={}", w.community_a.0),
            Some(&owner)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // Another office's manager: the booking, the day and the decision are not there.
    let pm_b = w.token("pm.b").await;
    assert_eq!(
        w.get(&format!("/api/v1/bookings/{id}"), Some(&pm_b)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(
            &format!("/api/v1/bookings?community_id={}", w.community_a.0),
            Some(&pm_b)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let r = w
        .json(
            "PUT",
            &format!("/api/v1/bookings/{id}/decision"),
            Some(&pm_b),
            &json!({"approve": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The office's own manager sees it pending on the day, and approves it; the household is told.
    let day = w
        .get(
            &format!(
                "/api/v1/bookings?community_id={}&date={}",
                w.community_a.0,
                &at(2, "")[..10]
            ),
            Some(&e.pm),
        )
        .await;
    assert_eq!(day.status, StatusCode::OK, "{}", day.body);
    assert_eq!(day.json()["bookings"][0]["status"], "pending");
    assert_eq!(day.json()["bookings"][0]["who"], e.units[0].1);
    let r = w
        .json(
            "PUT",
            &format!("/api/v1/bookings/{id}/decision"),
            Some(&e.pm),
            &json!({"approve": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "confirmed");
    let r = w
        .json(
            "PUT",
            &format!("/api/v1/bookings/{id}/decision"),
            Some(&e.pm),
            &json!({"approve": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "decided once: {}", r.body);
}

#[tokio::test]
async fn a_late_opening_runs_past_midnight_and_the_desk_books_walk_ins() {
    let w = world().await;
    let e = estate(&w).await;
    let v = venue(
        &w,
        &e.pm,
        json!({"name": "烧烤位", "kind": "bbq", "slot_minutes": 120, "hours_weekday": "18:00-02:00",
               "hours_weekend": "18:00至02:00", "guest_price": "80"}),
    )
    .await;
    let owner = w.token("13900000004").await;
    let day = w
        .get(
            &format!("/api/v1/me/venues/{v}/slots?date={}", &at(1, "")[..10]),
            Some(&owner),
        )
        .await;
    let labels: Vec<String> = day.json()["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(labels, ["18:00", "20:00", "22:00", "00:00"]);
    // 22:00 to 02:00 across midnight, one booking.
    let r = book(&w, &owner, v, &at(1, "22:00"), 2).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["ends_at"], "02:00");
    // The slot after midnight belongs to the evening before: taken there.
    let r = book(&w, &w.token("13900000001").await, v, &at(2, "00:00"), 1).await;
    assert_eq!(r.json()["error"]["code"], "am.err.taken", "{}", r.body);
    // The family member of the same home is covered? Only owners and tenants may book here.
    let family = w.token("13900000014").await;
    let r = book(&w, &family, v, &at(2, "18:00"), 1).await;
    assert_eq!(r.json()["error"]["code"], "am.err.not_for_you", "{}", r.body);
    // The desk books a walk-in at the walk-in price; a bad phone is named.
    let body = |phone: &str| json!({"venue_id": v, "start": at(3, "20:00"), "slots": 1, "guest_name": "王先生", "guest_phone": phone});
    let r = w.json("POST", "/api/v1/bookings", Some(&e.pm), &body("12345")).await;
    assert_eq!(r.json()["error"]["field"], "guest_phone", "{}", r.body);
    let r = w
        .json("POST", "/api/v1/bookings", Some(&e.pm), &body("13700000001"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (r.json()["who"].as_str(), r.json()["amount"].as_str()),
        (Some("王先生"), Some("80.00"))
    );
    // Hours that are not hours are named.
    let r = w
        .json(
            "POST",
            "/api/v1/venues",
            Some(&e.pm),
            &json!({"community_id": w.community_a.0, "name": "泳池", "kind": "pool", "capacity": 20, "slot_minutes": 60,
                    "hours_weekday": "早上八点", "hours_weekend": "", "who": ["owners"], "window_days": 7, "max_slots": 1}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "hours_weekday", "{}", r.body);
}
