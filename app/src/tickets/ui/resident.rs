//! 报修 for residents: my tickets, a new repair/complaint with photos, and one ticket's
//! timeline with what I can do (comment, cancel, rate, reopen).
use super::actions::ActionPanel;
use super::parts::{clock_text, CategorySelect, KindChooser, StatusBadge, TicketCard, Timeline};
use crate::access::model::Me;
use crate::access::ui::RequireLogin;
use crate::files::ui::PhotoPicker;
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{field_error, toast, CsrfField, EmptyState, ErrorState, FormError, Loading, ResidentShell};
use crate::tickets::api::{my_tickets, ticket, ticket_form, SubmitTicket, SubmitTicketForm, TicketAct};
use crate::tickets::model::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

/// 报修 tab: my tickets, newest first.
#[component]
pub fn RepairPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("nav.repair") />
        <ResidentShell>
            <header class="page-head page-head--action">
                <h1>{move || i18n.t("nav.repair")}</h1>
                <a class="btn btn--primary" href="/repair/new" data-testid="new-ticket">{move || i18n.t("service.new")}</a>
            </header>
            <RequireLogin f=move |_me: Me| view! { <MyTickets /> } />
        </ResidentShell>
    }
}

#[component]
fn MyTickets() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let before = move || query.with(|q| q.get("before").and_then(|s| s.parse::<i64>().ok()));
    let list = Resource::new(before, my_tickets);
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! {
                        <EmptyState title="home.no_tickets" body="home.no_tickets_body" icon="✎" />
                    }.into_any(),
                    Ok(p) => view! {
                        <ul class="ticket-list">
                            {p.items.into_iter().map(|r| {
                                let href = format!("/repair/{}", r.id);
                                view! { <TicketCard row=r href /> }
                            }).collect_view()}
                        </ul>
                        {p.next.map(|b| view! { <a class="btn btn--block" href=format!("?before={b}")>{move || i18n.t("notify.older")}</a> })}
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

const FIELDS: &[&str] = &[
    "kind",
    "category",
    "unit_id",
    "spot",
    "description",
    "preferred_time",
    "photos",
];

/// A new repair, complaint, inquiry or praise.
#[component]
pub fn NewTicketPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("service.new") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/repair" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("service.new")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <NewTicketForm /> } />
        </ResidentShell>
    }
}

