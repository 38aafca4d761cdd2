//! 社区 → 会所预订 for residents: the venues and the household's bookings, one venue's day strip
//! and slots (pick, confirm), and one booking with its code and QR code (cancel within the
//! rules). The desk's pages are in `ui/staff.rs`.
use super::api::{load_booking, load_clubhouse, venue_day, BookVenue, BookingCard, CancelBooking};
use super::model::{Booking, BookingStatus, DaySlots, SlotState, Venue};
use crate::access::model::Me;
use crate::access::ui::RequireLogin;
use crate::shared::i18n::{use_i18n, I18n};
use crate::shared::ui::{confirm, toast, CsrfField, EmptyState, ErrorState, FormError, Loading, ResidentShell};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

pub mod staff;

fn status_class(s: BookingStatus) -> &'static str {
    match s {
        BookingStatus::Confirmed | BookingStatus::CheckedIn => "badge badge--ok",
        BookingStatus::Pending => "badge",
        _ => "badge badge--off",
    }
}

/// `¥20.00 / 1小时` or 免费.
fn price_text(i18n: I18n, v: &Venue) -> String {
    match &v.price {
        Some(p) => i18n
            .t("am.price_per")
            .replace("{p}", p)
            .replace("{len}", &length_text(i18n, v.slot_minutes)),
        None => i18n.t("am.free"),
    }
}

fn length_text(i18n: I18n, minutes: u16) -> String {
    if minutes.is_multiple_of(60) {
        i18n.t("am.hours_n").replace("{n}", &(minutes / 60).to_string())
    } else {
        i18n.t("am.minutes_n").replace("{n}", &minutes.to_string())
    }
}

/// Opening hours in words: weekdays and the weekend (the stored week repeats them).
fn hours_text(i18n: I18n, v: &Venue) -> String {
    let show = |h: &str| {
        if h.is_empty() {
            i18n.t("am.closed_day")
        } else {
            h.replace('+', &i18n.t("am.next_day"))
        }
    };
    let (wd, we) = (
        v.hours.first().cloned().unwrap_or_default(),
        v.hours.get(5).cloned().unwrap_or_default(),
    );
    if wd == we {
        format!("{} {}", i18n.t("am.daily"), show(&wd))
    } else {
        format!(
            "{} {} · {} {}",
            i18n.t("am.weekdays"),
            show(&wd),
            i18n.t("am.weekend"),
            show(&we)
        )
    }
}

/// `/community/clubhouse`: the venues and the household's bookings.
#[component]
pub fn ClubhousePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("am.clubhouse") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/community" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("am.clubhouse")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <Clubhouse /> } />
        </ResidentShell>
    }
}

#[component]
fn Clubhouse() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| load_clubhouse());
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match data.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(c) if c.venues.is_empty() && c.bookings.is_empty() =>
                    view! { <EmptyState title="am.no_venues" body="am.no_venues_body" icon="🏸" /> }.into_any(),
                Ok(c) => view! {
                    <ul class="am-venues" data-testid="venues">
                        {c.venues.into_iter().map(|v| {
                            let price = price_text(i18n, &v);
                            let hours = hours_text(i18n, &v);
                            view! {
                                <li>
                                    <a class="am-venue" href=format!("/community/clubhouse/{}", v.id)>
                                        <span class="am-venue__icon" aria-hidden="true">{v.kind.icon()}</span>
                                        <span class="am-venue__text">
                                            <strong>{v.name.clone()}</strong>
                                            <span class="muted small">{hours}</span>
                                            <span class="small">{price}
                                                {v.rules.approval.then(|| view! { " · "{move || i18n.t("am.needs_approval")} })}
                                            </span>
                                        </span>
                                        <span aria-hidden="true" class="am-venue__go">"›"</span>
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <h2 class="card__title">{move || i18n.t("am.my_bookings")}</h2>
                    {if c.bookings.is_empty() {
                        view! { <p class="muted" data-testid="no-bookings">{move || i18n.t("am.no_bookings")}</p> }.into_any()
                    } else {
                        view! { <BookingList items=c.bookings /> }.into_any()
                    }}
                }.into_any(),
            }})}
        </Transition>
    }
}

