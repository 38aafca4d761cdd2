//! 首页: the resident's day at a glance, in one request rendered on the server: what the homes
//! owe with a pay button, the entry points, the repairs still being worked on, the notices that
//! matter, the surveys waiting and the events coming up.
use super::api::home_today;
use super::model::HomeGlance;
use crate::access::model::Me;
use crate::access::ui::{use_session, LangSwitch};
use crate::community::ui::{NoticeList, TabSection};
use crate::shared::i18n::use_i18n;
use crate::shared::money::Money;
use crate::shared::ui::{ErrorState, Loading, ResidentShell};
use crate::tickets::ui::TicketCard;
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
                {move || session.me.get().is_none().then(|| view! { <p class="hero__tagline">{move || i18n.t("app.tagline")}</p> })}
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
                Some(me) => view! { <Glance me /> }.into_any(),
            }}
        </ResidentShell>
    }
}

#[component]
fn Glance(me: Me) -> impl IntoView {
    let staff = me.is_staff();
    let glance = Resource::new(|| (), |_| home_today());
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match glance.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(g) => view! { <Day g staff /> }.into_any(),
            }})}
        </Transition>
    }
}

#[component]
fn Day(g: HomeGlance, staff: bool) -> impl IntoView {
    let i18n = use_i18n();
    let housed = !g.homes.is_empty();
    let mut tab = g.community;
    let homes = std::mem::take(&mut tab.homes);
    let unread = tab.unread;
    let open = g.open_tickets;
    view! {
        {crate::estate::ui::home_switcher(homes)}
        {housed.then(|| view! { <Dues homes=g.homes.clone() due=g.due /> })}
        {(!housed && !staff).then(|| view! {
            <section class="card home-bind" data-testid="home-bind">
                <h2 class="card__title">{move || i18n.t("home.no_home")}</h2>
                <p class="muted">{move || i18n.t("home.no_home_body")}</p>
                <a class="btn btn--primary" href="/me">{move || i18n.t("home.bind")}</a>
            </section>
        })}
        <Shortcuts staff />
        {(!g.tickets.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="home-tickets">
                <div class="cm-head">
                    <h2 class="card__title" id="home-tickets">{move || i18n.t("home.in_progress")}
                        <span class="badge" data-testid="open-tickets">{open}</span>
                    </h2>
                    <a class="small" href="/repair">{move || i18n.t("home.all_tickets")}" ›"</a>
                </div>
                <ul class="ticket-list" data-testid="home-tickets">
                    {g.tickets.into_iter().map(|r| {
                        let href = format!("/repair/{}", r.id);
                        view! { <TicketCard row=r href /> }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!tab.notices.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="home-notices">
                <div class="cm-head">
                    <h2 class="card__title" id="home-notices">{move || i18n.t("cm.notices")}
                        {(unread > 0).then(|| view! { <span class="badge badge--alert" data-testid="unread-notices">{unread}</span> })}
                    </h2>
                    <a class="small" href="/community/notices">{move || i18n.t("cm.all_notices")}" ›"</a>
                </div>
                <NoticeList items=tab.notices />
            </section>
        })}
        <TabSection title="cm.events_upcoming" all="/community/events" all_label="cm.all_events" items=tab.events testid="event-list" />
        <TabSection title="cm.surveys_waiting" all="/community/surveys" all_label="cm.all_surveys" items=tab.surveys testid="survey-list" />
    }
}

/// What the homes owe today and the way to pay it; all paid: said so, quietly.
#[component]
fn Dues(homes: Vec<crate::billing::model::HomeDue>, due: Money) -> impl IntoView {
    let i18n = use_i18n();
    let late: Money = homes.iter().fold(Money::ZERO, |a, h| a + h.late_fees);
    let overdue = homes.iter().any(|h| h.overdue);
    let several = homes.len() > 1;
    let owing = due > Money::ZERO;
    view! {
        <section class="card home-due" class:home-due--overdue=overdue aria-labelledby="home-due" data-testid="home-due">
            <div class="home-due__sum">
                <h2 class="muted small home-due__label" id="home-due">{move || i18n.t(if owing { "home.due" } else { "home.paid_up" })}</h2>
                {owing.then(|| view! { <strong class="home-due__amount" data-testid="home-due-amount">{due.to_string()}</strong> })}
                {(late > Money::ZERO).then(|| view! {
                    <span class="small home-due__late">{move || i18n.t("home.late_fees").replace("{m}", &late.to_string())}</span>
                })}
            </div>
            {if owing {
                view! { <a class="btn btn--primary home-due__pay" href="/pay" data-testid="home-pay">{move || i18n.t("home.pay")}</a> }.into_any()
            } else {
                view! { <span class="badge badge--ok">"✓ "{move || i18n.t("home.nothing_due")}</span> }.into_any()
            }}
            {several.then(|| view! {
                <ul class="home-due__homes">
                    {homes.into_iter().map(|h| {
                        let owes = h.due + h.late_fees;
                        view! {
                            <li>
                                <span>{format!("{} {}", h.community, h.unit)}</span>
                                <span class="mono">{if owes > Money::ZERO { owes.to_string() } else { "✓".to_string() }}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

/// The entry points, four to a row on a phone.
#[component]
fn Shortcuts(staff: bool) -> impl IntoView {
    let i18n = use_i18n();
    let link = move |href: &'static str, icon: &'static str, key: &'static str| {
        view! { <a class="grid-link" href=href><span aria-hidden="true">{icon}</span>{move || i18n.t(key)}</a> }
    };
    view! {
        <nav class="grid-links home-links" aria-label=move || i18n.t("home.shortcuts")>
            {link("/pay", "¥", "nav.pay")}
            {link("/repair/new", "✎", "home.repair")}
            {link("/repair/new?kind=complaint", "☏", "home.complain")}
            {link("/community/notices", "⚑", "cm.notices")}
            {link("/community/events", "✦", "cm.events")}
            {link("/community/surveys", "☑", "cm.surveys")}
            {link("/community/assembly", "☷", "gov.assembly")}
            {if staff { link("/admin", "▦", "account.back_office") } else { link("/community", "⋯", "home.more") }}
        </nav>
    }
}
