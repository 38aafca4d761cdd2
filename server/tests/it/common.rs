//! Test harness: a fresh database per test (SQLite in memory, or a new PostgreSQL database
//! when `LINLI_TEST_DATABASE_URL` points at a server), the real router, and HTTP helpers.
#![allow(dead_code)]
use app::access::model::UserKind;
use app::access::service as access;
use app::db::{AppCtx, RuntimeConfig};
use app::org::model::OrgKind;
use app::org::service as org;
use app::shared::ids::OrgId;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::sync::Arc;
use tower::ServiceExt;

pub const PW: &str = "Quiet-lantern-42";

fn unique() -> String {
    use rand::Rng;
    format!("{:x}", rand::thread_rng().gen::<u64>())
}

pub async fn test_db() -> DatabaseConnection {
    let db = match std::env::var("LINLI_TEST_DATABASE_URL").ok().filter(|s| !s.is_empty()) {
        Some(base) => {
            let admin = server::connect(&base).await.expect("connect to test PostgreSQL");
            let name = format!("linli_t_{}", unique());
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            let url = match base.rfind('/') {
                Some(i) => format!("{}/{name}", &base[..i]),
                None => panic!("LINLI_TEST_DATABASE_URL needs a database path"),
            };
            server::connect(&url).await.expect("connect to the new test database")
        }
        None => server::connect(&format!("sqlite:file:t{}?mode=memory&cache=shared", unique()))
            .await
            .expect("sqlite memory"),
    };
    server::migrate(&db).await.expect("migrate");
    db
}

pub struct World {
    pub ctx: AppCtx,
    /// Text messages sent, newest last.
    pub texts: Texts,
    pub router: Router,
    pub company: OrgId,
    pub office_a: OrgId,
    pub office_b: OrgId,
    pub community_a: OrgId,
    pub community_b: OrgId,
}

pub async fn world_with(cfg: RuntimeConfig) -> World {
    world_on(test_db().await, cfg).await
}

/// A world on a database the caller opened (e.g. a SQLite file the test then reads).
pub async fn world_on(db: DatabaseConnection, cfg: RuntimeConfig) -> World {
    // Errors the app logs (a 500's cause) show up in a failing test's output.
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
    // Uploads land in memory unless the test chose a store.
    let cfg = match cfg.parts.get::<app::files::store::Storage>() {
        Some(_) => cfg,
        None => cfg.with(app::files::store::Storage::memory()),
    };
    // Text messages (verification codes) land in `World::texts` unless the test chose a sender.
    let texts = Texts::default();
    let cfg = match cfg.parts.get::<app::access::verify::Texts>() {
        Some(_) => cfg,
        None => cfg.with(app::access::verify::Texts(Some(Arc::new(texts.clone())))),
    };
    let ctx = AppCtx { db, cfg: Arc::new(cfg) };
    let c = &ctx.db;
    let company = org::create_org(c, None, OrgKind::Company, "测试物业公司", "T")
        .await
        .unwrap();
    let office_a = org::create_org(c, Some(company.id), OrgKind::Office, "甲管理处", "T-A")
        .await
        .unwrap();
    let office_b = org::create_org(c, Some(company.id), OrgKind::Office, "乙管理处", "T-B")
        .await
        .unwrap();
    let community_a = org::create_org(c, Some(office_a.id), OrgKind::Community, "甲小区", "A1")
        .await
        .unwrap();
    let community_b = org::create_org(c, Some(office_b.id), OrgKind::Community, "乙小区", "B1")
        .await
        .unwrap();
    let state = server::AppState {
        leptos_options: server::leptos_options("target/site-test"),
        ctx: ctx.clone(),
        trusted_proxies: Arc::new(vec![]),
    };
    World {
        router: server::router(state),
        ctx,
        texts,
        company: company.id,
        office_a: office_a.id,
        office_b: office_b.id,
        community_a: community_a.id,
        community_b: community_b.id,
    }
}

/// A stand-in SMS provider that keeps what it was asked to send.
#[derive(Clone, Default)]
pub struct Texts(pub Arc<std::sync::Mutex<Vec<(String, String)>>>);

