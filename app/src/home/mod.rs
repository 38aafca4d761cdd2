//! 首页, the resident's first tab: it greets and links onward (社区 is the community area's).
use crate::access::model::Me;
use crate::access::ui::{use_session, LangSwitch};
use crate::shared::i18n::use_i18n;
use crate::shared::ui::ResidentShell;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <Title text="" />
        <ResidentShell>
            <header class="hero">
                <div class="hero__top">
                    <span class="hero__brand"><span class="logo" aria-hidden="true">"邻"</span>{move || i18n.t("app.name")}</span>
                    <LangSwitch />
                </div>
                <h1 class="hero__title">
                    {move || match session.me.get() {
                        Some(me) => format!("{}，{}", i18n.t("home.hello"), me.display_name),
                        None => i18n.t("home.welcome"),
                    }}
                </h1>
                <p class="hero__tagline">{move || i18n.t("app.tagline")}</p>
            </header>
            {move || match session.me.get() {
                    None => view! {
                        <section class="card cta">
                            <p>{move || i18n.t("home.cta")}</p>
                            <div class="row">
                                <a class="btn btn--primary" href="/signup">{move || i18n.t("auth.signup")}</a>
                                <a class="btn" href="/login">{move || i18n.t("auth.login")}</a>
                            </div>
                        </section>
                    }.into_any(),
                    Some(me) => view! { <Shortcuts me /> }.into_any(),
            }}
        </ResidentShell>
    }
}

#[component]
fn Shortcuts(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let staff = me.is_staff();
    view! {
        <nav class="grid-links" aria-label=move || i18n.t("home.shortcuts")>
            <a class="grid-link" href="/pay"><span aria-hidden="true">"¥"</span>{move || i18n.t("nav.pay")}</a>
            <a class="grid-link" href="/repair"><span aria-hidden="true">"✎"</span>{move || i18n.t("nav.repair")}</a>
            <a class="grid-link" href="/community"><span aria-hidden="true">"☷"</span>{move || i18n.t("nav.community")}</a>
            {staff.then(|| view! { <a class="grid-link" href="/admin"><span aria-hidden="true">"▦"</span>{move || i18n.t("account.back_office")}</a> })}
        </nav>
    }
}
