//! (ssr) What every `#[server]` function needs first: state, request facts and the caller, as
//! the server's session layer resolved them. [`serve`] makes a body one line:
//! `crate::web::serve(async |ctx, meta, auth| billing::counter::pay(&ctx, &meta, &auth, p).await).await`.
use crate::access::model::{Authed, RequestMeta};
use crate::db::{app_ctx, AppCtx};
use crate::shared::error::AppError;
use leptos::prelude::*;

/// The request facts and the caller (if logged in).
pub fn request() -> Result<(AppCtx, RequestMeta, Option<Authed>), AppError> {
    let ctx = app_ctx()?;
    let parts = use_context::<http::request::Parts>();
    let meta = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<RequestMeta>().cloned())
        .unwrap_or_default();
    let auth = parts.as_ref().and_then(|p| p.extensions.get::<Authed>().cloned());
    Ok((ctx, meta, auth))
}

/// Like [`request`], and the caller must be logged in (`Unauthenticated` otherwise).
pub fn authed() -> Result<(AppCtx, RequestMeta, Authed), AppError> {
    let (ctx, meta, auth) = request()?;
    let auth = auth.ok_or(AppError::Unauthenticated)?;
    Ok((ctx, meta, auth))
}

/// Runs a server function's body for a logged-in caller. The body checks the permission and
/// data scope itself (through the use case it calls).
pub async fn serve<T>(f: impl AsyncFnOnce(AppCtx, RequestMeta, Authed) -> Result<T, AppError>) -> Result<T, AppError> {
    let (ctx, meta, auth) = authed()?;
    f(ctx, meta, auth).await
}

/// Runs a server function's body for anyone, logged in or not (login, sign-up, the session).
pub async fn serve_anyone<T>(
    f: impl AsyncFnOnce(AppCtx, RequestMeta, Option<Authed>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let (ctx, meta, auth) = request()?;
    f(ctx, meta, auth).await
}

/// Whether the browser posted the form itself (before the WASM arrived, or with JavaScript
/// off): it asks for HTML, where the running app asks for data.
pub fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|p| {
        p.headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

/// After a plain form post succeeded: the page to show next (the new ticket, the home page).
/// The running app navigates by itself from the answer, so this does nothing for it.
pub fn form_redirect(to: &str) {
    if is_plain_form_post() {
        leptos_axum::redirect(to);
    }
}

/// The language the page asked in (its cookie, else `Accept-Language`).
pub fn locale() -> crate::shared::i18n::Locale {
    use_context::<http::request::Parts>()
        .map(|p| crate::shared::i18n::locale_of_request(&p.headers))
        .unwrap_or(crate::shared::i18n::Locale::ZhCn)
}
