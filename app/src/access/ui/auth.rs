//! Log in and sign up.
use super::session::use_session;
use crate::access::api::{Login, Signup};
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{Field, FormError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

/// The language switch: a client-side action (it proves hydration in the end-to-end suite).
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let label = move || i18n.t("common.switch_language");
    view! {
        <button
            type="button"
            class="btn btn--ghost lang-switch"
            data-testid="lang-switch"
            aria-label=label
            on:click=move |_| {
                let next = i18n.locale.get_untracked().other();
                i18n.set(next);
                leptos::task::spawn_local(async move {
                    let _ = crate::access::api::set_preferences(Some(next.code().to_string()), None).await;
                });
            }
        >
            {move || i18n.t("common.other_language")}
        </button>
    }
}

#[component]
fn AuthFrame(title: &'static str, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t(title) />
        <main class="auth" id="main">
            <div class="auth__top">
                <a class="auth__brand" href="/">
                    <span class="logo" aria-hidden="true">"邻"</span>
                    {move || i18n.t("app.name")}
                </a>
                <LangSwitch />
            </div>
            <div class="card auth__card">
                <h1 class="auth__title">{move || i18n.t(title)}</h1>
                {children()}
            </div>
        </main>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let action = ServerAction::<Login>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r: Result<_, AppError>| r.err()));
    let navigate = use_navigate();
    // `?next=/i/…`: back to the page that asked for a login (a scanned QR code). Paths on this
    // site only: `//host` and `/\host` would leave it.
    let query = leptos_router::hooks::use_query_map();
    let next = move || {
        query
            .with_untracked(|q| q.get("next"))
            .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\"))
    };
    Effect::new(move |_| {
        if let Some(Ok(me)) = action.value().get() {
            let home = if me.is_staff() { "/admin" } else { "/" };
            let to = next().unwrap_or_else(|| home.to_string());
            session.set(Some(me));
            navigate(&to, Default::default());
        }
    });
    view! {
        <AuthFrame title="auth.login">
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <FormError error fields=&["login", "password"] />
                <Field label="auth.login_name" name="login" autocomplete="username" error hint="auth.login_name_hint" />
                <Field label="auth.password" name="password" kind="password" autocomplete="current-password" error />
                <button type="submit" class="btn btn--primary btn--block" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { i18n.t("common.working") } else { i18n.t("auth.login") }}
                </button>
            </ActionForm>
            <p class="auth__alt">
                {move || i18n.t("auth.no_account")} " " <a href="/signup">{move || i18n.t("auth.signup")}</a>
            </p>
        </AuthFrame>
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let action = ServerAction::<Signup>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r: Result<_, AppError>| r.err()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(me)) = action.value().get() {
            session.set(Some(me));
            navigate("/", Default::default());
        }
    });
    view! {
        <AuthFrame title="auth.signup">
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <FormError error fields=&["phone", "display_name", "password", "password_again"] />
                <Field label="auth.phone" name="phone" kind="tel" inputmode="numeric" autocomplete="tel" error />
                <Field label="auth.display_name" name="display_name" autocomplete="name" error />
                <Field label="auth.password" name="password" kind="password" autocomplete="new-password" hint="auth.password_rule" error />
                <Field label="auth.password_again" name="password_again" kind="password" autocomplete="new-password" error />
                <button type="submit" class="btn btn--primary btn--block" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { i18n.t("common.working") } else { i18n.t("auth.signup") }}
                </button>
            </ActionForm>
            <p class="auth__alt">
                {move || i18n.t("auth.have_account")} " " <a href="/login">{move || i18n.t("auth.login")}</a>
            </p>
        </AuthFrame>
    }
}
