//! Log in and sign up.
use super::session::use_session;
use crate::access::api::{Login, ResetPassword, SendResetCode, SendSignupCode, Signup};
use crate::access::model::CodeSent;
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{CsrfField, Field, FormError};
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
    let next = move || query.with_untracked(|q| q.get("next"));
    Effect::new(move |_| {
        if let Some(Ok(me)) = action.value().get() {
            let to = crate::access::model::landing(&me, next().as_deref());
            session.set(Some(me));
            navigate(&to, Default::default());
        }
    });
    view! {
        <AuthFrame title="auth.login">
            {move || (query.with(|q| q.get("reset")).is_some()).then(|| view! {
                <p class="notice" role="status" data-testid="reset-done">{move || i18n.t("auth.reset_done")}</p>
            })}
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <CsrfField />
                {next().map(|n| view! { <input type="hidden" name="next" value=n /> })}
                <FormError error fields=&["login", "password"] />
                <Field label="auth.login_name" name="login" autocomplete="username" error hint="auth.login_name_hint" />
                <Field label="auth.password" name="password" kind="password" autocomplete="current-password" error />
                <button type="submit" class="btn btn--primary btn--block" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { i18n.t("common.working") } else { i18n.t("auth.login") }}
                </button>
            </ActionForm>
            <p class="auth__alt">
                <a href="/forgot" data-testid="forgot-link">{move || i18n.t("auth.forgot")}</a>
            </p>
            <p class="auth__alt">
                {move || i18n.t("auth.no_account")} " " <a href="/signup">{move || i18n.t("auth.signup")}</a>
            </p>
            <Hotline />
        </AuthFrame>
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let action = ServerAction::<Signup>::new();
    let send = ServerAction::<SendSignupCode>::new();
    let send_url = <SendSignupCode as leptos::server_fn::ServerFn>::PATH;
    let phone = RwSignal::new(String::new());
    let error = newest_error(action.value(), send.value());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(me)) = action.value().get() {
            session.set(Some(me));
            navigate("/", Default::default());
        }
    });
    let on_send = Callback::new(move |_| {
        action.value().set(None);
        send.dispatch(SendSignupCode {
            phone: phone.get_untracked(),
        });
    });
    view! {
        <AuthFrame title="auth.signup">
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <CsrfField />
                <FormError error fields=&["phone", "code", "display_name", "password", "password_again"] />
                <Field label="auth.phone" name="phone" kind="tel" inputmode="numeric" autocomplete="tel" bind=phone error />
                <CodeField error sent=send.value() sending=send.pending() on_send send_url=send_url />
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

/// The company's service line under the login form, for whoever cannot get in.
#[component]
fn Hotline() -> impl IntoView {
    let i18n = use_i18n();
    let contact = Resource::new(|| (), |_| crate::access::api::public_contact());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                contact.await.ok().flatten().map(|k| {
                    let dial = k.dial();
                    view! {
                        <p class="auth__alt auth__hotline" data-testid="hotline">
                            {move || i18n.t("auth.hotline")} " "
                            {(!dial.is_empty()).then(|| view! { <a href=format!("tel:{dial}")>{k.phone.clone()}</a> })}
                            {(!k.hours.is_empty()).then(|| view! { <span class="muted">" · " {k.hours.clone()}</span> })}
                            {(!k.address.is_empty()).then(|| view! { <br /><span class="muted">{k.address.clone()}</span> })}
                        </p>
                    }
                })
            })}
        </Transition>
    }
}

