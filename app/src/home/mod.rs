//! The resident's tabs. 首页 greets and links onward; 缴费, 报修 and 社区 show their empty
//! states until the billing, service and governance areas fill them.
use crate::access::model::Me;
use crate::access::ui::{use_session, LangSwitch, RequireLogin};
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

/// 社区: the community's shared life. So far the owners' assembly (业主大会); the clubhouse,
/// the marketplace and group buys join it.
#[component]
pub fn CommunityPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("nav.community") />
        <ResidentShell>
            <header class="page-head"><h1>{move || i18n.t("nav.community")}</h1></header>
            <RequireLogin f=move |_me: Me| view! {
                <nav class="grid-links" aria-label=move || i18n.t("nav.community")>
                    <a class="grid-link" href="/community/assembly"><span aria-hidden="true">"☷"</span>{move || i18n.t("gov.assembly")}</a>
                </nav>
            } />
        </ResidentShell>
    }
}
