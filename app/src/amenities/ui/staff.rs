//! 会所前台 for staff (`/admin/amenities`): check a booking in by its code, a community's day
//! (every venue's slots with who holds each), pending bookings to approve or reject, the day's
//! bookings with cancel, and a booking at the desk for a household or a walk-in. The venues'
//! settings and closures are at `/admin/amenities/venues`.
use crate::amenities::api::*;
use crate::amenities::model::{Booker, Booking, BookingStatus, DayGrid, SlotState, Venue, VenueKind, SLOT_LENGTHS};
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{field_error, toast, CsrfField, EmptyState, ErrorState, FormError, Loading};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn status_class(s: BookingStatus) -> &'static str {
    match s {
        BookingStatus::Confirmed | BookingStatus::CheckedIn => "badge badge--ok",
        BookingStatus::Pending => "badge badge--alert",
        _ => "badge badge--off",
    }
}

/// `/admin/amenities?community=&date=`: the desk.
#[component]
pub fn DeskPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let community = Memo::new(move |_| query.with(|q| q.get("community").and_then(|c| c.parse::<i64>().ok())));
    let date = Memo::new(move |_| query.with(|q| q.get("date").unwrap_or_default()));
    let check_in = ServerAction::<DeskCheckIn>::new();
    let decide = ServerAction::<DeskDecide>::new();
    let cancel = ServerAction::<DeskCancel>::new();
    let book = ServerAction::<DeskBook>::new();
    let desk_data = Resource::new(
        move || {
            (
                community.get(),
                date.get(),
                check_in.version().get(),
                decide.version().get(),
                cancel.version().get(),
                book.version().get(),
            )
        },
        |(c, d, ..)| load_desk(c, d),
    );
    Effect::new(move |_| match check_in.value().get() {
        Some(Ok(b)) => toast(
            i18n.t("am.checked_in_toast")
                .replace("{who}", &b.who)
                .replace("{venue}", &b.venue),
        ),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    for (a, key) in [(decide.value(), "am.decided"), (cancel.value(), "am.cancelled")] {
        Effect::new(move |_| match a.get() {
            Some(Ok(_)) => toast(i18n.t(key)),
            Some(Err(e)) => toast(e.localized(i18n.code())),
            None => {}
        });
    }
    Effect::new(move |_| {
        if let Some(Ok(b)) = book.value().get() {
            toast(i18n.t("am.booked_toast").replace("{code}", &b.code));
        }
    });
    let check_error = Signal::derive(move || check_in.value().get().and_then(|r| r.err()));
    view! {
        <Title text=move || i18n.t("am.desk") />
        <h1 class="page-title">{move || i18n.t("am.desk")}
            <a class="btn btn--small am-settings-link" href="/admin/amenities/venues">{move || i18n.t("am.venues")}</a>
        </h1>
        <section class="card" aria-labelledby="am-check-in">
            <h2 class="card__title" id="am-check-in">{move || i18n.t("am.check_in")}</h2>
            <ActionForm action=check_in attr:class="inline-form" attr:data-testid="check-in-form">
                <CsrfField />
                <label class="field"><span class="field__label">{move || i18n.t("am.code")}</span>
                    <input class="input" name="code" inputmode="numeric" autocomplete="off" maxlength="12" required
                        placeholder="12345678" aria-describedby="am-code-err" />
                </label>
                <button type="submit" class="btn btn--primary" disabled=move || check_in.pending().get()>{move || i18n.t("am.check_in_do")}</button>
            </ActionForm>
            <p class="field__error" id="am-code-err" role="alert" data-testid="check-in-error">
                {move || check_error.get().map(|e| e.localized(i18n.code()))}</p>
        </section>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match desk_data.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(d) => match d.grid {
                    None => view! { <EmptyState title="am.no_communities" body="am.no_communities_body" icon="🏸" /> }.into_any(),
                    Some(g) => view! {
                        <DayPicker communities=d.communities g=g.clone() />
                        <Grid g=g.clone() />
                        <DayBookings g=g.clone() decide cancel />
                        <DeskBookForm venues=g.rows.iter().map(|r| r.venue.clone()).collect() date=g.date.clone() book />
                    }.into_any(),
                },
            }})}
        </Transition>
    }
}

