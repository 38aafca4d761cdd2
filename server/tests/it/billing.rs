//! Billing through `/api/v1` and the billing services: bill runs that never bill twice, exact
//! counter payments with gap-free receipts, concurrency, waivers and reversals as new rows, the
//! month close, residents seeing only their own household's bills, and the collection report.

use crate::common::*;
use app::access::model::RequestMeta;
use app::billing::{counter, model::*, standards};
use app::db::entities::{bill_lines, line_adjustments, payments, period_closes};
use app::shared::ids::{BillLineId, OrgId};
use axum::http::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

/// Office A: a 4-unit building of 89.57 ㎡ homes, each with an owner (13900000001…4), and a
/// property fee of 2.50 元/㎡/月 assigned to community A.
async fn setup(w: &World) -> Setup {
    fee_setup(w, 2, 2).await
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
            idempotency_key: None,
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

#[tokio::test]
async fn money_booked_by_hand_is_booked_once_per_idempotency_key() {
    let w = world().await;
    let s = setup(&w).await;
    let (u, v) = (s.units[0], s.units[1]);
    let count = || async { payments::Entity::find().count(&w.ctx.db).await.unwrap() };
    // A cashier's retry after a lost answer: the same key answers with the first receipt.
    let body = json!({"unit_id": u, "lines": [], "method": "cash", "amount": "100.00"});
    let key = "0b6f3c1e-8f7a-4d2b-9c51-2a7e0f3d9b14";
    let first = w.json_keyed("/api/v1/billing/payments", &s.cashier, key, &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let again = w.json_keyed("/api/v1/billing/payments", &s.cashier, key, &body).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
    assert_eq!(again.json()["id"], first.json()["id"]);
    assert_eq!(again.json()["receipt_no"], first.json()["receipt_no"]);
    assert_eq!(count().await, 1);
    // The key may also travel in the body (as the counter page sends it).
    let mut in_body = body.clone();
    in_body["idempotency_key"] = json!(key);
    let r = w
        .json("POST", "/api/v1/billing/payments", Some(&s.cashier), &in_body)
        .await;
    assert_eq!(r.json()["id"], first.json()["id"], "{}", r.body);
    // Ten retries at once with one new key: one payment, every answer names it.
    let body_v = json!({"unit_id": v, "lines": [], "method": "pos", "amount": "50.00"});
    let results = futures::future::join_all(
        (0..10).map(|_| w.json_keyed("/api/v1/billing/payments", &s.cashier, "storm-key-0001", &body_v)),
    )
    .await;
    let ids: std::collections::HashSet<String> = results
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            r.json()["id"].to_string()
        })
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(count().await, 2);
    // The same key for a different payment is refused, naming the key; nothing is booked.
    let other = json!({"unit_id": u, "lines": [], "method": "cash", "amount": "100.01"});
    let r = w.json_keyed("/api/v1/billing/payments", &s.cashier, key, &other).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "idempotency_key");
    // A malformed key is named too.
    let r = w
        .json_keyed("/api/v1/billing/payments", &s.cashier, "short", &other)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "idempotency_key");
    assert_eq!(count().await, 2);
    // Keys are their sender's own: another staff member's identical key books their own payment.
    let r = w.json_keyed("/api/v1/billing/payments", &s.pm, key, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_ne!(r.json()["id"], first.json()["id"]);
    assert_eq!(count().await, 3);
    // Deposits and prepaid refunds: a retried request moves the money once.
    let dep = json!({"amount": "500", "purpose": "装修押金", "method": "cash"});
    let path = format!("/api/v1/billing/units/{u}/deposits");
    for _ in 0..2 {
        let r = w.json_keyed(&path, &s.cashier, "deposit-key-1", &dep).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["balance"], 50_000);
    }
    let path = format!("/api/v1/billing/units/{u}/prepaid-refunds");
    for _ in 0..2 {
        let r = w
            .json_keyed(&path, &s.pm, "refund-key-1", &json!({"amount": "30"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let acct = w
        .get(&format!("/api/v1/billing/units/{u}/account"), Some(&s.cashier))
        .await;
    // 100.00 + 100.00 (the manager's own) prepaid, 30.00 refunded once.
    assert_eq!(acct.json()["prepaid"], 17_000, "{}", acct.body);
    assert_eq!(acct.json()["deposits"], 50_000, "{}", acct.body);
}

#[tokio::test]
async fn cashiers_wait_for_a_bill_run_instead_of_being_refused() {
    // SQLite in a file (as served), not the shared-cache memory database: writers on separate
    // connections contend for the one write lock.
    let dir = std::env::temp_dir().join(format!("linli-writers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = match std::env::var("LINLI_TEST_DATABASE_URL").ok().filter(|s| !s.is_empty()) {
        Some(_) => test_db().await,
        None => {
            let path = dir.join(format!("w{}.db", rand::random::<u32>()));
            let db = server::connect(&format!("sqlite://{}?mode=rwc", path.display()))
                .await
                .unwrap();
            server::migrate(&db).await.unwrap();
            db
        }
    };
    let w = world_on(db, app::db::RuntimeConfig::default()).await;
    let s = fee_setup(&w, 3, 3).await;
    // Twelve cashiers take prepayments while the month's bill run writes.
    let p = next_period();
    let bill = run(&w, &s.pm, w.office_a, &p, true);
    let cashiers = futures::future::join_all((0..12).map(|i| {
        let body = json!({"unit_id": s.units[i % s.units.len()], "lines": [], "method": "cash", "amount": "10.00"});
        let w = &w;
        let token = s.cashier.clone();
        async move {
            let mut out = vec![];
            for _ in 0..5 {
                out.push(w.json("POST", "/api/v1/billing/payments", Some(&token), &body).await);
            }
            out
        }
    }));
    let (bill, cashiers) = futures::join!(bill, cashiers);
    assert_eq!(bill.status, StatusCode::OK, "{}", bill.body);
    assert_eq!(bill.json()["new_lines"], 9, "{}", bill.body);
    let refused: Vec<String> = cashiers
        .iter()
        .flatten()
        .filter(|r| r.status != StatusCode::CREATED)
        .map(|r| format!("{} {}", r.status, r.body))
        .collect();
    assert!(refused.is_empty(), "{refused:?}");
    assert_eq!(payments::Entity::find().count(&w.ctx.db).await.unwrap(), 60);
    // Two bill runs started together: both finish, and the month is billed once.
    let q = {
        use app::billing::{charge, service};
        charge::period_label(charge::add_months(service::current_period(), 2))
    };
    let (a, b) = futures::join!(
        run(&w, &s.pm, w.office_a, &q, true),
        run(&w, &s.pm, w.office_a, &q, true)
    );
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(b.status, StatusCode::OK, "{}", b.body);
    assert_eq!(
        a.json()["new_lines"].as_u64().unwrap() + b.json()["new_lines"].as_u64().unwrap(),
        9
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------- meters and readings

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn this_month() -> String {
    app::billing::charge::period_label(app::billing::service::current_period())
}

fn last_month() -> String {
    use app::billing::{charge, service};
    charge::period_label(charge::add_months(service::current_period(), -1))
}

/// Office A's water item (metered, tiered) with a meter on each of the setup's four units
/// (`W1`…`W4`) and a shared meter `GT`, all read last month at 100.00. Returns the meter ids
/// in that order and the units' numbers.
async fn water_meters(w: &World, s: &Setup) -> (Vec<i64>, Vec<String>) {
    let a = authed(w, "pm.a").await;
    let item = standards::create_item(
        &w.ctx,
        &RequestMeta::default(),
        &a,
        standards::NewItem {
            office_id: w.office_a,
            code: "SF".into(),
            name: "水费".into(),
            category: "water".into(),
            standard: StandardInput {
                effective_from: "2020-01-01".into(),
                basis: "metered".into(),
                price: String::new(),
                tiers: "10:3.50, :5.00".into(),
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
    let mut numbers = vec![];
    for u in &s.units {
        let r = w.get(&format!("/api/v1/units/{u}"), Some(&s.pm)).await;
        numbers.push(
            r.json()["unit"]["number"]
                .as_str()
                .unwrap_or_else(|| panic!("{}", r.body))
                .to_string(),
        );
    }
    let mut ids = vec![];
    for (i, u) in s.units.iter().map(Some).chain([None]).enumerate() {
        let code = if u.is_some() {
            format!("W{}", i + 1)
        } else {
            "GT".to_string()
        };
        let r = w
            .json(
                "POST",
                "/api/v1/billing/meters",
                Some(&s.pm),
                &json!({"community_id": w.community_a.0, "unit_id": u, "item_id": item.id.0, "code": code, "kind": "water"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        ids.push(r.json()["id"].as_i64().unwrap());
    }
    for id in &ids {
        let r = w
            .json(
                "POST",
                &format!("/api/v1/billing/meters/{id}/readings"),
                Some(&s.cashier),
                &json!({"period": last_month(), "reading": "100"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    (ids, numbers)
}

async fn upload_readings(w: &World, token: &str, community: OrgId, bytes: Vec<u8>) -> Resp {
    use axum::body::Body;
    use axum::http::{header, Request};
    w.send(
        Request::post(format!(
            "/api/v1/imports/readings?community_id={}&period={}",
            community.0,
            this_month()
        ))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, XLSX)
        .body(Body::from(bytes))
        .unwrap(),
    )
    .await
}

async fn stored_readings(w: &World, period: &str) -> Vec<(i64, i64, i64, Option<String>)> {
    use app::db::entities::meter_readings;
    use sea_orm::QueryOrder;
    meter_readings::Entity::find()
        .filter(meter_readings::Column::Period.eq(app::billing::charge::parse_period(period).unwrap()))
        .order_by_asc(meter_readings::Column::MeterId)
        .all(&w.ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.meter_id, r.reading, r.usage, r.anomaly))
        .collect()
}

#[tokio::test]
async fn readings_are_recorded_one_by_one_with_usage_flags_and_frozen_months() {
    let w = world().await;
    let s = setup(&w).await;
    let (ids, numbers) = water_meters(&w, &s).await;
    let read = |id: i64, period: String, reading: &'static str| {
        let w = &w;
        let token = s.cashier.clone();
        async move {
            w.json(
                "POST",
                &format!("/api/v1/billing/meters/{id}/readings"),
                Some(&token),
                &json!({"period": period, "reading": reading}),
            )
            .await
        }
    };
    // Usage is the difference from last month; a reading below it is flagged, not refused.
    let r = read(ids[0], this_month(), "112.50").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.json()["reading"].as_i64(), r.json()["usage"].as_i64()),
        (Some(11_250), Some(1_250))
    );
    assert!(r.json()["anomaly"].is_null());
    let r = read(ids[1], this_month(), "99").await;
    assert_eq!(r.json()["usage"], -100);
    assert_eq!(r.json()["anomaly"], "negative");
    // Bad input names its field, in the caller's language.
    let r = read(ids[0], this_month(), "12.345").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "reading");
    assert!(
        r.json()["error"]["message"].as_str().unwrap().contains("读数"),
        "{}",
        r.body
    );
    let r = read(ids[0], "2026-13".into(), "1").await;
    assert_eq!(r.json()["error"]["field"], "period");
    // Correcting last month moves this month's usage with it.
    let r = read(ids[0], last_month(), "110").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let now = stored_readings(&w, &this_month()).await;
    assert_eq!(now.iter().find(|r| r.0 == ids[0]).map(|r| r.2), Some(250));

    // The sheet: every meter, last month's reading, this month's entry, its flag.
    let sheet = w
        .get(
            &format!(
                "/api/v1/billing/meters?community_id={}&period={}",
                w.community_a.0,
                this_month()
            ),
            Some(&s.cashier),
        )
        .await;
    assert_eq!(sheet.status, StatusCode::OK, "{}", sheet.body);
    let sh = sheet.json();
    assert_eq!(sh["meters"].as_array().unwrap().len(), 5);
    assert_eq!(sh["can_record"], true);
    assert_eq!(sh["can_manage"], false);
    let line = |id: i64| {
        sh["meters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(line(ids[0])["unit"], numbers[0].as_str());
    assert_eq!(line(ids[0])["prev_reading"], 11_000);
    assert_eq!(line(ids[1])["anomaly"], "negative");
    assert!(line(ids[2])["reading"].is_null());
    assert!(line(ids[4])["shared"].as_bool().unwrap());
    assert!(line(ids[0])["frozen"].is_null());

    // Once the month is billed on a unit's reading, that reading stays (and so does the one
    // before it, which the bill's usage depends on).
    let r = run(&w, &s.pm, w.office_a, &this_month(), true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = read(ids[0], this_month(), "120").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "err.reading_billed");
    let r = read(ids[0], last_month(), "105").await;
    assert_eq!(r.json()["error"]["code"], "err.reading_next_billed");
    let sh = w
        .get(
            &format!(
                "/api/v1/billing/meters?community_id={}&period={}",
                w.community_a.0,
                this_month()
            ),
            Some(&s.cashier),
        )
        .await
        .json();
    let frozen = sh["meters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == ids[0])
        .unwrap()["frozen"]
        .clone();
    assert_eq!(frozen, "err.reading_billed");
    // Another office's cashier sees none of it and records nothing.
    let b = w.token("cashier.b").await;
    let r = w
        .get(
            &format!("/api/v1/billing/meters?community_id={}", w.community_a.0),
            Some(&b),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w
        .json(
            "POST",
            &format!("/api/v1/billing/meters/{}/readings", ids[2]),
            Some(&b),
            &json!({"period": this_month(), "reading": "120"}),
        )
        .await;
    assert!(
        matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        r.status
    );
    // A cashier cannot add meters; a duplicate code is refused by name.
    let r = w
        .json(
            "POST",
            "/api/v1/billing/meters",
            Some(&s.cashier),
            &json!({"community_id": w.community_a.0, "unit_id": null, "item_id": 1, "code": "X", "kind": "water"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The page's server functions: a reading saved with its usage; bad arguments are the
    // caller's fault (4xx), never a 500.
    use leptos::server_fn::ServerFn;
    let c = w.browser_login("cashier.a").await;
    let path = app::billing::api::RecordMeterReading::PATH;
    let id = ids[3].to_string();
    let this = this_month();
    let r = w
        .server_fn(
            path,
            &[("meter", &id), ("period", &this), ("reading", "101.5")],
            &c,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["usage"], 150);
    for bad in [
        vec![("meter", id.as_str()), ("period", "2026-13"), ("reading", "1")],
        vec![("meter", "abc"), ("period", this.as_str()), ("reading", "1")],
        vec![("meter", id.as_str()), ("period", this.as_str())],
    ] {
        let r = w.server_fn(path, &bad, &c, true).await;
        assert!(r.status.is_client_error(), "{bad:?}: {} {}", r.status, r.body);
    }
    let r = w
        .server_fn(
            app::billing::api::LoadMeterSheet::PATH,
            &[("community", &w.community_a.0.to_string()), ("period", "")],
            &c,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["period"], this_month());
}

#[tokio::test]
async fn the_openapi_document_describes_the_meter_and_settings_routes() {
    let w = world().await;
    let doc = w.get("/api/v1/openapi.json", None).await.json();
    for (p, m) in [
        ("/api/v1/billing/meters", "get"),
        ("/api/v1/billing/meters", "post"),
        ("/api/v1/billing/meters/{id}/readings", "post"),
        ("/api/v1/imports/readings", "post"),
        ("/api/v1/imports/readings/template.xlsx", "get"),
        ("/api/v1/billing/offices/{id}/settings", "get"),
        ("/api/v1/billing/offices/{id}/settings", "put"),
    ] {
        assert!(doc["paths"][p].get(m).is_some(), "{m} {p} missing");
    }
    assert!(
        doc["paths"]["/api/v1/imports/readings"]["post"]["requestBody"]["content"]
            .get(XLSX)
            .is_some()
    );
}

#[tokio::test]
async fn a_readings_workbook_is_stored_whole_or_not_at_all() {
    use app::shared::xlsx::{open_workbook, write_workbook, Limits};
    let w = world().await;
    let s = setup(&w).await;
    let (ids, numbers) = water_meters(&w, &s).await;
    let before = stored_readings(&w, &this_month()).await;
    assert!(before.is_empty());

    // The template lists the community's meters with last month's reading to fill in.
    let (status, bytes) = {
        use axum::body::Body;
        use axum::http::{header, Request};
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let res = w
            .router
            .clone()
            .oneshot(
                Request::get(format!(
                    "/api/v1/imports/readings/template.xlsx?community_id={}&period={}",
                    w.community_a.0,
                    this_month()
                ))
                .header(header::AUTHORIZATION, format!("Bearer {}", s.cashier))
                .body(Body::empty())
                .unwrap(),
            )
            .await
            .unwrap();
        (
            res.status(),
            res.into_body().collect().await.unwrap().to_bytes().to_vec(),
        )
    };
    assert_eq!(status, StatusCode::OK);
    let book = open_workbook(&bytes, &Limits::default()).unwrap();
    let sheet = &book.sheets[0];
    assert_eq!(
        sheet.rows[0].cells,
        ["表号", "房号", "收费项目", "月份", "上次读数", "读数"]
    );
    assert_eq!(sheet.rows.len(), 6, "a header and five meters");
    assert!(sheet
        .rows
        .iter()
        .skip(1)
        .all(|r| r.cell(3) == this_month() && r.cell(4) == "100"));

    // A good file: the template filled in, one meter by unit number and item instead of its
    // code, one reading below last month's (flagged, stored), one row left empty.
    let headers: Vec<String> = ["表号", "房号", "收费项目", "月份", "读数"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let row = |code: &str, unit: &str, item: &str, month: &str, reading: &str| -> Vec<String> {
        [code, unit, item, month, reading]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let m = this_month();
    let good = write_workbook(&[(
        "抄表",
        headers.clone(),
        vec![
            row("W1", "", "", &m, "112.5"),
            row("", &numbers[1], "水费", "", "108"),
            row("W3", &numbers[2], "", &m, "95"),
            row("W4", "", "", &m, ""),
            row("GT", "", "", &m, "150.25"),
        ],
    )])
    .unwrap();
    // Someone else's file is refused before it is read: a resident, another office's cashier.
    w.resident("13900000099", "旁人").await;
    for who in [w.token("13900000099").await, w.token("cashier.b").await] {
        let r = upload_readings(&w, &who, w.community_a, good.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    }
    assert!(stored_readings(&w, &this_month()).await.is_empty());

    let r = upload_readings(&w, &s.cashier, w.community_a, good).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let rep = r.json();
    assert_eq!(
        (
            rep["committed"].as_bool(),
            rep["readings"].as_u64(),
            rep["skipped"].as_u64()
        ),
        (Some(true), Some(4), Some(1))
    );
    let flagged = rep["flagged"].as_array().unwrap();
    assert_eq!(flagged.len(), 1, "{rep}");
    assert_eq!(
        (flagged[0]["row"].as_u64(), flagged[0]["meter"].as_str()),
        (Some(4), Some("W3"))
    );
    assert_eq!(flagged[0]["anomaly"], "negative");
    let now = stored_readings(&w, &this_month()).await;
    assert_eq!(
        now.iter().map(|r| (r.0, r.1, r.2)).collect::<Vec<_>>(),
        vec![
            (ids[0], 11_250, 1_250),
            (ids[1], 10_800, 800),
            (ids[2], 9_500, -500),
            (ids[4], 15_025, 5_025)
        ]
    );
    let audit = app::db::entities::audit_log::Entity::find()
        .filter(app::db::entities::audit_log::Column::Action.eq("billing.readings.import"))
        .count(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(audit, 1);

    // One bad row: nothing of the file is stored, and the report names the row and column.
    let bad = write_workbook(&[(
        "抄表",
        headers.clone(),
        vec![
            row("W1", "", "", &m, "130"),
            row("W2", "", "", &m, "12.345"),
            row("W4", "", "", &m, "140"),
        ],
    )])
    .unwrap();
    let r = upload_readings(&w, &s.cashier, w.community_a, bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let rep = r.json();
    assert_eq!(rep["committed"], false);
    assert_eq!(rep["error_count"], 1);
    let e = &rep["errors"][0];
    assert_eq!((e["row"].as_u64(), e["column"].as_str()), (Some(3), Some("读数")));
    assert_eq!(e["code"], "err.reading_invalid");
    assert!(e["message"].as_str().unwrap().contains("两位小数"), "{e}");
    assert_eq!(stored_readings(&w, &this_month()).await, now, "nothing changed");

    // Rows the database refuses are named the same way, in the same report as the cells that
    // do not read: an unknown meter, a meter twice, a closed month, a bad number.
    counter::close_period(
        &w.ctx,
        &RequestMeta::default(),
        &authed(&w, "pm.a").await,
        w.office_a,
        &last_month(),
    )
    .await
    .unwrap();
    let bad = write_workbook(&[(
        "抄表",
        headers,
        vec![
            row("W9", "", "", &m, "1"),
            row("W4", "", "", &m, "140"),
            row("", &numbers[3], "", &m, "141"),
            row("W4", "", "", &last_month(), "99"),
            row("W1", "", "", &m, "abc"),
        ],
    )])
    .unwrap();
    let r = upload_readings(&w, &s.cashier, w.community_a, bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let got: Vec<(u64, String, String)> = r.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (2, "表号".into(), "err.readings_unknown_meter".into()),
            (4, "读数".into(), "err.import_duplicate".into()),
            (5, "月份".into(), "err.period_closed".into()),
            (6, "读数".into(), "err.reading_invalid".into()),
        ]
    );
    assert_eq!(stored_readings(&w, &this_month()).await, now, "nothing changed");
    assert!(r.json()["errors"][1]["message"].as_str().unwrap().contains('3'));

    // Not a workbook at all: a clear 422 on the file.
    let r = upload_readings(&w, &s.cashier, w.community_a, b"name,reading\nW1,1\n".to_vec()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "file");
}

#[tokio::test]
async fn billing_settings_are_read_and_saved_with_each_bad_field_named() {
    let w = world().await;
    let s = setup(&w).await;
    let path = format!("/api/v1/billing/offices/{}/settings", w.office_a.0);
    let r = w.get(&path, Some(&s.pm)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut body = r.json();
    assert_eq!(body["late_fee_mode"], "none");
    body["late_fee_mode"] = json!("daily");
    body["late_fee_rate"] = json!(5);
    body["grace_days"] = json!(10);
    body["receipt_prefix"] = json!("gh");
    let r = w.json("PUT", &path, Some(&s.pm), &body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["receipt_prefix"], "GH");
    assert_eq!(w.get(&path, Some(&s.cashier)).await.json()["grace_days"], 10);
    for (field, value) in [
        ("late_fee_rate", json!(500)),
        ("grace_days", json!(400)),
        ("due_day", json!(31)),
        ("vacant_relief_bp", json!(10_001)),
        ("prepay_discount_bp", json!(20_000)),
        ("receipt_prefix", json!("收据")),
    ] {
        let mut b = body.clone();
        b[field] = value;
        let r = w.json("PUT", &path, Some(&s.pm), &b).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.body);
        assert_eq!(r.json()["error"]["field"], field);
    }
    // A cashier reads the rules but cannot change them; another office cannot even read them.
    let r = w.json("PUT", &path, Some(&s.cashier), &body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let b = w.token("cashier.b").await;
    assert_eq!(w.get(&path, Some(&b)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn money_inputs_are_bounded_and_well_formed_and_a_refusal_stores_nothing() {
    let w = world().await;
    let s = setup(&w).await;
    let u = s.units[0];
    let deposit = |amount: &'static str| {
        let w = &w;
        let t = s.cashier.clone();
        async move {
            w.json(
                "POST",
                &format!("/api/v1/billing/units/{u}/deposits"),
                Some(&t),
                &json!({"amount": amount, "purpose": "装修押金", "method": "cash"}),
            )
            .await
        }
    };
    // i64::MAX fen, and one fen over ¥100,000,000.00: refused as too large, by name.
    for big in ["92233720368547758.07", "100000000.01"] {
        let r = deposit(big).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], "amount");
        assert_eq!(r.json()["error"]["code"], "err.amount_too_large");
    }
    // Commas only as thousands separators.
    let r = deposit("1,00,0").await;
    assert_eq!(r.json()["error"]["code"], "err.amount_invalid", "{}", r.body);
    let r = pay(&w, &s.cashier, u, json!([]), "1,00,0").await;
    assert_eq!(r.json()["error"]["code"], "err.amount_invalid", "{}", r.body);
    let r = pay(&w, &s.cashier, u, json!([]), "100000000.01").await;
    assert_eq!(r.json()["error"]["code"], "err.amount_too_large", "{}", r.body);
    // Nothing was stored, and the account still answers.
    let acct = w
        .get(&format!("/api/v1/billing/units/{u}/account"), Some(&s.cashier))
        .await;
    assert_eq!(acct.status, StatusCode::OK, "{}", acct.body);
    assert_eq!(acct.json()["deposit_list"].as_array().unwrap().len(), 0);
    assert_eq!(
        app::db::entities::payments::Entity::find()
            .count(&w.ctx.db)
            .await
            .unwrap(),
        0
    );
    // The largest amount is fine, with its commas.
    let r = deposit("100,000,000.00").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["balance"], 10_000_000_000i64);
    // A prepayment names an item of this office or none.
    let r = w
        .json(
            "POST",
            "/api/v1/billing/payments",
            Some(&s.cashier),
            &json!({"unit_id": u, "lines": [], "method": "cash", "amount": "10", "prepay_item": 999_999}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "prepay_item");
}
