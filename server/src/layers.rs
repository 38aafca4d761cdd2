//! Request layers: client address, session resolution, CSRF, security headers.
use crate::AppState;
use app::access::model::{
    AuthVia, Authed, RequestMeta, CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, SESSION_COOKIE_SECURE,
};
use app::access::service as access;
use app::shared::error::AppError;
use app::shared::i18n::locale_of_request;
use app::shared::request::{FormToken, CSRF_FIELD};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the right-most
/// address in `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> String {
    let Some(peer) = peer else { return "unknown".into() };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let chain: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    chain
        .iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .copied()
        .unwrap_or(peer)
        .to_string()
}

/// A refused request. A form the browser posted itself (it accepts HTML) goes back to its page
/// with the error in the query, as Leptos does for a failed server function, so the page shows
/// it in words next to the form instead of a JSON body.
fn csrf_rejection(headers: &HeaderMap, path: &str) -> Response {
    let err = AppError::validation("csrf", "err.csrf");
    if let Some(back) = form_referer(headers) {
        if let Ok(url) = leptos::server_fn::error::ServerFnUrlError::new(path, err.clone()).to_url(&back) {
            return axum::response::Redirect::to(url.as_str()).into_response();
        }
    }
    let e = app::web::ApiError(err, locale_of_request(headers));
    let mut r = e.into_response();
    *r.status_mut() = axum::http::StatusCode::FORBIDDEN;
    r
}

/// For a form the browser posted itself: the page it came from, when that page is on this
/// site (the Referer is sent same-origin only).
fn form_referer(headers: &HeaderMap) -> Option<String> {
    let html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok())?;
    let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok())?;
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let same_site = rest.strip_prefix(host).is_some_and(|p| p.starts_with('/'));
    (html && same_site).then(|| referer.to_string())
}

fn is_urlencoded(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// A path the Leptos app renders (not the API, the bundle or a static file).
fn is_page_path(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && !last.contains('.')
        && path != "/healthz"
        && path != "/readyz"
}

fn constant_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Resolves the caller, enforces CSRF on state-changing requests, and hands both to the
/// handlers through request extensions.
///
/// CSRF: a request that changes state must carry `X-CSRF-Token` equal to the session's token
/// (or, for a visitor, to the `linli_csrf` cookie: double submit). Bearer-token requests carry
/// no ambient credential and are exempt, as is the JSON-only API login and the payment webhooks.
pub async fn session_layer(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let headers = req.headers().clone();
    let meta = RequestMeta {
        ip: client_ip(peer, &headers, &st.trusted_proxies),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(200)
            .collect(),
        request_id: headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string(),
    };
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let cookie_name = if st.ctx.cfg.secure_cookies {
        SESSION_COOKIE_SECURE
    } else {
        SESSION_COOKIE
    };
    let token = bearer.or_else(|| cookie_value(&headers, cookie_name));
    let resolved = match token {
        Some(t) if bearer.is_some() && t.starts_with(app::access::keys::KEY_PREFIX) => {
            app::access::keys::resolve_key(&st.ctx, t).await
        }
        Some(t) => access::resolve_session(&st.ctx, t).await,
        None => Ok(None),
    };
    let auth: Option<Authed> = match resolved {
        Ok(Some(mut a)) => {
            a.via = if bearer.is_some() {
                AuthVia::Bearer
            } else {
                AuthVia::Cookie
            };
            Some(a)
        }
        Ok(None) => None,
        Err(e) => {
            tracing::error!(?e, "session lookup failed");
            return e.status_response();
        }
    };

    let csrf_cookie = cookie_value(&headers, CSRF_COOKIE).map(str::to_string);
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let path = req.uri().path().to_string();
    // An API request that carries no login at all cannot ride on anyone's session: it is let
    // through to be answered 401 by the handler, not 403 for a token it had no way to hold.
    let anonymous_api = auth.is_none() && token.is_none() && path.starts_with("/api/v1/");
    let exempt = path == "/api/v1/auth/login" || path.starts_with("/webhooks/") || bearer.is_some() || anonymous_api;
    if unsafe_method && !exempt {
        let mut sent = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        // A form posted natively (before the WASM arrived, or with JavaScript off) repeats the
        // token in a hidden field instead of the header.
        if sent.is_empty() && is_urlencoded(&headers) {
            let (parts, body) = req.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
                return too_large("body", "err.body_too_large", &headers);
            };
            sent = form_urlencoded::parse(&bytes)
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            req = Request::from_parts(parts, axum::body::Body::from(bytes));
        }
        let expected = form_token(auth.as_ref(), csrf_cookie.as_deref());
        let ok = matches!(&expected, Some(e) if !sent.is_empty() && constant_eq(&sent, e));
        if !ok {
            tracing::warn!(path, "CSRF check failed");
            if let Some(a) = &auth {
                access::deny(&st.ctx, &meta, a, "csrf", None).await;
            }
            return csrf_rejection(&headers, &path);
        }
    }

    // Keep the readable CSRF cookie in step with the session (or give a visitor one).
    let set_csrf = match (&auth, &csrf_cookie) {
        (Some(a), c) if a.via == AuthVia::Cookie && c.as_deref() != Some(a.csrf_token.as_str()) => {
            Some(a.csrf_token.clone())
        }
        (None, None) => Some(access::new_csrf_token()),
        _ => None,
    };
    // A page knows its signed-in user from the first render: computed here with the request,
    // serialized into the page, read back by the browser during hydration (no Suspense).
    if *req.method() == Method::GET && is_page_path(&path) {
        let me = match &auth {
            Some(a) => match access::me(&st.ctx.db, a.user_id).await {
                Ok(me) => Some(me),
                Err(e) => {
                    tracing::error!(?e, "loading the signed-in user failed");
                    return e.status_response();
                }
            },
            None => None,
        };
        req.extensions_mut().insert(app::access::ui::InitialMe(me));
        // The token this page's forms carry, for a post made before (or without) the WASM.
        let token = form_token(auth.as_ref(), csrf_cookie.as_deref()).or_else(|| set_csrf.clone());
        req.extensions_mut().insert(FormToken(token.unwrap_or_default()));
    }
    req.extensions_mut().insert(meta);
    if let Some(a) = auth {
        req.extensions_mut().insert(a);
    }
    let mut res = next.run(req).await;
    if let Some(t) = set_csrf {
        // A handler (login, logout) may have set its own; do not contradict it.
        let already = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().is_ok_and(|s| s.starts_with(CSRF_COOKIE)));
        if !already {
            let secure = if st.ctx.cfg.secure_cookies { "; Secure" } else { "" };
            if let Ok(v) = HeaderValue::from_str(&format!("{CSRF_COOKIE}={t}; Path=/; SameSite=Lax{secure}")) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
        }
    }
    res
}