#[component]
fn NewTicketForm() -> impl IntoView {
    let i18n = use_i18n();
    let form = Resource::new(|| (), |_| ticket_form());
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match form.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(f) if f.units.is_empty() => view! {
                        <EmptyState title="service.no_home" body="service.no_home_body" icon="⌂" />
                        <a class="btn btn--block" href="/me">{move || i18n.t("service.bind_home")}</a>
                    }.into_any(),
                    Ok(f) => view! { <TicketFields units=f.units /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TicketFields(units: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    // `?kind=complaint` (首页's 投诉) opens the form on that kind.
    let asked = use_query_map().with_untracked(|q| q.get("kind").and_then(|k| Kind::parse(&k)));
    let kind = RwSignal::new(asked.unwrap_or(Kind::RepairHome));
    let category = RwSignal::new(kind.get_untracked().categories()[0].to_string());
    let unit = RwSignal::new(units.first().map(|u| u.0).unwrap_or(0));
    let spot = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let preferred = RwSignal::new(String::new());
    let photos: RwSignal<Vec<i64>> = RwSignal::new(vec![]);
    let busy = RwSignal::new(false);
    let submit = ServerAction::<SubmitTicket>::new();
    // A form the browser posted itself comes back with its error in the address.
    let plain = ServerAction::<SubmitTicketForm>::new();
    let error: RwSignal<Option<AppError>> = RwSignal::new(plain.value().get_untracked().and_then(|r| r.err()));
    let err = Signal::derive(move || error.get());
    let navigate = use_navigate();
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(id)) => {
            toast(i18n.t("service.submitted"));
            navigate(&format!("/repair/{id}"), Default::default());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let desc_err = field_error(err, "description");
    let spot_err = field_error(err, "spot");
    let cat_err = field_error(err, "category");
    let show_unit = units.len() > 1;
    let plain_url = <SubmitTicketForm as leptos::server_fn::ServerFn>::PATH;
    view! {
        <form class="form ticket-form" method="post" action=plain_url novalidate on:submit=move |ev| {
            ev.prevent_default();
            error.set(None);
            submit.dispatch(SubmitTicket { ticket: NewTicket {
                kind: kind.get_untracked(),
                category: category.get_untracked(),
                unit_id: Some(unit.get_untracked()),
                community_id: None,
                unit_number: String::new(),
                // What the chosen kind does not ask for (hidden, maybe typed before) stays out.
                spot: if kind.get_untracked() == Kind::RepairHome { String::new() } else { spot.get_untracked() },
                description: description.get_untracked(),
                preferred_time: if kind.get_untracked().is_repair() { preferred.get_untracked() } else { String::new() },
                photos: photos.get_untracked(),
                caller_name: String::new(),
                caller_phone: String::new(),
                priority: None,
            }});
        }>
            <CsrfField />
            <FormError error=err fields=FIELDS />
            <KindChooser kind />
            <CategorySelect kind category error=cat_err />
            {(!show_unit).then(|| units.first().map(|u| view! { <input type="hidden" name="unit_id" value=u.0.to_string() /> }))}
            {show_unit.then(|| view! {
                <div class="field">
                    <label for="f-unit">{move || i18n.t("service.home")}</label>
                    <select id="f-unit" class="input" name="unit_id" on:change=move |ev| unit.set(event_target_value(&ev).parse().unwrap_or(0))>
                        {units.iter().map(|(id, label)| view! { <option value=id.to_string()>{label.clone()}</option> }).collect_view()}
                    </select>
                </div>
            })}
            // Shown for the kinds that need them by the stylesheet, from the checked kind, so the
            // form is right before the WASM arrives too.
            <div class="field ticket-form__spot" class:field--error=move || spot_err.get().is_some()>
                <label for="f-spot">{move || i18n.t("service.spot")}</label>
                <input id="f-spot" name="spot" class="input" maxlength="100" placeholder=move || i18n.t("service.spot_hint")
                    prop:value=move || spot.get() on:input=move |ev| spot.set(event_target_value(&ev)) />
                <p class="field__error" role="alert">{move || spot_err.get()}</p>
            </div>
            <div class="field" class:field--error=move || desc_err.get().is_some()>
                <label for="f-description">{move || i18n.t("service.description")}</label>
                <textarea id="f-description" name="description" class="input" rows="4" maxlength="1000" required=true placeholder=move || i18n.t("service.description_hint")
                    prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                <p class="field__error" role="alert">{move || desc_err.get()}</p>
            </div>
            <div class="field ticket-form__preferred">
                <label for="f-preferred">{move || i18n.t("service.preferred_time")}</label>
                <input id="f-preferred" name="preferred_time" class="input" maxlength="60" placeholder=move || i18n.t("service.preferred_hint")
                    prop:value=move || preferred.get() on:input=move |ev| preferred.set(event_target_value(&ev)) />
            </div>
            <PhotoPicker ids=photos max=MAX_PHOTOS label="service.photos" hint="service.photos_hint" busy error=err />
            <button type="submit" class="btn btn--primary btn--block" data-testid="submit-ticket"
                disabled=move || submit.pending().get() || busy.get()>
                {move || i18n.t(if submit.pending().get() { "common.working" } else { "service.submit" })}
            </button>
        </form>
    }
}

/// One of my tickets.
#[component]
pub fn MyTicketPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("service.ticket") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/repair" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("service.ticket")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <TicketView /> } />
        </ResidentShell>
    }
}