#[async_trait::async_trait]
impl app::access::verify::TextSender for Texts {
    async fn send_text(&self, phone: &str, body: &str) -> Result<(), String> {
        self.0.lock().unwrap().push((phone.to_string(), body.to_string()));
        Ok(())
    }
}

impl Texts {
    /// The six-digit code in the newest message to `phone`.
    pub fn code_for(&self, phone: &str) -> String {
        let sent = self.0.lock().unwrap();
        let (_, body) = sent
            .iter()
            .rev()
            .find(|(p, _)| p == phone)
            .expect("a text to that phone");
        let digits: String = body
            .split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .expect("a six-digit code")
            .to_string();
        digits
    }

    pub fn count_for(&self, phone: &str) -> usize {
        self.0.lock().unwrap().iter().filter(|(p, _)| p == phone).count()
    }
}

pub async fn world() -> World {
    world_with(RuntimeConfig::default()).await
}

impl World {
    pub async fn staff(&self, login: &str, name: &str, role: &str, org: OrgId) {
        access::create_user_system(&self.ctx, login, None, name, PW, UserKind::Staff, false)
            .await
            .unwrap();
        access::grant_system(&self.ctx, login, role, org).await.unwrap();
    }

    pub async fn resident(&self, phone: &str, name: &str) {
        access::create_user_system(&self.ctx, phone, Some(phone), name, PW, UserKind::Resident, false)
            .await
            .unwrap();
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Logs in through the API and returns the bearer token.
    pub async fn token(&self, login: &str) -> String {
        let r = self
            .json(
                "POST",
                "/api/v1/auth/login",
                None,
                &serde_json::json!({"login": login, "password": PW}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {login}: {}", r.body);
        r.json()["token"].as_str().unwrap().to_string()
    }

    /// The raw body of a GET (downloads such as XLSX).
    pub async fn get_bytes(&self, uri: &str, bearer: &str) -> Vec<u8> {
        use http_body_util::BodyExt;
        let req = Request::get(uri)
            .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
            .body(Body::empty())
            .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        res.into_body().collect().await.unwrap().to_bytes().to_vec()
    }

    pub async fn get(&self, uri: &str, bearer: Option<&str>) -> Resp {
        let mut b = Request::get(uri);
        if let Some(t) = bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    pub async fn delete(&self, uri: &str, bearer: &str) -> Resp {
        let req = Request::delete(uri)
            .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    pub async fn json(&self, method: &str, uri: &str, bearer: Option<&str>, body: &serde_json::Value) -> Resp {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::from(body.to_string())).unwrap()).await
    }

    /// A JSON request with an `Idempotency-Key` header.
    pub async fn json_keyed(&self, uri: &str, bearer: &str, key: &str, body: &serde_json::Value) -> Resp {
        let req = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
            .header("idempotency-key", key)
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    /// Calls a server function as the browser does: form-encoded, cookies, CSRF header.
    pub async fn server_fn(&self, path: &str, form: &[(&str, &str)], cookies: &Cookies, with_csrf: bool) -> Resp {
        let body = form_body(form);
        let mut b = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if !cookies.header().is_empty() {
            b = b.header(header::COOKIE, cookies.header());
        }
        if with_csrf {
            b = b.header("x-csrf-token", cookies.get("linli_csrf").unwrap_or_default());
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// A browser that loaded a page and so holds the visitor CSRF cookie.
    pub async fn browser(&self) -> Cookies {
        let r = self.get("/login", None).await;
        let mut c = Cookies::default();
        c.absorb(&r);
        assert!(c.get("linli_csrf").is_some(), "a page view hands out a CSRF cookie");
        c
    }

    /// A browser logged in through the login server function.
    pub async fn browser_login(&self, login: &str) -> Cookies {
        let mut c = self.browser().await;
        let r = self
            .server_fn(&login_path(), &[("login", login), ("password", PW)], &c, true)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        c.absorb(&r);
        c
    }
}

pub fn login_path() -> String {
    use leptos::server_fn::ServerFn;
    app::access::api::Login::PATH.to_string()
}

/// A url-encoded form body.
pub fn form_body(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

#[derive(Debug, Default, Clone)]
pub struct Cookies(Vec<(String, String)>);

impl Cookies {
    pub fn absorb(&mut self, r: &Resp) {
        for v in r.headers.get_all(header::SET_COOKIE) {
            let s = v.to_str().unwrap();
            let first = s.split(';').next().unwrap();
            let (k, val) = first.split_once('=').unwrap();
            self.0.retain(|(n, _)| n != k);
            if !s.contains("Max-Age=0") {
                self.0.push((k.to_string(), val.to_string()));
            }
        }
    }

    pub fn get(&self, k: &str) -> Option<String> {
        self.0.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    pub fn header(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Billing fixtures shared by the billing, payments and notify tests.
pub mod fees {
    use super::World;
    use app::access::model::{AuthVia, Authed, RequestMeta};
    use app::billing::{model::StandardInput, standards};
    use app::db::entities::users;
    use app::shared::ids::UserId;
    use axum::http::StatusCode;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use serde_json::json;

    pub async fn authed(w: &World, login: &str) -> Authed {
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

    pub fn next_period() -> String {
        use app::billing::{charge, service};
        charge::period_label(charge::add_months(service::current_period(), 1))
    }

    pub struct Setup {
        pub pm: String,
        pub cashier: String,
        pub units: Vec<i64>,
    }

    impl Setup {
        /// The manager bills office A for next month (asserting it went through).
        pub async fn bill_next_month(&self, w: &World) {
            let r = w
                .json(
                    "POST",
                    "/api/v1/billing/runs",
                    Some(&self.pm),
                    &json!({"org": w.office_a.0, "period": next_period(), "commit": true}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
    }

    /// Office A: a building (one cell, `floors` × `per_floor` homes of 89.57 ㎡), each home with an
    /// owner (13900000001, …), a property fee of 2.50 元/㎡/月 assigned to community A, and staff
    /// pm.a, cashier.a (office A), cashier.b, pm.b (office B).
    pub async fn fee_setup(w: &World, floors: u32, per_floor: u32) -> Setup {
        w.staff("pm.a", "甲经理", "project_manager", w.office_a).await;
        w.staff("cashier.a", "甲收费员", "cashier", w.office_a).await;
        w.staff("cashier.b", "乙收费员", "cashier", w.office_b).await;
        w.staff("pm.b", "乙经理", "project_manager", w.office_b).await;
        let pm = w.token("pm.a").await;
        let cashier = w.token("cashier.a").await;
        let r = w
            .json(
                "POST",
                "/api/v1/buildings",
                Some(&pm),
                &json!({"community_id": w.community_a.0, "code": "9", "cells": 1, "floors": floors, "per_floor": per_floor, "area": "89.57"}),
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
        assert_eq!(units.len() as u32, floors * per_floor);
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
}
#[allow(unused_imports)]
pub use fees::*;

/// Files as a phone sends them, for the tests that attach photos and PDFs.
pub mod uploads {
    use super::World;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};

    /// A `w`×`h` PNG with a gradient (so that it is no blank picture).
    pub fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    /// A 64×48 photo uploaded by `token`; its id.
    pub async fn photo(w: &World, token: &str) -> i64 {
        let r = w
            .send(
                Request::post("/api/v1/files/photos?name=leak.png")
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "image/png")
                    .body(Body::from(png(64, 48)))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.json()["id"].as_i64().unwrap()
    }

    /// A PDF uploaded by `token` as `name`; its id and bytes.
    pub async fn pdf(w: &World, token: &str, name: &str) -> (i64, Vec<u8>) {
        let mut pdf = b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n".to_vec();
        pdf.extend(std::iter::repeat_n(b'x', 2000));
        pdf.extend_from_slice(b"\ntrailer<</Root 1 0 R>>\n%%EOF\n");
        let r = w
            .send(
                Request::post(format!("/api/v1/files/documents?name={name}"))
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "application/pdf")
                    .body(Body::from(pdf.clone()))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        (r.json()["id"].as_i64().unwrap(), pdf)
    }
}
#[allow(unused_imports)]
pub use uploads::*;

/// Runs due jobs with the server's own registry until none is left; returns how many ran.
pub async fn drain(w: &World) -> usize {
    let registry = Arc::new(server::jobs::registry(0));
    let mut n = 0;
    loop {
        let k = app::jobs::queue::run_once(&w.ctx, &registry, "test-worker", 64)
            .await
            .unwrap();
        if k == 0 {
            return n;
        }
        n += k;
    }
}