/// The CSRF token a caller's state-changing request must carry: a session's own, or for a
/// visitor the double-submit cookie's.
fn form_token(auth: Option<&Authed>, csrf_cookie: Option<&str>) -> Option<String> {
    match auth {
        Some(a) => Some(a.csrf_token.clone()),
        None => csrf_cookie.map(str::to_string),
    }
}

/// 413 with the localized reason, for a body over its limit.
fn too_large(field: &str, code: &str, headers: &axum::http::HeaderMap) -> Response {
    let mut r = app::web::ApiError(AppError::validation(field, code), locale_of_request(headers)).into_response();
    *r.status_mut() = axum::http::StatusCode::PAYLOAD_TOO_LARGE;
    r
}

/// Largest request body in general; workbook and photo uploads get their own, larger limits.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Caps request bodies: 2 MB, the workbook limit (10 MB) under the import path, the photo
/// limit (10 MB and a little) on the photo upload, or 20 MB and a little on the document
/// upload. A declared length over the cap is refused at once with a localized 413; a body
/// that grows past it while streaming fails when read (the upload handlers answer 413).
pub async fn body_limit(req: Request, next: Next) -> Response {
    let import = req.uri().path().starts_with(app::estate::rest::IMPORT_PATH_PREFIX);
    let photo = req.uri().path() == app::files::rest::PHOTO_UPLOAD_PATH;
    let document = req.uri().path() == app::files::rest::DOC_UPLOAD_PATH;
    let limit = if import {
        app::shared::xlsx::Limits::default().max_file_bytes
    } else if photo {
        app::files::rest::PHOTO_BODY_LIMIT
    } else if document {
        app::files::rest::DOC_BODY_LIMIT
    } else {
        BODY_LIMIT
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let (field, code) = if import {
            ("body", "err.xlsx_file_too_large")
        } else if photo {
            ("file", "err.photo_too_large")
        } else if document {
            ("file", "err.doc_too_large")
        } else {
            ("body", "err.body_too_large")
        };
        return too_large(field, code, req.headers());
    }
    let (parts, body) = req.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// Every API error is our JSON error: axum's own answers to a malformed path (`/units/abc`), a
/// query it cannot read, a wrong method or an unknown route are plain text or empty, and are
/// rewritten here with their status kept.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let locale = locale_of_request(req.headers());
    let res = next.run(req).await;
    let status = res.status();
    let json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !status.is_client_error() || json {
        return res;
    }
    let e = match status {
        axum::http::StatusCode::NOT_FOUND => AppError::NotFound,
        axum::http::StatusCode::METHOD_NOT_ALLOWED => AppError::validation("method", "err.method_not_allowed"),
        _ => AppError::validation("request", "err.bad_request"),
    };
    let allow = res.headers().get(header::ALLOW).cloned();
    let mut r = app::web::ApiError(e, locale).into_response();
    *r.status_mut() = status;
    if let Some(a) = allow {
        r.headers_mut().insert(header::ALLOW, a);
    }
    r
}

