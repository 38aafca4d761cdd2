//! 活动 for staff (`/admin/events`): put on an event for a community (time, place, capacity,
//! limit per household, sign-up deadline, fee), the list with sign-up counts; one event's
//! sign-ups with the line, check-in at the door, and cancelling it.
use super::staff::{target_text, TargetFields};
use super::Attachments;
use crate::community::api::*;
use crate::community::model::{EventDetail, EventState, EventSummary, SignupStatus, EVENT_PHOTOS_MAX};
use crate::files::ui::PhotoPicker;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{confirm, field_error, toast, CsrfField, EmptyState, ErrorState, FormError, Loading};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn state_class(s: EventState) -> &'static str {
    match s {
        EventState::Published => "badge badge--ok",
        EventState::Scheduled => "badge",
        EventState::Ended | EventState::Cancelled => "badge badge--off",
    }
}

/// `/admin/events`: the form and the events of the caller's scope.
#[component]
pub fn EventsAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateEvent>::new();
    let list = Resource::new(move || create.version().get(), |_| staff_events());
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            toast(i18n.t("cm.event_saved"));
        }
    });
    view! {
        <Title text=move || i18n.t("cm.events") />
        <h1 class="page-title">{move || i18n.t("cm.events")}</h1>
        <EventForm create />
        <h2 class="card__title">{move || i18n.t("cm.events_listed")}</h2>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match list.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(l) if l.is_empty() => view! { <EmptyState title="cm.no_events" body="cm.no_events_staff" icon="✦" /> }.into_any(),
                Ok(l) => view! {
                    <div class="table-wrap">
                        <table class="table" data-testid="staff-events">
                            <thead><tr>
                                <th>{move || i18n.t("cm.title")}</th>
                                <th>{move || i18n.t("cm.when")}</th>
                                <th>{move || i18n.t("cm.target")}</th>
                                <th>{move || i18n.t("cm.state_label")}</th>
                                <th class="num">{move || i18n.t("cm.people_of")}</th>
                            </tr></thead>
                            <tbody>
                                {l.into_iter().map(|e| view! { <EventTr e /> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }})}
        </Transition>
    }
}

fn seats_text(e: &EventSummary) -> String {
    if e.capacity > 0 {
        format!("{} / {}", e.taken, e.capacity)
    } else {
        e.taken.to_string()
    }
}

#[component]
fn EventTr(e: EventSummary) -> impl IntoView {
    let i18n = use_i18n();
    let state = e.state.key();
    let class = state_class(e.state);
    let aud = e.audience.key();
    let target = target_text(&e.buildings, &e.units, i18n);
    view! {
        <tr>
            <td><a href=format!("/admin/events/{}", e.id)>{e.title.clone()}</a><br/><span class="muted small">{e.place.clone()}</span></td>
            <td>{e.starts_at.clone()}</td>
            <td>{e.community.clone()}" · "{target}" · "{move || i18n.t(&aud)}</td>
            <td><span class=class>{move || i18n.t(&state)}</span></td>
            <td class="num" data-testid="taken">{seats_text(&e)}
                {(e.waitlisted > 0).then(|| view! { <br/><span class="muted small">{i18n.t("cm.n_waiting").replace("{n}", &e.waitlisted.to_string())}</span> })}</td>
        </tr>
    }
}