/// A ticket with its timeline and actions; shared by the resident and staff pages.
#[component]
pub fn TicketView() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let act = ServerAction::<TicketAct>::new();
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    // The ticket reloads after a step that was taken, not after one that was refused: a reload
    // rebuilds the forms, and would wipe what the user has started typing to fix the refusal.
    let taken = RwSignal::new(0u32);
    Effect::new(move |_| match act.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            taken.update(|n| *n += 1);
            toast(i18n.t("common.saved"));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let detail = Resource::new(move || (id(), taken.get()), |(id, _)| ticket(id));
    let err = Signal::derive(move || error.get());
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(d) => view! { <TicketBody d=d act error=err /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TicketBody(
    d: TicketDetail,
    act: ServerAction<TicketAct>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = d.row.kind.key();
    let cat = category_key(&d.row.category);
    let prio = d.row.priority.key();
    let running = d.row.handle_left;
    let row = d.row.clone();
    let id = row.id;
    view! {
        <article class="ticket" data-status=row.status.code()>
            <section class="card ticket__head">
                <div class="ticket__badges">
                    <StatusBadge status=row.status />
                    {(row.priority == Priority::Urgent).then(|| view! { <span class="badge badge--failed">{move || i18n.t(&prio)}</span> })}
                    <span class="mono muted small" data-testid="ticket-number">{row.number.clone()}</span>
                </div>
                <h2 class="ticket__title">{move || format!("{} · {}", i18n.t(&kind), i18n.t(&cat))}</h2>
                // On a phone the 完工 form sits below the facts: one tap away, not a scroll.
                {d.can.iter().any(|c| c == "complete").then(|| view! {
                    <a class="btn btn--primary ticket__jump" href="#act-complete" data-testid="jump-complete">
                        {move || i18n.t("service.jump_complete")}
                    </a>
                })}
                <p class="ticket__desc">{d.description.clone()}</p>
                <dl class="facts">
                    <dt>{move || i18n.t("service.location")}</dt><dd>{format!("{} {}", row.community, row.location)}</dd>
                    {(!d.preferred_time.is_empty()).then(|| view! { <dt>{move || i18n.t("service.preferred_time")}</dt><dd>{d.preferred_time.clone()}</dd> })}
                    {(!d.reporter.is_empty()).then(|| view! { <dt>{move || i18n.t("service.reporter")}</dt><dd>{d.reporter.clone()}</dd> })}
                    {(!d.contact_phone.is_empty()).then(|| view! { <dt>{move || i18n.t("service.phone")}</dt><dd><a href=format!("tel:{}", d.contact_phone)>{d.contact_phone.clone()}</a></dd> })}
                    {row.assignee.clone().map(|a| view! { <dt>{move || i18n.t("service.technician")}</dt><dd>{a}</dd> })}
                    {running.map(|left| view! { <dt>{move || i18n.t("service.handle")}</dt><dd class:late=left < 0>{move || clock_text(i18n, left)} " (" {d.handle_due.clone()} ")"</dd> })}
                    {d.charge.map(|c| view! { <dt>{move || i18n.t("service.charge")}</dt><dd>{crate::shared::money::Money(c).to_string()} " · " <a href="/pay">{move || i18n.t("service.pay_it")}</a></dd> })}
                    {d.labour_minutes.map(|m| view! { <dt>{move || i18n.t("service.labour_minutes")}</dt><dd>{m}</dd> })}
                    {(!d.materials.is_empty()).then(|| view! {
                        <dt>{move || i18n.t("service.materials")}</dt>
                        <dd>{d.materials.iter().map(|m| format!("{} ×{}", m.name, m.quantity)).collect::<Vec<_>>().join("、")}</dd>
                    })}
                    {row.stars.map(|s| view! { <dt>{move || i18n.t("service.rating")}</dt><dd>{"★".repeat(s.clamp(0, 5) as usize)} " " {d.rating_comment.clone()}</dd> })}
                    {d.reopen_until.clone().map(|u| view! { <dt>{move || i18n.t("service.reopen_until")}</dt><dd>{u}</dd> })}
                </dl>
            </section>
            // The 完工 form names its own missing note and time next to the fields.
            <FormError error fields=&["work_note", "labour_minutes"] />
            <ActionPanel detail=d.clone() act error />
            <section class="card">
                <h2 class="card__title">{move || i18n.t("service.timeline")}</h2>
                <Timeline ticket=id entries=d.timeline.clone() />
            </section>
        </article>
    }
}
