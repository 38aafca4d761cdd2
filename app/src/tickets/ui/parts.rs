//! Pieces every ticket page shares: status badge, SLA countdown, ticket card, timeline.
use crate::shared::i18n::{use_i18n, I18n};
use crate::tickets::model::*;
use leptos::prelude::*;

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let i18n = use_i18n();
    let key = status.key();
    view! { <span class=format!("badge ticket-status ticket-status--{}", status.code())>{move || i18n.t(&key)}</span> }
}

/// "剩 2 小时 05 分钟" / "已超时 12 分钟" for a running clock.
pub fn clock_text(i18n: I18n, left: i64) -> String {
    let span = span_text(left, &i18n.t("service.h"), &i18n.t("service.min"), &i18n.t("service.d"));
    if left >= 0 {
        i18n.t("service.left").replace("{t}", &span)
    } else {
        i18n.t("service.over").replace("{t}", &span)
    }
}

/// The running clock of a ticket (respond first, then handle), as a badge.
#[component]
pub fn SlaBadge(row: TicketRow) -> impl IntoView {
    let i18n = use_i18n();
    let (which, left) = match (row.respond_left, row.handle_left) {
        (Some(r), _) => ("service.respond", r),
        (None, Some(h)) => ("service.handle", h),
        _ => return ().into_any(),
    };
    let late = left < 0;
    view! {
        <span class="sla" class:sla--late=late class:sla--soon=!late && left <= 30>
            {move || format!("{} {}", i18n.t(which), clock_text(i18n, left))}
        </span>
    }
    .into_any()
}

/// One ticket in a list, linking to `href`.
#[component]
pub fn TicketCard(row: TicketRow, href: String) -> impl IntoView {
    let i18n = use_i18n();
    let kind = row.kind.key();
    let cat = category_key(&row.category);
    let urgent = row.priority == Priority::Urgent;
    let r2 = row.clone();
    view! {
        <li class="ticket-card" class:ticket-card--late=row.breached>
            <a class="ticket-card__link" href=href>
                <span class="ticket-card__head">
                    <StatusBadge status=row.status />
                    {urgent.then(|| view! { <span class="badge badge--failed">{move || i18n.t("service.prio_urgent")}</span> })}
                    {row.escalated.then(|| view! { <span class="badge badge--failed">{move || i18n.t("service.escalated_badge")}</span> })}
                    <span class="muted small mono ticket-card__no">{row.number.clone()}</span>
                </span>
                <strong class="ticket-card__title">
                    {move || format!("{} · {}", i18n.t(&kind), i18n.t(&cat))}
                </strong>
                <span class="ticket-card__text">{row.title.clone()}</span>
                <span class="ticket-card__meta muted small">
                    {row.community.clone()} " " {row.location.clone()} " · " {row.created_at.clone()}
                    {row.assignee.clone().map(|a| view! { " · " {a} })}
                    {(row.pool && row.assignee.is_none()).then(|| view! { " · " {move || i18n.t("service.in_pool")} })}
                    {row.stars.map(|s| view! { " · " <span aria-label=format!("{s}★")>{"★".repeat(s.clamp(0, 5) as usize)}</span> })}
                </span>
                <SlaBadge row=r2 />
            </a>
        </li>
    }
}

/// URL of a timeline photo (thumbnail or full size).
pub fn photo_url(ticket: i64, event: i64, file: i64, thumb: bool) -> String {
    format!(
        "/api/v1/tickets/{ticket}/events/{event}/photos/{file}{}",
        if thumb { "?thumb=true" } else { "" }
    )
}

/// Who did what and when, oldest first, with each step's photos.
#[component]
pub fn Timeline(ticket: i64, entries: Vec<TimelineEntry>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="timeline" aria-label=move || i18n.t("service.timeline")>
            {entries.into_iter().map(|e| {
                let key = format!("service.act_{}", e.action);
                let ev = e.id;
                let photos = e.photos.clone();
                view! {
                    <li class=format!("timeline__item timeline__item--{}", e.action) data-action=e.action.clone()>
                        <div class="timeline__head">
                            <strong>{move || i18n.t(&key)}</strong>
                            <span class="muted small">{e.actor.clone()}</span>
                            <time class="muted small timeline__at">{e.at.clone()}</time>
                        </div>
                        {(!e.text.is_empty()).then(|| view! { <p class="timeline__text">{e.text.clone()}</p> })}
                        {(!photos.is_empty()).then(|| view! {
                            <ul class="photo-strip">
                                {photos.into_iter().map(|f| view! {
                                    <li>
                                        <a href=photo_url(ticket, ev, f, false) target="_blank" rel="noopener">
                                            <img src=photo_url(ticket, ev, f, true) alt=move || i18n.t("service.photo") loading="lazy" width="96" height="96" />
                                        </a>
                                    </li>
                                }).collect_view()}
                            </ul>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// The kind choices as radio buttons (large touch targets).
#[component]
pub fn KindChooser(kind: RwSignal<Kind>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="fieldset">
            <legend class="field__label">{move || i18n.t("service.kind")}</legend>
            <div class="segmented">
                {Kind::ALL.into_iter().map(|k| {
                    let key = k.key();
                    view! {
                        <label class="segmented__item" class:segmented__item--on=move || kind.get() == k>
                            <input type="radio" name="kind" value=k.code() checked=move || kind.get() == k
                                on:change=move |_| kind.set(k) />
                            <span>{move || i18n.t(&key)}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}

/// The category select for a kind.
#[component]
pub fn CategorySelect(
    kind: RwSignal<Kind>,
    category: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    // A new kind starts at its first category.
    Effect::new(move |_| {
        let k = kind.get();
        if !k.categories().contains(&category.get_untracked().as_str()) {
            category.set(k.categories()[0].to_string());
        }
    });
    view! {
        <div class="field" class:field--error=move || error.get().is_some()>
            <label for="f-category">{move || i18n.t("service.category")}</label>
            <select id="f-category" class="input" name="category"
                on:change=move |ev| category.set(event_target_value(&ev))>
                {move || kind.get().categories().iter().map(|c| {
                    let c = c.to_string();
                    let key = category_key(&c);
                    let sel = category.get_untracked() == c;
                    view! { <option value=c.clone() selected=sel>{i18n.t(&key)}</option> }
                }).collect_view()}
            </select>
            <p class="field__error" role="alert">{move || error.get()}</p>
        </div>
    }
}
