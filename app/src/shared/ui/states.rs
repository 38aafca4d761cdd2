//! Empty, loading and error states, and the 404 page.
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn EmptyState(
    title: &'static str,
    #[prop(optional)] body: Option<&'static str>,
    #[prop(optional)] icon: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="empty">
            <div class="empty__icon" aria-hidden="true">{icon.unwrap_or("○")}</div>
            <p class="empty__title">{move || i18n.t(title)}</p>
            {body.map(|b| view! { <p class="empty__body">{move || i18n.t(b)}</p> })}
        </div>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading" aria-busy="true">{move || i18n.t("common.loading")}</p> }
}

#[component]
pub fn ErrorState(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let unauth = error == AppError::Unauthenticated;
    let e = error.clone();
    view! {
        <div class="empty empty--error" role="alert">
            <div class="empty__icon" aria-hidden="true">"!"</div>
            <p class="empty__title">{move || e.localized(i18n.code())}</p>
            {unauth.then(|| view! { <a class="btn btn--primary" href="/login">{move || i18n.t("auth.login")}</a> })}
        </div>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="page page--center">
            <div class="empty">
                <div class="empty__icon empty__icon--big" aria-hidden="true">"404"</div>
                <h1 class="empty__title">{move || i18n.t("error.not_found_title")}</h1>
                <p class="empty__body">{move || i18n.t("error.not_found_body")}</p>
                <a class="btn btn--primary" href="/">{move || i18n.t("error.back_home")}</a>
            </div>
        </main>
    }
}
