//! 首页 through the HTTP API: one request gathers what each of the caller's homes owes, their
//! open tickets and the community's notices, and nothing of anyone else's.
use crate::common::*;
use app::db::entities::bill_lines;
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

async fn ticket(w: &World, token: &str, unit: i64, text: &str) -> i64 {
    let r = w
        .json(
            "POST",
            "/api/v1/tickets",
            Some(token),
            &json!({"kind": "repair_home", "category": "plumbing", "unit_id": unit, "description": text}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

/// The `id`s of a list.
fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_i64().unwrap())
        .collect()
}

async fn home(w: &World, token: &str) -> Value {
    let r = w.get("/api/v1/me/home", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

#[tokio::test]
async fn the_home_page_sums_the_callers_homes_and_lists_only_their_own_tickets_and_notices() {
    let w = world().await;
    // Three homes of 89.57 ㎡ billed 223.93 each; 13900000001 owns the first and the third.
    let s = fee_setup(&w, 1, 3).await;
    let r = w
        .json(
            "POST",
            &format!("/api/v1/units/{}/occupants", s.units[2]),
            Some(&s.pm),
            &json!({"name": "业主0", "phone": "13900000001", "relation": "owner"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    w.resident("13900000001", "业主甲").await;
    w.resident("13900000002", "业主乙").await;
    w.resident("13900000099", "无房的人").await;
    let me = w.token("13900000001").await;
    let neighbour = w.token("13900000002").await;
    let homeless = w.token("13900000099").await;

    // Before any bill: both homes, nothing owed.
    let g = home(&w, &me).await;
    assert_eq!(g["homes"].as_array().unwrap().len(), 2, "{g}");
    assert_eq!(g["due"], 0);

    s.bill_next_month(&w).await;
    // The third home is paid at the counter; the first still owes its 223.93.
    let line = bill_lines::Entity::find()
        .filter(bill_lines::Column::UnitId.eq(s.units[2]))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let r = w
        .json(
            "POST",
            "/api/v1/billing/payments",
            Some(&s.cashier),
            &json!({"unit_id": s.units[2], "lines": [line.id], "method": "cash", "amount": "223.93"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let open = ticket(&w, &me, s.units[0], "卫生间漏水").await;
    let cancelled = ticket(&w, &me, s.units[2], "门铃不响").await;
    let r = w
        .json(
            "POST",
            &format!("/api/v1/tickets/{cancelled}/actions"),
            Some(&me),
            &json!({"action": "cancel", "reason": ""}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let theirs = ticket(&w, &neighbour, s.units[1], "窗户关不上").await;

    let r = w
        .json(
            "POST",
            "/api/v1/notices",
            Some(&s.pm),
            &json!({"community_id": w.community_a.0, "title": "停水通知", "body": "明天停水", "category": "outage",
                    "kind": "pinned", "audience": "everyone"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let notice = r.json()["id"].as_i64().unwrap();
    drain(&w).await;

    let g = home(&w, &me).await;
    let homes = g["homes"].as_array().unwrap();
    let owed: Vec<(i64, i64)> = homes
        .iter()
        .map(|h| (h["unit_id"].as_i64().unwrap(), h["due"].as_i64().unwrap()))
        .collect();
    assert!(owed.contains(&(s.units[0], 22_393)), "{g}");
    assert!(owed.contains(&(s.units[2], 0)), "{g}");
    assert_eq!(g["due"], 22_393);
    let first = homes.iter().find(|h| h["unit_id"] == s.units[0]).unwrap();
    assert_eq!(first["lines"], 1);
    assert_eq!(first["oldest"], next_period());
    // Only the open ticket, only the caller's.
    assert_eq!(g["open_tickets"], 1);
    let tickets = ids(&g["tickets"]);
    assert_eq!(tickets, vec![open]);
    let notices = ids(&g["community"]["notices"]);
    assert_eq!(notices, vec![notice]);
    assert_eq!(g["community"]["unread"], 1);

    // The neighbour: their one home and ticket, none of the caller's.
    let g = home(&w, &neighbour).await;
    assert_eq!(g["homes"].as_array().unwrap().len(), 1);
    assert_eq!(g["homes"][0]["unit_id"], s.units[1]);
    assert_eq!(g["due"], 22_393);
    let tickets = ids(&g["tickets"]);
    assert_eq!(tickets, vec![theirs]);

    // Someone with no home on record, and staff: empty parts, not an error.
    let g = home(&w, &homeless).await;
    assert_eq!(g["homes"], json!([]));
    assert_eq!(g["due"], 0);
    assert_eq!(g["community"]["notices"], json!([]));
    let g = home(&w, &s.pm).await;
    assert_eq!(g["homes"], json!([]));
    assert_eq!(g["tickets"], json!([]));

    // Nobody signed in: 401.
    assert_eq!(w.get("/api/v1/me/home", None).await.status, StatusCode::UNAUTHORIZED);
}
