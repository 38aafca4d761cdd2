//! 工单 for staff: the ticket list (the desk's whole scope, a technician's own work), the
//! hotline form (客服登记) and a ticket page with its action panel.
use super::parts::{CategorySelect, KindChooser, TicketCard};
use super::resident::TicketView;
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::pagination::query_value;
use crate::shared::ui::{field_error, toast, EmptyState, ErrorState, FormError, Loading};
use crate::tickets::api::{desk_communities, staff_tickets, SubmitTicket};
use crate::tickets::model::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

const FILTERS: [(&str, &str); 5] = [
    ("open", "service.f_open"),
    ("overdue", "service.f_overdue"),
    ("mine", "service.f_mine"),
    ("done", "service.f_to_verify"),
    ("", "service.f_all"),
];

#[component]
pub fn ServiceTicketsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    // A technician starts on their own work; the desk on everything open.
    let worker = crate::access::ui::use_session()
        .me
        .get_untracked()
        .is_some_and(|m| m.is_field_worker());
    let filter = move || {
        let s = q("status");
        let s = if query.with(|q| q.get("status").is_none()) {
            if worker { "mine" } else { "open" }.to_string()
        } else {
            s
        };
        ListFilter {
            mine: s == "mine",
            status: if s == "mine" { "open".into() } else { s },
            kind: q("kind"),
            community: q("community").parse().ok(),
            number: q("number"),
            before: q("before").parse().ok(),
        }
    };
    let current = move || {
        let f = filter();
        if f.mine {
            "mine".to_string()
        } else {
            f.status
        }
    };
    let list = Resource::new(filter, staff_tickets);
    view! {
        <Title text=move || i18n.t("service.tickets") />
        <div class="page-head page-head--action">
            <h1 class="page-title">{move || i18n.t("service.tickets")}</h1>
            // 客服登记 is the desk's; a technician's page is their own work.
            {(!worker).then(|| view! {
                <a class="btn btn--primary" href="/admin/service/new">{move || i18n.t("service.hotline")}</a>
            })}
        </div>
        <nav class="chips" aria-label=move || i18n.t("service.filter")>
            {FILTERS.iter().map(|(code, key)| {
                let code = *code;
                let key = *key;
                view! {
                    <a class="chip" href=format!("?status={code}") aria-current=move || (current() == code).then_some("page")>
                        {move || i18n.t(key)}
                    </a>
                }
            }).collect_view()}
        </nav>
        <form class="toolbar filters" method="get">
            <input type="hidden" name="status" value=current />
            <label>
                <span class="sr-only">{move || i18n.t("service.kind")}</span>
                <select class="input" name="kind">
                    <option value="">{move || i18n.t("service.all_kinds")}</option>
                    {Kind::ALL.into_iter().map(|k| {
                        let key = k.key();
                        view! { <option value=k.code() selected=move || q("kind") == k.code()>{move || i18n.t(&key)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span class="sr-only">{move || i18n.t("service.number")}</span>
                <input class="input" name="number" placeholder=move || i18n.t("service.number") prop:value=move || q("number") />
            </label>
            <button class="btn" type="submit">{move || i18n.t("common.search")}</button>
        </form>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! { <EmptyState title="service.none" icon="✎" /> }.into_any(),
                    Ok(p) => {
                        let status = current();
                        view! {
                            <ul class="ticket-list">
                                {p.items.into_iter().map(|r| {
                                    let href = format!("/admin/service/tickets/{}", r.id);
                                    view! { <TicketCard row=r href /> }
                                }).collect_view()}
                            </ul>
                            {p.next.map(|b| {
                                // The next page under the same filters.
                                let f = filter();
                                let mut href = format!("?status={}", query_value(&status));
                                for (k, v) in [("kind", f.kind), ("number", f.number), ("community", f.community.map(|c| c.to_string()).unwrap_or_default())] {
                                    if !v.is_empty() {
                                        href.push_str(&format!("&{k}={}", query_value(&v)));
                                    }
                                }
                                href.push_str(&format!("&before={b}"));
                                view! { <a class="btn btn--block" href=href>{move || i18n.t("notify.older")}</a> }
                            })}
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// A ticket for staff (desk, technician, reader).
#[component]
pub fn StaffTicketPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("service.ticket") />
        <div class="page-head">
            <a class="back" href="/admin/service" aria-label=move || i18n.t("common.back")>"‹"</a>
            <h1 class="page-title">{move || i18n.t("service.ticket")}</h1>
        </div>
        <TicketView />
    }
}

const HOTLINE_FIELDS: &[&str] = &[
    "community_id",
    "unit_id",
    "unit_number",
    "category",
    "spot",
    "description",
    "caller_name",
    "caller_phone",
];

/// 客服登记: a ticket on a caller's behalf.
#[component]
pub fn HotlinePage() -> impl IntoView {
    let i18n = use_i18n();
    let orgs = Resource::new(|| (), |_| desk_communities());
    let kind = RwSignal::new(Kind::RepairPublic);
    let category = RwSignal::new("lift".to_string());
    let community = RwSignal::new(0i64);
    let spot = RwSignal::new(String::new());
    let unit_number = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let urgent = RwSignal::new(false);
    let submit = ServerAction::<SubmitTicket>::new();
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let err = Signal::derive(move || error.get());
    let navigate = use_navigate();
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(id)) => {
            toast(i18n.t("service.submitted"));
            navigate(&format!("/admin/service/tickets/{id}"), Default::default());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let cat_err = field_error(err, "category");
    let desc_err = field_error(err, "description");
    let spot_err = field_error(err, "spot");
    let name_err = field_error(err, "caller_name");
    let phone_err = field_error(err, "caller_phone");
    let place_err = field_error(err, "community_id");
    let unit_err = field_error(err, "unit_number");
    view! {
        <Title text=move || i18n.t("service.hotline") />
        <div class="page-head">
            <a class="back" href="/admin/service" aria-label=move || i18n.t("common.back")>"‹"</a>
            <h1 class="page-title">{move || i18n.t("service.hotline")}</h1>
        </div>
        <form class="form card ticket-form" novalidate on:submit=move |ev| {
            ev.prevent_default();
            error.set(None);
            submit.dispatch(SubmitTicket { ticket: NewTicket {
                kind: kind.get_untracked(),
                category: category.get_untracked(),
                unit_id: None,
                community_id: Some(community.get_untracked()),
                unit_number: unit_number.get_untracked(),
                spot: spot.get_untracked(),
                description: description.get_untracked(),
                preferred_time: String::new(),
                photos: vec![],
                caller_name: name.get_untracked(),
                caller_phone: phone.get_untracked(),
                priority: Some(if urgent.get_untracked() { Priority::Urgent } else { Priority::Normal }),
            }});
        }>
            <FormError error=err fields=HOTLINE_FIELDS />
            <div class="field" class:field--error=move || place_err.get().is_some()>
                <label for="f-community">{move || i18n.t("service.community")}</label>
                <Transition fallback=|| view! { <select class="input" disabled=true></select> }>
                    {move || Suspend::new(async move {
                        let list = orgs.await.unwrap_or_default();
                        if community.get_untracked() == 0 {
                            if let Some(f) = list.first() {
                                community.set(f.0);
                            }
                        }
                        view! {
                            <select id="f-community" class="input" on:change=move |ev| community.set(event_target_value(&ev).parse().unwrap_or(0))>
                                {list.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                            </select>
                        }
                    })}
                </Transition>
                <p class="field__error" role="alert">{move || place_err.get()}</p>
            </div>
            <KindChooser kind />
            <CategorySelect kind category error=cat_err />
            <div class="field" class:field--error=move || unit_err.get().is_some()>
                <label for="h-unit">{move || i18n.t("service.unit_number")}</label>
                <input id="h-unit" class="input" maxlength="40" placeholder=move || i18n.t("service.unit_number_hint")
                    prop:value=move || unit_number.get() on:input=move |ev| unit_number.set(event_target_value(&ev)) />
                <p class="field__error" role="alert">{move || unit_err.get()}</p>
            </div>
            <div class="field" class:field--error=move || spot_err.get().is_some()>
                <label for="h-spot">{move || i18n.t("service.spot")}</label>
                <input id="h-spot" class="input" maxlength="100" placeholder=move || i18n.t("service.spot_hint")
                    prop:value=move || spot.get() on:input=move |ev| spot.set(event_target_value(&ev)) />
                <p class="field__error" role="alert">{move || spot_err.get()}</p>
            </div>
            <div class="field" class:field--error=move || desc_err.get().is_some()>
                <label for="h-desc">{move || i18n.t("service.description")}</label>
                <textarea id="h-desc" class="input" rows="4" maxlength="1000"
                    prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                <p class="field__error" role="alert">{move || desc_err.get()}</p>
            </div>
            <div class="form--grid">
                <div class="field" class:field--error=move || name_err.get().is_some()>
                    <label for="h-name">{move || i18n.t("service.caller_name")}</label>
                    <input id="h-name" class="input" maxlength="60" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    <p class="field__error" role="alert">{move || name_err.get()}</p>
                </div>
                <div class="field" class:field--error=move || phone_err.get().is_some()>
                    <label for="h-phone">{move || i18n.t("service.phone")}</label>
                    <input id="h-phone" class="input" inputmode="tel" maxlength="30" prop:value=move || phone.get() on:input=move |ev| phone.set(event_target_value(&ev)) />
                    <p class="field__error" role="alert">{move || phone_err.get()}</p>
                </div>
            </div>
            <label class="check">
                <input type="checkbox" prop:checked=move || urgent.get() on:change=move |ev| urgent.set(event_target_checked(&ev)) />
                <span>{move || i18n.t("service.prio_urgent")}</span>
            </label>
            <button type="submit" class="btn btn--primary btn--block" disabled=move || submit.pending().get()>
                {move || i18n.t("service.submit")}
            </button>
        </form>
    }
}
