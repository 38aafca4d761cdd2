//! Billing through `/api/v1` and the billing services: bill runs that never bill twice, exact
//! counter payments with gap-free receipts, concurrency, waivers and reversals as new rows, the
//! month close, residents seeing only their own household's bills, and the collection report.
mod common;

use app::access::model::{AuthVia, Authed, RequestMeta};
use app::billing::{counter, model::*, standards};
use app::db::entities::{bill_lines, line_adjustments, payments, period_closes, users};
use app::shared::ids::{BillLineId, OrgId, UserId};
use axum::http::StatusCode;
use common::*;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

async fn authed(w: &World, login: &str) -> Authed {
    let u = users::Entity::find()
        .filter(users::Column::Login.eq(login))
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    Authed {
        user_id: UserId(u.id),
        session_id: String::new(),
        csrf_token: String::new(),
        via: AuthVia::Bearer,
    }
}

fn next_period() -> String {
    use app::billing::{charge, service};
    charge::period_label(charge::add_months(service::current_period(), 1))
}

struct Setup {
    pm: String,
    cashier: String,
    units: Vec<i64>,
}

/// Office A: a 4-unit building of 89.57 ㎡ homes, each with an owner (13900000001…4), and a
/// property fee of 2.50 元/㎡/月 assigned to community A.
async fn setup(w: &World) -> Setup {
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("cashier.a", "甲收费员", "cashier", w.office_a).await;
    w.staff("cashier.b", "乙收费员", "cashier", w.office_b).await;
    let pm = w.token("pm.a").await;
    let cashier = w.token("cashier.a").await;
    let r = w
        .json(
            "POST",
            "/api/v1/buildings",
            Some(&pm),
            &json!({"community_id": w.community_a.0, "code": "9", "cells": 1, "floors": 2, "per_floor": 2, "area": "89.57"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = w
        .get(
            &format!("/api/v1/units?community_id={}&q=9-", w.community_a.0),
            Some(&pm),
        )
        .await;
    let units: Vec<i64> = r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert_eq!(units.len(), 4);
    for (i, u) in units.iter().enumerate() {
        let r = w
            .json(
                "POST",
                &format!("/api/v1/units/{u}/occupants"),
                Some(&pm),
                &json!({"name": format!("业主{i}"), "phone": format!("1390000000{}", i + 1), "relation": "owner"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let a = authed(w, "pm.a").await;
    let item = standards::create_item(
        &w.ctx,
        &RequestMeta::default(),
        &a,
        standards::NewItem {
            office_id: w.office_a,
            code: "WYF".into(),
            name: "物业服务费".into(),
            category: "property".into(),
            standard: StandardInput {
                effective_from: "2020-01-01".into(),
                basis: "area".into(),
                price: "2.50".into(),
                tiers: String::new(),
                formula: String::new(),
                round_mode: "half_up".into(),
                round_to: "fen".into(),
            },
        },
    )
    .await
    .unwrap();
    standards::assign(&w.ctx, &RequestMeta::default(), &a, item.id, w.community_a, None, None)
        .await
        .unwrap();
    Setup { pm, cashier, units }
}

/// A cash payment at the counter through the API.
async fn pay(w: &World, token: &str, unit: i64, lines: serde_json::Value, amount: &str) -> Resp {
    w.json(
        "POST",
        "/api/v1/billing/payments",
        Some(token),
        &json!({"unit_id": unit, "lines": lines, "method": "cash", "amount": amount}),
    )
    .await
}

async fn run(w: &World, token: &str, org: OrgId, period: &str, commit: bool) -> Resp {
    w.json(
        "POST",
        "/api/v1/billing/runs",
        Some(token),
        &json!({"org": org.0, "period": period, "commit": commit}),
    )
    .await
}

#[tokio::test]
async fn a_bill_run_previews_then_bills_each_unit_once_exactly() {
    let w = world().await;
    let s = setup(&w).await;
    let p = next_period();
    // A preview stores nothing.
    let r = run(&w, &s.pm, w.office_a, &p, false).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["new_lines"], 4);
    assert_eq!(bill_lines::Entity::find().count(&w.ctx.db).await.unwrap(), 0);
    // 2.50 × 89.57 = 223.925 → 223.93 each.
    let r = run(&w, &s.pm, w.office_a, &p, true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["new_lines"], 4);
    assert_eq!(r.json()["total"], 4 * 22_393);
    // Running the month again adds nothing; the database holds one line per unit × item × month.
    let r = run(&w, &s.pm, w.company, &p, true).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the manager of office A cannot bill the company"
    );
    let r = run(&w, &s.pm, w.office_a, &p, true).await;
    assert_eq!(r.json()["new_lines"], 0);
    assert_eq!(r.json()["existing"], 4);
    assert_eq!(bill_lines::Entity::find().count(&w.ctx.db).await.unwrap(), 4);
    // The current month is prorated from the owners' move-in today; every line sums to its total.
    let r = run(
        &w,
        &s.pm,
        w.office_a,
        &app::billing::charge::period_label(app::billing::service::current_period()),
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for l in bill_lines::Entity::find().all(&w.ctx.db).await.unwrap() {
        assert_eq!(l.gross - l.discount, l.amount);
        assert!(l.amount <= 22_393 && l.amount > 0);
    }
    // A cashier of office B sees nothing of office A, and cannot run bills at all.
    let b = w.token("cashier.b").await;
    let r = w
        .get(&format!("/api/v1/billing/units/{}/account", s.units[0]), Some(&b))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = run(&w, &s.cashier, w.office_a, &p, true).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Bad input is named.
    let r = run(&w, &s.pm, w.office_a, "2026-13", false).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "period");
}

#[tokio::test]
async fn counter_payments_are_exact_with_gap_free_receipts_and_never_pay_a_line_twice() {
    let w = world().await;
    let s = setup(&w).await;
    let p = next_period();
    run(&w, &s.pm, w.office_a, &p, true).await;
    let acct = w
        .get(
            &format!("/api/v1/billing/units/{}/account", s.units[0]),
            Some(&s.cashier),
        )
        .await;
    assert_eq!(acct.status, StatusCode::OK, "{}", acct.body);
    let line = acct.json()["open"][0]["id"].as_i64().unwrap();
    assert_eq!(acct.json()["due"], 22_393);
    // Pay 300.00 for a 223.93 line: the rest goes to the prepaid balance.
    let r = pay(&w, &s.cashier, s.units[0], json!([line]), "300.00").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let first = r.json();
    let month = app::billing::service::current_period();
    assert_eq!(first["receipt_no"], format!("SK-{month}-000001"));
    assert_eq!(first["to_prepaid"], 30_000 - 22_393);
    // Paying the same line again is refused, not turned into a prepayment.
    let again = pay(&w, &s.cashier, s.units[0], json!([line]), "223.93").await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    // Ten cashiers pay one line at once: exactly one succeeds and the line is paid once.
    let acct = w
        .get(
            &format!("/api/v1/billing/units/{}/account", s.units[1]),
            Some(&s.cashier),
        )
        .await;
    let line2 = acct.json()["open"][0]["id"].as_i64().unwrap();
    let body = json!({"unit_id": s.units[1], "lines": [line2], "method": "pos", "amount": "223.93"});
    let results =
        futures::future::join_all((0..10).map(|_| w.json("POST", "/api/v1/billing/payments", Some(&s.cashier), &body)))
            .await;
    let ok = results.iter().filter(|r| r.status == StatusCode::CREATED).count();
    assert_eq!(
        ok,
        1,
        "{:?}",
        results.iter().map(|r| (r.status, r.body.clone())).collect::<Vec<_>>()
    );
    assert!(results
        .iter()
        .all(|r| r.status == StatusCode::CREATED || r.status == StatusCode::CONFLICT));
    let l = bill_lines::Entity::find_by_id(line2)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(l.paid, l.amount);
    // Receipt numbers have no gaps even after the refused attempts.
    let mut nos: Vec<String> = payments::Entity::find()
        .all(&w.ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.receipt_no)
        .collect();
    nos.sort();
    assert_eq!(nos, vec![format!("SK-{month}-000001"), format!("SK-{month}-000002")]);
    // The receipt names the line and the amount in words.
    let r = w
        .get(
            &format!("/api/v1/billing/payments/{}/receipt", first["id"]),
            Some(&s.cashier),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["amount_words"], "叁佰元整");
    assert_eq!(r.json()["lines"][0]["principal"], 22_393);
    // Bad amounts are named, nothing stored.
    for bad in ["0", "-5", "abc", "1.234"] {
        let r = pay(&w, &s.cashier, s.units[2], json!([]), bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.body);
        assert_eq!(r.json()["error"]["field"], "amount");
    }
    assert_eq!(payments::Entity::find().count(&w.ctx.db).await.unwrap(), 2);
}

#[tokio::test]
async fn residents_see_only_their_own_household_bills_and_receipts() {
    let w = world().await;
    let s = setup(&w).await;
    run(&w, &s.pm, w.office_a, &next_period(), true).await;
    w.resident("13900000001", "业主0").await;
    w.resident("13900000002", "业主1").await;
    let mine = w.token("13900000001").await;
    let other = w.token("13900000002").await;
    let r = w.get("/api/v1/me/bills", Some(&mine)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let accounts = r.json();
    assert_eq!(accounts.as_array().unwrap().len(), 1);
    assert_eq!(accounts[0]["unit_id"], s.units[0]);
    assert_eq!(accounts[0]["due"], 22_393);
    // Staff APIs are closed to residents; another household's receipt does not exist for them.
    let r = w
        .get(&format!("/api/v1/billing/units/{}/account", s.units[0]), Some(&mine))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let line = accounts[0]["open"][0]["id"].as_i64().unwrap();
    let paid = pay(&w, &s.cashier, s.units[0], json!([line]), "223.93").await;
    let pid = paid.json()["id"].as_i64().unwrap();
    let r = w
        .get(&format!("/api/v1/billing/payments/{pid}/receipt"), Some(&mine))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = w
        .get(&format!("/api/v1/billing/payments/{pid}/receipt"), Some(&other))
        .await;
    assert!(
        matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        r.status
    );
    let r = w.get("/api/v1/me/bills", Some(&mine)).await;
    assert_eq!(r.json()[0]["due"], 0);
}

#[tokio::test]
async fn corrections_are_new_rows_and_a_closed_month_refuses_them() {
    let w = world().await;
    let s = setup(&w).await;
    let p = next_period();
    run(&w, &s.pm, w.office_a, &p, true).await;
    let pm = authed(&w, "pm.a").await;
    let meta = RequestMeta::default();
    let lines: Vec<bill_lines::Model> = bill_lines::Entity::find().all(&w.ctx.db).await.unwrap();
    let id = |i: usize| BillLineId(lines[i].id);
    // A waiver needs a reason and may not exceed what is owed.
    let e = counter::adjust(&w.ctx, &meta, &pm, AdjustKind::Waiver, &[id(0)], Some("10"), " ")
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("reason"));
    let e = counter::adjust(
        &w.ctx,
        &meta,
        &pm,
        AdjustKind::Waiver,
        &[id(0)],
        Some("500"),
        "维修期间",
    )
    .await
    .unwrap_err();
    assert_eq!(e.field(), Some("amount"));
    counter::adjust(
        &w.ctx,
        &meta,
        &pm,
        AdjustKind::Waiver,
        &[id(0)],
        Some("23.93"),
        "维修期间",
    )
    .await
    .unwrap();
    // A reversal nets the line to zero; the line stays on record.
    counter::adjust(&w.ctx, &meta, &pm, AdjustKind::Reversal, &[id(1)], None, "重复出账")
        .await
        .unwrap();
    let l1 = bill_lines::Entity::find_by_id(lines[1].id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(l1.amount - l1.paid - l1.adjusted, 0);
    let l0 = bill_lines::Entity::find_by_id(lines[0].id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(l0.amount - l0.adjusted, 20_000);
    assert_eq!(line_adjustments::Entity::find().count(&w.ctx.db).await.unwrap(), 2);
    assert_eq!(bill_lines::Entity::find().count(&w.ctx.db).await.unwrap(), 4);
    // A paid line cannot be reversed until its payment is; reversing the payment reopens it.
    let cashier = authed(&w, "cashier.a").await;
    let unit = app::estate::service::unit_briefs(&w.ctx.db, &[lines[2].unit_id])
        .await
        .unwrap()
        .pop()
        .unwrap();
    let paid = counter::take_payment(
        &w.ctx,
        &meta,
        &cashier,
        counter::NewPayment {
            unit_id: unit.id,
            lines: vec![id(2)],
            method: PayMethod::Cash,
            amount: "223.93".into(),
            prepay_item: None,
            note: String::new(),
        },
    )
    .await
    .unwrap();
    let e = counter::adjust(&w.ctx, &meta, &pm, AdjustKind::Reversal, &[id(2)], None, "作废")
        .await
        .unwrap_err();
    assert_eq!(e.message_key(), "err.reverse_paid_line");
    let e = counter::reverse_payment(&w.ctx, &meta, &cashier, paid.id, "收错")
        .await
        .unwrap_err();
    assert_eq!(e.status(), 403, "a cashier cannot reverse");
    let red = counter::reverse_payment(&w.ctx, &meta, &pm, paid.id, "收错")
        .await
        .unwrap();
    assert_eq!(red.amount.0, -22_393);
    let e = counter::reverse_payment(&w.ctx, &meta, &pm, paid.id, "收错")
        .await
        .unwrap_err();
    assert_eq!(e.status(), 409, "reversed once only");
    let l2 = bill_lines::Entity::find_by_id(lines[2].id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(l2.paid, 0);
    // The month is closed: no run, no waiver, no reversal.
    let period = app::billing::charge::parse_period(&p).unwrap();
    period_closes::ActiveModel {
        office_id: Set(w.office_a.0),
        period: Set(period),
        closed_by: Set(pm.user_id.0),
        closed_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&w.ctx.db)
    .await
    .unwrap();
    let e = counter::adjust(&w.ctx, &meta, &pm, AdjustKind::Waiver, &[id(3)], Some("1"), "x")
        .await
        .unwrap_err();
    assert_eq!(e.message_key(), "err.period_closed");
    let r = run(&w, &s.pm, w.office_a, &p, true).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.body.contains("err.period_closed") || r.body.contains("月结"),
        "{}",
        r.body
    );
    // Closing a month still to come is refused.
    let e = counter::close_period(&w.ctx, &meta, &pm, w.office_a, &p)
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("period"));
}

#[tokio::test]
async fn the_collection_report_rolls_up_the_org_tree_and_exports() {
    let w = world().await;
    let s = setup(&w).await;
    let p = next_period();
    run(&w, &s.pm, w.office_a, &p, true).await;
    let acct = w
        .get(
            &format!("/api/v1/billing/units/{}/account", s.units[0]),
            Some(&s.cashier),
        )
        .await;
    let line = acct.json()["open"][0]["id"].as_i64().unwrap();
    pay(&w, &s.cashier, s.units[0], json!([line]), "223.93").await;
    let r = w
        .get(
            &format!(
                "/api/v1/billing/reports/collection?org={}&from={p}&to={p}",
                w.office_a.0
            ),
            Some(&s.pm),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows = r.json()["rows"].clone();
    assert_eq!(rows[0]["name"], "甲管理处");
    assert_eq!(rows[0]["receivable"], 4 * 22_393);
    assert_eq!(rows[0]["received"], 22_393);
    assert_eq!(rows[0]["rate_bp"], 2_500);
    assert_eq!(rows[1]["name"], "甲小区");
    assert_eq!(rows[1]["receivable"], 4 * 22_393);
    // Another office's manager cannot read office A's report.
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    let b = w.token("pm.b").await;
    let r = w
        .get(
            &format!("/api/v1/billing/reports/collection?org={}", w.office_a.0),
            Some(&b),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let bytes = w
        .get_bytes(
            &format!(
                "/api/v1/billing/reports/collection.xlsx?org={}&from={p}&to={p}&by=item",
                w.office_a.0
            ),
            &s.pm,
        )
        .await;
    assert_eq!(&bytes[..2], b"PK");
}

#[tokio::test]
async fn deposits_are_refunded_once_and_prepaid_refunds_stay_within_the_balance() {
    let w = world().await;
    let s = setup(&w).await;
    let u = s.units[0];
    // A cashier collects a decoration deposit; only a manager refunds it, and only once.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/billing/units/{u}/deposits"),
            Some(&s.cashier),
            &json!({"amount": "2000", "purpose": "装修押金", "method": "transfer"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["balance"], 200_000);
    let acct = w
        .get(&format!("/api/v1/billing/units/{u}/account"), Some(&s.cashier))
        .await;
    let dep = acct.json()["deposit_list"][0]["id"].as_i64().unwrap();
    let r = w
        .json(
            "POST",
            &format!("/api/v1/billing/deposits/{dep}/refund"),
            Some(&s.cashier),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w
        .json(
            "POST",
            &format!("/api/v1/billing/deposits/{dep}/refund"),
            Some(&s.pm),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["balance"], 0);
    let r = w
        .json(
            "POST",
            &format!("/api/v1/billing/deposits/{dep}/refund"),
            Some(&s.pm),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // A deposit needs a purpose.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/billing/units/{u}/deposits"),
            Some(&s.cashier),
            &json!({"amount": "10"}),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "purpose");
    // 100.00 prepaid; a refund of more is refused and nothing moves; 40.00 leaves 60.00.
    let r = pay(&w, &s.cashier, u, json!([]), "100").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["to_prepaid"], 10_000);
    let path = format!("/api/v1/billing/units/{u}/prepaid-refunds");
    let r = w.json("POST", &path, Some(&s.pm), &json!({"amount": "100.01"})).await;
    assert_eq!(r.json()["error"]["field"], "amount");
    let r = w.json("POST", &path, Some(&s.pm), &json!({"amount": "40"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["balance"], 6_000);
    // The prepaid balance then pays next month's bill before anyone comes to the counter.
    run(&w, &s.pm, w.office_a, &next_period(), true).await;
    let acct = w
        .get(&format!("/api/v1/billing/units/{u}/account"), Some(&s.cashier))
        .await;
    assert_eq!(acct.json()["prepaid"], 0);
    assert_eq!(acct.json()["due"], 22_393 - 6_000);
}