/// The community and day, as a plain GET form (the page reads them from the address).
#[component]
fn DayPicker(communities: Vec<(crate::shared::ids::OrgId, String)>, g: DayGrid) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = g.community_id;
    view! {
        <form class="inline-form card" method="get" action="/admin/amenities">
            {(communities.len() > 1).then(|| view! {
                <label class="field"><span class="field__label">{move || i18n.t("am.community")}</span>
                    <select class="input" name="community">
                        {communities.iter().map(|(id, name)| view! {
                            <option value=id.0.to_string() selected=*id == chosen>{name.clone()}</option>
                        }).collect_view()}
                    </select>
                </label>
            })}
            {(communities.len() <= 1).then(|| view! { <input type="hidden" name="community" value=chosen.0.to_string() /> })}
            <label class="field"><span class="field__label">{move || i18n.t("am.date")}</span>
                <input class="input" type="date" name="date" value=g.date.clone() />
            </label>
            <button type="submit" class="btn">{move || i18n.t("am.show")}</button>
        </form>
    }
}

#[component]
fn Grid(g: DayGrid) -> impl IntoView {
    let i18n = use_i18n();
    if g.rows.is_empty() {
        return view! { <EmptyState title="am.no_venues" body="am.no_venues_staff" icon="🏸" /> }.into_any();
    }
    view! {
        <section class="card" aria-labelledby="am-grid">
            <h2 class="card__title" id="am-grid">{move || i18n.t("am.day_grid")}" · "{g.date.clone()}</h2>
            <div class="am-grid" data-testid="day-grid">
                {g.rows.into_iter().map(|r| view! {
                    <div class="am-grid__row">
                        <h3 class="am-grid__venue"><span aria-hidden="true">{r.venue.kind.icon()}" "</span>{r.venue.name.clone()}</h3>
                        <ul class="am-grid__cells">
                            {r.cells.into_iter().map(|c| {
                                let state = match (&c.booking, c.state) {
                                    (Some(b), _) => b.status.code(),
                                    (None, s) => s.code(),
                                };
                                let who = match &c.booking {
                                    Some(b) => b.who.clone(),
                                    None if c.state == SlotState::Closed => i18n.t("am.slot.closed"),
                                    None => String::new(),
                                };
                                let title = who.clone();
                                view! { <li class="am-cell" data-state=state title=title>
                                    <span class="am-cell__time">{c.label}</span><span class="am-cell__who">{who}</span></li> }
                            }).collect_view()}
                        </ul>
                    </div>
                }).collect_view()}
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn DayBookings(g: DayGrid, decide: ServerAction<DeskDecide>, cancel: ServerAction<DeskCancel>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="am-day-bookings">
            <h2 class="card__title" id="am-day-bookings">{move || i18n.t("am.day_bookings")}</h2>
            {if g.bookings.is_empty() {
                view! { <p class="muted">{move || i18n.t("am.no_bookings_day")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table" data-testid="day-bookings">
                            <thead><tr>
                                <th>{move || i18n.t("am.when")}</th>
                                <th>{move || i18n.t("am.venue")}</th>
                                <th>{move || i18n.t("am.booked_by")}</th>
                                <th>{move || i18n.t("am.state")}</th>
                                <th>{move || i18n.t("am.code")}</th>
                                <th class="num">{move || i18n.t("am.price")}</th>
                                <th></th>
                            </tr></thead>
                            <tbody>
                                {g.bookings.into_iter().map(|b| view! { <BookingTr b decide cancel /> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn BookingTr(b: Booking, decide: ServerAction<DeskDecide>, cancel: ServerAction<DeskCancel>) -> impl IntoView {
    let i18n = use_i18n();
    let key = b.status.key();
    let class = status_class(b.status);
    let id = b.id.to_string();
    let pending = b.status == BookingStatus::Pending;
    let live = matches!(b.status, BookingStatus::Pending | BookingStatus::Confirmed);
    view! {
        <tr data-testid=format!("booking-{}", b.code)>
            <td>{b.starts_at.clone()}"–"{b.ends_at.clone()}</td>
            <td>{b.venue.clone()}</td>
            <td>{b.who.clone()}</td>
            <td><span class=class>{move || i18n.t(&key)}</span></td>
            <td class="mono">{b.code.clone()}</td>
            <td class="num">{b.amount.clone().map(|a| format!("¥{a}{}", if b.paid { " ✓" } else { "" }))}</td>
            <td class="am-actions">
                {pending.then(|| { let id = id.clone(); view! {
                    <ActionForm action=decide attr:class="inline-form">
                        <CsrfField />
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="approve" value="yes" />
                        <input type="hidden" name="reason" value="" />
                        <button type="submit" class="btn btn--small btn--primary">{move || i18n.t("am.approve")}</button>
                    </ActionForm>
                }})}
                {live.then(|| view! {
                    <details class="am-more">
                        <summary class="btn btn--small">{move || i18n.t(if pending { "am.reject" } else { "am.cancel" })}</summary>
                        {if pending { view! {
                            <ActionForm action=decide attr:class="inline-form">
                                <CsrfField />
                                <input type="hidden" name="id" value=id.clone() />
                                <input type="hidden" name="approve" value="no" />
                                <input class="input" name="reason" required maxlength="200" placeholder=move || i18n.t("am.reason") />
                                <button type="submit" class="btn btn--small btn--danger">{move || i18n.t("am.reject")}</button>
                            </ActionForm>
                        }.into_any() } else { view! {
                            <ActionForm action=cancel attr:class="inline-form">
                                <CsrfField />
                                <input type="hidden" name="id" value=id.clone() />
                                <input class="input" name="reason" required maxlength="200" placeholder=move || i18n.t("am.reason") />
                                <button type="submit" class="btn btn--small btn--danger">{move || i18n.t("am.cancel")}</button>
                            </ActionForm>
                        }.into_any() }}
                    </details>
                })}
            </td>
        </tr>
    }
}

#[component]
fn DeskBookForm(venues: Vec<Venue>, date: String, book: ServerAction<DeskBook>) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || book.value().get().and_then(|r| r.err()));
    let msg = move |f: &'static str| {
        let m = field_error(error, f);
        move || m.get()
    };
    if venues.is_empty() {
        return ().into_any();
    }
    view! {
        <details class="card">
            <summary class="card__title">{move || i18n.t("am.desk_book")}</summary>
            <ActionForm action=book attr:class="form" attr:novalidate=true attr:data-testid="desk-book-form">
                <CsrfField />
                <label class="field"><span class="field__label">{move || i18n.t("am.venue")}</span>
                    <select class="input" name="venue_id">
                        {venues.iter().map(|v| view! { <option value=v.id.to_string()>{v.name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("am.start")}</span>
                    <input class="input" type="datetime-local" name="start" required value=format!("{date}T19:00") />
                    <span class="field__error" role="alert">{msg("start")}</span>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("am.slots_n")}</span>
                    <input class="input" type="number" name="slots" min="1" max="16" value="1" required />
                    <span class="field__error" role="alert">{msg("slots")}</span>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("am.unit")}</span>
                    <input class="input" name="unit" placeholder="1-1-0401" />
                    <span class="field__hint">{move || i18n.t("am.unit_or_guest")}</span>
                    <span class="field__error" role="alert">{msg("unit")}</span>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("am.guest_name")}</span>
                    <input class="input" name="guest_name" maxlength="40" />
                    <span class="field__error" role="alert">{msg("guest_name")}</span>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("am.guest_phone")}</span>
                    <input class="input" name="guest_phone" inputmode="tel" />
                    <span class="field__error" role="alert">{msg("guest_phone")}</span>
                </label>
                <FormError error fields=&["start", "slots", "unit", "guest_name", "guest_phone"] />
                <button type="submit" class="btn btn--primary" disabled=move || book.pending().get()>{move || i18n.t("am.confirm")}</button>
            </ActionForm>
        </details>
    }
    .into_any()
}

/// `/admin/amenities/venues?community=`: each venue's settings and closures, and a new venue.
#[component]
pub fn VenuesAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let community = Memo::new(move |_| query.with(|q| q.get("community").and_then(|c| c.parse::<i64>().ok())));
    let save = ServerAction::<SaveVenue>::new();
    let close = ServerAction::<CloseVenue>::new();
    let data = Resource::new(
        move || (community.get(), save.version().get(), close.version().get()),
        |(c, ..)| async move {
            let d = load_desk(c, String::new()).await?;
            let id = d.grid.as_ref().map(|g| g.community_id.0);
            let venues = match id {
                Some(id) => staff_venues(id).await?,
                None => vec![],
            };
            Ok::<_, crate::shared::error::AppError>((id, venues))
        },
    );
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => toast(i18n.t("am.venue_saved")),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    Effect::new(move |_| match close.value().get() {
        Some(Ok(n)) => toast(i18n.t("am.closure_saved").replace("{n}", &n.to_string())),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    view! {
        <Title text=move || i18n.t("am.venues") />
        <h1 class="page-title">{move || i18n.t("am.venues")}
            <a class="btn btn--small am-settings-link" href="/admin/amenities">{move || i18n.t("am.desk")}</a>
        </h1>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match data.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok((None, _)) => view! { <EmptyState title="am.no_communities" body="am.no_communities_body" icon="🏸" /> }.into_any(),
                Ok((Some(c), venues)) => view! {
                    <div data-testid="venue-settings">
                        {venues.into_iter().map(|v| view! {
                            <details class="card">
                                <summary class="card__title"><span aria-hidden="true">{v.kind.icon()}" "</span>{v.name.clone()}</summary>
                                <VenueForm community=c venue=Some(v.clone()) save />
                                <ClosureForm venue=v.id close />
                            </details>
                        }).collect_view()}
                        <details class="card" open>
                            <summary class="card__title">{move || i18n.t("am.new_venue")}</summary>
                            <VenueForm community=c venue=None save />
                        </details>
                    </div>
                }.into_any(),
            }})}
        </Transition>
    }
}

#[component]
fn VenueForm(community: i64, venue: Option<Venue>, save: ServerAction<SaveVenue>) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let msg = move |f: &'static str| {
        let m = field_error(error, f);
        move || m.get()
    };
    let v = venue.clone();
    let r = v.as_ref().map(|v| v.rules.clone());
    let num =
        move |f: fn(&crate::amenities::model::Rules) -> u32, default: u32| r.as_ref().map_or(default, f).to_string();
    let who = v
        .as_ref()
        .map_or(vec![Booker::Owners, Booker::Tenants, Booker::Family], |v| {
            v.rules.who.clone()
        });
    let hours = |i: usize, d: &str| {
        v.as_ref().map_or(d.to_string(), |v| {
            v.hours.get(i).cloned().unwrap_or_default().replace('+', "")
        })
    };
    let (hours_weekday, hours_weekend) = (hours(0, "08:00-22:00"), hours(5, "08:00-22:00"));
    let kind = v.as_ref().map_or(VenueKind::Court, |v| v.kind);
    let slot = v.as_ref().map_or(60, |v| v.slot_minutes);
    let field = move |label: &'static str, name: &'static str, value: String, kind: &'static str| {
        view! {
            <label class="field"><span class="field__label">{move || i18n.t(label)}</span>
                <input class="input" name=name type=kind value=value />
                <span class="field__error" role="alert">{msg(name)}</span>
            </label>
        }
    };
    view! {
        <ActionForm action=save attr:class="form am-venue-form" attr:novalidate=true>
            <CsrfField />
            <input type="hidden" name="community_id" value=community.to_string() />
            {v.as_ref().map(|v| view! { <input type="hidden" name="id" value=v.id.to_string() /> })}
            {field("am.name", "name", v.as_ref().map(|v| v.name.clone()).unwrap_or_default(), "text")}
            <label class="field"><span class="field__label">{move || i18n.t("am.kind_label")}</span>
                <select class="input" name="kind">
                    {VenueKind::ALL.iter().map(|k| { let key = k.key(); view! {
                        <option value=k.code() selected=*k == kind>{move || i18n.t(&key)}</option>
                    }}).collect_view()}
                </select>
            </label>
            <label class="field"><span class="field__label">{move || i18n.t("am.description")}</span>
                <textarea class="input" name="description" rows="2">{v.as_ref().map(|v| v.description.clone()).unwrap_or_default()}</textarea>
            </label>
            {field("am.capacity", "capacity", v.as_ref().map_or("10".into(), |v| v.capacity.to_string()), "number")}
            <label class="field"><span class="field__label">{move || i18n.t("am.slot_length")}</span>
                <select class="input" name="slot_minutes">
                    {SLOT_LENGTHS.iter().map(|m| view! { <option value=m.to_string() selected=*m == slot>{m.to_string()}</option> }).collect_view()}
                </select>
            </label>
            {field("am.hours_weekday", "hours_weekday", hours_weekday, "text")}
            {field("am.hours_weekend", "hours_weekend", hours_weekend, "text")}
            <fieldset class="field"><legend class="field__label">{move || i18n.t("am.who_may")}</legend>
                {Booker::ALL.iter().map(|b| { let key = b.key(); view! {
                    <label class="check"><input type="checkbox" name=format!("who_{}", b.code()) checked=who.contains(b) />{move || i18n.t(&key)}</label>
                }}).collect_view()}
                <span class="field__error" role="alert">{msg("who")}</span>
            </fieldset>
            {field("am.window_days", "window_days", num(|r| r.window_days, 7), "number")}
            {field("am.lead_minutes", "lead_minutes", num(|r| r.lead_minutes, 30), "number")}
            {field("am.max_per_day", "max_per_day", num(|r| r.max_per_day, 1), "number")}
            {field("am.max_per_week", "max_per_week", num(|r| r.max_per_week, 3), "number")}
            {field("am.max_slots", "max_slots", num(|r| r.max_slots, 2), "number")}
            {field("am.cancel_hours", "cancel_hours", num(|r| r.cancel_minutes / 60, 2), "number")}
            {field("am.price_label", "price", v.as_ref().and_then(|v| v.price.clone()).unwrap_or_default(), "text")}
            {field("am.guest_price", "guest_price", v.as_ref().and_then(|v| v.guest_price.clone()).unwrap_or_default(), "text")}
            <label class="check"><input type="checkbox" name="approval" checked=v.as_ref().is_some_and(|v| v.rules.approval) />{move || i18n.t("am.approval")}</label>
            {field("am.noshow_limit", "noshow_limit", num(|r| r.noshow_limit, 0), "number")}
            {field("am.noshow_days", "noshow_days", num(|r| r.noshow_days, 30), "number")}
            {field("am.suspend_days", "suspend_days", num(|r| r.suspend_days, 7), "number")}
            <FormError error fields=&["name", "capacity", "hours_weekday", "hours_weekend", "who", "window_days", "lead_minutes",
                "max_per_week", "max_slots", "cancel_hours", "price", "guest_price", "noshow_days"] />
            <button type="submit" class="btn btn--primary" disabled=move || save.pending().get()>{move || i18n.t("am.save")}</button>
        </ActionForm>
    }
}

#[component]
fn ClosureForm(venue: i64, close: ServerAction<CloseVenue>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ActionForm action=close attr:class="form am-closure-form">
            <CsrfField />
            <h3 class="card__title">{move || i18n.t("am.closure")}</h3>
            <p class="muted small">{move || i18n.t("am.closure_hint")}</p>
            <input type="hidden" name="venue_id" value=venue.to_string() />
            <label class="field"><span class="field__label">{move || i18n.t("am.from")}</span>
                <input class="input" type="datetime-local" name="starts_at" required /></label>
            <label class="field"><span class="field__label">{move || i18n.t("am.to")}</span>
                <input class="input" type="datetime-local" name="ends_at" required /></label>
            <label class="field"><span class="field__label">{move || i18n.t("am.reason")}</span>
                <input class="input" name="reason" required maxlength="200" /></label>
            <button type="submit" class="btn btn--danger" disabled=move || close.pending().get()>{move || i18n.t("am.close_do")}</button>
        </ActionForm>
    }
}