#[component]
fn BookingList(items: Vec<Booking>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="notice-list" data-testid="my-bookings">
            {items.into_iter().map(|b| {
                let key = b.status.key();
                let class = status_class(b.status);
                view! {
                    <li>
                        <a class="notice-item" href=format!("/community/clubhouse/bookings/{}", b.id)>
                            <span class="notice-item__top">
                                <span class=class>{move || i18n.t(&key)}</span>
                                {b.amount.clone().map(|a| view! { <span class="badge">{format!("¥{a}")}</span> })}
                                <span class="muted small notice-item__time">{b.who.clone()}</span>
                            </span>
                            <strong class="notice-item__title">{b.venue.clone()}</strong>
                            <span class="muted small">{b.starts_at.clone()}" – "{b.ends_at.clone()}</span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// `/community/clubhouse/:id?date=`: one venue's day: pick slots and confirm.
#[component]
pub fn VenuePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("am.book") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/community/clubhouse" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("am.book")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <VenueDay /> } />
        </ResidentShell>
    }
}

#[component]
fn VenueDay() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let date = Memo::new(move |_| query.with(|q| q.get("date").unwrap_or_default()));
    let book = ServerAction::<BookVenue>::new();
    let day = Resource::new(
        move || (id.get(), date.get(), book.version().get()),
        |(id, d, _)| venue_day(id, d),
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(b)) = book.value().get() {
            navigate(&format!("/community/clubhouse/bookings/{}", b.id), Default::default());
        }
    });
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match day.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(d) => view! { <DayView d book /> }.into_any(),
            }})}
        </Transition>
    }
}

#[component]
fn DayView(d: DaySlots, book: ServerAction<BookVenue>) -> impl IntoView {
    let i18n = use_i18n();
    let v = d.venue.clone();
    let error = Signal::derive(move || book.value().get().and_then(|r| r.err()));
    let free = d.slots.iter().filter(|s| s.state == SlotState::Free).count();
    let hours = hours_text(i18n, &v);
    let price = price_text(i18n, &v);
    let r = v.rules.clone();
    let limits = {
        let mut parts = vec![];
        if r.max_per_day > 0 {
            parts.push(i18n.t("am.limit_day").replace("{n}", &r.max_per_day.to_string()));
        }
        if r.max_per_week > 0 {
            parts.push(i18n.t("am.limit_week").replace("{n}", &r.max_per_week.to_string()));
        }
        parts.push(i18n.t("am.limit_slots").replace("{n}", &r.max_slots.to_string()));
        parts.join(" · ")
    };
    let cancel = if r.cancel_minutes == 0 {
        i18n.t("am.cancel_any")
    } else {
        i18n.t("am.cancel_before").replace(
            "{n}",
            &length_text(i18n, r.cancel_minutes.min(u32::from(u16::MAX)) as u16),
        )
    };
    let who: Vec<String> = r.who.iter().map(|w| i18n.t(&w.key())).collect();
    let homes = d.homes.clone();
    let date = d.date.clone();
    let max = r.max_slots;
    view! {
        <article class="card" data-testid="venue">
            <h2 class="cm-notice__title"><span aria-hidden="true">{v.kind.icon()}" "</span>{v.name.clone()}</h2>
            {(!v.description.is_empty()).then(|| view! { <p class="sv__intro">{v.description.clone()}</p> })}
            <dl class="ev-facts">
                <div><dt>{move || i18n.t("am.hours")}</dt><dd>{hours}</dd></div>
                <div><dt>{move || i18n.t("am.price")}</dt><dd>{price}</dd></div>
                <div><dt>{move || i18n.t("am.who_may")}</dt><dd>{who.join("、")}</dd></div>
                <div><dt>{move || i18n.t("am.limits")}</dt><dd>{limits}</dd></div>
                <div><dt>{move || i18n.t("am.cancel_rule")}</dt><dd>{cancel}</dd></div>
            </dl>
        </article>
        <nav class="am-days" aria-label=move || i18n.t("am.pick_day")>
            {d.days.iter().map(|day| {
                let on = *day == date;
                let label = day.get(5..).unwrap_or(day).to_string();
                view! {
                    <a class="am-day" class:am-day--on=on aria-current=on.then_some("date")
                        href=format!("/community/clubhouse/{}?date={day}", v.id)>{label}</a>
                }
            }).collect_view()}
        </nav>
        {(!d.closures.is_empty()).then(|| view! {
            <p class="alert" data-testid="closures">{move || i18n.t("am.closed_note")}" "{d.closures.join("；")}</p>
        })}
        {if d.slots.is_empty() {
            view! { <p class="muted" data-testid="no-slots">{move || i18n.t("am.closed_that_day")}</p> }.into_any()
        } else if d.homes.is_empty() {
            view! { <p class="alert" data-testid="not-for-you">{move || i18n.t("am.err.not_for_you")}</p> }.into_any()
        } else {
            view! {
                <ActionForm action=book attr:class="form card" attr:data-testid="book-form">
                    <CsrfField />
                    <input type="hidden" name="venue_id" value=v.id.to_string() />
                    <fieldset class="am-slots">
                        <legend class="field__label">{move || i18n.t("am.pick_slot")}" · "{d.date.clone()}
                            <span class="muted small">" "{i18n.t("am.free_n").replace("{n}", &free.to_string())}</span></legend>
                        {d.slots.iter().map(|s| {
                            let state = s.state;
                            let label = s.label.clone();
                            let hint = if s.mine { i18n.t("am.slot_mine") } else { i18n.t(&format!("am.slot.{}", state.code())) };
                            view! {
                                <label class="am-slot" data-state=state.code() data-mine=s.mine.to_string()>
                                    <input type="radio" name="start" value=s.start.clone() required disabled=state != SlotState::Free />
                                    <span class="am-slot__time">{label}</span>
                                    <span class="am-slot__hint">{hint}</span>
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <p class="field__error" role="alert">{move || crate::shared::ui::field_error(error, "start").get()}</p>
                    <label class="field"><span class="field__label">{move || i18n.t("am.slots_n")}</span>
                        <select class="input" name="slots">
                            {(1..=max).map(|n| view! { <option value=n.to_string()>{length_text(i18n, (n as u16).saturating_mul(v.slot_minutes))}</option> }).collect_view()}
                        </select>
                    </label>
                    {(homes.len() > 1).then(|| view! {
                        <label class="field"><span class="field__label">{move || i18n.t("am.for_home")}</span>
                            <select class="input" name="unit">
                                {homes.iter().map(|h| view! { <option value=h.0.to_string()>{h.1.clone()}</option> }).collect_view()}
                            </select>
                        </label>
                    })}
                    {v.price.is_some().then(|| view! { <p class="muted small">{move || i18n.t("am.fee_note")}</p> })}
                    <FormError error fields=&["start"] />
                    <button type="submit" class="btn btn--primary btn--block" data-testid="book" disabled=move || book.pending().get()>
                        {move || i18n.t(if r.approval { "am.ask" } else { "am.confirm" })}
                    </button>
                </ActionForm>
            }.into_any()
        }}
    }
}

/// `/community/clubhouse/bookings/:id`: one booking: its code and QR code, and cancel.
#[component]
pub fn BookingPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("am.booking") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/community/clubhouse" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("am.booking")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <OneBooking /> } />
        </ResidentShell>
    }
}

#[component]
fn OneBooking() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let cancel = ServerAction::<CancelBooking>::new();
    let card = Resource::new(move || (id.get(), cancel.version().get()), |(id, _)| load_booking(id));
    Effect::new(move |_| match cancel.value().get() {
        Some(Ok(_)) => toast(i18n.t("am.cancelled")),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match card.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(c) => view! { <BookingView c cancel /> }.into_any(),
            }})}
        </Transition>
    }
}