/// The longest a request may run before it is answered: far above any page, import or bill
/// run, and short enough that a client never hangs on a stuck database or provider.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// Answers a request that runs past [`REQUEST_TIMEOUT`] with a localized 503 (what it was doing
/// is dropped: an open transaction rolls back).
pub async fn request_timeout(req: Request, next: Next) -> Response {
    let locale = locale_of_request(req.headers());
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(r) => r,
        Err(_) => {
            tracing::error!(secs = REQUEST_TIMEOUT.as_secs(), "request timed out");
            let mut r = app::web::ApiError(AppError::conflict("_retry", "err.timeout"), locale).into_response();
            *r.status_mut() = axum::http::StatusCode::SERVICE_UNAVAILABLE;
            r
        }
    }
}

/// Strips hidden characters ([`app::shared::text::is_hidden`]) from every string of a JSON or
/// form body before a handler or server function reads it, so that no name, title or
/// description is stored with NUL, escapes or bidirectional overrides. Other bodies (photos,
/// PDFs, workbooks) pass untouched; a body that is not valid JSON is left to the handler's
/// own error.
pub async fn strip_hidden_text(req: Request, next: Next) -> Response {
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    let json = kind == "application/json";
    let form = kind == "application/x-www-form-urlencoded";
    // A provider's webhook is verified over its exact bytes: never rewritten.
    let signed = req.uri().path().starts_with("/webhooks/");
    if (!json && !form) || signed {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(_) => return too_large("body", "err.body_too_large", &parts.headers),
    };
    let cleaned = if json { clean_json(&bytes) } else { clean_form(&bytes) };
    let body = match cleaned {
        Some(b) => {
            parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(b.len()));
            axum::body::Body::from(b)
        }
        None => axum::body::Body::from(bytes),
    };
    next.run(Request::from_parts(parts, body)).await
}

/// The JSON body with hidden characters stripped from its strings and keys, or `None` when
/// it has none (or is not JSON).
fn clean_json(bytes: &[u8]) -> Option<Vec<u8>> {
    use app::shared::text::is_hidden;
    fn has(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::String(s) => s.chars().any(is_hidden),
            serde_json::Value::Array(a) => a.iter().any(has),
            serde_json::Value::Object(o) => o.iter().any(|(k, v)| k.chars().any(is_hidden) || has(v)),
            _ => false,
        }
    }
    fn strip(v: serde_json::Value) -> serde_json::Value {
        use app::shared::text::strip_hidden;
        match v {
            serde_json::Value::String(s) => serde_json::Value::String(strip_hidden(&s).into_owned()),
            serde_json::Value::Array(a) => serde_json::Value::Array(a.into_iter().map(strip).collect()),
            serde_json::Value::Object(o) => serde_json::Value::Object(
                o.into_iter()
                    .map(|(k, v)| (strip_hidden(&k).into_owned(), strip(v)))
                    .collect(),
            ),
            other => other,
        }
    }
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if !has(&v) {
        return None;
    }
    serde_json::to_vec(&strip(v)).ok()
}

