//! 我的: profile, language, large text, password, logout.
use super::auth::{CodeField, LangSwitch};
use super::session::use_session;
use crate::access::api::{ChangePassword, ChangePhone, Logout, SendPhoneCode};
use crate::access::model::Me;
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{toast, CsrfField, Field, FormError, ResidentShell};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

/// Renders `f(me)` for a logged-in user, a login prompt for a visitor.
#[component]
pub fn RequireLogin<F, V>(f: F) -> impl IntoView
where
    F: Fn(Me) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let session = use_session();
    let i18n = use_i18n();
    // Re-rendered when the user changes (login, logout), not on every refresh of their data.
    let user = Memo::new(move |_| session.me.with(|m| m.as_ref().map(|m| m.id)));
    move || match user.get() {
        Some(_) => match session.me.get_untracked() {
            Some(me) => f.clone()(me).into_any(),
            None => ().into_any(),
        },
        None => view! {
            <div class="empty">
                <div class="empty__icon" aria-hidden="true">"☺"</div>
                <p class="empty__title">{move || i18n.t("auth.please_login")}</p>
                <div class="row">
                    <a class="btn btn--primary" href="/login">{move || i18n.t("auth.login")}</a>
                    <a class="btn" href="/signup">{move || i18n.t("auth.signup")}</a>
                </div>
            </div>
        }
        .into_any(),
    }
}

/// 我的. `homes` shows a resident's homes (the estate area's component, composed in `app.rs` so
/// that access imports no business area).
#[component]
pub fn AccountPage(#[prop(into)] homes: ViewFn) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("nav.me") />
        <ResidentShell>
            <header class="page-head">
                <h1>{move || i18n.t("nav.me")}</h1>
                <LangSwitch />
            </header>
            <RequireLogin f=move |me: Me| view! { <AccountBody me homes=homes.clone() /> } />
        </ResidentShell>
    }
}

#[component]
fn AccountBody(me: Me, homes: ViewFn) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let logout = ServerAction::<Logout>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            session.set(None);
            navigate("/login", Default::default());
        }
    });
    let large = RwSignal::new(me.large_text);
    let toggle_large = move |_| {
        let v = !large.get_untracked();
        large.set(v);
        leptos::task::spawn_local(async move {
            match crate::access::api::set_preferences(None, Some(v)).await {
                Ok(_) => session.refresh(),
                Err(e) => toast(e.localized(i18n.code())),
            }
        });
    };
    let is_staff = me.is_staff();
    let roles: Vec<String> = me
        .grants
        .iter()
        .map(|g| format!("{} · {}", g.role_name_zh, g.org_name))
        .collect();
    let roles_en: Vec<String> = me
        .grants
        .iter()
        .map(|g| format!("{} · {}", g.role_name_en, g.org_name))
        .collect();
    let initial = me.display_name.chars().next().unwrap_or('邻').to_string();
    view! {
        <section class="card profile">
            <div class="avatar" aria-hidden="true">{initial}</div>
            <div>
                <p class="profile__name" data-testid="profile-name">{me.display_name.clone()}</p>
                <p class="muted">{me.phone_masked.clone().unwrap_or_else(|| me.login.clone())}</p>
            </div>
        </section>
        {(!is_staff).then(|| homes.run())}
        {(!roles.is_empty()).then(|| view! {
            <section class="card">
                <h2 class="card__title">{move || i18n.t("account.roles")}</h2>
                <ul class="plain-list">
                    {move || {
                        let list = if i18n.code() == "en" { roles_en.clone() } else { roles.clone() };
                        list.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()
                    }}
                </ul>
            </section>
        })}
        <section class="card menu">
            {is_staff.then(|| view! {
                <a class="menu__item" href="/admin">{move || i18n.t("account.back_office")}<span aria-hidden="true">"›"</span></a>
            })}
            <a class="menu__item" href="/me/notifications">
                {move || i18n.t("notify.settings")}
                <span aria-hidden="true">"›"</span>
            </a>
            <a class="menu__item" href="/me/phone">
                {move || i18n.t("account.change_phone")}
                <span aria-hidden="true">"›"</span>
            </a>
            <a class="menu__item" href="/me/password">{move || i18n.t("account.change_password")}<span aria-hidden="true">"›"</span></a>
            <label class="menu__item switch">
                <span>{move || i18n.t("account.large_text")}</span>
                <input type="checkbox" role="switch" prop:checked=move || large.get() on:change=toggle_large />
            </label>
        </section>
        <ActionForm action=logout>
            <CsrfField />
            <button type="submit" class="btn btn--block btn--danger-ghost" data-testid="logout">{move || i18n.t("auth.logout")}</button>
        </ActionForm>
    }
}

