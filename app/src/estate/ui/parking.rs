//! 车位: create a run of parking spaces in one step and browse them with their vehicles.
use crate::access::api::list_orgs;
use crate::estate::api::{list_spaces, CreateSpaces};
use crate::estate::model::{SpaceKind, SpaceRow};
use crate::org::model::{OrgKind, OrgNode};
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{toast, CsrfField, EmptyState, ErrorState, Field, FormError, LoadMore, Loading, Pager};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SpacesPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let create = ServerAction::<CreateSpaces>::new();
    let create_err = Signal::derive(move || create.value().get().and_then(|r: Result<_, AppError>| r.err()));
    let first = Resource::new(
        move || (query.get(), create.version().get()),
        |(q, _)| list_spaces(None, (!q.is_empty()).then_some(q), None),
    );
    let pager = Pager::<SpaceRow>::new(move |after| {
        let q = query.get_untracked();
        list_spaces(None, (!q.is_empty()).then_some(q), Some(after))
    });
    Effect::new(move |_| {
        if let Some(Ok(n)) = create.value().get() {
            toast(i18n.t("parking.created").replace("{n}", &n.to_string()));
        }
    });
    let orgs_res = Resource::new(|| (), |_| list_orgs());
    let communities: RwSignal<Vec<OrgNode>> = RwSignal::new(vec![]);
    view! {
        <Title text=move || i18n.t("parking.title") />
        <h1 class="page-title">{move || i18n.t("parking.title")}</h1>
        <details class="card">
            <summary class="card__title">{move || i18n.t("parking.new_run")}</summary>
            <ActionForm action=create attr:class="form form--grid" attr:novalidate=true>
                <CsrfField />
                <FormError error=create_err fields=&["community_id", "prefix", "from", "to", "kind", "area"] />
                <div class="field">
                    <label for="f-space-community">{move || i18n.t("records.community")}</label>
                    <select id="f-space-community" name="community_id">
                        {move || communities.get().into_iter().filter(|o| o.kind == OrgKind::Community)
                            .map(|o| view! { <option value=o.id.0.to_string()>{o.name}</option> }).collect_view()}
                    </select>
                </div>
                <Field label="parking.prefix" name="prefix" hint="parking.prefix_hint" required=false error=create_err />
                <Field label="parking.from" name="from" kind="number" inputmode="numeric" value="1".to_string() error=create_err />
                <Field label="parking.to" name="to" kind="number" inputmode="numeric" error=create_err />
                <div class="field">
                    <label for="f-kind">{move || i18n.t("parking.kind")}</label>
                    <select id="f-kind" name="kind">
                        {SpaceKind::ALL.into_iter().map(|k| {
                            let key = format!("parking.kind_{}", k.code());
                            view! { <option value=k.code()>{move || i18n.t(&key)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <Field label="records.area" name="area" inputmode="decimal" required=false error=create_err />
                <button type="submit" class="btn btn--primary">{move || i18n.t("records.generate")}</button>
            </ActionForm>
        </details>
        <div class="toolbar">
            <label class="sr-only" for="space-q">{move || i18n.t("common.search")}</label>
            <input id="space-q" type="search" class="input" placeholder=move || i18n.t("parking.search")
                on:change=move |ev| query.set(event_target_value(&ev)) />
            <a class="btn" download
                href=move || format!("/api/v1/parking-spaces/export.xlsx?q={}", crate::shared::pagination::query_value(&query.get()))>
                {move || i18n.t("people.export")}
            </a>
        </div>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                communities.set(orgs_res.await.unwrap_or_default());
                match first.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(p) => {
                    pager.first(p);
                    view! {
                        <Show when=move || !pager.is_empty() fallback=|| view! { <EmptyState title="parking.none" /> }>
                            <div class="table-wrap">
                                <table class="table table--cards spaces">
                                    <thead><tr>
                                        <th>{move || i18n.t("parking.code")}</th>
                                        <th>{move || i18n.t("parking.kind")}</th>
                                        <th>{move || i18n.t("records.area")}</th>
                                        <th>{move || i18n.t("records.vehicles")}</th>
                                    </tr></thead>
                                    <tbody>
                                        <For each=move || pager.rows.get() key=|s| s.id let:s>
                                            <tr>
                                                <td data-label=move || i18n.t("parking.code")>{s.code.clone()}</td>
                                                <td data-label=move || i18n.t("parking.kind")>{let k = format!("parking.kind_{}", s.kind.code()); move || i18n.t(&k)}</td>
                                                <td data-label=move || i18n.t("records.area")>{s.area.map(|a| format!("{a} ㎡")).unwrap_or_else(|| "—".into())}</td>
                                                <td data-label=move || i18n.t("records.vehicles")>{if s.plates.is_empty() { "—".to_string() } else { s.plates.join("、") }}</td>
                                            </tr>
                                        </For>
                                    </tbody>
                                </table>
                            </div>
                        </Show>
                        <LoadMore pager />
                    }.into_any()
                }
                }
            })}
        </Transition>
    }
}