/// 忘记密码: a code sent to the account's number sets a new password, then back to 登录.
#[component]
pub fn ForgotPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ResetPassword>::new();
    let send = ServerAction::<SendResetCode>::new();
    let send_url = <SendResetCode as leptos::server_fn::ServerFn>::PATH;
    let phone = RwSignal::new(String::new());
    let error = newest_error(action.value(), send.value());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            navigate("/login?reset=1", Default::default());
        }
    });
    let on_send = Callback::new(move |_| {
        action.value().set(None);
        send.dispatch(SendResetCode {
            phone: phone.get_untracked(),
        });
    });
    view! {
        <AuthFrame title="auth.forgot_title">
            <p class="muted">{move || i18n.t("auth.forgot_hint")}</p>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <CsrfField />
                <FormError error fields=&["phone", "code", "password", "password_again"] />
                <Field label="auth.phone" name="phone" kind="tel" inputmode="numeric" autocomplete="tel" bind=phone error />
                <CodeField error sent=send.value() sending=send.pending() on_send send_url=send_url />
                <Field label="auth.new_password" name="password" kind="password" autocomplete="new-password" hint="auth.password_rule" error />
                <Field label="auth.password_again" name="password_again" kind="password" autocomplete="new-password" error />
                <button type="submit" class="btn btn--primary btn--block" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { i18n.t("common.working") } else { i18n.t("auth.reset") }}
                </button>
            </ActionForm>
            <p class="auth__alt"><a href="/login">{move || i18n.t("auth.back_to_login")}</a></p>
        </AuthFrame>
    }
}

/// The error to show on a form that sends a code and then submits: the newest of the two
/// answers speaks (sending a code clears the form's last error, see `CodeField`'s callers).
pub(crate) fn newest_error<A, B>(
    submit: impl Get<Value = Option<Result<A, AppError>>> + Send + Sync + 'static,
    send: impl Get<Value = Option<Result<B, AppError>>> + Send + Sync + 'static,
) -> Signal<Option<AppError>> {
    Signal::derive(move || {
        submit
            .get()
            .and_then(|r| r.err())
            .or_else(|| send.get().and_then(|r| r.err()))
    })
}

/// The code sent by text message, and the button that sends it (then counts down to a resend).
#[component]
pub fn CodeField(
    /// The last submission's error; shown here when it names `code`.
    #[prop(into)]
    error: Signal<Option<AppError>>,
    /// The last send's answer.
    #[prop(into)]
    sent: Signal<Option<Result<CodeSent, AppError>>>,
    #[prop(into)] sending: Signal<bool>,
    on_send: Callback<()>,
    /// The send function's URL: before the WASM arrives the button posts the form there
    /// (the number goes along), and the page comes back.
    send_url: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let left = RwSignal::new(0i64);
    Effect::new(move |_| {
        if let Some(Ok(s)) = sent.get() {
            left.set(s.resend_after_secs);
            count_down(left);
        }
    });
    let msg = crate::shared::ui::field_error(error, "code");
    // Until the WASM runs, the button submits the form to the send function; once it runs, it
    // is a plain button again, so Enter in the form still submits the form itself.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    view! {
        <div class="field" class:field--error=move || msg.get().is_some()>
            <label for="f-code">{move || i18n.t("auth.code")}</label>
            <div class="code-row">
                <input id="f-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required
                    aria-invalid=move || msg.get().is_some().then_some("true") aria-describedby="f-code-err f-code-sent" />
                <button type=move || if live.get() { "button" } else { "submit" } formaction=send_url formnovalidate=true class="btn" data-testid="send-code"
                    disabled=move || { sending.get() || left.get() > 0 }
                    on:click=move |ev| {
                        ev.prevent_default();
                        on_send.run(());
                    }>
                    {move || if left.get() > 0 {
                        i18n.t("auth.resend_in").replace("{n}", &left.get().to_string())
                    } else {
                        i18n.t("auth.get_code")
                    }}
                </button>
            </div>
            <p class="field__hint" id="f-code-sent" role="status">
                {move || match sent.get() {
                    Some(Ok(s)) => i18n.t("auth.code_sent").replace("{to}", &s.to),
                    _ => String::new(),
                }}
            </p>
            <p class="field__error" id="f-code-err" role="alert">{move || msg.get()}</p>
        </div>
    }
}

/// Counts `left` down to zero, a second at a time; stops when the page that shows it is gone
/// (after signing up, the next page replaces the form while the count still runs).
fn count_down(left: RwSignal<i64>) {
    if left.try_get_untracked().is_some_and(|n| n > 0) {
        set_timeout(
            move || {
                if left.try_update(|n| *n -= 1).is_some() {
                    count_down(left);
                }
            },
            std::time::Duration::from_secs(1),
        );
    }
}