#[component]
pub fn PasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ChangePassword>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r: Result<_, AppError>| r.err()));
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <Title text=move || i18n.t("account.change_password") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/me" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("account.change_password")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! {
                <div class="card">
                    <Show when=done>
                        <div class="alert alert--ok" role="status">{move || i18n.t("account.password_changed")}</div>
                    </Show>
                    <ActionForm action=action attr:class="form" attr:novalidate=true>
                        <CsrfField />
                        <FormError error fields=&["current_password", "new_password", "new_password_again"] />
                        <p class="muted">{move || i18n.t("account.reauth_note")}</p>
                        <Field label="account.current_password" name="current_password" kind="password" autocomplete="current-password" error />
                        <Field label="account.new_password" name="new_password" kind="password" autocomplete="new-password" hint="auth.password_rule" error />
                        <Field label="account.new_password_again" name="new_password_again" kind="password" autocomplete="new-password" error />
                        <button type="submit" class="btn btn--primary btn--block" disabled=move || action.pending().get()>
                            {move || i18n.t("common.save")}
                        </button>
                    </ActionForm>
                </div>
            } />
        </ResidentShell>
    }
}

#[component]
pub fn PhonePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let action = ServerAction::<ChangePhone>::new();
    let send = ServerAction::<SendPhoneCode>::new();
    let send_url = <SendPhoneCode as leptos::server_fn::ServerFn>::PATH;
    let (password, phone) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = super::auth::newest_error(action.value(), send.value());
    let on_send = Callback::new(move |_| {
        action.value().set(None);
        send.dispatch(SendPhoneCode {
            current_password: password.get_untracked(),
            phone: phone.get_untracked(),
        });
    });
    let done = move || matches!(action.value().get(), Some(Ok(_)));
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            session.refresh();
        }
    });
    view! {
        <Title text=move || i18n.t("account.change_phone") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/me" aria-label=move || i18n.t("common.back")>
                    "‹"
                </a>
                <h1>{move || i18n.t("account.change_phone")}</h1>
            </header>
            <RequireLogin f=move |me: Me| {
                let current = me.phone_masked.clone().unwrap_or_default();
                view! {
                    <div class="card">
                        <Show when=done>
                            <div class="alert alert--ok" role="status">
                                {move || i18n.t("account.phone_changed")}
                            </div>
                        </Show>
                        <p class="muted">{move || i18n.t("account.current_phone")} " " {current.clone()}</p>
                        <p class="muted">{move || i18n.t("account.reauth_note")}</p>
                        // The password goes with the request for a code, not with the change.
                        <div class="form">
                            <Field
                                label="account.current_password"
                                name="current_password"
                                kind="password"
                                autocomplete="current-password"
                                bind=password
                                error
                            />
                        </div>
                        <ActionForm action=action attr:class="form" attr:novalidate=true>
                            <CsrfField />
                            <FormError error fields=&["current_password", "phone", "code"] />
                            <Field
                                label="account.new_phone"
                                name="phone"
                                kind="tel"
                                inputmode="numeric"
                                autocomplete="tel"
                                bind=phone
                                error
                            />
                            <CodeField error sent=send.value() sending=send.pending() on_send send_url=send_url />
                            <button
                                type="submit"
                                class="btn btn--primary btn--block"
                                disabled=move || action.pending().get()
                            >
                                {move || i18n.t("common.save")}
                            </button>
                        </ActionForm>
                    </div>
                }
            } />
        </ResidentShell>
    }
}
