//! Property records pages: the staff unit list with one-step building generation, the unit
//! page (联查: occupants now; bills and tickets join when their areas exist), and the
//! resident's homes card in 我的.
use super::api::{list_units, CreateBuilding};
use super::model::{Relation, UnitRow};
use crate::access::api::list_orgs;
use crate::org::model::OrgKind;
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{toast, CsrfField, EmptyState, ErrorState, Field, FormError, LoadMore, Loading, Pager};
use leptos::prelude::*;
use leptos_meta::Title;

mod binds;
mod contact;
mod homes;
mod import;
mod orgs;
mod parking;
mod people;
mod switcher;
mod unit;
pub use binds::BindRequestsPage;
pub use contact::{ContactCard, MyOfficeContacts};
pub use homes::MyHomes;
#[cfg(feature = "hydrate")]
pub(crate) use import::upload_workbook;
pub use import::ImportPage;
pub use orgs::OrgsPage;
pub use parking::SpacesPage;
pub use people::{PeoplePage, PersonPage};
pub use switcher::home_switcher;
pub use unit::UnitPage;

pub(crate) fn area_text(u: &UnitRow) -> String {
    u.area.map(|a| format!("{a} ㎡")).unwrap_or_else(|| "—".into())
}

#[component]
pub fn UnitsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    // The community filter: the tree's lowest level above units, for offices with several.
    let community: RwSignal<Option<i64>> = RwSignal::new(None);
    let reload = RwSignal::new(0u32);
    let first = Resource::new(
        move || (query.get(), community.get(), reload.get()),
        |(q, c, _)| list_units(c, (!q.is_empty()).then_some(q), None),
    );
    let pager = Pager::<UnitRow>::new(move |after| {
        let q = query.get_untracked();
        list_units(community.get_untracked(), (!q.is_empty()).then_some(q), Some(after))
    });
    // Communities load inside the list's one Transition into a plain signal (see the note on
    // shared resources in access::ui::admin).
    let orgs_res = Resource::new(|| (), |_| list_orgs());
    let communities: RwSignal<Vec<crate::org::model::OrgNode>> = RwSignal::new(vec![]);
    let create = ServerAction::<CreateBuilding>::new();
    let create_err = Signal::derive(move || create.value().get().and_then(|r: Result<_, AppError>| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(n)) = create.value().get() {
            toast(i18n.t("records.building_created").replace("{n}", &n.to_string()));
            reload.update(|v| *v += 1);
        }
    });
    let community_options = move || {
        communities
            .get()
            .into_iter()
            .filter(|o| o.kind == OrgKind::Community)
            .map(|o| view! { <option value=o.id.0.to_string()>{o.name}</option> })
            .collect_view()
    };
    view! {
        <Title text=move || i18n.t("records.units") />
        <h1 class="page-title">{move || i18n.t("records.units")}</h1>
        <p><a class="btn btn--small" href="/admin/import">{move || i18n.t("import.link")}</a></p>
        <details class="card">
            <summary class="card__title">{move || i18n.t("records.new_building")}</summary>
            <ActionForm action=create attr:class="form form--grid" attr:novalidate=true>
                <CsrfField />
                <FormError error=create_err fields=&["community_id", "code", "cells", "floors", "per_floor", "skip_floors", "area", "layout"] />
                <div class="field">
                    <label for="f-community_id">{move || i18n.t("records.community")}</label>
                    <select id="f-community_id" name="community_id">{community_options}</select>
                </div>
                <Field label="records.building_code" name="code" hint="records.building_code_hint" error=create_err />
                <Field label="records.cells" name="cells" kind="number" inputmode="numeric" value="1".to_string() error=create_err />
                <Field label="records.floors" name="floors" kind="number" inputmode="numeric" error=create_err />
                <Field label="records.per_floor" name="per_floor" kind="number" inputmode="numeric" value="2".to_string() error=create_err />
                <Field label="records.skip_floors" name="skip_floors" hint="records.skip_floors_hint" required=false error=create_err />
                <Field label="records.area" name="area" inputmode="decimal" hint="records.area_hint" required=false error=create_err />
                <Field label="records.layout" name="layout" hint="records.layout_hint" required=false error=create_err />
                <button type="submit" class="btn btn--primary">{move || i18n.t("records.generate")}</button>
            </ActionForm>
        </details>
        <div class="toolbar">
            <label class="sr-only" for="unit-community">{move || i18n.t("records.community")}</label>
            <select id="unit-community" class="input toolbar__select"
                on:change=move |ev| community.set(event_target_value(&ev).parse().ok())>
                <option value="">{move || i18n.t("records.all_communities")}</option>
                {move || communities.get().into_iter().filter(|o| o.kind == OrgKind::Community)
                    .map(|o| view! { <option value=o.id.0.to_string()>{o.name}</option> }).collect_view()}
            </select>
            <label class="sr-only" for="unit-q">{move || i18n.t("common.search")}</label>
            <input id="unit-q" type="search" class="input" placeholder=move || i18n.t("records.search_units")
                on:change=move |ev| query.set(event_target_value(&ev)) />
        </div>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                communities.set(orgs_res.await.unwrap_or_default());
                match first.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(p) => {
                    pager.first(p);
                    view! {
                        <Show when=move || !pager.is_empty() fallback=|| view! { <EmptyState title="records.no_units" /> }>
                            <div class="table-wrap">
                                <table class="table table--cards units">
                                    <thead><tr>
                                        <th>{move || i18n.t("records.unit_number")}</th>
                                        <th>{move || i18n.t("records.community")}</th>
                                        <th>{move || i18n.t("records.area")}</th>
                                        <th>{move || i18n.t("records.status")}</th>
                                        <th>{move || i18n.t("records.owners")}</th>
                                    </tr></thead>
                                    <tbody>
                                        <For each=move || pager.rows.get() key=|u| u.id let:u>
                                            <tr>
                                                <td data-label=move || i18n.t("records.unit_number")>
                                                    <a href=format!("/admin/units/{}", u.id)>{u.number.clone()}</a>
                                                </td>
                                                <td data-label=move || i18n.t("records.community")>{u.community.clone()}</td>
                                                <td data-label=move || i18n.t("records.area")>{area_text(&u)}</td>
                                                <td data-label=move || i18n.t("records.status")>
                                                    <span class="badge">{let k = format!("records.status_{}", u.status.code()); move || i18n.t(&k)}</span>
                                                </td>
                                                <td data-label=move || i18n.t("records.owners")>{u.owners.clone()}</td>
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

pub(crate) fn relation_key(r: Relation) -> String {
    format!("records.rel_{}", r.code())
}