/// The form body with hidden characters stripped from its names and values, or `None` when it
/// has none.
fn clean_form(bytes: &[u8]) -> Option<Vec<u8>> {
    use app::shared::text::{is_hidden, strip_hidden};
    let pairs: Vec<(String, String)> = form_urlencoded::parse(bytes).into_owned().collect();
    if !pairs.iter().any(|(k, v)| k.chars().chain(v.chars()).any(is_hidden)) {
        return None;
    }
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        out.append_pair(&strip_hidden(k), &strip_hidden(v));
    }
    Some(out.finish().into_bytes())
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn json_and_form_bodies_lose_hidden_characters_only() {
        let j =
            clean_json("{\"description\":\"漏水\\u0000\\u202eabc\",\"n\":[\"a\\u001b\"],\"k\":1}".as_bytes()).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&j).unwrap();
        assert_eq!(v["description"], "漏水abc");
        assert_eq!(v["n"][0], "a");
        assert_eq!(v["k"], 1);
        assert!(clean_json(b"{\"a\":\"line\\nnext\"}").is_none());
        assert!(clean_json(b"not json").is_none());
        let f = clean_form(b"name=%E5%BC%A0%00%E4%B8%89&note=ok").unwrap();
        assert_eq!(String::from_utf8(f).unwrap(), "name=%E5%BC%A0%E4%B8%89&note=ok");
        assert!(clean_form(b"name=%E5%BC%A0&x=1+2").is_none());
    }
}

/// Server functions that fail before their body runs (an argument that does not parse, a
/// missing one) come back from Leptos as a 500 carrying our own validation error. The client
/// did wrong, so the status becomes the error's own (4xx).
pub async fn server_fn_status(req: Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/api/") && !req.uri().path().starts_with("/api/v1/");
    let res = next.run(req).await;
    if !is_server_fn || res.status() != axum::http::StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    if let Ok(e) = serde_json::from_slice::<AppError>(&bytes) {
        if let Ok(s) = axum::http::StatusCode::from_u16(e.status()) {
            parts.status = s;
        }
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

trait StatusResponse {
    fn status_response(&self) -> Response;
}

impl StatusResponse for AppError {
    fn status_response(&self) -> Response {
        app::web::ApiError(self.clone(), app::shared::i18n::Locale::ZhCn).into_response()
    }
}

/// Headers every response carries; HSTS only when served over TLS.
pub async fn security_headers(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let is_pkg = req.uri().path().starts_with("/pkg/");
    // A service worker runs under the CSP of its own script: it must fetch from this origin.
    let is_worker = req.uri().path() == "/sw.js";
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), geolocation=(), microphone=()"),
    );
    if is_worker {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"),
        );
        // Browsers check for a new worker at most daily; keep this one fresh.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    } else if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    if st.ctx.cfg.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if is_pkg && res.status().is_success() {
        // pkg/ file names carry their content hash: safe to keep for a year.
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    res
}

/// A bug must not take the process down or show a stack trace: the request gets a styled,
/// bilingual 500 page (or JSON for the API) and the details go to the log.
pub fn panic_page(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown");
    tracing::error!(panic = detail, "request handler panicked");
    let html = concat!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>出错了 · Linli</title>",
        "<style>body{font-family:system-ui,'PingFang SC','Noto Sans CJK SC',sans-serif;background:#f5f7f6;color:#1f2937;",
        "display:grid;place-items:center;min-height:90vh;margin:0;padding:16px;text-align:center}",
        ".c{background:#fff;border-radius:12px;padding:32px 24px;box-shadow:0 2px 8px rgba(0,0,0,.06);max-width:420px}",
        "b{display:block;font-size:3rem;color:#b91c1c}a{display:inline-block;margin-top:16px;padding:12px 20px;",
        "background:#0f766e;color:#fff;border-radius:8px;text-decoration:none}</style></head><body><div class=\"c\">",
        "<b>500</b><h1>服务器出错了</h1><p>请稍后再试。问题已记录，我们会尽快处理。</p>",
        "<p lang=\"en\">Something went wrong on our side. It has been logged; please try again later.</p>",
        "<a href=\"/\">返回首页 · Home</a></div></body></html>"
    );
    let mut res = (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        axum::response::Html(html),
    )
        .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "203.0.113.9, 10.0.0.2".parse().unwrap());
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let lb: IpAddr = "10.0.0.1".parse().unwrap();
        // Untrusted peer: the header is ignored (it could be forged).
        assert_eq!(
            client_ip(Some("198.51.100.7".parse().unwrap()), &h, &[proxy]),
            "198.51.100.7"
        );
        // Through two trusted hops: the first untrusted address from the right.
        assert_eq!(client_ip(Some(lb), &h, &[lb, proxy]), "203.0.113.9");
        assert_eq!(client_ip(None, &h, &[]), "unknown");
    }

    #[test]
    fn a_panic_becomes_a_styled_500_without_details() {
        let r = panic_page(Box::new("secret internal detail".to_string()));
        assert_eq!(r.status(), axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        assert!(r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
    }
}
