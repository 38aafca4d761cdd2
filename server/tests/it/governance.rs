//! Owners' governance through the HTTP API: the voter register, meetings, ballots and the log.
use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

/// Who lives where in the six units [`homes`] builds: (unit, name, phone, relation).
const OWNERS: [(usize, &str, &str, &str); 6] = [
    (0, "甲", "13900000001", "owner"),
    (1, "甲", "13900000001", "owner"),
    (2, "乙", "13900000002", "owner"),
    (2, "丙", "13900000003", "co_owner"),
    (3, "丁", "13900000004", "owner"),
    (3, "戊", "13900000005", "tenant"),
];

/// Six units of 89.57 ㎡ in community A, with `occupants` recorded by the manager; returns each
/// unit's (id, number).
async fn homes(w: &World, pm: &str, occupants: &[(usize, &str, &str, &str)]) -> Vec<(i64, String)> {
    let r = w
        .json(
            "POST",
            "/api/v1/buildings",
            Some(pm),
            &json!({"community_id": w.community_a.0, "code": "1", "cells": 1, "floors": 2, "per_floor": 3, "area": "89.57"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = w
        .get(
            &format!("/api/v1/units?community_id={}&q=1-", w.community_a.0),
            Some(pm),
        )
        .await;
    let units: Vec<(i64, String)> = r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["id"].as_i64().unwrap(), u["number"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(units.len(), 6);
    for (unit, name, phone, relation) in occupants {
        let r = w
            .json(
                "POST",
                &format!("/api/v1/units/{}/occupants", units[*unit].0),
                Some(pm),
                &json!({"name": name, "phone": phone, "relation": relation}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    units
}

#[tokio::test]
async fn the_voter_register_counts_persons_and_areas_as_the_law_does_and_only_in_scope() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    let pm = w.token("pm.a").await;
    // Six units of 89.57 ㎡: 甲 buys units 0 and 1; 乙 and 丙 own unit 2 together; 丁 owns
    // unit 3; 4 and 5 are unsold.
    let units = homes(&w, &pm, &OWNERS[..5]).await;
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

/// [`homes`] with every occupant of [`OWNERS`], their accounts, and 丁 on the committee.
/// Returns the committee's token.
async fn assembly(w: &World) -> String {
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    let pm = w.token("pm.a").await;
    homes(w, &pm, &OWNERS).await;
    for (phone, name) in [
        ("13900000001", "甲"),
        ("13900000002", "乙"),
        ("13900000003", "丙"),
        ("13900000004", "丁"),
        ("13900000005", "戊"),
    ] {
        w.resident(phone, name).await;
    }
    app::access::service::grant_system(&w.ctx, "13900000004", "committee", w.community_a)
        .await
        .unwrap();
    w.token("13900000004").await
}

/// Moves a meeting's opening (or close) to the past, as time would.
async fn shift(w: &World, id: i64, opens: bool, closes: bool) {
    use app::db::entities::gov_meetings;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let m = gov_meetings::Entity::find_by_id(id)
        .one(&w.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let mut am: gov_meetings::ActiveModel = m.into();
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    if opens {
        am.opens_at = Set(past);
    }
    if closes {
        am.closes_at = Set(past);
    }
    am.update(&w.ctx.db).await.unwrap();
}

fn day(offset: u64) -> String {
    (app::shared::time::today_cn() + chrono::Days::new(offset)).to_string()
}

/// Drafts a ten-day meeting of community A opening `opens` days from today with one ordinary
/// matter, as the chair; returns it.
async fn draft(w: &World, chair: &str, opens: u64) -> serde_json::Value {
    let r = w
        .json(
            "POST",
            "/api/v1/votes",
            Some(chair),
            &json!({"community": w.community_a.0, "title": "续聘", "opens_on": day(opens), "closes_on": day(opens + 10)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let r = w
        .json(
            "POST",
            &format!("/api/v1/votes/{id}/items"),
            Some(chair),
            &json!({"title": "续聘物业", "kind": "matter", "rule": "ordinary"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()
}

/// Gives notice of meeting `id`, lets the notice period pass and opens the vote.
async fn open_now(w: &World, chair: &str, id: i64) {
    let actions = format!("/api/v1/votes/{id}/actions");
    let r = w
        .json("POST", &actions, Some(chair), &json!({"action": "notice"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    shift(w, id, true, false).await;
    let r = w.json("POST", &actions, Some(chair), &json!({"action": "open"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_meeting_goes_from_draft_to_a_published_result_that_its_log_re_tallies() {
    let w = world().await;
    let chair = assembly(&w).await;
    let pm = w.token("pm.a").await;
    let new =
        json!({"community": w.community_a.0, "title": "第一次业主大会", "opens_on": day(20), "closes_on": day(30)});
    // Property staff do not run the owners' vote; nor does an owner off the committee.
    assert_eq!(
        w.json("POST", "/api/v1/votes", Some(&pm), &new).await.status,
        StatusCode::FORBIDDEN
    );
    let jia = w.token("13900000001").await;
    assert_eq!(
        w.json("POST", "/api/v1/votes", Some(&jia), &new).await.status,
        StatusCode::FORBIDDEN
    );
    let r = w.json("POST", "/api/v1/votes", Some(&chair), &new).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.json()["status"], "draft");
    let base = format!("/api/v1/votes/{id}");
    // A draft is the committee's alone.
    assert_eq!(w.get(&base, Some(&jia)).await.status, StatusCode::NOT_FOUND);
    assert!(w
        .get("/api/v1/votes", Some(&jia))
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());

    let items = format!("{base}/items");
    let r = w
        .json(
            "POST",
            &items,
            Some(&chair),
            &json!({"title": "续聘物业", "kind": "matter", "rule": "ordinary"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let bad = json!({"title": "选举", "kind": "election", "rule": "ordinary", "seats": 5, "candidates": ["张三\n李四\n王五"]});
    let r = w.json("POST", &items, Some(&chair), &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "seats");
    let election = json!({"title": "选举", "kind": "election", "rule": "special", "seats": 1, "max_picks": 2, "candidates": ["张三\n李四\n王五"]});
    let r = w.json("POST", &items, Some(&chair), &election).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let m = r.json();
    assert_eq!(m["items"][1]["candidates"], json!(["张三", "李四", "王五"]));
    assert_eq!(m["items"][1]["rule"], "ordinary", "an election is an ordinary matter");

    let act = |a: &str| json!({"action": a});
    let actions = format!("{base}/actions");
    // Opening needs the notice first; the notice freezes the matters.
    let r = w.json("POST", &actions, Some(&chair), &act("open")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = w.json("POST", &actions, Some(&chair), &act("notice")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = w
        .json(
            "POST",
            &items,
            Some(&chair),
            &json!({"title": "晚到的事项", "kind": "matter", "rule": "ordinary"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // Residents see it from the notice on, and were told.
    assert_eq!(w.get(&base, Some(&jia)).await.status, StatusCode::OK);
    let inbox = w.get("/api/v1/me/notifications", Some(&jia)).await.json();
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["category"] == "votes"),
        "{inbox}"
    );
    // Not before the announced opening day.
    let r = w.json("POST", &actions, Some(&chair), &act("open")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "opens_on");
    shift(&w, id, true, false).await;
    let r = w.json("POST", &actions, Some(&chair), &act("open")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let m = r.json();
    assert_eq!(m["total"], json!({"persons": 4, "area": 6 * 8_957}));
    assert_eq!(m["turnout"], json!({"persons": 0, "area": 0}));

    // Who votes for what: 甲 for units 0 and 1 as one person.
    let mine = w.get(&base, Some(&jia)).await.json();
    assert_eq!(mine["voters"].as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine["voters"][0]["area"], 2 * 8_957);
    assert!(mine["cannot_vote"].is_null());
    let jia_voter = mine["voters"][0]["voter"].as_i64().unwrap();
    let yi = w.token("13900000002").await;
    let bing = w.token("13900000003").await;
    let ding_voter = w.get(&base, Some(&chair)).await.json()["voters"][0]["voter"]
        .as_i64()
        .unwrap();
    let yi_voter = w.get(&base, Some(&yi)).await.json()["voters"][0]["voter"]
        .as_i64()
        .unwrap();
    assert_eq!(
        w.get(&base, Some(&bing)).await.json()["voters"][0]["voter"]
            .as_i64()
            .unwrap(),
        yi_voter,
        "co-owners cast one ballot"
    );
    // A tenant is told why not, and refused.
    let wu = w.token("13900000005").await;
    let theirs = w.get(&base, Some(&wu)).await.json();
    assert_eq!(theirs["cannot_vote"], "gov.cannot_vote_tenant");
    let ballots = format!("{base}/ballots");
    let ballot =
        |voter: i64, a: serde_json::Value, picks: serde_json::Value| json!({"voter": voter, "answers": [a, picks]});
    let r = w
        .json(
            "POST",
            &ballots,
            Some(&wu),
            &ballot(ding_voter, json!("agree"), json!([0])),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.json()["error"]["message"].as_str().unwrap().contains("租户"),
        "{}",
        r.body
    );
    // Nobody casts another household's ballot.
    let r = w
        .json(
            "POST",
            &ballots,
            Some(&jia),
            &ballot(ding_voter, json!("agree"), json!([0])),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // Too many picks, a choice on an election, a short ballot: refused, nothing stored.
    for bad in [
        ballot(jia_voter, json!("agree"), json!([0, 1, 2])),
        ballot(jia_voter, json!([0]), json!("agree")),
        json!({"voter": jia_voter, "answers": ["agree"]}),
        ballot(jia_voter, json!("agree"), json!([1, 1])),
    ] {
        let r = w.json("POST", &ballots, Some(&jia), &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.body);
    }
    assert_eq!(
        w.get(&base, Some(&chair)).await.json()["meeting"]["turnout"]["persons"],
        0
    );

    let r = w
        .json(
            "POST",
            &ballots,
            Some(&jia),
            &ballot(jia_voter, json!("agree"), json!([0, 1])),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let receipt = r.json()["receipt"].as_str().unwrap().to_string();
    assert_eq!(receipt.len(), 19, "{receipt}");
    // The same ballot again is taken once; another one is refused (changes not allowed here).
    let r = w
        .json(
            "POST",
            &ballots,
            Some(&jia),
            &ballot(jia_voter, json!("agree"), json!([0, 1])),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["receipt"].as_str().unwrap()),
        (StatusCode::OK, receipt.as_str())
    );
    let r = w
        .json(
            "POST",
            &ballots,
            Some(&jia),
            &ballot(jia_voter, json!("oppose"), json!([0, 1])),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // 乙 casts for the unit 乙 and 丙 own; 丙 hears of it and cannot cast a second one.
    let r = w
        .json(
            "POST",
            &ballots,
            Some(&yi),
            &ballot(yi_voter, json!("oppose"), json!([2])),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let inbox = w.get("/api/v1/me/notifications", Some(&bing)).await.json();
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["body"].as_str().unwrap().contains("乙")),
        "{inbox}"
    );
    let r = w
        .json(
            "POST",
            &ballots,
            Some(&bing),
            &ballot(yi_voter, json!("agree"), json!([2])),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = w
        .json(
            "POST",
            &ballots,
            Some(&chair),
            &ballot(ding_voter, json!("agree"), json!([0])),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let turnout = w.get(&base, Some(&chair)).await.json()["meeting"]["turnout"].clone();
    assert_eq!(turnout, json!({"persons": 3, "area": 4 * 8_957}));

    // Not closed before the announced close; after it, no ballot is taken.
    let r = w.json("POST", &actions, Some(&chair), &act("close")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    shift(&w, id, false, true).await;
    let r = w
        .json(
            "POST",
            &ballots,
            Some(&jia),
            &ballot(jia_voter, json!("agree"), json!([0, 1])),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        w.get(&format!("{base}/result"), Some(&jia)).await.status,
        StatusCode::NOT_FOUND
    );
    // Residents read the log once published; the committee from the opening on.
    assert_eq!(w.get(&ballots, Some(&jia)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.get(&ballots, Some(&chair)).await.status, StatusCode::OK);
    for a in ["close", "publish"] {
        let r = w.json("POST", &actions, Some(&chair), &act(a)).await;
        assert_eq!(r.status, StatusCode::OK, "{a}: {}", r.body);
    }

    // 3 of 4 persons and exactly 4/6 of the area took part: the quorum is met at its boundary.
    let res = w.get(&format!("{base}/result"), Some(&jia)).await.json();
    assert_eq!(res["participating"], json!({"persons": 3, "area": 4 * 8_957}));
    let matter = &res["items"][0]["outcome"];
    assert_eq!(matter["kind"], "matter");
    assert_eq!(
        (matter["quorum"].as_bool(), matter["passed"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(matter["agree"], json!({"persons": 2, "area": 3 * 8_957}));
    assert_eq!(matter["oppose"], json!({"persons": 1, "area": 8_957}));
    let election = &res["items"][1]["outcome"];
    assert_eq!(election["elected"], json!([0]));
    assert_eq!(election["candidates"][1]["passes"], false);

    // The exported log re-walks to the published head and re-tallies the same; voters are
    // tokens in a secret ballot.
    let log = w.get(&ballots, Some(&jia)).await.json();
    let rows = log["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let mut prev = app::governance::ballots::GENESIS.to_string();
    for r in rows {
        let row: app::governance::model::LogRow = serde_json::from_value(r.clone()).unwrap();
        assert_eq!(row.prev_hash, prev);
        assert_eq!(app::governance::ballots::row_hash(id, &row), row.hash);
        assert!(row.units.is_none());
        prev = row.hash;
    }
    assert_eq!(res["head"], prev.as_str());
    assert!(rows
        .iter()
        .any(|r| app::governance::model::receipt_of(r["hash"].as_str().unwrap()) == receipt));
    let v = app::governance::ballots::verify(&w.ctx.db, app::shared::ids::MeetingId(id))
        .await
        .unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);

    // A ballot altered in the database afterwards: the chain and the re-tally say so.
    {
        use app::db::entities::gov_ballot_log;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
        let row = gov_ballot_log::Entity::find()
            .filter(gov_ballot_log::Column::MeetingId.eq(id))
            .filter(gov_ballot_log::Column::Seq.eq(2))
            .one(&w.ctx.db)
            .await
            .unwrap()
            .unwrap();
        let mut am: gov_ballot_log::ActiveModel = row.into();
        am.answers = Set(r#"["agree",[2]]"#.into());
        am.update(&w.ctx.db).await.unwrap();
    }
    let v = app::governance::ballots::verify(&w.ctx.db, app::shared::ids::MeetingId(id))
        .await
        .unwrap();
    assert!(v.problems.iter().any(|p| p.contains("row 2")), "{:?}", v.problems);
}

#[tokio::test]
async fn a_meeting_is_seen_only_in_its_community_and_the_notice_period_holds() {
    let w = world().await;
    let chair = assembly(&w).await;
    // The notice must come at least 15 days before the opening.
    let r = w
        .json(
            "POST",
            "/api/v1/votes",
            Some(&chair),
            &json!({"community": w.community_a.0, "title": "太急的会议", "opens_on": day(3), "closes_on": day(10), "allow_change": true}),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let r = w
        .json(
            "POST",
            &format!("/api/v1/votes/{id}/actions"),
            Some(&chair),
            &json!({"action": "notice"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "items");
    let r = w
        .json(
            "POST",
            &format!("/api/v1/votes/{id}/items"),
            Some(&chair),
            &json!({"title": "事项", "kind": "matter", "rule": "special"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = w
        .json(
            "POST",
            &format!("/api/v1/votes/{id}/actions"),
            Some(&chair),
            &json!({"action": "notice"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "opens_on");
    // The committee of A cannot call a meeting in B; a resident of B sees nothing of A's.
    let r = w
        .json(
            "POST",
            "/api/v1/votes",
            Some(&chair),
            &json!({"community": w.community_b.0, "title": "别人的小区", "opens_on": day(20), "closes_on": day(30)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    w.resident("13900000009", "己").await;
    let stranger = w.token("13900000009").await;
    assert_eq!(
        w.get(&format!("/api/v1/votes/{id}"), Some(&stranger)).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(w
        .get("/api/v1/votes", Some(&stranger))
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(w.get("/api/v1/votes", None).await.status, StatusCode::UNAUTHORIZED);
}

/// A photo uploaded by `token` (a scanned paper ballot); its id.
async fn scan(w: &World, token: &str) -> i64 {
    use axum::body::Body;
    use axum::http::Request;
    let r = w
        .send(
            Request::post("/api/v1/files/photos?name=ballot.png")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "image/png")
                .body(Body::from(png(80, 60)))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn paper_ballots_and_online_ones_stand_side_by_side_until_the_committee_settles_them() {
    let w = world().await;
    let chair = assembly(&w).await;
    let id = draft(&w, &chair, 20).await["id"].as_i64().unwrap();
    let base = format!("/api/v1/votes/{id}");
    let act = |a: &str| json!({"action": a});
    let actions = format!("{base}/actions");
    // No paper before the register is frozen.
    let voters = format!("{base}/voters");
    assert_eq!(w.get(&voters, Some(&chair)).await.status, StatusCode::CONFLICT);
    open_now(&w, &chair, id).await;

    let jia = w.token("13900000001").await;
    let yi = w.token("13900000002").await;
    let voter_of = async |token: &str| {
        w.get(&base, Some(token)).await.json()["voters"][0]["voter"]
            .as_i64()
            .unwrap()
    };
    let (jia_v, yi_v, ding_v) = (voter_of(&jia).await, voter_of(&yi).await, voter_of(&chair).await);
    let ballots = format!("{base}/ballots");
    let r = w
        .json(
            "POST",
            &ballots,
            Some(&jia),
            &json!({"voter": jia_v, "answers": ["agree"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Only the committee looks up the register and enters paper.
    assert_eq!(w.get(&voters, Some(&jia)).await.status, StatusCode::FORBIDDEN);
    let found = w.get(&voters, Some(&chair)).await.json();
    assert_eq!(found.as_array().unwrap().len(), 4, "{found}");
    let jia_row = found.as_array().unwrap().iter().find(|v| v["voter"] == jia_v).unwrap();
    assert_eq!(
        (jia_row["online"].as_bool(), jia_row["paper"].as_bool()),
        (Some(true), Some(false))
    );
    let unit = jia_row["units"]
        .as_str()
        .unwrap()
        .split('、')
        .next()
        .unwrap()
        .to_string();
    let by_unit = w.get(&format!("{voters}?q={unit}"), Some(&chair)).await.json();
    assert!(
        by_unit.as_array().unwrap().iter().any(|v| v["voter"] == jia_v),
        "{by_unit}"
    );

    let paper = format!("{base}/paper-ballots");
    let theirs = scan(&w, &jia).await;
    let r = w
        .json(
            "POST",
            &paper,
            Some(&jia),
            &json!({"voter": jia_v, "answers": ["oppose"], "scan": theirs}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // A scan someone else uploaded, a voter not on the register, a ballot that does not fit:
    // refused by name, nothing stored.
    for (body, field) in [
        (json!({"voter": jia_v, "answers": ["oppose"], "scan": theirs}), "scan"),
        (json!({"voter": 99, "answers": ["oppose"], "scan": theirs}), "voter"),
        (
            json!({"voter": jia_v, "answers": ["oppose", "agree"], "scan": theirs}),
            "answers",
        ),
    ] {
        let r = w.json("POST", &paper, Some(&chair), &body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
    }
    let jia_scan = scan(&w, &chair).await;
    let r = w
        .json(
            "POST",
            &paper,
            Some(&chair),
            &json!({"voter": jia_v, "answers": ["oppose"], "scan": jia_scan}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (r.json()["online"].as_bool(), r.json()["paper"].as_bool()),
        (Some(true), Some(true))
    );
    let yi_scan = scan(&w, &chair).await;
    let r = w
        .json(
            "POST",
            &paper,
            Some(&chair),
            &json!({"voter": yi_v, "answers": ["agree"], "scan": yi_scan}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // One scan, one ballot.
    let r = w
        .json(
            "POST",
            &paper,
            Some(&chair),
            &json!({"voter": ding_v, "answers": ["agree"], "scan": yi_scan}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // 甲 sees the paper ballot next to the online one, and was told.
    let mine = w.get(&base, Some(&jia)).await.json();
    assert!(mine["voters"][0]["paper_receipt"].is_string(), "{mine}");
    assert!(mine["voters"][0]["receipt"].is_string(), "{mine}");
    let inbox = w.get("/api/v1/me/notifications", Some(&jia)).await.json();
    assert!(inbox.to_string().contains("书面表决票"), "{inbox}");

    // The conflict is listed with both ballots and the scan; the scan is the committee's.
    let conflicts = format!("{base}/conflicts");
    let c = w.get(&conflicts, Some(&chair)).await.json();
    assert_eq!(c.as_array().unwrap().len(), 1, "{c}");
    assert_eq!(c[0]["voter"], jia_v);
    assert_eq!(
        (c[0]["online"].clone(), c[0]["paper"].clone()),
        (json!(["agree"]), json!(["oppose"]))
    );
    assert_eq!(c[0]["scan"], jia_scan);
    let img = format!("{base}/scans/{jia_scan}");
    let r = w.get(&img, Some(&chair)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(w.get(&img, Some(&jia)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.get(&conflicts, Some(&jia)).await.status, StatusCode::FORBIDDEN);

    // The paper ballot stands; where changes are not allowed, 甲 cannot vote online again.
    let r = w
        .json(
            "POST",
            &format!("{conflicts}/{jia_v}"),
            Some(&chair),
            &json!({"keep": "paper"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), json!([]));
    let r = w
        .json(
            "POST",
            &format!("{conflicts}/{jia_v}"),
            Some(&chair),
            &json!({"keep": "paper"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = w
        .json(
            "POST",
            &ballots,
            Some(&jia),
            &json!({"voter": jia_v, "answers": ["agree"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(w
        .get(&conflicts, Some(&chair))
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());

    // 丁 votes online; after the close a paper ballot of his arrives: publishing waits for it.
    let r = w
        .json(
            "POST",
            &ballots,
            Some(&chair),
            &json!({"voter": ding_v, "answers": ["agree"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    shift(&w, id, false, true).await;
    assert_eq!(
        w.json("POST", &actions, Some(&chair), &act("close")).await.status,
        StatusCode::OK
    );
    let ding_scan = scan(&w, &chair).await;
    let r = w
        .json(
            "POST",
            &paper,
            Some(&chair),
            &json!({"voter": ding_v, "answers": ["oppose"], "scan": ding_scan}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = w.json("POST", &actions, Some(&chair), &act("publish")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "conflicts");
    let r = w
        .json(
            "POST",
            &format!("{conflicts}/{ding_v}"),
            Some(&chair),
            &json!({"keep": "online"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = w.json("POST", &actions, Some(&chair), &act("publish")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // No paper after publication.
    let late = scan(&w, &chair).await;
    let r = w
        .json(
            "POST",
            &paper,
            Some(&chair),
            &json!({"voter": jia_v, "answers": ["agree"], "scan": late}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // 甲's paper 反对, 乙's paper 同意, 丁's online 同意: three take part, two agree.
    let res = w.get(&format!("{base}/result"), Some(&jia)).await.json();
    assert_eq!(res["participating"]["persons"], 3);
    let o = &res["items"][0]["outcome"];
    assert_eq!(
        (o["agree"]["persons"].as_i64(), o["oppose"]["persons"].as_i64()),
        (Some(2), Some(1))
    );

    // The log holds every step, the scans' fingerprints included, and re-walks and re-tallies.
    let log = w.get(&ballots, Some(&jia)).await.json();
    let rows = log["rows"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["kind"].as_str().unwrap(), r["source"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("cast", "online"),
            ("cast", "paper"),
            ("cast", "paper"),
            ("resolve", "paper"),
            ("cast", "online"),
            ("cast", "paper"),
            ("resolve", "online"),
        ]
    );
    assert_eq!(rows[1]["scan"].as_str().map(str::len), Some(64));
    assert!(rows[0]["scan"].is_null());
    let mut prev = app::governance::ballots::GENESIS.to_string();
    for r in rows {
        let row: app::governance::model::LogRow = serde_json::from_value(r.clone()).unwrap();
        assert_eq!(row.prev_hash, prev);
        assert_eq!(app::governance::ballots::row_hash(id, &row), row.hash);
        prev = row.hash;
    }
    assert_eq!(res["head"], prev.as_str());
    let v = app::governance::ballots::verify(&w.ctx.db, app::shared::ids::MeetingId(id))
        .await
        .unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);

    // A scan's fingerprint changed afterwards breaks the chain.
    {
        use app::db::entities::gov_ballot_log;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
        let row = gov_ballot_log::Entity::find()
            .filter(gov_ballot_log::Column::MeetingId.eq(id))
            .filter(gov_ballot_log::Column::Seq.eq(2))
            .one(&w.ctx.db)
            .await
            .unwrap()
            .unwrap();
        let mut am: gov_ballot_log::ActiveModel = row.into();
        am.scan = Set(Some("0".repeat(64)));
        am.update(&w.ctx.db).await.unwrap();
    }
    let v = app::governance::ballots::verify(&w.ctx.db, app::shared::ids::MeetingId(id))
        .await
        .unwrap();
    assert!(v.problems.iter().any(|p| p.contains("row 2")), "{:?}", v.problems);
}

#[tokio::test]
async fn a_community_keeps_its_own_notice_period_and_owners_who_have_not_voted_are_reminded_once() {
    let w = world().await;
    let chair = assembly(&w).await;
    let pm = w.token("pm.a").await;
    let jia = w.token("13900000001").await;
    let yi = w.token("13900000002").await;
    let rules = format!("/api/v1/communities/{}/assembly-rules", w.community_a.0);
    let r = w.get(&rules, Some(&chair)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.json()["notice_days"].as_i64(), r.json()["remind_days"].as_i64()),
        (Some(15), Some(3))
    );
    // The committee's rules: not the property company's, not an owner's.
    for token in [&pm, &jia] {
        assert_eq!(w.get(&rules, Some(token)).await.status, StatusCode::FORBIDDEN);
        let r = w
            .json(
                "PUT",
                &rules,
                Some(token),
                &json!({"notice_days": 20, "remind_days": 2}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    }
    // Below the national 15 days, or a reminder out of range: refused by name.
    for (body, field) in [
        (json!({"notice_days": 10, "remind_days": 2}), "notice_days"),
        (json!({"notice_days": 20, "remind_days": 20}), "remind_days"),
    ] {
        let r = w.json("PUT", &rules, Some(&chair), &body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], field);
    }
    let r = w
        .json(
            "PUT",
            &rules,
            Some(&chair),
            &json!({"notice_days": 20, "remind_days": 2}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(w.get(&rules, Some(&chair)).await.json()["notice_days"], 20);

    // A meeting drafted now follows them: 16 days is no longer enough notice.
    let early = draft(&w, &chair, 16).await;
    assert_eq!(
        (early["notice_days"].as_i64(), early["remind_days"].as_i64()),
        (Some(20), Some(2))
    );
    let r = w
        .json(
            "POST",
            &format!("/api/v1/votes/{}/actions", early["id"]),
            Some(&chair),
            &json!({"action": "notice"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "opens_on");
    let id = draft(&w, &chair, 21).await["id"].as_i64().unwrap();
    open_now(&w, &chair, id).await;
    let base = format!("/api/v1/votes/{id}");
    let jia_v = w.get(&base, Some(&jia)).await.json()["voters"][0]["voter"]
        .as_i64()
        .unwrap();
    let r = w
        .json(
            "POST",
            &format!("{base}/ballots"),
            Some(&jia),
            &json!({"voter": jia_v, "answers": ["agree"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let reminded = |token: &str| {
        let token = token.to_string();
        let w = &w;
        async move {
            w.get("/api/v1/me/notifications", Some(&token))
                .await
                .json()
                .to_string()
                .contains("你还没有投票")
        }
    };
    // Ten days before the close: too early.
    assert_eq!(app::governance::rules::remind_due(&w.ctx).await.unwrap(), 0);
    // A day before the close, within the two days: the owners who have not voted hear once.
    {
        use app::db::entities::gov_meetings;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
        let m = gov_meetings::Entity::find_by_id(id)
            .one(&w.ctx.db)
            .await
            .unwrap()
            .unwrap();
        let mut am: gov_meetings::ActiveModel = m.into();
        am.closes_at = Set(chrono::Utc::now() + chrono::Duration::days(1));
        am.update(&w.ctx.db).await.unwrap();
    }
    assert_eq!(app::governance::rules::remind_due(&w.ctx).await.unwrap(), 1);
    assert_eq!(app::governance::rules::remind_due(&w.ctx).await.unwrap(), 0);
    assert!(reminded(&yi).await, "乙 has not voted");
    assert!(!reminded(&jia).await, "甲 has voted");
    assert!(!reminded(&w.token("13900000005").await).await, "a tenant has no vote");
}

#[tokio::test]
async fn the_register_exports_for_city_platforms_one_row_per_unit_with_owners_masked() {
    use calamine::Reader as _;
    let w = world().await;
    let chair = assembly(&w).await;
    let pm = w.token("pm.a").await;
    let jia = w.token("13900000001").await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    let other = w.token("pm.b").await;
    let uri = format!("/api/v1/communities/{}/voter-register.xlsx", w.community_a.0);
    // The committee and the community's staff; not an owner off the committee, not another office.
    assert_eq!(w.get(&uri, Some(&jia)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.get(&uri, Some(&other)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.get(&uri, Some(&pm)).await.status, StatusCode::OK);
    // The committee also reads the register itself.
    let reg = format!("/api/v1/communities/{}/voter-register", w.community_a.0);
    assert_eq!(w.get(&reg, Some(&chair)).await.status, StatusCode::OK);
    let bytes = w.get_bytes(&uri, &chair).await;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["表决名册", "汇总"]);
    let range = book.worksheet_range("表决名册").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "房号",
            "专有部分面积（㎡）",
            "面积来源",
            "表决人编号",
            "业主",
            "手机号",
            "备注"
        ]
    );
    assert_eq!(rows.len(), 7, "{rows:?}");
    let units = &rows[1..];
    assert!(units.iter().all(|r| r[1] == "89.57" && r[2] == "合同"), "{units:?}");
    // 甲's two units count for one person; 乙 and 丙 own one together; 丁 alone; the two unsold
    // units are the developer's. Names and phones are masked.
    assert_eq!(units[0][3], units[1][3]);
    assert_ne!(units[0][3], units[2][3]);
    assert_eq!((units[0][4].as_str(), units[0][5].as_str()), ("甲", "139****0001"));
    assert_eq!(units[2][4], "乙、丙");
    assert_eq!(units[2][5], "139****0002、139****0003");
    assert_eq!(units[2][6], "共有 2 人，计一人");
    assert_eq!(units[3][5], "139****0004", "a tenant is not an owner");
    for r in &units[4..] {
        assert_eq!((r[3].as_str(), r[4].as_str()), ("开发商", ""));
    }
    assert!(
        !rows.iter().flatten().any(|c| c.contains("13900000001")),
        "no phone in clear"
    );
    let totals = book.worksheet_range("汇总").unwrap();
    let totals: Vec<Vec<String>> = totals
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(
        totals.contains(&vec!["业主总人数".to_string(), "4".to_string()]),
        "{totals:?}"
    );
    assert!(
        totals.contains(&vec!["专有部分总面积（㎡）".to_string(), "537.42".to_string()]),
        "{totals:?}"
    );
}

#[tokio::test]
async fn the_committee_keeps_its_roster_and_every_household_reads_it() {
    use axum::body::Body;
    use axum::http::Request;
    let w = world().await;
    let chair = assembly(&w).await;
    let pm = w.token("pm.a").await;
    let jia = w.token("13900000001").await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    let other = w.token("pm.b").await;
    let uri = format!("/api/v1/communities/{}/committee", w.community_a.0);
    // None kept yet.
    assert_eq!(w.get(&uri, Some(&jia)).await.status, StatusCode::NOT_FOUND);
    let (doc, pdf) = pdf(&w, &chair, "beian.pdf").await;
    let roster = |members: serde_json::Value, end: &str| {
        json!({"term_start": "2025-01-01", "term_end": end, "filed_on": "2025-02-01",
               "filed_with": "桂花街道办事处", "members": members, "documents": [doc]})
    };
    let members = json!([
        {"name": "丁", "position": "chair"},
        {"name": "甲", "position": "vice_chair"},
        {"name": "乙", "position": "member"},
    ]);
    // The committee's record alone: not the property company's, not an owner's.
    for token in [&pm, &jia] {
        let r = w
            .json("PUT", &uri, Some(token), &roster(members.clone(), "2029-12-31"))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    }
    // Two chairs, a six-year term: refused by name, nothing stored.
    let two = json!([{"name": "丁", "position": "chair"}, {"name": "甲", "position": "chair"}]);
    for (body, field) in [
        (roster(two, "2029-12-31"), "members"),
        (roster(members.clone(), "2031-01-01"), "term_end"),
    ] {
        let r = w.json("PUT", &uri, Some(&chair), &body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], field);
    }
    assert_eq!(w.get(&uri, Some(&jia)).await.status, StatusCode::NOT_FOUND);
    let r = w
        .json("PUT", &uri, Some(&chair), &roster(members.clone(), "2029-12-31"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["documents"][0]["name"], "beian.pdf");

    // Every household of the community reads it, and its staff; another office does not.
    let read = w.get(&uri, Some(&jia)).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.json()["members"], members);
    assert_eq!(read.json()["filed_with"], "桂花街道办事处");
    assert_eq!(w.get(&uri, Some(&pm)).await.status, StatusCode::OK);
    assert_eq!(w.get(&uri, Some(&other)).await.status, StatusCode::NOT_FOUND);
    let file = format!("{uri}/documents/{doc}");
    assert_eq!(w.get_bytes(&file, &jia).await, pdf);
    assert_eq!(w.get(&file, Some(&other)).await.status, StatusCode::NOT_FOUND);

    // Only the committee takes a document off.
    let del = |token: &str| {
        Request::delete(file.clone())
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(w.send(del(&jia)).await.status, StatusCode::FORBIDDEN);
    let r = w.send(del(&chair)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["documents"], json!([]));
    assert_eq!(w.get(&file, Some(&jia)).await.status, StatusCode::NOT_FOUND);
}

/// The kinds of a meeting's log rows, in order, as the committee exports them.
async fn log_kinds(w: &World, chair: &str, id: i64) -> Vec<String> {
    let log = w.get(&format!("/api/v1/votes/{id}/ballots"), Some(chair)).await.json();
    log["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_owner_names_a_proxy_the_committee_checks_it_and_the_proxy_votes_within_the_limit() {
    let w = world().await;
    let chair = assembly(&w).await;
    // One proxy each in this community.
    let rules = format!("/api/v1/communities/{}/assembly-rules", w.community_a.0);
    let r = w
        .json(
            "PUT",
            &rules,
            Some(&chair),
            &json!({"notice_days": 15, "remind_days": 3, "proxy_max": 0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "proxy_max");
    let r = w
        .json(
            "PUT",
            &rules,
            Some(&chair),
            &json!({"notice_days": 15, "remind_days": 3, "proxy_max": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = draft(&w, &chair, 20).await["id"].as_i64().unwrap();
    let base = format!("/api/v1/votes/{id}");
    open_now(&w, &chair, id).await;
    let (jia, yi, wu) = (
        w.token("13900000001").await,
        w.token("13900000002").await,
        w.token("13900000005").await,
    );
    let voter_of = async |token: &str| {
        w.get(&base, Some(token)).await.json()["voters"][0]["voter"]
            .as_i64()
            .unwrap()
    };
    let (jia_v, yi_v) = (voter_of(&jia).await, voter_of(&yi).await);
    let proxies = format!("{base}/proxies");
    let photo = scan(&w, &jia).await;
    let named = |voter: i64, phone: &str, photo: i64| json!({"voter": voter, "name": "戊", "phone": phone, "authorization": photo});

    // The tenant cannot name a proxy for 甲's unit; 甲 cannot name himself, a landline, or
    // someone else's photo. Nothing is stored.
    let wu_photo = scan(&w, &wu).await;
    for (token, body, field) in [
        (&wu, named(jia_v, "13900000005", wu_photo), "voter"),
        (&jia, named(jia_v, "13900000001", photo), "phone"),
        (&jia, named(jia_v, "021-5555", photo), "phone"),
        (&jia, named(jia_v, "13900000005", wu_photo), "authorization"),
    ] {
        let r = w.json("POST", &proxies, Some(token), &body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
    }
    let r = w
        .json("POST", &proxies, Some(&jia), &named(jia_v, "139 0000 0005", photo))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let jia_proxy = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.json()["phone"], "13900000005");
    assert_eq!(r.json()["status"], "pending");
    let again = scan(&w, &jia).await;
    let r = w
        .json("POST", &proxies, Some(&jia), &named(jia_v, "13900000005", again))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        w.get(&base, Some(&jia)).await.json()["voters"][0]["proxy"]["status"],
        "pending"
    );

    // Not yet accepted: the proxy cannot vote.
    let ballots = format!("{base}/ballots");
    let r = w
        .json(
            "POST",
            &ballots,
            Some(&wu),
            &json!({"voter": jia_v, "answers": ["agree"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // Only the committee reviews; another owner is refused, staff do not see the meeting.
    assert_eq!(w.get(&proxies, Some(&yi)).await.status, StatusCode::FORBIDDEN);
    let pm = w.token("pm.a").await;
    assert_eq!(w.get(&proxies, Some(&pm)).await.status, StatusCode::NOT_FOUND);
    let list = w.get(&proxies, Some(&chair)).await.json();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["holds"], 0);
    let decision = format!("{proxies}/{jia_proxy}/decision");
    let r = w
        .json(
            "POST",
            &decision,
            Some(&chair),
            &json!({"accept": false, "reason": " "}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "reason");
    let r = w.json("POST", &decision, Some(&jia), &json!({"accept": true})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = w.json("POST", &decision, Some(&chair), &json!({"accept": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "accepted");
    assert_eq!(r.json()["holds"], 1);
    let r = w.json("POST", &decision, Some(&chair), &json!({"accept": true})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "settled once: {}", r.body);
    assert_eq!(log_kinds(&w, &chair, id).await, ["proxy"]);
    let sha = {
        use app::db::entities::files;
        use sea_orm::EntityTrait;
        files::Entity::find_by_id(photo)
            .one(&w.ctx.db)
            .await
            .unwrap()
            .unwrap()
            .sha256
    };
    let log = w.get(&ballots, Some(&chair)).await.json();
    assert_eq!(
        log["rows"][0]["scan"],
        sha.as_str(),
        "the authorization's fingerprint is chained"
    );
    assert_eq!(log["rows"][0]["answers"], json!([]));

    // The signed authorization: the committee and 甲, nobody else.
    let auth_photo = format!("{proxies}/{jia_proxy}/authorization");
    assert_eq!(w.get(&auth_photo, Some(&chair)).await.status, StatusCode::OK);
    assert_eq!(w.get(&auth_photo, Some(&jia)).await.status, StatusCode::OK);
    assert_eq!(w.get(&auth_photo, Some(&yi)).await.status, StatusCode::NOT_FOUND);

    // The proxy sees 甲's voter as theirs to cast, votes, and 甲 hears of it.
    let mine = w.get(&base, Some(&wu)).await.json();
    assert_eq!(mine["voters"][0]["voter"], jia_v, "{mine}");
    assert_eq!(mine["voters"][0]["as_proxy"], true);
    assert_eq!(mine["cannot_vote"], serde_json::Value::Null);
    let r = w
        .json(
            "POST",
            &ballots,
            Some(&wu),
            &json!({"voter": jia_v, "answers": ["agree"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let inbox = w.get("/api/v1/me/notifications", Some(&jia)).await.json();
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["body"].as_str().unwrap().contains("委托代理人")),
        "{inbox}"
    );

    // 乙 names the same person: one proxy each here, so the committee cannot accept it; it
    // rejects it with a reason 乙 reads, and 乙 may name someone else.
    let yi_photo = scan(&w, &yi).await;
    let r = w
        .json("POST", &proxies, Some(&yi), &named(yi_v, "13900000005", yi_photo))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let yi_proxy = r.json()["id"].as_i64().unwrap();
    let yi_decision = format!("{proxies}/{yi_proxy}/decision");
    let r = w
        .json("POST", &yi_decision, Some(&chair), &json!({"accept": true}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "phone");
    let r = w
        .json(
            "POST",
            &yi_decision,
            Some(&chair),
            &json!({"accept": false, "reason": "代理人已代理其他业主"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mine = w.get(&base, Some(&yi)).await.json();
    assert_eq!(mine["voters"][0]["proxy"]["status"], "rejected");
    assert_eq!(mine["voters"][0]["proxy"]["reason"], "代理人已代理其他业主");
    let yi_photo = scan(&w, &yi).await;
    let r = w
        .json("POST", &proxies, Some(&yi), &named(yi_v, "13900000001", yi_photo))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    // 甲 withdraws the accepted proxy: a `revoke` row; the proxy's ballot stands, but they
    // cast no more. Someone else cannot withdraw it.
    let withdraw = format!("{proxies}/{jia_proxy}");
    let r = w.json("DELETE", &withdraw, Some(&yi), &json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = w.json("DELETE", &withdraw, Some(&jia), &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "withdrawn");
    let r = w.json("DELETE", &withdraw, Some(&jia), &json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(log_kinds(&w, &chair, id).await, ["proxy", "cast", "revoke"]);
    let r = w
        .json(
            "POST",
            &ballots,
            Some(&wu),
            &json!({"voter": jia_v, "answers": ["oppose"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(
        w.get(&base, Some(&jia)).await.json()["meeting"]["turnout"]["persons"],
        1
    );

    // Closed and published: the log re-walks with its proxy rows, and the tally counts the
    // proxy's ballot once.
    shift(&w, id, true, true).await;
    let actions = format!("{base}/actions");
    for a in ["close", "publish"] {
        let r = w.json("POST", &actions, Some(&chair), &json!({"action": a})).await;
        assert_eq!(r.status, StatusCode::OK, "{a}: {}", r.body);
    }
    let v = app::governance::ballots::verify(&w.ctx.db, app::shared::ids::MeetingId(id))
        .await
        .unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    let result = w.get(&format!("{base}/result"), Some(&jia)).await.json();
    assert_eq!(result["participating"]["persons"], 1, "{result}");
}

#[tokio::test]
async fn the_register_is_corrected_from_the_records_before_the_close_audited_and_shown() {
    let w = world().await;
    let chair = assembly(&w).await;
    let pm = w.token("pm.a").await;
    let jia = w.token("13900000001").await;
    let id = draft(&w, &chair, 20).await["id"].as_i64().unwrap();
    let base = format!("/api/v1/votes/{id}");
    open_now(&w, &chair, id).await;
    let ding_v = w.get(&base, Some(&chair)).await.json()["voters"][0]["voter"]
        .as_i64()
        .unwrap();
    let jia_v = w.get(&base, Some(&jia)).await.json()["voters"][0]["voter"]
        .as_i64()
        .unwrap();
    let fix = |v: i64| format!("{base}/register/{v}/correction");
    let why = json!({"reason": "不动产登记面积已补录"});
    // A reason is required; the records still say what the register says.
    let r = w
        .json("POST", &fix(ding_v), Some(&chair), &json!({"reason": " "}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "reason");
    let r = w.json("POST", &fix(ding_v), Some(&chair), &why).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "gov.err_fix_nothing", "{}", r.body);

    // Staff record 丁's registered area; an owner off the committee and staff may not correct.
    let units = w
        .get(
            &format!("/api/v1/units?community_id={}&q=1-", w.community_a.0),
            Some(&pm),
        )
        .await
        .json();
    let unit_of = |i: usize| units["items"][i]["id"].as_i64().unwrap();
    let r = w
        .json(
            "PATCH",
            &format!("/api/v1/units/{}", unit_of(3)),
            Some(&pm),
            &json!({"area_registered": "95.00"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        w.json("POST", &fix(ding_v), Some(&jia), &why).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.json("POST", &fix(ding_v), Some(&pm), &why).await.status,
        StatusCode::NOT_FOUND
    );
    let before = w.get(&base, Some(&jia)).await.json()["meeting"]["total"]["area"]
        .as_i64()
        .unwrap();
    let r = w.json("POST", &fix(ding_v), Some(&chair), &why).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (r.json()["old_area"].as_i64(), r.json()["new_area"].as_i64()),
        (Some(8_957), Some(9_500))
    );
    assert_eq!(r.json()["owners_changed"], false);
    // Every owner sees it, and the totals moved by exactly the difference.
    let m = w.get(&base, Some(&jia)).await.json();
    assert_eq!(m["meeting"]["total"]["area"].as_i64(), Some(before + 543));
    assert_eq!(m["meeting"]["corrections"][0]["reason"], "不动产登记面积已补录");
    assert_eq!(log_kinds(&w, &chair, id).await, ["correct"]);
    let log = w.get(&format!("{base}/ballots"), Some(&chair)).await.json();
    assert_eq!(log["rows"][0]["area"], 9_500);

    // A co-owner recorded late for 丁's unit, who has not voted: the owners change, and the
    // new co-owner may vote.
    let r = w
        .json(
            "POST",
            &format!("/api/v1/units/{}/occupants", unit_of(3)),
            Some(&pm),
            &json!({"name": "己", "phone": "13900000006", "relation": "co_owner"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = w
        .json("POST", &fix(ding_v), Some(&chair), &json!({"reason": "共有人漏登"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["owners_changed"], true);
    w.resident("13900000006", "己").await;
    let ji = w.token("13900000006").await;
    let r = w
        .json(
            "POST",
            &format!("{base}/ballots"),
            Some(&ji),
            &json!({"voter": ding_v, "answers": ["agree"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // 甲 has voted: his units' owners no longer change during the vote.
    let r = w
        .json(
            "POST",
            &format!("{base}/ballots"),
            Some(&jia),
            &json!({"voter": jia_v, "answers": ["agree"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for unit in [0, 1] {
        let r = w
            .json(
                "POST",
                &format!("/api/v1/units/{}/occupants", unit_of(unit)),
                Some(&pm),
                &json!({"name": "庚", "phone": "13900000007", "relation": "co_owner"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let r = w
        .json("POST", &fix(jia_v), Some(&chair), &json!({"reason": "共有人漏登"}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "gov.err_fix_voted", "{}", r.body);

    // After the close the register stands; the published result re-tallies with the
    // corrected area.
    shift(&w, id, true, true).await;
    let actions = format!("{base}/actions");
    let r = w
        .json("POST", &actions, Some(&chair), &json!({"action": "close"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = w.json("POST", &fix(ding_v), Some(&chair), &why).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "status");
    let r = w
        .json("POST", &actions, Some(&chair), &json!({"action": "publish"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let result = w.get(&format!("{base}/result"), Some(&jia)).await.json();
    assert_eq!(result["participating"]["area"], 9_500 + 2 * 8_957, "{result}");
    let v = app::governance::ballots::verify(&w.ctx.db, app::shared::ids::MeetingId(id))
        .await
        .unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
}

#[tokio::test]
async fn staff_run_the_procedure_only_where_the_committee_lets_them_and_never_the_ballots() {
    let w = world().await;
    let chair = assembly(&w).await;
    let pm = w.token("pm.a").await;
    let jia = w.token("13900000001").await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    let other = w.token("pm.b").await;
    let new =
        json!({"community": w.community_a.0, "title": "第二次业主大会", "opens_on": day(20), "closes_on": day(30)});
    assert_eq!(
        w.json("POST", "/api/v1/votes", Some(&pm), &new).await.status,
        StatusCode::FORBIDDEN
    );
    let rules = format!("/api/v1/communities/{}/assembly-rules", w.community_a.0);
    let on = json!({"notice_days": 15, "remind_days": 3, "proxy_max": 3, "staff_assist": true});
    // Staff cannot let themselves in.
    assert_eq!(
        w.json("PUT", &rules, Some(&pm), &on).await.status,
        StatusCode::FORBIDDEN
    );
    let r = w.json("PUT", &rules, Some(&chair), &on).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["staff_assist"], true);

    // Now the community's manager drafts, with the notice's PDF; another office's cannot.
    assert_eq!(
        w.json("POST", "/api/v1/votes", Some(&other), &new).await.status,
        StatusCode::FORBIDDEN
    );
    let r = w.json("POST", "/api/v1/votes", Some(&pm), &new).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let base = format!("/api/v1/votes/{id}");
    assert_eq!(w.get(&base, Some(&other)).await.status, StatusCode::NOT_FOUND);
    let r = w
        .json(
            "POST",
            &format!("{base}/items"),
            Some(&pm),
            &json!({"title": "维修资金续筹", "kind": "matter", "rule": "special"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let (doc, bytes) = pdf(&w, &pm, "yuan.pdf").await;
    let docs = format!("{base}/documents");
    let (theirs, _) = pdf(&w, &chair, "other.pdf").await;
    let r = w.json("POST", &docs, Some(&pm), &json!({"documents": [theirs]})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "documents");
    let r = w.json("POST", &docs, Some(&pm), &json!({"documents": [doc]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["attachments"][0]["name"], "yuan.pdf");
    let actions = format!("{base}/actions");
    let r = w.json("POST", &actions, Some(&pm), &json!({"action": "notice"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The notice is fixed: no more documents. Owners read them; another office does not.
    let (late, _) = pdf(&w, &pm, "late.pdf").await;
    let r = w.json("POST", &docs, Some(&pm), &json!({"documents": [late]})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let file = format!("{docs}/{doc}");
    assert_eq!(w.get_bytes(&file, &jia).await, bytes);
    assert_eq!(w.get(&file, Some(&other)).await.status, StatusCode::NOT_FOUND);
    let r = w.json("DELETE", &file, Some(&pm), &json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    shift(&w, id, true, false).await;
    let r = w.json("POST", &actions, Some(&pm), &json!({"action": "open"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(w.get(&base, Some(&pm)).await.json()["assists"], true);
    // Ballots stay with the owners and the committee: staff neither look up voters, nor enter
    // paper, nor review proxies, nor correct the register, nor read the log before publication.
    let jia_v = w.get(&base, Some(&jia)).await.json()["voters"][0]["voter"]
        .as_i64()
        .unwrap();
    let photo = scan(&w, &pm).await;
    assert_eq!(
        w.get(&format!("{base}/voters"), Some(&pm)).await.status,
        StatusCode::FORBIDDEN
    );
    let r = w
        .json(
            "POST",
            &format!("{base}/paper-ballots"),
            Some(&pm),
            &json!({"voter": jia_v, "answers": ["agree"], "scan": photo}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(
        w.get(&format!("{base}/proxies"), Some(&pm)).await.status,
        StatusCode::FORBIDDEN
    );
    let r = w
        .json(
            "POST",
            &format!("{base}/register/{jia_v}/correction"),
            Some(&pm),
            &json!({"reason": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(
        w.get(&format!("{base}/ballots"), Some(&pm)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = w
        .json(
            "POST",
            &format!("{base}/ballots"),
            Some(&pm),
            &json!({"voter": jia_v, "answers": ["agree"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // The committee takes the help back: staff can no longer close the vote.
    let off = json!({"notice_days": 15, "remind_days": 3, "proxy_max": 3, "staff_assist": false});
    assert_eq!(w.json("PUT", &rules, Some(&chair), &off).await.status, StatusCode::OK);
    shift(&w, id, true, true).await;
    let r = w.json("POST", &actions, Some(&pm), &json!({"action": "close"})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = w
        .json("POST", &actions, Some(&chair), &json!({"action": "close"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
