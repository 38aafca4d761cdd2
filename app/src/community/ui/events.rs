//! 社区 → 活动 for residents: the events that reached them (upcoming first) and one event, where
//! the household signs up with a headcount (or joins the line when it is full) and cancels.
use crate::access::model::Me;
use crate::access::ui::RequireLogin;
use crate::community::api::{open_event, resident_events, CancelSignup, SignUp};
use crate::community::model::{EventState, MyEvent, MyEventRow, SignupStatus};
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{toast, CsrfField, EmptyState, ErrorState, Loading, ResidentShell};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/community/events`: the events that reached the resident's homes.
#[component]
pub fn EventsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("cm.events") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/community" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("cm.events")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <Events /> } />
        </ResidentShell>
    }
}

#[component]
fn Events() -> impl IntoView {
    let list = Resource::new(|| (), |_| resident_events());
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match list.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(l) if l.is_empty() => view! { <EmptyState title="cm.no_events" body="cm.no_events_body" icon="✦" /> }.into_any(),
                Ok(l) => view! { <EventList items=l /> }.into_any(),
            }})}
        </Transition>
    }
}

/// Events as links, with the household's place at each.
#[component]
pub fn EventList(items: Vec<MyEventRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="notice-list" data-testid="event-list">
            {items.into_iter().map(|e| {
                let badge = match (e.state, e.mine) {
                    (EventState::Cancelled, _) | (EventState::Ended, _) => Some((e.state.key(), "badge badge--off")),
                    (_, Some(s)) => Some((s.key(), if s == SignupStatus::Confirmed { "badge badge--ok" } else { "badge" })),
                    (_, None) => e.seats_left.filter(|n| *n == 0).map(|_| ("cm.full".to_string(), "badge")),
                };
                let past = e.state != EventState::Published;
                view! {
                    <li>
                        <a class="notice-item" href=format!("/community/events/{}", e.id) data-read=past.to_string()>
                            <span class="notice-item__top">
                                {badge.map(|(k, c)| view! { <span class=c>{move || i18n.t(&k)}</span> })}
                                {e.fee.clone().map(|f| view! { <span class="badge">{format!("¥{f}")}</span> })}
                                <span class="muted small notice-item__time">{e.starts_at.clone()}</span>
                            </span>
                            <strong class="notice-item__title">{e.title.clone()}</strong>
                            <span class="muted small">{e.place.clone()}" · "{e.community.clone()}</span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// `/community/events/:id`: one event; the household signs up or cancels.
#[component]
pub fn EventPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("cm.event") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/community/events" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("cm.event")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <OneEvent /> } />
        </ResidentShell>
    }
}

#[component]
fn OneEvent() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let sign_up = ServerAction::<SignUp>::new();
    let cancel = ServerAction::<CancelSignup>::new();
    let event = Resource::new(
        move || (id.get(), sign_up.version().get(), cancel.version().get()),
        |(id, _, _)| open_event(id),
    );
    Effect::new(move |_| match sign_up.value().get() {
        Some(Ok(e)) => toast(i18n.t(match e.mine.map(|m| m.status) {
            Some(SignupStatus::Waitlisted) => "cm.joined_line",
            _ => "cm.signed_up",
        })),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    Effect::new(move |_| match cancel.value().get() {
        Some(Ok(_)) => toast(i18n.t("cm.signup_cancelled")),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match event.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(e) => view! { <EventCard e sign_up cancel /> }.into_any(),
            }})}
        </Transition>
    }
}

#[component]
fn EventCard(e: MyEvent, sign_up: ServerAction<SignUp>, cancel: ServerAction<CancelSignup>) -> impl IntoView {
    let i18n = use_i18n();
    let id = e.id;
    let seats = match e.seats_left {
        None => i18n.t("cm.no_limit"),
        Some(n) => i18n
            .t("cm.seats_left")
            .replace("{n}", &n.to_string())
            .replace("{of}", &e.capacity.to_string()),
    };
    let status = e.mine.as_ref().map(|m| {
        let text = match m.status {
            SignupStatus::Confirmed => i18n.t("cm.you_are_in").replace("{n}", &m.headcount.to_string()),
            SignupStatus::Waitlisted => i18n
                .t("cm.you_are_waiting")
                .replace("{n}", &m.headcount.to_string())
                .replace("{p}", &m.position.unwrap_or(0).to_string()),
            SignupStatus::Cancelled => String::new(),
        };
        let class = if m.status == SignupStatus::Confirmed { "alert alert--ok" } else { "alert" };
        view! { <p class=class data-testid="my-signup">{text}{m.checked_in.then(|| view! { " · "{move || i18n.t("cm.checked_in")} })}</p> }
    });
    let state_note = match e.state {
        EventState::Cancelled => Some(i18n.t("cm.event_was_cancelled")),
        EventState::Ended => Some(i18n.t("cm.event_over")),
        _ if !e.open => Some(i18n.t("cm.signups_closed_note")),
        _ => None,
    };
    let can_sign_up = e.open && e.mine.is_none();
    let can_cancel = e.open && e.mine.is_some();
    let full = e.seats_left == Some(0);
    let homes = e.homes.clone();
    let max = e.per_household;
    view! {
        <article class="card cm-notice" data-testid="event">
            <h2 class="cm-notice__title">{e.title.clone()}</h2>
            <dl class="ev-facts">
                <div><dt>{move || i18n.t("cm.when")}</dt><dd>{e.starts_at.clone()}" – "{e.ends_at.clone()}</dd></div>
                <div><dt>{move || i18n.t("cm.place")}</dt><dd>{e.place.clone()}</dd></div>
                <div><dt>{move || i18n.t("cm.seats")}</dt><dd data-testid="seats">{seats}</dd></div>
                <div><dt>{move || i18n.t("cm.fee")}</dt><dd>{e.fee.clone().map_or_else(|| i18n.t("cm.free"), |f| i18n.t("cm.fee_each").replace("{f}", &f))}</dd></div>
                <div><dt>{move || i18n.t("cm.signup_until")}</dt><dd>{e.signup_until.clone()}</dd></div>
            </dl>
            {(!e.body.is_empty()).then(|| view! { <p class="sv__intro">{e.body.clone()}</p> })}
            {(!e.photos.is_empty()).then(|| view! {
                <h3 class="doc-list__title">{move || i18n.t("cm.event_photos")}</h3>
                <super::Attachments base=format!("/api/v1/events/{id}") documents=vec![] photos=e.photos.clone() />
            })}
            {status}
            {state_note.map(|n| view! { <p class="muted" data-testid="event-note">{n}</p> })}
            {can_sign_up.then(|| view! {
                <ActionForm action=sign_up attr:class="form">
                    <CsrfField />
                    <input type="hidden" name="id" value=id.to_string() />
                    {(homes.len() > 1).then(|| view! {
                        <label class="field"><span class="field__label">{move || i18n.t("cm.answer_for")}</span>
                            <select class="input" name="unit">
                                {homes.iter().map(|h| view! { <option value=h.unit_id.to_string()>{h.number.clone()}</option> }).collect_view()}
                            </select>
                        </label>
                    })}
                    <label class="field"><span class="field__label">{move || i18n.t("cm.headcount")}</span>
                        <select class="input" name="headcount">
                            {(1..=max).map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                        </select>
                    </label>
                    {e.fee.clone().map(|_| view! { <p class="muted small">{move || i18n.t("cm.fee_note")}</p> })}
                    <button type="submit" class="btn btn--primary btn--block" data-testid="sign-up" disabled=move || sign_up.pending().get()>
                        {move || i18n.t(if full { "cm.join_line" } else { "cm.sign_up" })}
                    </button>
                </ActionForm>
            })}
            {can_cancel.then(|| view! {
                <ActionForm action=cancel attr:class="form">
                    <CsrfField />
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="btn btn--block" data-testid="cancel-signup" disabled=move || cancel.pending().get()>
                        {move || i18n.t("cm.cancel_signup")}
                    </button>
                </ActionForm>
            })}
        </article>
    }
}
