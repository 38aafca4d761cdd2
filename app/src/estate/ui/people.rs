//! 住户 (people): search by phone, name, unit number or plate within the caller's scope, and
//! the person page with homes (current and past), vehicles and the ID number (masked; the
//! full number only on request, with the permission, and audited).
use super::relation_key;
use super::unit::VehicleList;
use crate::estate::api::{person_detail, search_people, RevealIdNumber, SetIdNumber};
use crate::estate::model::PersonRow;
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ids::PersonId;
use crate::shared::ui::{
    reset_forms, toast, CsrfField, EmptyState, ErrorState, Field, FormError, LoadMore, Loading, Pager,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn PeoplePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let first = Resource::new(
        move || query.get(),
        |q| search_people((!q.is_empty()).then_some(q), None),
    );
    let pager = Pager::<PersonRow>::new(move |after| {
        let q = query.get_untracked();
        search_people((!q.is_empty()).then_some(q), Some(after))
    });
    view! {
        <Title text=move || i18n.t("people.title") />
        <h1 class="page-title">{move || i18n.t("people.title")}</h1>
        <form class="toolbar" on:submit=move |ev| {
            ev.prevent_default();
        }>
            <label class="sr-only" for="people-q">{move || i18n.t("common.search")}</label>
            <input id="people-q" type="search" class="input" placeholder=move || i18n.t("people.search_hint")
                on:change=move |ev| query.set(event_target_value(&ev).trim().to_string()) />
            <a class="btn" download
                href=move || format!("/api/v1/persons/export.xlsx?q={}", crate::shared::pagination::query_value(&query.get()))>
                {move || i18n.t("people.export")}
            </a>
        </form>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match first.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(p) => {
                    pager.first(p);
                    view! {
                        <Show when=move || !pager.is_empty() fallback=|| view! { <EmptyState title="people.none" /> }>
                            <div class="table-wrap">
                                <table class="table table--cards people">
                                    <thead><tr>
                                        <th>{move || i18n.t("records.name")}</th>
                                        <th>{move || i18n.t("auth.phone")}</th>
                                        <th>{move || i18n.t("people.homes")}</th>
                                        <th>{move || i18n.t("records.vehicles")}</th>
                                    </tr></thead>
                                    <tbody>
                                        <For each=move || pager.rows.get() key=|p| p.id let:p>
                                            <tr>
                                                <td data-label=move || i18n.t("records.name")>
                                                    <a href=format!("/admin/people/{}", p.id)>{p.name.clone()}</a>
                                                </td>
                                                <td data-label=move || i18n.t("auth.phone")>{p.phone_masked.clone().unwrap_or_default()}</td>
                                                <td data-label=move || i18n.t("people.homes")>
                                                    {p.homes.iter().filter(|h| h.until.is_none()).map(|h| format!("{} {}", h.community, h.number)).collect::<Vec<_>>().join("、")}
                                                </td>
                                                <td data-label=move || i18n.t("records.vehicles")>
                                                    {p.vehicles.iter().map(|v| v.plate.clone()).collect::<Vec<_>>().join("、")}
                                                </td>
                                            </tr>
                                        </For>
                                    </tbody>
                                </table>
                            </div>
                        </Show>
                        <LoadMore pager />
                    }.into_any()
                }
            }})}
        </Transition>
    }
}

#[component]
pub fn PersonPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).map(PersonId));
    let set_id = ServerAction::<SetIdNumber>::new();
    let set_err = Signal::derive(move || set_id.value().get().and_then(|r: Result<_, AppError>| r.err()));
    let reveal = ServerAction::<RevealIdNumber>::new();
    let revealed = Signal::derive(move || reveal.value().get().and_then(Result::ok));
    let reveal_err = Signal::derive(move || reveal.value().get().and_then(Result::err));
    let person = Resource::new(
        move || (id(), set_id.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => person_detail(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    Effect::new(move |_| {
        if let Some(Ok(_)) = set_id.value().get() {
            toast(i18n.t("people.id_saved"));
            // The full number must not linger on screen once it is stored.
            reset_forms("form.id-form");
        }
    });
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match person.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(p) => {
                    let has_id = p.id_masked.is_some();
                    let pid = p.id.0.to_string();
                    let pid2 = pid.clone();
                    view! {
                        <Title text=p.name.clone() />
                        <h1 class="page-title">{p.name.clone()}</h1>
                        <section class="card">
                            <dl class="facts">
                                <dt>{move || i18n.t("auth.phone")}</dt><dd>{p.phone_masked.clone().unwrap_or_else(|| "—".into())}</dd>
                                <dt>{move || i18n.t("people.id_number")}</dt>
                                <dd>
                                    <span class="mono" data-testid="id-number">{move || revealed.get().or_else(|| p.id_masked.clone()).unwrap_or_else(|| "—".into())}</span>
                                    {has_id.then(|| view! {
                                        <ActionForm action=reveal attr:class="inline-form">
                                            <CsrfField />
                                            <input type="hidden" name="person" value=pid.clone() />
                                            <button type="submit" class="btn btn--small">{move || i18n.t("people.reveal")}</button>
                                        </ActionForm>
                                    })}
                                    <FormError error=reveal_err />
                                </dd>
                                {p.id_consent_at.clone().map(|t| view! {
                                    <dt>{move || i18n.t("people.consent_at")}</dt><dd>{t}</dd>
                                })}
                            </dl>
                        </section>
                        <section class="card">
                            <h2 class="card__title">{move || i18n.t("people.homes")}</h2>
                            {if p.homes.is_empty() {
                                view! { <EmptyState title="records.no_homes" /> }.into_any()
                            } else {
                                view! {
                                    <ul class="list">
                                        {p.homes.into_iter().map(|h| {
                                            let k = relation_key(h.relation);
                                            let period = match &h.until { Some(u) => format!("{} → {u}", h.since), None => format!("{} →", h.since) };
                                            view! {
                                                <li class="list__item" class:list__item--past=h.until.is_some()>
                                                    <a class="list__main" href=format!("/admin/units/{}", h.unit_id)>{format!("{} {}", h.community, h.number)}</a>
                                                    <span class="badge">{move || i18n.t(&k)}</span>
                                                    <span class="muted">{period}</span>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                        <section class="card">
                            <h2 class="card__title">{move || i18n.t("records.vehicles")}</h2>
                            <VehicleList vehicles=p.vehicles />
                        </section>
                        <section class="card">
                            <h2 class="card__title">{move || i18n.t(if has_id { "people.replace_id" } else { "people.add_id" })}</h2>
                            <ActionForm action=set_id attr:class="form id-form" attr:novalidate=true>
                                <CsrfField />
                                <input type="hidden" name="person" value=pid2 />
                                <FormError error=set_err fields=&["id_number", "consent"] />
                                <Field label="people.id_number" name="id_number" autocomplete="off" hint="people.id_hint" error=set_err />
                                <div class="field" class:field--error=move || set_err.get().is_some_and(|e| e.field() == Some("consent"))>
                                    <label class="check">
                                        <input type="checkbox" name="consent" value="yes" aria-describedby="f-consent-err" />
                                        " " {move || i18n.t("people.consent")}
                                    </label>
                                    <p class="field__error" id="f-consent-err" role="alert">
                                        {move || set_err.get().filter(|e| e.field() == Some("consent")).map(|e| e.localized(i18n.code()))}
                                    </p>
                                </div>
                                <button type="submit" class="btn btn--primary">{move || i18n.t("common.save")}</button>
                            </ActionForm>
                        </section>
                    }.into_any()
                }
            }})}
        </Transition>
    }
}
