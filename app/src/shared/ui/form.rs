//! Form building blocks: a labelled field whose server-side error shows inline under it.
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use leptos::prelude::*;

/// The error of the last submission, if it concerns `field`.
pub fn field_error(err: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        err.get()
            .filter(|e| e.field() == Some(field))
            .map(|e| e.localized(i18n.code()))
    })
}

/// A labelled input. `name` is the server function's argument name.
#[component]
pub fn Field(
    /// i18n key of the label.
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = true)] required: bool,
    #[prop(optional, into)] value: Option<String>,
    /// Keeps what is typed in this signal too (for a button that needs it before submitting).
    #[prop(optional)]
    bind: Option<RwSignal<String>>,
    /// The last submission's error; shown here when it names this field.
    #[prop(into)]
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("f-{name}");
    let err_id = format!("{id}-err");
    let msg = field_error(error, name);
    let invalid = move || msg.get().is_some().then_some("true");
    view! {
        <div class="field" class:field--error=move || msg.get().is_some()>
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <input
                id=id.clone()
                name=name
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                value=value
                aria-invalid=invalid
                aria-describedby=err_id.clone()
                on:input=move |ev| {
                    if let Some(b) = bind {
                        b.set(event_target_value(&ev));
                    }
                }
            />
            {hint.map(|h| view! { <p class="field__hint">{move || i18n.t(h)}</p> })}
            <p class="field__error" id=err_id role="alert">{move || msg.get()}</p>
        </div>
    }
}

/// Errors that belong to no field (login failed, throttled, forbidden, network).
#[component]
pub fn FormError(
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(optional)] fields: &'static [&'static str],
) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        error
            .get()
            .filter(|e| e.field().is_none_or(|f| !fields.contains(&f)))
            .map(|e| e.localized(i18n.code()))
    };
    view! {
        <Show when=move || text().is_some()>
            <div class="alert alert--error" role="alert">{text}</div>
        </Show>
    }
}

/// Clears the forms matching a CSS selector, after a submission succeeded: typed values
/// (a phone number, an ID number) should not stay on screen once they are stored.
pub fn reset_forms(selector: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let found = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector_all(selector).ok());
        if let Some(list) = found {
            for i in 0..list.length() {
                if let Some(f) = list.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlFormElement>().ok()) {
                    f.reset();
                }
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = selector;
}

/// A fresh key for one submission (an idempotency key, an offline result's id): the time and
/// 104 random bits, hexadecimal. A form keeps one key until its submission succeeds, so a
/// retry after a lost answer is recognised as the same request.
pub fn fresh_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen_futures::js_sys::{Date, Math};
        let r = || (Math::random() * (1u64 << 52) as f64) as u64;
        format!("{:x}-{:013x}{:013x}", Date::now() as u64, r(), r())
    }
    // Off the browser (server rendering): never submitted, so random bits alone, and no clock
    // (this crate also builds for wasm32 without `hydrate`, where reading one panics).
    #[cfg(not(feature = "hydrate"))]
    {
        use std::hash::{BuildHasher, Hasher};
        let r = || std::collections::hash_map::RandomState::new().build_hasher().finish();
        format!("{:016x}-{:016x}{:016x}", r(), r(), r())
    }
}

/// The CSRF token as a hidden field. With it a form works before the WASM arrives, or with
/// none at all: a tap on 登录 on a slow phone posts the form natively and the server accepts it.
/// On the server the token comes with the request; in the browser from the `linli_csrf`
/// cookie, which the server keeps equal to it.
#[component]
pub fn CsrfField() -> impl IntoView {
    view! { <input type="hidden" name=crate::shared::request::CSRF_FIELD value=csrf_token() /> }
}

/// The CSRF token [`CsrfField`] carries, for a form written as HTML.
pub fn csrf_token() -> String {
    #[cfg(feature = "ssr")]
    let token = use_context::<http::request::Parts>()
        .and_then(|p| {
            p.extensions
                .get::<crate::shared::request::FormToken>()
                .map(|t| t.0.clone())
        })
        .unwrap_or_default();
    #[cfg(feature = "hydrate")]
    let token = crate::shared::request::browser_csrf_token();
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    let token = String::new();
    token
}