#[component]
fn EventForm(create: ServerAction<CreateEvent>) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let msg = move |f: &'static str| {
        let m = field_error(error, f);
        move || m.get()
    };
    view! {
        <ActionForm action=create attr:class="card form" attr:novalidate=true attr:data-testid="event-form">
            <CsrfField />
            <label class="field"><span class="field__label">{move || i18n.t("cm.title")}</span>
                <input class="input" name="title" required maxlength="120" />
                <span class="field__error" role="alert">{msg("title")}</span>
            </label>
            <label class="field"><span class="field__label">{move || i18n.t("cm.place")}</span>
                <input class="input" name="place" required maxlength="120" />
                <span class="field__error" role="alert">{msg("place")}</span>
            </label>
            <label class="field"><span class="field__label">{move || i18n.t("cm.event_body")}</span>
                <textarea class="input" name="body" rows="4" maxlength="5000"></textarea>
                <span class="field__error" role="alert">{msg("body")}</span>
            </label>
            <div class="form__row">
                <label class="field"><span class="field__label">{move || i18n.t("cm.starts_at")}</span>
                    <input class="input" type="datetime-local" name="starts_at" required />
                    <span class="field__error" role="alert">{msg("starts_at")}</span>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("cm.event_ends_at")}</span>
                    <input class="input" type="datetime-local" name="ends_at" required />
                    <span class="field__error" role="alert">{msg("ends_at")}</span>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("cm.signup_until")}</span>
                    <input class="input" type="datetime-local" name="signup_until" />
                    <span class="field__hint">{move || i18n.t("cm.signup_until_hint")}</span>
                    <span class="field__error" role="alert">{msg("signup_until")}</span>
                </label>
            </div>
            <div class="form__row">
                <label class="field"><span class="field__label">{move || i18n.t("cm.capacity")}</span>
                    <input class="input" type="number" name="capacity" min="0" max="100000" value="0" inputmode="numeric" />
                    <span class="field__hint">{move || i18n.t("cm.capacity_hint")}</span>
                    <span class="field__error" role="alert">{msg("capacity")}</span>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("cm.per_household_max")}</span>
                    <input class="input" type="number" name="per_household" min="1" max="20" value="4" inputmode="numeric" />
                    <span class="field__error" role="alert">{msg("per_household")}</span>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("cm.fee_yuan")}</span>
                    <input class="input" name="fee" inputmode="decimal" placeholder="0" />
                    <span class="field__hint">{move || i18n.t("cm.fee_hint")}</span>
                    <span class="field__error" role="alert">{msg("fee")}</span>
                </label>
            </div>
            <TargetFields error />
            <label class="field"><span class="field__label">{move || i18n.t("cm.publish_at")}</span>
                <input class="input" type="datetime-local" name="publish_at" />
                <span class="field__hint">{move || i18n.t("cm.publish_hint")}</span>
                <span class="field__error" role="alert">{msg("publish_at")}</span>
            </label>
            <FormError error fields=&["title", "place", "body", "starts_at", "ends_at", "signup_until", "capacity", "per_household", "fee", "buildings", "units", "publish_at"] />
            <button type="submit" class="btn btn--primary" data-testid="create-event" disabled=move || create.pending().get()>
                {move || i18n.t("cm.publish_event")}
            </button>
        </ActionForm>
    }
}

/// `/admin/events/:id`: one event's sign-ups, the line, check-in and cancelling it.
#[component]
pub fn EventAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let check_in = ServerAction::<CheckIn>::new();
    let cancel = ServerAction::<CancelEvent>::new();
    let add_photos = ServerAction::<AddEventPhotos>::new();
    // Reloaded after photos are added only: refused ones stay picked, with the reason.
    let photos_added = RwSignal::new(0u32);
    let detail = Resource::new(
        move || {
            (
                id.get(),
                check_in.version().get(),
                cancel.version().get(),
                photos_added.get(),
            )
        },
        |(id, _, _, _)| staff_event(id),
    );
    Effect::new(move |_| {
        if let Some(Ok(_)) = add_photos.value().get() {
            toast(i18n.t("cm.photos_added"));
            photos_added.update(|n| *n += 1);
        }
    });
    Effect::new(move |_| {
        for r in [check_in.value().get(), cancel.value().get()].into_iter().flatten() {
            if let Err(e) = r {
                toast(e.localized(i18n.code()));
            }
        }
    });
    view! {
        <Title text=move || i18n.t("cm.event") />
        <p><a href="/admin/events">"‹ "{move || i18n.t("cm.events")}</a></p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match detail.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(d) => view! { <Detail d check_in cancel add_photos /> }.into_any(),
            }})}
        </Transition>
    }
}

