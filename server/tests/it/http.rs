//! HTTP-level tests through the real router: pages, API, sessions, CSRF, throttling,
//! bad input, data scope with second users, and the audit chain.

use crate::common::*;
use app::db::RuntimeConfig;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use leptos::server_fn::ServerFn;
use serde_json::json;

#[tokio::test]
async fn health_and_readiness() {
    let w = world().await;
    assert_eq!(w.get("/healthz", None).await.status, StatusCode::OK);
    let r = w.get("/readyz", None).await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ready"));
    assert!(
        r.headers.get("x-request-id").is_some(),
        "every response carries a request id"
    );
}

#[tokio::test]
async fn home_page_renders_in_chinese_with_security_headers() {
    let w = world().await;
    let r = w.get("/", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains(r#"<html lang="zh-CN""#),
        "{}",
        &r.body[..200.min(r.body.len())]
    );
    assert!(r.body.contains("欢迎来到邻里"));
    let csp = r
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        csp.contains("'nonce-") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(r.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    assert!(
        r.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
        "no HSTS over plain HTTP"
    );
    let cookies: Vec<_> = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(cookies.iter().any(|c| c.starts_with("linli_csrf=")), "{cookies:?}");

    let en = w
        .send(
            Request::get("/")
                .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(en.body.contains(r#"<html lang="en""#));
    assert!(en.body.contains("Welcome to Linli"));
    let cookie = w
        .send(
            Request::get("/")
                .header(header::COOKIE, "linli_lang=en")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(cookie.body.contains("Welcome to Linli"));
}

#[tokio::test]
async fn unknown_page_is_a_styled_404() {
    let w = world().await;
    let r = w.get("/no/such/page", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("页面不存在"));
}

#[tokio::test]
async fn api_login_me_logout() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    let bad = w
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "pm.a", "password": "wrong-password"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert_eq!(bad.json()["error"]["message"], "账号或密码错误");
    let unknown = w
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "nobody", "password": "wrong-password"}),
        )
        .await;
    assert_eq!(
        unknown.json()["error"],
        bad.json()["error"],
        "unknown accounts look like wrong passwords"
    );

    let token = w.token("pm.a").await;
    let me = w.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me.status, StatusCode::OK);
    let me = me.json();
    assert_eq!(me["login"], "pm.a");
    assert!(me.get("password_hash").is_none());
    assert!(me["permissions"].as_array().unwrap().iter().any(|p| p == "users.read"));

    let out = w.json("POST", "/api/v1/auth/logout", Some(&token), &json!({})).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(
        w.get("/api/v1/me", Some(&token)).await.status,
        StatusCode::UNAUTHORIZED,
        "logout ends the session on the server"
    );
    assert_eq!(w.get("/api/v1/me", None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_input_gets_clear_4xx_never_500() {
    let w = world().await;
    let send_raw = |ct: Option<&'static str>, body: &'static str| {
        let mut b = Request::post("/api/v1/auth/login");
        if let Some(ct) = ct {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        b.header(header::ACCEPT_LANGUAGE, "en").body(Body::from(body)).unwrap()
    };
    let r = w.send(send_raw(Some("application/json"), "{not json")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["code"], "err.json_syntax");
    assert_eq!(r.json()["error"]["message"], "The JSON is malformed");
    let r = w
        .send(send_raw(Some("application/json"), r#"{"login": 5, "password": []}"#))
        .await;
    assert_eq!(r.json()["error"]["code"], "err.json_data");
    let r = w.send(send_raw(None, r#"{"login":"a","password":"b"}"#)).await;
    assert_eq!(r.json()["error"]["code"], "err.json_content_type");
    let long = "x".repeat(5000);
    let r = w
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": long, "password": "p"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "login");
    // An oversized body is refused before it is read.
    let huge = "a".repeat(3 * 1024 * 1024);
    let r = w
        .send(
            Request::post("/api/v1/auth/login")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(huge))
                .unwrap(),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    // A server function with a missing argument.
    let c = w.browser().await;
    let r = w.server_fn(&login_path(), &[("login", "x")], &c, true).await;
    assert!(r.status.is_client_error(), "{} {}", r.status, r.body);
}

#[tokio::test]
async fn server_functions_need_the_csrf_token() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    let c = w.browser().await;
    let r = w
        .server_fn(&login_path(), &[("login", "pm.a"), ("password", PW)], &c, false)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "err.csrf");
    let r = w
        .server_fn(
            &login_path(),
            &[("login", "pm.a"), ("password", PW)],
            &Cookies::default(),
            true,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a header without its cookie is refused"
    );

    // Logged in: the session's token is required, and a visitor token no longer works.
    let visitor_token = c.get("linli_csrf").unwrap();
    let c = w.browser_login("pm.a").await;
    assert_ne!(
        c.get("linli_csrf").unwrap(),
        visitor_token,
        "login rotates the CSRF token"
    );
    let path = app::access::api::ListUsers::PATH;
    let ok = w.server_fn(path, &[], &c, true).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let mut forged = c.clone();
    forged.absorb(&Resp {
        status: StatusCode::OK,
        headers: {
            let mut h = axum::http::HeaderMap::new();
            h.insert(
                header::SET_COOKIE,
                format!("linli_csrf={visitor_token}").parse().unwrap(),
            );
            h
        },
        body: String::new(),
    });
    assert_eq!(
        w.server_fn(path, &[], &forged, true).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_oversized_native_form_post_is_413_not_a_validation_error() {
    let w = world().await;
    let c = w.browser().await;
    // A form posted by the browser itself carries its token in the body, so the session layer
    // reads the body; one over the limit, sent without a length (chunked), is refused as too
    // large, in the reader's language.
    let filler = "x".repeat(3 * 1024 * 1024);
    let body = form_body(&[("login", "pm.a"), ("password", &filler)]);
    let req = Request::post(login_path())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, c.header())
        .header(header::ACCEPT_LANGUAGE, "en")
        .body(Body::from_stream(futures::stream::iter([Ok::<_, std::io::Error>(
            body,
        )])))
        .unwrap();
    let r = w.send(req).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "err.body_too_large", "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "body");
}

#[tokio::test]
async fn session_cookie_flags_and_rotation() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    let c = w.browser().await;
    let r = w
        .server_fn(&login_path(), &[("login", "pm.a"), ("password", PW)], &c, true)
        .await;
    let set: Vec<String> = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = set
        .iter()
        .find(|s| s.starts_with("linli_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    let first = session.split(';').next().unwrap().to_string();
    let r2 = w
        .server_fn(&login_path(), &[("login", "pm.a"), ("password", PW)], &c, true)
        .await;
    let second = r2
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|s| s.starts_with("linli_session="))
        .unwrap();
    assert_ne!(
        first,
        second.split(';').next().unwrap(),
        "every login issues a new session id"
    );
}

#[tokio::test]
async fn secure_cookies_under_tls() {
    let w = world_with(RuntimeConfig {
        secure_cookies: true,
        ..Default::default()
    })
    .await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    let r = w
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "pm.a", "password": PW}),
        )
        .await;
    let set: Vec<String> = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        set.iter()
            .any(|s| s.starts_with("__Host-linli_session=") && s.contains("Secure")),
        "{set:?}"
    );
    assert!(r.headers.get(header::STRICT_TRANSPORT_SECURITY).is_some());
}

#[tokio::test]
async fn idle_sessions_expire() {
    let w = world_with(RuntimeConfig {
        session_idle_minutes: 0,
        ..Default::default()
    })
    .await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    let t = w.token("pm.a").await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(w.get("/api/v1/me", Some(&t)).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn repeated_failures_throttle_the_account_even_with_the_right_password() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    for _ in 0..5 {
        let r = w
            .json(
                "POST",
                "/api/v1/auth/login",
                None,
                &json!({"login": "pm.a", "password": "not-the-password"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = w
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "pm.a", "password": PW}),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.get(header::RETRY_AFTER).is_some());
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("分钟"));
    // Another account from the same address is not locked by this one.
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    assert_eq!(
        w.json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "pm.b", "password": PW})
        )
        .await
        .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn signup_validates_and_logs_in() {
    let w = world().await;
    let c = w.browser().await;
    let path = app::access::api::Signup::PATH;
    let bad_phone = w
        .server_fn(
            path,
            &[
                ("phone", "12345"),
                ("display_name", "王芳"),
                ("password", PW),
                ("password_again", PW),
            ],
            &c,
            true,
        )
        .await;
    assert_eq!(bad_phone.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_phone.json()["field"], "phone");
    let common = w
        .server_fn(
            path,
            &[
                ("phone", "13912345678"),
                ("display_name", "王芳"),
                ("password", "password123"),
                ("password_again", "password123"),
            ],
            &c,
            true,
        )
        .await;
    assert_eq!(common.json()["code"], "err.password_common");
    let short = w
        .server_fn(
            path,
            &[
                ("phone", "13912345678"),
                ("display_name", "王芳"),
                ("password", "a1b2"),
                ("password_again", "a1b2"),
            ],
            &c,
            true,
        )
        .await;
    assert_eq!(short.json()["code"], "err.password_short");
    let sent = w
        .server_fn(
            app::access::api::SendSignupCode::PATH,
            &[("phone", "139 1234 5678")],
            &c,
            true,
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert_eq!(sent.json()["to"], "139****5678");
    let code = w.texts.code_for("13912345678");
    let ok = w
        .server_fn(
            path,
            &[
                ("phone", "139 1234 5678"),
                ("code", &code),
                ("display_name", "王芳"),
                ("password", PW),
                ("password_again", PW),
            ],
            &c,
            true,
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.json()["phone_masked"], "139****5678");
    let again = w
        .server_fn(
            path,
            &[
                ("phone", "13912345678"),
                ("display_name", "王芳"),
                ("password", PW),
                ("password_again", PW),
            ],
            &c,
            true,
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.json()["code"], "err.phone_taken");
}

#[tokio::test]
async fn password_change_needs_the_current_one_and_ends_other_sessions() {
    let w = world().await;
    w.resident("13800000001", "李娜").await;
    let other = w.token("13800000001").await;
    let c = w.browser_login("13800000001").await;
    let path = app::access::api::ChangePassword::PATH;
    let wrong = w
        .server_fn(
            path,
            &[
                ("current_password", "nope-nope-nope"),
                ("new_password", "Brave-otter-77"),
                ("new_password_again", "Brave-otter-77"),
            ],
            &c,
            true,
        )
        .await;
    assert_eq!(wrong.json()["field"], "current_password");
    let ok = w
        .server_fn(
            path,
            &[
                ("current_password", PW),
                ("new_password", "Brave-otter-77"),
                ("new_password_again", "Brave-otter-77"),
            ],
            &c,
            true,
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(
        w.get("/api/v1/me", Some(&other)).await.status,
        StatusCode::UNAUTHORIZED,
        "other sessions end"
    );
    let still = w.server_fn(app::access::api::GetMe::PATH, &[], &c, true).await;
    assert_eq!(still.json()["login"], "13800000001", "this session stays");
    let r = w
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "13800000001", "password": "Brave-otter-77"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

/// Staff of office A, through every route that returns staff data, see nothing of office B.
#[tokio::test]
async fn office_a_staff_never_see_office_b() {
    let w = world().await;
    w.staff("admin", "总管理员", "sysadmin", w.company).await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("cs.a", "甲客服", "customer_service", w.office_a).await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    w.staff("cs.b", "乙客服", "customer_service", w.office_b).await;
    w.resident("13800000009", "赵敏").await;
    // Activity in office B that lands in the audit log.
    let tb = w.token("pm.b").await;
    let created = w
        .json("POST", "/api/v1/users", Some(&tb), &json!({"login": "tech.b", "display_name": "乙师傅", "password": "Sturdy-bridge-19", "role_code": "technician", "org_id": w.office_b.0}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);

    let b_markers = [
        "乙管理处",
        "乙小区",
        "乙经理",
        "乙客服",
        "乙师傅",
        "pm.b",
        "cs.b",
        "tech.b",
    ];
    let ta = w.token("pm.a").await;
    let routes = [
        "/api/v1/users",
        "/api/v1/orgs",
        "/api/v1/audit",
        "/api/v1/me",
        "/api/v1/users?q=b",
        "/api/v1/audit?action=user.",
    ];
    for route in routes {
        let r = w.get(route, Some(&ta)).await;
        assert_eq!(r.status, StatusCode::OK, "{route}: {}", r.body);
        for m in b_markers {
            assert!(!r.body.contains(m), "{route} leaked {m}: {}", r.body);
        }
    }
    // Office A's own data is there (the test would pass vacuously otherwise).
    assert!(w.get("/api/v1/users", Some(&ta)).await.body.contains("甲客服"));
    assert!(w.get("/api/v1/orgs", Some(&ta)).await.body.contains("甲小区"));

    // The same through the server functions the pages use.
    let c = w.browser_login("pm.a").await;
    for path in [
        app::access::api::ListUsers::PATH,
        app::access::api::ListOrgs::PATH,
        app::access::api::ListRoles::PATH,
    ] {
        let r = w.server_fn(path, &[], &c, true).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        for m in b_markers {
            assert!(!r.body.contains(m), "{path} leaked {m}");
        }
    }
    // And through the server-rendered pages themselves (their data is serialized into the HTML).
    for page in [
        "/admin",
        "/admin/users",
        "/admin/roles",
        "/admin/audit",
        "/admin/units",
        "/me",
    ] {
        let r = w
            .send(
                Request::get(page)
                    .header(header::COOKIE, c.header())
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{page}");
        for m in b_markers {
            assert!(!r.body.contains(m), "page {page} leaked {m}");
        }
    }
    let users_page = w
        .send(
            Request::get("/admin/users")
                .header(header::COOKIE, c.header())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        users_page.body.contains("cs.a"),
        "the page does render office A's staff"
    );
    let audit = w.server_fn(app::audit::api::ListAudit::PATH, &[], &c, true).await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.body);
    for m in b_markers {
        assert!(!audit.body.contains(m), "audit leaked {m}");
    }

    // Writes into office B are refused, and the refusal is audited.
    let r = w
        .json("POST", "/api/v1/users", Some(&ta), &json!({"login": "spy", "display_name": "间谍", "password": "Sturdy-bridge-19", "role_code": "cashier", "org_id": w.office_b.0}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let cs_b_id = w
        .get("/api/v1/users?q=cs.b", Some(&w.token("admin").await))
        .await
        .json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    let r = w
        .server_fn(
            app::access::api::SetUserStatus::PATH,
            &[("user_id", &cs_b_id.to_string()), ("active", "false")],
            &c,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let admin = w.token("admin").await;
    let denials = w.get("/api/v1/audit?outcome=denied", Some(&admin)).await.json();
    assert!(denials["items"].as_array().unwrap().len() >= 2, "{denials}");

    // A customer-service agent may not read accounts at all; a resident sees no staff data.
    let tc = w.token("cs.a").await;
    assert_eq!(w.get("/api/v1/users", Some(&tc)).await.status, StatusCode::FORBIDDEN);
    let tr = w.token("13800000009").await;
    for route in ["/api/v1/users", "/api/v1/orgs", "/api/v1/audit"] {
        assert_eq!(w.get(route, Some(&tr)).await.status, StatusCode::FORBIDDEN, "{route}");
    }
    // Nobody can grant more than they hold: a project manager cannot make a system admin.
    let r = w
        .json("POST", "/api/v1/users", Some(&ta), &json!({"login": "boss", "display_name": "老板", "password": "Sturdy-bridge-19", "role_code": "sysadmin", "org_id": w.office_a.0}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The system administrator sees both offices.
    let all = w.get("/api/v1/users?limit=200", Some(&admin)).await.body;
    assert!(all.contains("pm.a") && all.contains("pm.b"));
}

#[tokio::test]
async fn audit_chain_verifies_and_detects_tampering() {
    use sea_orm::ConnectionTrait;
    let w = world().await;
    w.staff("admin", "总管理员", "sysadmin", w.company).await;
    let t = w.token("admin").await;
    let _ = w
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "admin", "password": "bad-password-1"}),
        )
        .await;
    let r = w
        .json("POST", "/api/v1/users", Some(&t), &json!({"login": "cashier.a", "display_name": "收银员", "phone": "13700000001", "password": "Sturdy-bridge-19", "role_code": "cashier", "org_id": w.office_a.0}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let page = w.get("/api/v1/audit?limit=200", Some(&t)).await.json();
    let items = page["items"].as_array().unwrap();
    let actions: Vec<&str> = items.iter().map(|i| i["action"].as_str().unwrap()).collect();
    assert!(
        actions.contains(&"user.create") && actions.contains(&"auth.login"),
        "{actions:?}"
    );
    assert!(items
        .iter()
        .any(|i| i["action"] == "auth.login" && i["outcome"] == "failed"));
    let create = items
        .iter()
        .find(|i| i["action"] == "user.create" && i["summary"].as_str().unwrap().contains("cashier.a"))
        .unwrap();
    let summary = create["summary"].as_str().unwrap();
    assert!(
        summary.contains("137****0001") && !summary.contains("13700000001"),
        "phones are masked in audit rows: {summary}"
    );

    match app::audit::service::verify(&w.ctx.db).await.unwrap() {
        app::audit::model::ChainCheck::Intact { rows, .. } => assert!(rows >= 4),
        other => panic!("{other:?}"),
    }
    let victim = create["id"].as_i64().unwrap();
    w.ctx
        .db
        .execute_unprepared(&format!("UPDATE audit_log SET summary = '{{}}' WHERE id = {victim}"))
        .await
        .unwrap();
    match app::audit::service::verify(&w.ctx.db).await.unwrap() {
        app::audit::model::ChainCheck::Broken { row, reason } => {
            assert_eq!(row.0, victim);
            assert_eq!(reason, "hash");
        }
        other => panic!("tampering not detected: {other:?}"),
    }
}

/// Rewrites the audit chain from row `from` on as an attacker with database access would:
/// `summary` changed there and every later hash recomputed, so the chain itself still verifies.
async fn rewrite_chain_from(db: &sea_orm::DatabaseConnection, from: i64) {
    use app::audit::model::{row_hash, AuditRow};
    use app::db::entities::audit_log;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QueryOrder};
    let rows = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await
        .unwrap();
    let mut prev = None::<String>;
    for m in rows {
        if m.id < from {
            prev = Some(m.hash.clone());
            continue;
        }
        let mut r = AuditRow {
            id: app::shared::ids::AuditId(m.id),
            at: m.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            actor_id: m.actor_id.map(app::shared::ids::UserId),
            actor_label: m.actor_label.clone(),
            ip: m.ip.clone(),
            action: m.action.clone(),
            object_type: m.object_type.clone(),
            object_id: m.object_id.clone(),
            org_id: m.org_id.map(app::shared::ids::OrgId),
            outcome: m.outcome.clone(),
            summary: if m.id == from { "{}".into() } else { m.summary.clone() },
            prev_hash: prev.clone().unwrap_or_else(|| m.prev_hash.clone()),
            hash: String::new(),
        };
        r.hash = row_hash(&r);
        let mut am: audit_log::ActiveModel = m.into();
        am.summary = Set(r.summary.clone());
        am.prev_hash = Set(r.prev_hash.clone());
        am.hash = Set(r.hash.clone());
        am.update(db).await.unwrap();
        prev = Some(r.hash);
    }
}

#[tokio::test]
async fn a_webhook_receives_a_copy_of_each_new_checkpoint() {
    use axum::routing::post;
    use std::sync::{Arc, Mutex};
    let got: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
    let sink = got.clone();
    let hook = axum::Router::new().route(
        "/cp",
        post(move |axum::Json(v): axum::Json<serde_json::Value>| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push(v);
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, hook).await });
    let w = world().await;
    w.staff("admin", "总管理员", "sysadmin", w.company).await;
    w.token("admin").await;
    let dir = std::env::temp_dir().join(format!("linli-hook-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let to = server::anchor::Targets {
        file: server::anchor::path(&dir),
        webhook: Some(format!("http://{addr}/cp")),
    };
    let cp = server::anchor::write_all(&w.ctx, &to)
        .await
        .unwrap()
        .expect("a checkpoint");
    assert_eq!(server::anchor::write_all(&w.ctx, &to).await.unwrap(), None);
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "one copy per new checkpoint: {got:?}");
    assert_eq!(got[0], serde_json::to_value(&cp).unwrap());
    // A webhook that refuses is reported; the file still holds the checkpoint.
    let refused = server::anchor::post(&format!("http://{addr}/nowhere"), &cp).await;
    assert!(refused.unwrap_err().to_string().contains("404"));
    assert_eq!(server::anchor::read(&to.file).unwrap(), vec![cp]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn checkpoints_kept_outside_the_table_catch_a_cut_or_rewritten_tail() {
    use app::audit::anchor::{check, Anchored};
    use app::audit::model::ChainCheck;
    use sea_orm::ConnectionTrait;
    let w = world().await;
    w.staff("admin", "总管理员", "sysadmin", w.company).await;
    for _ in 0..3 {
        w.token("admin").await;
    }
    let dir = std::env::temp_dir().join(format!("linli-anchor-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = server::anchor::path(&dir);
    let key = &w.ctx.cfg.data_key;
    let cp = server::anchor::write(&w.ctx, &file)
        .await
        .unwrap()
        .expect("a first checkpoint");
    assert!(cp.rows >= 4, "{cp:?}");
    assert_eq!(
        server::anchor::write(&w.ctx, &file).await.unwrap(),
        None,
        "nothing new, nothing written"
    );
    w.token("admin").await;
    server::anchor::write(&w.ctx, &file)
        .await
        .unwrap()
        .expect("the chain moved");
    let cps = server::anchor::read(&file).unwrap();
    assert_eq!(cps.len(), 2);
    assert_eq!(check(&w.ctx.db, key, &cps).await.unwrap(), Anchored::Agree(2));

    // A checkpoint edited in the file no longer carries the key's signature.
    let mut forged = cps.clone();
    forged[1].rows -= 1;
    assert!(
        matches!(check(&w.ctx.db, key, &forged).await.unwrap(), Anchored::Disagree(why) if why.contains("not signed"))
    );

    // Cutting the newest rows leaves a chain that verifies, but not against the checkpoints.
    w.ctx
        .db
        .execute_unprepared(&format!("DELETE FROM audit_log WHERE id >= {}", cps[1].head_id))
        .await
        .unwrap();
    assert!(matches!(
        app::audit::service::verify(&w.ctx.db).await.unwrap(),
        ChainCheck::Intact { .. }
    ));
    match check(&w.ctx.db, key, &cps).await.unwrap() {
        Anchored::Disagree(why) => assert!(why.contains("gone"), "{why}"),
        other => panic!("a cut tail passed: {other:?}"),
    }

    // Rewriting an early row and every later hash: the chain verifies, the checkpoint does not.
    assert_eq!(check(&w.ctx.db, key, &cps[..1]).await.unwrap(), Anchored::Agree(1));
    rewrite_chain_from(&w.ctx.db, 2).await;
    assert!(matches!(
        app::audit::service::verify(&w.ctx.db).await.unwrap(),
        ChainCheck::Intact { .. }
    ));
    match check(&w.ctx.db, key, &cps[..1]).await.unwrap() {
        Anchored::Disagree(why) => assert!(why.contains("another hash"), "{why}"),
        other => panic!("a rewritten chain passed: {other:?}"),
    }
    // A damaged file is reported, not skipped.
    std::fs::write(&file, "{\"rows\": 1}\n").unwrap();
    assert!(server::anchor::read(&file).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn api_errors_are_json_even_for_bad_paths_methods_and_routes() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    let t = w.token("pm.a").await;
    for (method, uri, status) in [
        ("GET", "/api/v1/units/abc", StatusCode::BAD_REQUEST),
        ("GET", "/api/v1/units/99999999999999999999", StatusCode::BAD_REQUEST),
        ("GET", "/api/v1/no-such-thing", StatusCode::NOT_FOUND),
        ("DELETE", "/api/v1/me", StatusCode::METHOD_NOT_ALLOWED),
    ] {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::empty())
            .unwrap();
        let r = w.send(req).await;
        assert_eq!(r.status, status, "{method} {uri}: {}", r.body);
        assert!(
            r.headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/json")),
            "{method} {uri}: {:?}",
            r.headers
        );
        assert!(
            r.json()["error"]["code"]
                .as_str()
                .is_some_and(|c| c.starts_with("err.")),
            "{method} {uri}: {}",
            r.body
        );
        assert!(!r.json()["error"]["message"].as_str().unwrap_or_default().is_empty());
    }
}

#[tokio::test]
async fn concurrent_writers_keep_one_audit_chain() {
    let w = world().await;
    w.staff("admin", "总管理员", "sysadmin", w.company).await;
    let t = w.token("admin").await;
    let mut handles = vec![];
    for i in 0..8 {
        let router = w.router.clone();
        let t = t.clone();
        let org = w.office_a.0;
        handles.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let body = json!({"login": format!("staff{i}"), "display_name": format!("员工{i}"), "password": "Sturdy-bridge-19", "role_code": "security", "org_id": org});
            let req = Request::post("/api/v1/users")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {t}"))
                .body(Body::from(body.to_string()))
                .unwrap();
            router.oneshot(req).await.unwrap().status()
        }));
    }
    for h in handles {
        assert_eq!(h.await.unwrap(), StatusCode::CREATED);
    }
    assert!(matches!(
        app::audit::service::verify(&w.ctx.db).await.unwrap(),
        app::audit::model::ChainCheck::Intact { .. }
    ));
}

#[tokio::test]
async fn openapi_document_lists_the_routes() {
    let w = world().await;
    let r = w.get("/api/v1/openapi.json", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/orgs",
        "/api/v1/audit",
        "/api/v1/units",
        "/api/v1/units/{id}",
        "/api/v1/units/{id}/occupants",
        "/api/v1/buildings",
        "/api/v1/me/homes",
    ] {
        assert!(doc["paths"].get(p).is_some(), "missing {p}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // Every path parameter is in its path's template, and every template variable is declared:
    // query strings are declared as query parameters.
    let mut wrong = vec![];
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for p in &params {
                let name = p["name"].as_str().unwrap_or_default();
                if p["in"] == "path" && !path.contains(&format!("{{{name}}}")) {
                    wrong.push(format!("{method} {path}: path parameter {name}"));
                }
            }
            for var in path.split('{').skip(1).filter_map(|s| s.split('}').next()) {
                if !params.iter().any(|p| p["in"] == "path" && p["name"] == var) {
                    wrong.push(format!("{method} {path}: {{{var}}} undeclared"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{} wrong: {wrong:#?}", wrong.len());
    // Every operation documents the common error answers, and coded enums document their codes.
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for code in ["400", "401", "403", "404", "422"] {
                assert!(op["responses"].get(code).is_some(), "{method} {path} lacks {code}");
            }
        }
    }
    assert_eq!(
        doc["components"]["schemas"]["UserStatus"]["enum"],
        serde_json::json!(["active", "disabled"])
    );
    // A refused import answers 422 with either its report or an error body.
    let refused = &doc["paths"]["/api/v1/imports/records"]["post"]["responses"]["422"];
    assert!(refused.to_string().contains("ImportRejected"), "{refused}");
}

#[tokio::test]
async fn an_api_request_without_any_login_is_answered_401_not_a_csrf_403() {
    let w = world().await;
    let r = w
        .json("POST", "/api/v1/me/notifications/read", None, &serde_json::json!({}))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    // A browser session without its CSRF token is still refused.
    w.resident("13800000001", "李娜").await;
    let c = w.browser_login("13800000001").await;
    let send = app::access::api::SendPhoneCode::PATH;
    let r = w
        .server_fn(send, &[("current_password", PW), ("phone", "13600000001")], &c, false)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = w
        .send(
            Request::post("/api/v1/me/notifications/read")
                .header(header::COOKIE, c.header())
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("err.csrf"), "{}", r.body);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_a_code_sent_to_the_number() {
    let w = world().await;
    w.resident("13800000001", "李娜").await;
    let old_token = w.token("13800000001").await;
    let c = w.browser().await;
    let send = app::access::api::SendResetCode::PATH;
    let reset = app::access::api::ResetPassword::PATH;
    // Five wrong passwords throttle the account.
    for _ in 0..6 {
        let r = w
            .json(
                "POST",
                "/api/v1/auth/login",
                None,
                &json!({"login": "13800000001", "password": "not-it-at-all"}),
            )
            .await;
        assert_ne!(r.status, StatusCode::OK);
    }
    let r = w
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "13800000001", "password": PW}),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    // A number without an account is answered alike, and nothing is texted to it.
    let none = w.server_fn(send, &[("phone", "13700000009")], &c, true).await;
    assert_eq!(none.status, StatusCode::OK, "{}", none.body);
    assert_eq!(none.json()["to"], "137****0009");
    assert_eq!(w.texts.count_for("13700000009"), 0);
    let sent = w.server_fn(send, &[("phone", "13800000001")], &c, true).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let code = w.texts.code_for("13800000001");
    let new_pw = "Quiet-harbour-2027";
    let form = |code: &str, pw: &str, again: &str| {
        vec![
            ("phone".to_string(), "13800000001".to_string()),
            ("code".to_string(), code.to_string()),
            ("password".to_string(), pw.to_string()),
            ("password_again".to_string(), again.to_string()),
        ]
    };
    let post = |f: Vec<(String, String)>| {
        let c = &c;
        let w = &w;
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            w.server_fn(reset, &pairs, c, true).await
        }
    };
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = post(form(wrong, new_pw, new_pw)).await;
    assert_eq!(r.json()["field"], "code", "{}", r.body);
    let r = post(form(&code, new_pw, "something-else")).await;
    assert_eq!(r.json()["field"], "password_again", "{}", r.body);
    let r = post(form(&code, "12345678", "12345678")).await;
    assert_eq!(r.json()["field"], "password", "a weak password is refused: {}", r.body);
    let r = post(form(&code, new_pw, new_pw)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The code is spent, the old session is over, the throttle starts over, the new password works.
    let r = post(form(&code, "Another-harbour-2028", "Another-harbour-2028")).await;
    assert_eq!(r.json()["field"], "code", "{}", r.body);
    assert_eq!(
        w.get("/api/v1/me", Some(&old_token)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = w
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "13800000001", "password": new_pw}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = w
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "13800000001", "password": PW}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "the old password is gone: {}",
        r.body
    );
}

#[tokio::test]
async fn phone_change_needs_the_password_and_a_code_sent_to_the_new_number() {
    let w = world().await;
    w.resident("13800000001", "李娜").await;
    w.resident("13800000002", "王强").await;
    let c = w.browser_login("13800000001").await;
    let send = app::access::api::SendPhoneCode::PATH;
    let path = app::access::api::ChangePhone::PATH;
    let wrong = w
        .server_fn(
            send,
            &[("current_password", "not-it-at-all"), ("phone", "13600000001")],
            &c,
            true,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.json()["field"], "current_password");
    let taken = w
        .server_fn(send, &[("current_password", PW), ("phone", "13800000002")], &c, true)
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    let bad = w
        .server_fn(send, &[("current_password", PW), ("phone", "136")], &c, true)
        .await;
    assert_eq!(bad.json()["field"], "phone");
    assert_eq!(
        w.texts.count_for("13600000001"),
        0,
        "no code before the password is right"
    );
    // The password alone no longer moves the account: the new number's code does.
    let bare = w.server_fn(path, &[("phone", "13600000001")], &c, true).await;
    assert_eq!(bare.json()["field"], "code", "{}", bare.body);
    let sent = w
        .server_fn(send, &[("current_password", PW), ("phone", "136 0000 0001")], &c, true)
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let code = w.texts.code_for("13600000001");
    // A code sent for this account does not move another account to that number.
    let other = w.browser_login("13800000002").await;
    let r = w
        .server_fn(path, &[("phone", "13600000001"), ("code", &code)], &other, true)
        .await;
    assert_eq!(r.json()["field"], "code", "{}", r.body);
    let ok = w
        .server_fn(path, &[("phone", "136 0000 0001"), ("code", &code)], &c, true)
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.json()["phone_masked"], "136****0001");
    let old = w
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "13800000001", "password": PW}),
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "the old number no longer logs in");
    assert!(!w.token("13600000001").await.is_empty());
}

#[tokio::test]
async fn a_phone_number_is_an_accounts_only_after_the_code_sent_to_it() {
    use app::db::entities::{phone_codes, users};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let w = world().await;
    // A home whose owner is 13900000001 (who has no account yet).
    let s = fee_setup(&w, 1, 1).await;
    let owner = "13900000001";
    let c = w.browser().await;
    let signup = |code: String| {
        let (w, c) = (&w, &c);
        async move {
            w.server_fn(
                app::access::api::Signup::PATH,
                &[
                    ("phone", owner),
                    ("code", &code),
                    ("display_name", "冒名者"),
                    ("password", PW),
                    ("password_again", PW),
                ],
                c,
                true,
            )
            .await
        }
    };
    let send = || async {
        w.server_fn(app::access::api::SendSignupCode::PATH, &[("phone", owner)], &c, true)
            .await
    };
    let accounts = || async {
        users::Entity::find()
            .filter(users::Column::Phone.eq(owner))
            .count(&w.ctx.db)
            .await
            .unwrap()
    };
    // Typing the owner's number is not enough.
    let r = signup(String::new()).await;
    assert_eq!(r.json()["field"], "code", "{}", r.body);
    let r = signup("123456".into()).await;
    assert_eq!(r.json()["field"], "code", "{}", r.body);
    assert_eq!(accounts().await, 0);
    // A code goes to the number; asking again at once is throttled.
    assert_eq!(send().await.status, StatusCode::OK);
    let again = send().await;
    assert_eq!(again.status, StatusCode::TOO_MANY_REQUESTS, "{}", again.body);
    assert_eq!(w.texts.count_for(owner), 1);
    // Guessing: five wrong entries spend the code; the right one then no longer works.
    let code = w.texts.code_for(owner);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let r = signup(wrong.into()).await;
        assert_eq!(r.json()["code"], "err.code_invalid", "{}", r.body);
    }
    let r = signup(code.clone()).await;
    assert_eq!(r.json()["code"], "err.code_expired", "{}", r.body);
    assert_eq!(accounts().await, 0);
    // An expired code does not work either.
    // Moves every code `secs` into the past (as if that much time went by).
    let back = |secs: i64| {
        let db = &w.ctx.db;
        async move {
            for c in phone_codes::Entity::find().all(db).await.unwrap() {
                let mut am: phone_codes::ActiveModel = c.clone().into();
                am.created_at = sea_orm::ActiveValue::Set(c.created_at - chrono::Duration::seconds(secs));
                am.expires_at = sea_orm::ActiveValue::Set(c.expires_at - chrono::Duration::seconds(secs));
                sea_orm::ActiveModelTrait::update(am, db).await.unwrap();
            }
        }
    };
    back(61).await;
    assert_eq!(send().await.status, StatusCode::OK);
    let code = w.texts.code_for(owner);
    back(11 * 60).await;
    let r = signup(code).await;
    assert_eq!(r.json()["code"], "err.code_expired", "{}", r.body);
    // At most five codes an hour to one number.
    for _ in 0..3 {
        back(61).await;
        assert_eq!(send().await.status, StatusCode::OK);
    }
    back(61).await;
    let r = send().await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(phone_codes::Entity::find().count(&w.ctx.db).await.unwrap(), 5);
    // The owner, holding the phone, gets in with the newest code and finds their home.
    let code = w.texts.code_for(owner);
    let r = signup(code.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token = w.token(owner).await;
    let homes = w.get("/api/v1/me/homes", Some(&token)).await;
    assert_eq!(homes.json().as_array().map(|a| a.len()), Some(1), "{}", homes.body);
    assert_eq!(homes.json()[0]["unit"]["id"], s.units[0], "{}", homes.body);
    // A used code is spent.
    let r = signup(code).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(accounts().await, 1);
}

#[tokio::test]
async fn without_an_sms_provider_sign_up_says_so_and_stores_nothing() {
    use app::db::entities::phone_codes;
    use sea_orm::{EntityTrait, PaginatorTrait};
    let w = world_with(RuntimeConfig::default().with(app::access::verify::Texts(None))).await;
    let c = w.browser().await;
    let r = w
        .server_fn(
            app::access::api::SendSignupCode::PATH,
            &[("phone", "13912345678")],
            &c,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["code"], "err.sms_unavailable");
    assert_eq!(phone_codes::Entity::find().count(&w.ctx.db).await.unwrap(), 0);
}

#[tokio::test]
async fn records_are_scoped_to_the_office_and_the_household() {
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    w.resident("13800000009", "赵敏").await;
    w.resident("13800000010", "钱多").await;
    let ta = w.token("pm.a").await;
    let tb = w.token("pm.b").await;

    // Office A generates a building: 1 entrance, floors 1–3 without 2, 2 per floor = 4 units.
    let plan = json!({"community_id": w.community_a.0, "code": "1", "cells": 1, "floors": 3, "per_floor": 2, "skip_floors": [2], "area": "89.57"});
    let r = w.json("POST", "/api/v1/buildings", Some(&ta), &plan).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["units"], 4);
    // The same building number again is a clear conflict and adds nothing.
    let again = w.json("POST", "/api/v1/buildings", Some(&ta), &plan).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    // Bad plans name the field.
    for (bad, field) in [
        (
            json!({"community_id": w.community_a.0, "code": "2", "cells": 1, "floors": 0, "per_floor": 2}),
            "floors",
        ),
        (
            json!({"community_id": w.community_a.0, "code": "2", "cells": 1, "floors": 1, "per_floor": 2, "skip_floors": [1]}),
            "skip_floors",
        ),
        (
            json!({"community_id": w.community_a.0, "code": "2", "cells": 1, "floors": 2, "per_floor": 2, "area": "-5"}),
            "area",
        ),
    ] {
        let r = w.json("POST", "/api/v1/buildings", Some(&ta), &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], field);
    }
    // Office B has its own building and owner.
    let r = w
        .json(
            "POST",
            "/api/v1/buildings",
            Some(&tb),
            &json!({"community_id": w.community_b.0, "code": "9", "cells": 1, "floors": 1, "per_floor": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let b_units = w.get("/api/v1/units", Some(&tb)).await.json();
    let b_unit = b_units["items"][0]["id"].as_i64().unwrap();
    let r = w
        .json(
            "POST",
            &format!("/api/v1/units/{b_unit}/occupants"),
            Some(&tb),
            &json!({"name": "乙业主", "phone": "13800000010", "relation": "owner"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    // Office A sees its 4 units, none of B's, and cannot reach B's by id or by filter.
    let page = w.get("/api/v1/units", Some(&ta)).await;
    assert_eq!(page.status, StatusCode::OK);
    let items = page.json()["items"].as_array().unwrap().clone();
    let numbers: Vec<&str> = items.iter().map(|u| u["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["1-1-0101", "1-1-0102", "1-1-0301", "1-1-0302"]);
    assert!(
        !page.body.contains("9-1-0101") && !page.body.contains("乙"),
        "{}",
        page.body
    );
    assert_eq!(items[0]["area"], 8957);
    assert_eq!(items[0]["area_source"], "contract");
    let filtered = w
        .get(&format!("/api/v1/units?community_id={}", w.community_b.0), Some(&ta))
        .await;
    assert_eq!(filtered.json()["items"].as_array().unwrap().len(), 0);
    assert_eq!(
        w.get(&format!("/api/v1/units/{b_unit}"), Some(&ta)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = w
        .json(
            "POST",
            &format!("/api/v1/units/{b_unit}/occupants"),
            Some(&ta),
            &json!({"name": "间谍", "phone": "13900000001", "relation": "owner"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = w
        .json(
            "POST",
            "/api/v1/buildings",
            Some(&ta),
            &json!({"community_id": w.community_b.0, "code": "7", "cells": 1, "floors": 1, "per_floor": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Keyset paging walks the same rows without gaps or repeats.
    let p1 = w.get("/api/v1/units?limit=3", Some(&ta)).await.json();
    let next = p1["next"].as_i64().unwrap();
    let p2 = w
        .get(&format!("/api/v1/units?limit=3&after={next}"), Some(&ta))
        .await
        .json();
    assert_eq!(
        p1["items"].as_array().unwrap().len() + p2["items"].as_array().unwrap().len(),
        4
    );
    assert!(p2["next"].is_null());

    // Office A records the resident as owner; the phone links the account to the home.
    let a_unit = items[0]["id"].as_i64().unwrap();
    let r = w
        .json(
            "POST",
            &format!("/api/v1/units/{a_unit}/occupants"),
            Some(&ta),
            &json!({"name": "赵敏", "phone": "13800000009", "relation": "owner"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["phone_masked"], "138****0009");
    let dup = w
        .json(
            "POST",
            &format!("/api/v1/units/{a_unit}/occupants"),
            Some(&ta),
            &json!({"name": "赵敏", "phone": "13800000009", "relation": "owner"}),
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    let bad = w
        .json(
            "POST",
            &format!("/api/v1/units/{a_unit}/occupants"),
            Some(&ta),
            &json!({"name": "某人", "phone": "12345", "relation": "owner"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let detail = w.get(&format!("/api/v1/units/{a_unit}"), Some(&ta)).await.json();
    assert_eq!(detail["unit"]["status"], "delivered");
    assert_eq!(detail["unit"]["owners"], "赵敏");

    // Each resident sees their own household only, and no staff lists.
    let zm = w.token("13800000009").await;
    let homes = w.get("/api/v1/me/homes", Some(&zm)).await;
    assert_eq!(homes.status, StatusCode::OK);
    let h = homes.json();
    assert_eq!(h.as_array().unwrap().len(), 1);
    assert_eq!(h[0]["unit"]["number"], "1-1-0101");
    assert_eq!(h[0]["relation"], "owner");
    assert!(
        !homes.body.contains("乙业主") && !homes.body.contains("13800000009"),
        "{}",
        homes.body
    );
    assert_eq!(w.get("/api/v1/units", Some(&zm)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        w.get(&format!("/api/v1/units/{b_unit}"), Some(&zm)).await.status,
        StatusCode::FORBIDDEN
    );
    let qd = w.token("13800000010").await;
    let other = w.get("/api/v1/me/homes", Some(&qd)).await;
    assert!(
        other.body.contains("9-1-0101") && !other.body.contains("赵敏"),
        "{}",
        other.body
    );

    // The server functions behind the pages apply the same scope.
    let c = w.browser_login("pm.a").await;
    let r = w.server_fn(app::estate::api::ListUnits::PATH, &[], &c, true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("1-1-0101") && !r.body.contains("9-1-0101"));
    let r = w
        .server_fn(
            app::estate::api::UnitDetail::PATH,
            &[("id", &b_unit.to_string())],
            &c,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn wrong_passwords_sent_at_once_are_all_counted() {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let w = world().await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    // Twenty guesses at once: each is counted before its password is checked, so only the
    // first five (the limit) are checked at all.
    let body = json!({"login": "pm.a", "password": "not-the-password"});
    let answers = futures::future::join_all((0..20).map(|_| w.json("POST", "/api/v1/auth/login", None, &body))).await;
    let checked = answers.iter().filter(|r| r.status == StatusCode::UNAUTHORIZED).count();
    let throttled = answers
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(
        (checked, throttled),
        (5, 15),
        "{:?}",
        answers.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    // The right password now is refused too, and a refused attempt adds no failure: after
    // the window the account works again.
    let r = w
        .json(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"login": "pm.a", "password": PW}),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let failures = app::db::entities::login_attempts::Entity::find()
        .filter(app::db::entities::login_attempts::Column::Scope.eq("account"))
        .filter(app::db::entities::login_attempts::Column::Success.eq(false))
        .count(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(failures, 5);
}

#[tokio::test]
async fn powers_stay_where_the_design_puts_them() {
    use app::db::entities::roles;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let w = world().await;
    w.staff("admin", "管理员", "sysadmin", w.company).await;
    w.staff("admin2", "二号管理员", "sysadmin", w.company).await;
    w.staff("hq.admin", "总部", "hq_admin", w.company).await;
    w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
    w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
    let role_id = |code: &'static str| {
        let db = w.ctx.db.clone();
        async move {
            roles::Entity::find()
                .filter(roles::Column::Code.eq(code))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .id
                .to_string()
        }
    };
    let set = app::access::api::SetRolePermission::PATH;
    // Headquarters cannot give its own role the right to see ID numbers, nor change its role.
    let hq = w.browser_login("hq.admin").await;
    let hq_role = role_id("hq_admin").await;
    let r = w
        .server_fn(
            set,
            &[
                ("role_id", &hq_role),
                ("permission", "people.reveal_id"),
                ("on", "true"),
            ],
            &hq,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("err.permission_not_for_role"), "{}", r.body);
    let r = w
        .server_fn(
            set,
            &[("role_id", &hq_role), ("permission", "audit.read"), ("on", "false")],
            &hq,
            true,
        )
        .await;
    assert!(r.body.contains("err.own_role"), "{}", r.body);
    // Not even the system administrator makes residents staff.
    let admin = w.browser_login("admin").await;
    let r = w
        .server_fn(
            set,
            &[
                ("role_id", &role_id("resident").await),
                ("permission", "users.write"),
                ("on", "true"),
            ],
            &admin,
            true,
        )
        .await;
    assert!(r.body.contains("err.permission_not_for_role"), "{}", r.body);

    // API keys are for system administrators.
    let create = app::access::api::CreateApiKey::PATH;
    let form = [
        ("name", "停车场"),
        ("role_code", "cashier"),
        ("org_id", &w.office_a.0.to_string()),
    ];
    let pm = w.browser_login("pm.a").await;
    let r = w.server_fn(create, &form, &pm, true).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let admin2 = w.browser_login("admin2").await;
    let r = w.server_fn(create, &form, &admin2, true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let key = r.json()["key"].as_str().unwrap().to_string();
    assert_eq!(w.get("/api/v1/me", Some(&key)).await.status, StatusCode::OK);
    // Disabling the person who made it stops the key.
    let admin2_id = w
        .get("/api/v1/users?q=admin2", Some(&w.token("admin").await))
        .await
        .json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    let r = w
        .server_fn(
            app::access::api::SetUserStatus::PATH,
            &[("user_id", &admin2_id.to_string()), ("active", "false")],
            &admin,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(w.get("/api/v1/me", Some(&key)).await.status, StatusCode::UNAUTHORIZED);

    // A project manager of office A cannot grant roles to office B's staff.
    let pm_b_id = w
        .get("/api/v1/users?q=pm.b", Some(&w.token("admin").await))
        .await
        .json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    let r = w
        .server_fn(
            app::access::api::GrantRole::PATH,
            &[
                ("user_id", &pm_b_id.to_string()),
                ("role_code", "cashier"),
                ("org_id", &w.office_a.0.to_string()),
            ],
            &pm,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

#[tokio::test]
async fn readiness_needs_a_database_that_takes_writes() {
    use sea_orm::Database;
    let dir = std::env::temp_dir().join(format!("linli-ready-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("linli.db");
    let rw = Database::connect(format!("sqlite://{}?mode=rwc", file.display()))
        .await
        .unwrap();
    server::migrate(&rw).await.unwrap();
    let w = world_on(rw, RuntimeConfig::default()).await;
    let r = w.get("/readyz", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The same file opened read-only: reads work, so only a write check tells.
    let ro = Database::connect(format!("sqlite://{}?mode=ro", file.display()))
        .await
        .unwrap();
    let state = server::AppState {
        leptos_options: server::leptos_options("target/site-test"),
        ctx: app::db::AppCtx {
            db: ro,
            cfg: w.ctx.cfg.clone(),
        },
        trusted_proxies: std::sync::Arc::new(vec![]),
    };
    let router = server::router(state);
    use tower::ServiceExt;
    let resp = router
        .oneshot(Request::get("/readyz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = axum::body::to_bytes(resp.into_body(), 1 << 16).await.unwrap();
    assert_eq!(std::str::from_utf8(&body).unwrap(), "database is read-only");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_database_locked_by_another_process_is_named_as_locked() {
    use sea_orm::sqlx::{sqlite::SqliteConnectOptions, ConnectOptions as _, Connection as _};
    use std::str::FromStr;
    let dir = std::env::temp_dir().join(format!("linli-locked-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("linli.db").display());
    let mut other = SqliteConnectOptions::from_str(&url).unwrap().connect().await.unwrap();
    sea_orm::sqlx::query("CREATE TABLE t (x)")
        .execute(&mut other)
        .await
        .unwrap();
    assert_eq!(server::sqlite_lock_holder(&url).await, None, "nobody holds it yet");
    sea_orm::sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut other)
        .await
        .unwrap();
    let why = server::sqlite_lock_holder(&url).await.expect("the lock is seen");
    assert!(why.contains("locked by another process"), "{why}");
    assert!(why.contains("linli.db"), "names the file: {why}");
    sea_orm::sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    assert_eq!(server::sqlite_lock_holder(&url).await, None, "released");
    other.close().await.unwrap();
    assert_eq!(server::sqlite_lock_holder("postgres://u@localhost/x").await, None);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A plain form post, as the browser makes it before the WASM arrives (or with JavaScript off).
async fn plain_post(w: &World, path: &str, form: &[(&str, &str)], c: &Cookies) -> Resp {
    let body = form_body(form);
    let mut b = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
        .header(header::HOST, "linli.test")
        .header(header::REFERER, "http://linli.test/login?next=/pay");
    if !c.header().is_empty() {
        b = b.header(header::COOKIE, c.header());
    }
    w.send(b.body(Body::from(body)).unwrap()).await
}

#[tokio::test]
async fn a_form_posted_without_javascript_carries_its_token_and_comes_back_as_a_page() {
    let w = world().await;
    w.resident("13800000001", "李娜").await;
    let mut c = w.browser().await;
    let token = c.get("linli_csrf").unwrap();
    // The page's forms carry the token the server expects.
    let page = w.get("/login", None).await;
    assert!(
        page.body.contains(r#"name="_csrf""#),
        "the login form has no token field"
    );
    let r = w
        .send(
            Request::get("/login")
                .header(header::COOKIE, c.header())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        r.body.contains(&format!(r#"name="_csrf" value="{token}""#)),
        "{}",
        r.body
    );

    // No token: back to the form's page with the error for the page to show, not JSON.
    let r = plain_post(&w, &login_path(), &[("login", "13800000001"), ("password", PW)], &c).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(to.starts_with("http://linli.test/login?next=/pay&__path="), "{to}");
    assert!(to.contains("__err="), "{to}");
    // A wrong token is the same refusal; nothing is signed in.
    let r = plain_post(
        &w,
        &login_path(),
        &[("login", "13800000001"), ("password", PW), ("_csrf", "forged")],
        &c,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r
        .headers
        .get(header::SET_COOKIE)
        .is_none_or(|v| !v.to_str().unwrap().starts_with("linli_session")));
    // A referer from another site gets the plain refusal.
    let r = w
        .send(
            Request::post(login_path())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "text/html")
                .header(header::HOST, "linli.test")
                .header(header::REFERER, "http://evil.test/login")
                .header(header::COOKIE, c.header())
                .body(Body::from("login=13800000001&password=x"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The token in the field: a wrong password comes back to the page with its error...
    let r = plain_post(
        &w,
        &login_path(),
        &[("login", "13800000001"), ("password", "wrong-one"), ("_csrf", &token)],
        &c,
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    let to = r.headers[header::LOCATION].to_str().unwrap();
    assert!(to.contains("__err="), "{to}");
    // ...and the right one signs in and goes on to the page the login was asked for.
    let r = plain_post(
        &w,
        &login_path(),
        &[
            ("login", "13800000001"),
            ("password", PW),
            ("next", "/pay"),
            ("_csrf", &token),
        ],
        &c,
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], "/pay");
    c.absorb(&r);
    assert!(c.get("linli_session").is_some());
    // Signed in, the pages' forms carry the session's token, which the cookie repeats.
    let session_token = c.get("linli_csrf").unwrap();
    assert_ne!(session_token, token);
    let r = w
        .send(
            Request::get("/me")
                .header(header::COOKIE, c.header())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        r.body.contains(&format!(r#"name="_csrf" value="{session_token}""#)),
        "{}",
        r.body
    );
    // A `next` that leaves the site is not followed.
    let c2 = w.browser().await;
    let t2 = c2.get("linli_csrf").unwrap();
    let r = plain_post(
        &w,
        &login_path(),
        &[
            ("login", "13800000001"),
            ("password", PW),
            ("next", "//evil.test/"),
            ("_csrf", &t2),
        ],
        &c2,
    )
    .await;
    assert_eq!(r.headers[header::LOCATION], "/");
}

/// utoipa keys the document's schemas by the bare type name: two types of one name (an
/// `Outcome` in audit and another in governance) silently take each other's place, and a
/// type alias becomes a schema named after what it aliases (`Vec`). Reads every type that
/// derives or declares a schema and fails on a name held by two of them.
#[tokio::test]
async fn every_schema_name_belongs_to_one_type() {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = vec![];
    for dir in ["../app/src", "src"] {
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut files);
    }
    let mut seen: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for f in files.iter().filter(|f| !f.ends_with("shared/codes.rs")) {
        let text = std::fs::read_to_string(f).unwrap();
        let mut pending = false;
        for line in text.lines() {
            let t = line.trim_start();
            if t.starts_with("#[") && t.contains("ToSchema") || t.contains("code_enum!") {
                pending = true;
                continue;
            }
            if !pending {
                continue;
            }
            let rest = t.trim_start_matches("pub(crate) ").trim_start_matches("pub ");
            if let Some(decl) = rest.strip_prefix("struct ").or_else(|| rest.strip_prefix("enum ")) {
                let name: String = decl.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                seen.entry(name).or_default().push(f.display().to_string());
                pending = false;
            }
        }
    }
    let twice: Vec<_> = seen.iter().filter(|(_, fs)| fs.len() > 1).collect();
    assert!(seen.len() > 100, "found only {} schema types", seen.len());
    assert!(twice.is_empty(), "schema names held by two types: {twice:#?}");
    let w = world().await;
    let doc = w.get("/api/v1/openapi.json", None).await.json();
    for alias in ["Vec", "Option", "HashMap", "BTreeMap"] {
        assert!(
            doc["components"]["schemas"].get(alias).is_none(),
            "a type alias leaked as {alias}"
        );
    }
}
