//! Service tickets end to end over the REST API: a repair from submission to rating with
//! photos, materials and a charge that becomes a bill line; who sees what (a second resident,
//! a technician not assigned, the other office's desk); illegal steps refused with a message;
//! two technicians grabbing one pool ticket; SLA breaches marked once and the supervisor told;
//! the daily report's counts; round-robin within a team; reopen.

use crate::common::*;
use app::db::entities::{bill_lines, notifications, service_tickets};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

async fn upload(w: &World, token: &str, name: &str, bytes: Vec<u8>) -> Resp {
    w.send(
        Request::post(format!("/api/v1/files/photos?name={name}"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "image/png")
            .body(Body::from(bytes))
            .unwrap(),
    )
    .await
}

/// Office A with homes and owners (13900000001…), the desk cs.a, technicians tech.a1 and
/// tech.a2, office B's desk and technician.
struct Desk {
    s: Setup,
    resident: String,
    neighbour: String,
    cs: String,
    tech1: String,
    tech1_id: i64,
    tech2: String,
    cs_b: String,
    tech_b: String,
}

async fn desk(w: &World) -> Desk {
    let s = fee_setup(w, 1, 2).await;
    w.resident("13900000001", "业主甲").await;
    w.resident("13900000002", "业主乙").await;
    w.staff("cs.a", "甲客服", "customer_service", w.office_a).await;
    w.staff("tech.a1", "甲师傅一", "technician", w.office_a).await;
    w.staff("tech.a2", "甲师傅二", "technician", w.office_a).await;
    w.staff("cs.b", "乙客服", "customer_service", w.office_b).await;
    w.staff("tech.b", "乙师傅", "technician", w.office_b).await;
    let tech1_id = authed(w, "tech.a1").await.user_id.0;
    Desk {
        resident: w.token("13900000001").await,
        neighbour: w.token("13900000002").await,
        cs: w.token("cs.a").await,
        tech1: w.token("tech.a1").await,
        tech1_id,
        tech2: w.token("tech.a2").await,
        cs_b: w.token("cs.b").await,
        tech_b: w.token("tech.b").await,
        s,
    }
}

async fn submit(w: &World, d: &Desk, photos: Vec<i64>) -> i64 {
    let r = w
        .json(
            "POST",
            "/api/v1/tickets",
            Some(&d.resident),
            &json!({"kind": "repair_home", "category": "plumbing", "unit_id": d.s.units[0],
                    "description": "厨房水槽下水管漏水", "preferred_time": "明天上午", "photos": photos}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

async fn act(w: &World, token: &str, id: i64, body: Value) -> Resp {
    w.json("POST", &format!("/api/v1/tickets/{id}/actions"), Some(token), &body)
        .await
}

async fn ok(w: &World, token: &str, id: i64, body: Value) -> Value {
    let r = act(w, token, id, body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{body}: {}", r.body);
    r.json()
}

#[tokio::test]
async fn a_repair_goes_from_submission_to_rating_with_photos_and_a_charge() {
    let w = world().await;
    let d = desk(&w).await;
    // The office's price list.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/service/offices/{}/prices", w.office_a.0),
            Some(&d.s.pm),
            &json!({"id": 0, "name": "更换水龙头", "unit": "个", "price": 3500, "active": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let price = r.json()["id"].as_i64().unwrap();

    let p1 = photo(&w, &d.resident).await;
    let id = submit(&w, &d, vec![p1]).await;
    let t = w.get(&format!("/api/v1/tickets/{id}"), Some(&d.resident)).await.json();
    assert_eq!(t["row"]["status"], "submitted");
    assert!(t["row"]["number"].as_str().unwrap().starts_with('R'));
    assert_eq!(t["can"], json!(["cancel", "comment"]), "{t}");
    // The photo is the submit step's, readable by the reporter.
    let ev = t["timeline"][0]["id"].as_i64().unwrap();
    assert_eq!(t["timeline"][0]["photos"], json!([p1]));
    let url = format!("/api/v1/tickets/{id}/events/{ev}/photos/{p1}?thumb=true");
    let r = w.get(&url, Some(&d.resident)).await;
    assert_eq!(r.status, StatusCode::OK);
    // …and nobody outside: the neighbour and the other office get 404.
    assert_eq!(w.get(&url, Some(&d.neighbour)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.get(&url, Some(&d.cs_b)).await.status, StatusCode::NOT_FOUND);
    // A photo cannot be attached twice.
    let r = w
        .json(
            "POST",
            "/api/v1/tickets",
            Some(&d.resident),
            &json!({"kind": "repair_home", "category": "plumbing", "unit_id": d.s.units[0], "description": "再报一次", "photos": [p1]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    ok(&w, &d.cs, id, json!({"action": "accept"})).await;
    let t = ok(
        &w,
        &d.cs,
        id,
        json!({"action": "dispatch", "to": d.tech1_id, "pool": false}),
    )
    .await;
    assert_eq!(t["row"]["assignee"], "甲师傅一");
    // The technician checks in only after taking it on.
    let r = act(&w, &d.tech1, id, json!({"action": "check_in"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["message"], "请先接单再签到");
    ok(&w, &d.tech1, id, json!({"action": "take_on"})).await;
    let before = photo(&w, &d.tech1).await;
    ok(&w, &d.tech1, id, json!({"action": "check_in", "photos": [before]})).await;
    // Bad completion input is named.
    let r = act(
        &w,
        &d.tech1,
        id,
        json!({"action": "complete", "materials": [{"name": "", "quantity": "1"}]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "materials");
    let r = act(
        &w,
        &d.tech1,
        id,
        json!({"action": "complete", "charges": [{"price_id": 999999, "quantity": 1}]}),
    )
    .await;
    assert_eq!(r.json()["error"]["field"], "charges");
    let after = photo(&w, &d.tech1).await;
    let t = ok(
        &w,
        &d.tech1,
        id,
        json!({"action": "complete", "work_note": "更换下水管", "labour_minutes": 45, "photos": [after],
               "materials": [{"name": "PVC 管", "quantity": "1.5"}], "charges": [{"price_id": price, "quantity": 2}]}),
    )
    .await;
    assert_eq!(t["row"]["status"], "done");
    assert_eq!(t["charge"], 7000);
    // The desk heard of the new ticket, and the same notice now says it waits for 验收; the
    // other office's desk heard nothing.
    let desk_notes = |login: &'static str| {
        let w = &w;
        async move {
            let user = authed(w, login).await.user_id.0;
            notifications::Entity::find()
                .filter(notifications::Column::UserId.eq(user))
                .filter(notifications::Column::Link.eq(format!("/admin/service/tickets/{id}")))
                .all(&w.ctx.db)
                .await
                .unwrap()
        }
    };
    let a = desk_notes("cs.a").await;
    assert_eq!(a.len(), 1, "{a:?}");
    assert!(a[0].title.starts_with("待验收"), "{a:?}");
    assert!(a[0].read_at.is_none());
    assert!(desk_notes("cs.b").await.is_empty());
    // The charge is a bill line of the household, once.
    let line = t["bill_line"].as_i64().unwrap();
    let l = bill_lines::Entity::find_by_id(line)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (l.unit_id, l.amount, l.source.as_str()),
        (d.s.units[0], 7000, format!("ticket:{id}").as_str())
    );
    // Residents can't verify; the desk can.
    let r = act(&w, &d.resident, id, json!({"action": "verify"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // Rating before the office verified is refused with a message.
    let r = act(
        &w,
        &d.resident,
        id,
        json!({"action": "rate", "stars": 5, "comment": ""}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["message"], "工单当前状态下不能这样操作");
    ok(&w, &d.cs, id, json!({"action": "verify"})).await;
    let r = act(
        &w,
        &d.resident,
        id,
        json!({"action": "rate", "stars": 9, "comment": ""}),
    )
    .await;
    assert_eq!(r.json()["error"]["field"], "stars");
    let t = ok(
        &w,
        &d.resident,
        id,
        json!({"action": "rate", "stars": 5, "comment": "师傅很专业"}),
    )
    .await;
    assert_eq!(t["row"]["status"], "closed");
    assert_eq!(t["row"]["stars"], 5);
    let steps: Vec<&str> = t["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["submit", "accept", "dispatch", "take_on", "check_in", "complete", "charge", "verify", "rate"]
    );
    // The resident sees no staff logins on the timeline; staff do.
    assert_eq!(t["timeline"][1]["actor"], "");
    let staff_view = w.get(&format!("/api/v1/tickets/{id}"), Some(&d.cs)).await.json();
    assert_eq!(staff_view["timeline"][1]["actor"], "cs.a");
    // The resident was told of each status change in one notice, kept current: the inbox
    // holds one row for the ticket, unread, saying where it stands now.
    let resident_id = authed(&w, "13900000001").await.user_id.0;
    let n = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(resident_id))
        .filter(notifications::Column::Category.eq("repairs"))
        .all(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(n.len(), 1, "{n:?}");
    assert_eq!(n[0].link, format!("/repair/{id}"));
    assert_eq!(n[0].body, app::shared::i18n::tr_in("zh-CN", "service.notice_verified"));
    assert!(n[0].read_at.is_none());
}

#[tokio::test]
async fn each_sees_only_their_own_tickets() {
    let w = world().await;
    let d = desk(&w).await;
    let id = submit(&w, &d, vec![]).await;
    let list = |t: String| {
        let w = &w;
        async move {
            let r = w.get("/api/v1/tickets?status=", Some(&t)).await;
            (r.status, r.json())
        }
    };
    // Desk of office A sees it; office B's desk and technician don't.
    let (_, a) = list(d.cs.clone()).await;
    assert_eq!(a["items"][0]["id"], id);
    let (_, b) = list(d.cs_b.clone()).await;
    assert_eq!(b["items"], json!([]));
    let (_, tb) = list(d.tech_b.clone()).await;
    assert_eq!(tb["items"], json!([]));
    assert_eq!(
        w.get(&format!("/api/v1/tickets/{id}"), Some(&d.cs_b)).await.status,
        StatusCode::NOT_FOUND
    );
    // A technician sees nothing until it is theirs; then the other technician still doesn't.
    let (_, t1) = list(d.tech1.clone()).await;
    assert_eq!(t1["items"], json!([]));
    assert_eq!(
        w.get(&format!("/api/v1/tickets/{id}"), Some(&d.tech1)).await.status,
        StatusCode::NOT_FOUND
    );
    ok(
        &w,
        &d.cs,
        id,
        json!({"action": "dispatch", "to": d.tech1_id, "pool": false}),
    )
    .await;
    let (_, t1) = list(d.tech1.clone()).await;
    assert_eq!(t1["items"][0]["id"], id);
    let (_, t2) = list(d.tech2.clone()).await;
    assert_eq!(t2["items"], json!([]));
    assert_eq!(
        w.get(&format!("/api/v1/tickets/{id}"), Some(&d.tech2)).await.status,
        StatusCode::NOT_FOUND
    );
    // A technician cannot act as the desk on their own ticket.
    let r = act(&w, &d.tech1, id, json!({"action": "verify"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The neighbour neither lists nor opens it; residents have no staff list.
    let mine = w.get("/api/v1/me/tickets", Some(&d.neighbour)).await.json();
    assert_eq!(mine["items"], json!([]));
    assert_eq!(
        w.get(&format!("/api/v1/tickets/{id}"), Some(&d.neighbour)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get("/api/v1/tickets", Some(&d.neighbour)).await.status,
        StatusCode::FORBIDDEN
    );
    // A resident cannot report for a home that is not theirs.
    let r = w
        .json(
            "POST",
            "/api/v1/tickets",
            Some(&d.neighbour),
            &json!({"kind": "repair_home", "category": "plumbing", "unit_id": d.s.units[0], "description": "不是我家"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "unit_id");
    // The other office's desk cannot open a hotline ticket in community A.
    let r = w
        .json(
            "POST",
            "/api/v1/tickets",
            Some(&d.cs_b),
            &json!({"kind": "repair_public", "category": "lift", "unit_id": null, "community_id": w.community_a.0, "spot": "1 号楼电梯",
                    "description": "电梯异响", "caller_name": "王先生", "caller_phone": "13700000000", "priority": "urgent"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "community_id");
    // A caller's phone of the right length with letters in it is refused, by name.
    let r = w
        .json(
            "POST",
            "/api/v1/tickets",
            Some(&d.cs),
            &json!({"kind": "repair_public", "category": "lift", "unit_id": null, "community_id": w.community_a.0, "spot": "1 号楼电梯",
                    "description": "电梯异响", "caller_name": "王先生", "caller_phone": "137abc00000", "priority": "urgent"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "caller_phone");
    // The desk names the caller's home by its number; an unknown one is named.
    let r = w
        .json(
            "POST",
            "/api/v1/tickets",
            Some(&d.cs),
            &json!({"kind": "repair_home", "category": "plumbing", "community_id": w.community_a.0, "unit_number": "99-9-9999",
                    "description": "来电：厨房漏水", "caller_name": "王先生"}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "unit_number", "{}", r.body);
    // Dispatching to office B's technician is refused.
    let tb = authed(&w, "tech.b").await.user_id.0;
    let id2 = submit(&w, &d, vec![]).await;
    let r = act(&w, &d.cs, id2, json!({"action": "dispatch", "to": tb, "pool": false})).await;
    assert_eq!(r.json()["error"]["field"], "assignee");
}

#[tokio::test]
async fn two_technicians_grab_one_pool_ticket_and_one_wins() {
    let w = world().await;
    let d = desk(&w).await;
    let id = submit(&w, &d, vec![]).await;
    ok(&w, &d.cs, id, json!({"action": "dispatch", "to": null, "pool": true})).await;
    // Pool tickets show in both technicians' lists.
    for t in [&d.tech1, &d.tech2] {
        let l = w.get("/api/v1/tickets?status=open", Some(t)).await.json();
        assert_eq!(l["items"][0]["id"], id);
    }
    let (a, b) = tokio::join!(
        act(&w, &d.tech1, id, json!({"action": "grab"})),
        act(&w, &d.tech2, id, json!({"action": "grab"}))
    );
    let wins = [a.status, b.status].iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(wins, 1, "{} / {}", a.body, b.body);
    let loser = if a.status == StatusCode::OK { &b } else { &a };
    assert!(
        loser.status == StatusCode::CONFLICT || loser.status == StatusCode::NOT_FOUND,
        "{}",
        loser.body
    );
    let t = service_tickets::Entity::find_by_id(id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert!(t.assignee_id.is_some() && !t.pool && t.taken_on);
}

#[tokio::test]
async fn complaints_are_answered_and_escalated_not_dispatched() {
    let w = world().await;
    let d = desk(&w).await;
    let r = w
        .json(
            "POST",
            "/api/v1/tickets",
            Some(&d.resident),
            &json!({"kind": "complaint", "category": "noise", "unit_id": d.s.units[0], "spot": "楼上", "description": "夜间装修噪音"}),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let r = act(
        &w,
        &d.cs,
        id,
        json!({"action": "dispatch", "to": d.tech1_id, "pool": false}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["message"], "此类工单不能这样处理");
    ok(&w, &d.cs, id, json!({"action": "escalate", "reason": "重复投诉"})).await;
    // The project manager (dispatch + reports over the office) is told.
    let pm = authed(&w, "pm.a").await.user_id.0;
    let n = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(pm))
        .all(&w.ctx.db)
        .await
        .unwrap();
    assert!(n.iter().any(|x| x.body.contains("重复投诉")), "{n:?}");
    let t = ok(
        &w,
        &d.cs,
        id,
        json!({"action": "resolve", "reply": "已联系楼上住户，晚 8 点后停工"}),
    )
    .await;
    assert_eq!(t["row"]["status"], "done");
    assert!(t["row"]["escalated"].as_bool().unwrap());
    ok(
        &w,
        &d.cs,
        id,
        json!({"action": "callback", "note": "住户表示满意", "satisfied": true}),
    )
    .await;
    ok(&w, &d.cs, id, json!({"action": "verify"})).await;
    // Not fixed after all: the resident reopens; the clocks start again.
    let t = ok(&w, &d.resident, id, json!({"action": "reopen", "reason": "仍有噪音"})).await;
    assert_eq!(t["row"]["status"], "submitted");
    // Cancelling is possible again before dispatch.
    let t = ok(&w, &d.resident, id, json!({"action": "cancel", "reason": ""})).await;
    assert_eq!(t["row"]["status"], "cancelled");
    let r = act(&w, &d.resident, id, json!({"action": "reopen", "reason": "x"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn breaches_are_marked_once_and_the_supervisor_told() {
    use sea_orm::{sea_query::Expr, QueryFilter as _};
    let w = world().await;
    let d = desk(&w).await;
    let id = submit(&w, &d, vec![]).await;
    // Both clocks ran out an hour ago.
    let past = chrono::Utc::now() - chrono::Duration::hours(1);
    service_tickets::Entity::update_many()
        .col_expr(service_tickets::Column::RespondDue, Expr::value(past))
        .col_expr(service_tickets::Column::HandleDue, Expr::value(past))
        .filter(service_tickets::Column::Id.eq(id))
        .exec(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(::app::tickets::service::sla_watch(&w.ctx).await.unwrap(), 2);
    assert_eq!(::app::tickets::service::sla_watch(&w.ctx).await.unwrap(), 0);
    let t = w.get(&format!("/api/v1/tickets/{id}"), Some(&d.cs)).await.json();
    assert!(t["row"]["breached"].as_bool().unwrap());
    assert!(t["row"]["handle_left"].as_i64().unwrap() < 0);
    let breaches = t["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "breach")
        .count();
    assert_eq!(breaches, 2);
    let pm = authed(&w, "pm.a").await.user_id.0;
    let n = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(pm))
        .filter(notifications::Column::DedupeKey.is_null())
        .all(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(n.len(), 2, "one per breach for the supervisor: {n:?}");
    // The desk's one notice of the ticket now says it is overdue.
    let cs = authed(&w, "cs.a").await.user_id.0;
    let n = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(cs))
        .all(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(n.len(), 1, "{n:?}");
    assert!(n[0].title.starts_with("超时"), "{n:?}");
    // The overdue filter and the daily report count it.
    let l = w.get("/api/v1/tickets?status=overdue", Some(&d.cs)).await.json();
    assert_eq!(l["items"][0]["id"], id);
    let today = ::app::shared::time::today_cn();
    let r = w
        .get(&format!("/api/v1/service/reports?date={today}"), Some(&d.s.pm))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let b = r.json();
    assert_eq!(b["daily"]["created"], 1);
    assert_eq!(b["daily"]["overdue"], 1);
    // Office B's manager reports on office B only.
    let b = w
        .get(&format!("/api/v1/service/reports?date={today}"), Some(&d.cs_b))
        .await
        .json();
    assert_eq!(b["daily"]["created"], 0);
    // The workbook downloads.
    let r = w
        .get(
            &format!("/api/v1/service/reports?date={today}&format=xlsx"),
            Some(&d.s.pm),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // A bad date is named.
    let r = w.get("/api/v1/service/reports?date=2026-13-01", Some(&d.s.pm)).await;
    assert_eq!(r.json()["error"]["field"], "date");
}

#[tokio::test]
async fn round_robin_within_a_team_takes_turns() {
    let w = world().await;
    let d = desk(&w).await;
    let t1 = authed(&w, "tech.a1").await.user_id.0;
    let t2 = authed(&w, "tech.a2").await.user_id.0;
    let r = w
        .json(
            "POST",
            &format!("/api/v1/service/offices/{}/teams", w.office_a.0),
            Some(&d.cs),
            &json!({"id": 0, "name": "水电班", "members": [[t1, ""], [t2, ""]]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let team = r.json()[0]["id"].as_i64().unwrap();
    // Office B's technician cannot join office A's team.
    let tb = authed(&w, "tech.b").await.user_id.0;
    let r = w
        .json(
            "POST",
            &format!("/api/v1/service/offices/{}/teams", w.office_a.0),
            Some(&d.cs),
            &json!({"id": 0, "name": "混合班", "members": [[tb, ""]]}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "members");
    let mut got = vec![];
    for _ in 0..4 {
        let id = submit(&w, &d, vec![]).await;
        let t = ok(
            &w,
            &d.cs,
            id,
            json!({"action": "dispatch", "to": null, "pool": false, "team": team}),
        )
        .await;
        got.push(t["row"]["assignee"].as_str().unwrap().to_string());
    }
    assert_eq!(got, ["甲师傅一", "甲师傅二", "甲师傅一", "甲师傅二"]);
    // Team members see the team's tickets.
    let l = w.get("/api/v1/tickets?status=open", Some(&d.tech2)).await.json();
    assert_eq!(l["items"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn uploads_refuse_what_is_not_a_photo() {
    let w = world().await;
    let d = desk(&w).await;
    let r = upload(&w, &d.resident, "note.png", b"hello, this is text".to_vec()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = upload(&w, &d.resident, "photo.jpg", png(10, 10)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["message"], "文件扩展名与实际格式不符");
    let r = upload(&w, &d.resident, "big.png", vec![0u8; 11 * 1024 * 1024]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    // Someone else's upload cannot be attached.
    let theirs = photo(&w, &d.neighbour).await;
    let r = w
        .json(
            "POST",
            "/api/v1/tickets",
            Some(&d.resident),
            &json!({"kind": "repair_home", "category": "plumbing", "unit_id": d.s.units[0], "description": "借用照片", "photos": [theirs]}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "photos");
    // Nothing was stored by the refused submission.
    let n = service_tickets::Entity::find().all(&w.ctx.db).await.unwrap().len();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn hidden_characters_never_reach_the_records() {
    let w = world().await;
    let d = desk(&w).await;
    // NUL, an escape sequence and bidirectional overrides, as JSON escapes.
    let r = w
        .json(
            "POST",
            "/api/v1/tickets",
            Some(&d.resident),
            &json!({"kind": "repair_home", "category": "plumbing", "unit_id": d.s.units[0],
                    "description": "厨房\u{0}水槽\u{202E}漏水\u{1b}[0m\n下水管", "preferred_time": "明天\u{2066}上午\u{2069}"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let t = w.get(&format!("/api/v1/tickets/{id}"), Some(&d.resident)).await.json();
    assert_eq!(t["description"], "厨房水槽漏水[0m\n下水管");
    assert_eq!(t["preferred_time"], "明天上午");
}

#[tokio::test]
async fn a_completion_holds_what_the_office_asks_and_the_technician_sees_the_nearest_deadline_first() {
    let w = world().await;
    let d = desk(&w).await;
    let mut ids = vec![];
    for _ in 0..2 {
        let id = submit(&w, &d, vec![]).await;
        ok(&w, &d.cs, id, json!({"action": "accept"})).await;
        ok(
            &w,
            &d.cs,
            id,
            json!({"action": "dispatch", "to": d.tech1_id, "pool": false}),
        )
        .await;
        ok(&w, &d.tech1, id, json!({"action": "take_on"})).await;
        let before = photo(&w, &d.tech1).await;
        ok(&w, &d.tech1, id, json!({"action": "check_in", "photos": [before]})).await;
        ids.push(id);
    }
    let id = ids[0];
    // The form is told up front what this office asks: an after photo by default, no time.
    let t = w.get(&format!("/api/v1/tickets/{id}"), Some(&d.tech1)).await.json();
    assert_eq!(t["needs"], json!({"photo": true, "labour": false}));
    // No note: refused, and nothing changed.
    let r = act(&w, &d.tech1, id, json!({"action": "complete"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "work_note");
    assert_eq!(r.json()["error"]["message"], "请填写处理说明：做了什么、结果如何");
    // A note but no after photo: refused by default.
    let r = act(&w, &d.tech1, id, json!({"action": "complete", "work_note": "已更换"})).await;
    assert_eq!(r.json()["error"]["field"], "photos", "{}", r.body);
    let t = w.get(&format!("/api/v1/tickets/{id}"), Some(&d.tech1)).await.json();
    assert_eq!(t["row"]["status"], "in_progress");

    // The office turns the photo off and the time spent on.
    let mut s = w
        .get(&format!("/api/v1/service/offices/{}", w.office_a.0), Some(&d.cs))
        .await
        .json()["settings"]
        .clone();
    assert_eq!(s["photo_required"], true);
    s["photo_required"] = json!(false);
    s["labour_required"] = json!(true);
    let put = |token: String| {
        let (w, s) = (&w, &s);
        async move {
            w.json(
                "PUT",
                &format!("/api/v1/service/offices/{}/settings", w.office_a.0),
                Some(&token),
                s,
            )
            .await
        }
    };
    let r = put(d.cs.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A technician cannot change what is asked of them.
    let r = put(d.tech1.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = act(&w, &d.tech1, id, json!({"action": "complete", "work_note": "已更换"})).await;
    assert_eq!(r.json()["error"]["field"], "labour_minutes", "{}", r.body);
    let t = ok(
        &w,
        &d.tech1,
        id,
        json!({"action": "complete", "work_note": "已更换", "labour_minutes": 20}),
    )
    .await;
    assert_eq!(t["row"]["status"], "done");
    // Office B still asks for its photo: one office's setting is its own.
    let sb = w
        .get(&format!("/api/v1/service/offices/{}", w.office_b.0), Some(&d.cs_b))
        .await
        .json();
    assert_eq!(sb["settings"]["photo_required"], true);

    // 我的工单: the technician's open work, the nearest deadline first (not the newest).
    let urgent = submit(&w, &d, vec![]).await;
    ok(&w, &d.cs, urgent, json!({"action": "accept"})).await;
    ok(
        &w,
        &d.cs,
        urgent,
        json!({"action": "set_priority", "priority": "urgent"}),
    )
    .await;
    ok(
        &w,
        &d.cs,
        urgent,
        json!({"action": "dispatch", "to": d.tech1_id, "pool": false}),
    )
    .await;
    let l = w
        .get("/api/v1/tickets?status=open&mine=true", Some(&d.tech1))
        .await
        .json();
    let got: Vec<i64> = l["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, [urgent, ids[1]], "{l}");
}

#[tokio::test]
async fn notices_read_in_the_readers_language() {
    let w = world().await;
    let d = desk(&w).await;
    let id = submit(&w, &d, vec![]).await;
    ok(&w, &d.cs, id, json!({"action": "accept"})).await;
    ok(&w, &d.cs, id, json!({"action": "comment", "text": "明天上午九点上门"})).await;
    let inbox = |lang: &'static str, token: String| {
        let w = &w;
        async move {
            w.send(
                Request::get("/api/v1/me/notifications")
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .header(header::ACCEPT_LANGUAGE, lang)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .json()
        }
    };
    // The resident's one notice for the ticket, in either language; what was typed stays as typed.
    let zh = inbox("zh-CN", d.resident.clone()).await;
    let en = inbox("en", d.resident.clone()).await;
    let number = w.get(&format!("/api/v1/tickets/{id}"), Some(&d.cs)).await.json()["row"]["number"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(zh["items"][0]["title"], format!("工单 {number}"), "{zh}");
    assert_eq!(en["items"][0]["title"], format!("Ticket {number}"), "{en}");
    assert_eq!(zh["items"][0]["body"], "新留言：明天上午九点上门");
    assert_eq!(en["items"][0]["body"], "New message: 明天上午九点上门");
    // The desk's new-ticket notice too.
    let desk_en = inbox("en", d.cs.clone()).await;
    assert_eq!(
        desk_en["items"][0]["title"],
        format!("New ticket {number}"),
        "{desk_en}"
    );
}