#[component]
fn Detail(
    d: EventDetail,
    check_in: ServerAction<CheckIn>,
    cancel: ServerAction<CancelEvent>,
    add_photos: ServerAction<AddEventPhotos>,
) -> impl IntoView {
    let i18n = use_i18n();
    let e = d.event.clone();
    let id = e.id;
    let state = e.state.key();
    let class = state_class(e.state);
    let aud = e.audience.key();
    let target = target_text(&e.buildings, &e.units, i18n);
    let live = matches!(e.state, EventState::Scheduled | EventState::Published);
    let people_in: i32 = d.signups.iter().filter(|s| s.checked_in).map(|s| s.headcount).sum();
    view! {
        <h1 class="page-title">{e.title.clone()}" "<span class=class data-testid="event-state">{move || i18n.t(&state)}</span></h1>
        <dl class="cm-figures" data-testid="event-stats">
            <div><dt>{move || i18n.t("cm.households")}</dt><dd>{e.households}</dd></div>
            <div><dt>{move || i18n.t("cm.people_in")}</dt><dd data-testid="stat-taken">{seats_text(&e)}</dd></div>
            <div><dt>{move || i18n.t("cm.households_in")}</dt><dd data-testid="stat-confirmed">{e.confirmed}</dd></div>
            <div><dt>{move || i18n.t("cm.waiting")}</dt><dd data-testid="stat-waiting">{e.waitlisted}</dd></div>
            <div><dt>{move || i18n.t("cm.arrived")}</dt><dd data-testid="stat-arrived">{people_in}</dd></div>
        </dl>
        <section class="card">
            <p class="muted small">{e.starts_at.clone()}" – "{e.ends_at.clone()}" · "{e.place.clone()}</p>
            <p class="muted small">{e.community.clone()}" · "{target}" · "{move || i18n.t(&aud)}" · "
                {e.fee.clone().map_or_else(|| i18n.t("cm.free"), |f| i18n.t("cm.fee_each").replace("{f}", &f))}</p>
            {(!d.body.is_empty()).then(|| view! { <p class="sv__intro">{d.body.clone()}</p> })}
            {live.then(|| view! {
                <ActionForm action=cancel attr:class="inline-form"
                    on:submit=move |ev| { if !confirm(&i18n.t("cm.cancel_event_confirm")) { ev.prevent_default(); } }>
                    <CsrfField />
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="btn btn--small btn--danger" disabled=move || cancel.pending().get()>
                        {move || i18n.t("cm.cancel_event")}
                    </button>
                </ActionForm>
            })}
        </section>
        {(d.begun || !d.photos.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="event-photos">
                <h2 class="card__title" id="event-photos">{move || i18n.t("cm.event_photos")}</h2>
                <Attachments base=format!("/api/v1/events/{id}") documents=vec![] photos=d.photos.clone() />
                {d.begun.then(|| view! { <PhotoForm id add_photos /> })}
            </section>
        })}
        <section class="card">
            <h2 class="card__title">{move || i18n.t("cm.signups")}</h2>
            {if d.signups.is_empty() {
                view! { <p class="muted">{move || i18n.t("cm.no_signups")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table" data-testid="signups">
                            <thead><tr>
                                <th>{move || i18n.t("cm.unit")}</th>
                                <th>{move || i18n.t("cm.signed_by")}</th>
                                <th class="num">{move || i18n.t("cm.headcount")}</th>
                                <th>{move || i18n.t("cm.state_label")}</th>
                                <th></th>
                            </tr></thead>
                            <tbody>
                                {d.signups.into_iter().map(|s| {
                                    let status = match s.position {
                                        Some(p) => i18n.t("cm.in_line").replace("{p}", &p.to_string()),
                                        None => i18n.t(&s.status.key()),
                                    };
                                    let can_check = s.status == SignupStatus::Confirmed && !s.checked_in && e.state != EventState::Cancelled;
                                    view! {
                                        <tr>
                                            <td>{s.unit.clone()}</td>
                                            <td>{s.name.clone()}<br/><span class="muted small">{s.signed_up_at.clone()}</span></td>
                                            <td class="num">{s.headcount}</td>
                                            <td>{status}{s.checked_in.then(|| view! { " · "<span class="badge badge--ok">{move || i18n.t("cm.checked_in")}</span> })}</td>
                                            <td>{can_check.then(|| view! {
                                                <ActionForm action=check_in attr:class="inline-form">
                                                    <CsrfField />
                                                    <input type="hidden" name="id" value=id.to_string() />
                                                    <input type="hidden" name="signup" value=s.id.to_string() />
                                                    <button type="submit" class="btn btn--small" data-testid="check-in">{move || i18n.t("cm.check_in")}</button>
                                                </ActionForm>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// Photos of an event under way or over: picked, uploaded, then added in one go.
#[component]
fn PhotoForm(id: i64, add_photos: ServerAction<AddEventPhotos>) -> impl IntoView {
    let i18n = use_i18n();
    let photos: RwSignal<Vec<i64>> = RwSignal::new(vec![]);
    let busy = RwSignal::new(false);
    let error = Signal::derive(move || add_photos.value().get().and_then(|r| r.err()));
    view! {
        <ActionForm action=add_photos attr:class="form" attr:data-testid="event-photo-form">
            <CsrfField />
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="photos" prop:value=move || photos.with(|v| v.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")) />
            <PhotoPicker ids=photos max=EVENT_PHOTOS_MAX busy error />
            <FormError error fields=&["photos"] />
            <button type="submit" class="btn btn--primary" data-testid="add-photos"
                disabled=move || add_photos.pending().get() || busy.get() || photos.with(|v| v.is_empty())>
                {move || i18n.t("cm.add_photos")}
            </button>
        </ActionForm>
    }
}