#[component]
fn BookingView(c: BookingCard, cancel: ServerAction<CancelBooking>) -> impl IntoView {
    let i18n = use_i18n();
    let b = c.booking;
    let key = b.status.key();
    let class = status_class(b.status);
    let live = matches!(b.status, BookingStatus::Pending | BookingStatus::Confirmed);
    let id = b.id;
    let question = i18n.t("am.cancel_confirm");
    view! {
        <article class="card am-ticket" data-testid="booking">
            <p><span class=class data-testid="booking-status">{move || i18n.t(&key)}</span></p>
            <h2 class="cm-notice__title">{b.venue.clone()}</h2>
            <p class="am-ticket__when">{b.starts_at.clone()}" – "{b.ends_at.clone()}</p>
            {live.then(|| view! {
                <div class="am-qr" role="img" aria-label=move || i18n.t("am.qr_label") inner_html=c.qr.clone()></div>
                <p class="am-code" data-testid="booking-code">{b.code.clone()}</p>
                <p class="muted small">{move || i18n.t("am.show_code")}</p>
            })}
            <dl class="ev-facts">
                <div><dt>{move || i18n.t("am.for_home")}</dt><dd>{b.who.clone()}</dd></div>
                <div><dt>{move || i18n.t("am.price")}</dt><dd data-testid="booking-amount">{match &b.amount {
                    Some(a) => format!("¥{a} · {}", i18n.t(if b.paid { "am.paid" } else { "am.on_bill" })),
                    None => i18n.t("am.free"),
                }}</dd></div>
                {(!b.reason.is_empty()).then(|| view! { <div><dt>{move || i18n.t("am.reason")}</dt><dd>{b.reason.clone()}</dd></div> })}
                {live.then(|| view! { <div><dt>{move || i18n.t("am.cancel_rule")}</dt><dd>{i18n.t("am.cancel_until").replace("{at}", &b.cancel_until)}</dd></div> })}
            </dl>
            {(b.amount.is_some() && !b.paid && live).then(|| view! { <a class="btn btn--block" href="/pay">{move || i18n.t("am.go_pay")}</a> })}
            {b.can_cancel.then(|| view! {
                <ActionForm action=cancel attr:class="form" on:submit=move |ev| { if !confirm(&question) { ev.prevent_default(); } }>
                    <CsrfField />
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="btn btn--block" data-testid="cancel-booking" disabled=move || cancel.pending().get()>
                        {move || i18n.t("am.cancel")}
                    </button>
                </ActionForm>
            })}
        </article>
    }
}
