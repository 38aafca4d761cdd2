//! 绑定审核: staff approve or reject residents' requests to be bound to a unit.
use super::relation_key;
use crate::estate::api::{list_bind_requests, DecideBind};
use crate::estate::model::{BindRequestRow, BindStatus};
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{toast, CsrfField, EmptyState, ErrorState, LoadMore, Loading, Pager};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn BindRequestsPage() -> impl IntoView {
    let i18n = use_i18n();
    let all = RwSignal::new(false);
    let decide = ServerAction::<DecideBind>::new();
    let list = Resource::new(
        move || (all.get(), decide.version().get()),
        |(all, _)| list_bind_requests(all, None),
    );
    let pager = Pager::<BindRequestRow>::new(move |after| list_bind_requests(all.get_untracked(), Some(after)));
    Effect::new(move |_| match decide.value().get() {
        Some(Ok(r)) => {
            let k = format!("homes.status_{}", r.status.code());
            toast(format!("{} {} · {}", r.community, r.unit_number, i18n.t(&k)));
        }
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    view! {
        <Title text=move || i18n.t("binds.title") />
        <h1 class="page-title">{move || i18n.t("binds.title")}</h1>
        <div class="toolbar">
            <label class="check">
                <input type="checkbox" on:change=move |ev| all.set(event_target_checked(&ev)) />
                " " {move || i18n.t("binds.show_all")}
            </label>
        </div>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match list.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(p) if p.items.is_empty() => view! { <EmptyState title="binds.none" /> }.into_any(),
                Ok(p) => { pager.first(p); view! {
                    <div class="table-wrap">
                        <table class="table table--cards binds">
                            <thead><tr>
                                <th>{move || i18n.t("records.unit_number")}</th>
                                <th>{move || i18n.t("records.name")}</th>
                                <th>{move || i18n.t("records.relation")}</th>
                                <th>{move || i18n.t("binds.asked_at")}</th>
                                <th>{move || i18n.t("records.status")}</th>
                            </tr></thead>
                            <tbody>
                                <For each=move || pager.rows.get() key=|r| (r.id, r.status) children=move |r: BindRequestRow| {
                                    let rel = relation_key(r.relation);
                                    let st = format!("homes.status_{}", r.status.code());
                                    let id = r.id.0.to_string();
                                    let id2 = id.clone();
                                    view! {
                                        <tr>
                                            <td data-label=move || i18n.t("records.unit_number")>
                                                <a href=format!("/admin/units/{}", r.unit_id)>{format!("{} {}", r.community, r.unit_number)}</a>
                                            </td>
                                            <td data-label=move || i18n.t("records.name")>{r.name.clone()}" "<span class="muted">{r.phone_masked.clone().unwrap_or_default()}</span></td>
                                            <td data-label=move || i18n.t("records.relation")>{move || i18n.t(&rel)}</td>
                                            <td data-label=move || i18n.t("binds.asked_at")>{r.created_at.clone()}</td>
                                            <td data-label=move || i18n.t("records.status")>
                                                {if r.status == BindStatus::Pending {
                                                    view! {
                                                        <div class="actions">
                                                            <ActionForm action=decide attr:class="inline-form">
                                                                <CsrfField />
                                                                <input type="hidden" name="id" value=id.clone() />
                                                                <input type="hidden" name="approve" value="true" />
                                                                <button type="submit" class="btn btn--small btn--primary">{move || i18n.t("binds.approve")}</button>
                                                            </ActionForm>
                                                            <ActionForm action=decide attr:class="inline-form">
                                                                <CsrfField />
                                                                <input type="hidden" name="id" value=id2.clone() />
                                                                <input type="hidden" name="approve" value="false" />
                                                                <input type="text" name="note" class="input input--small" aria-label=move || i18n.t("binds.reason") placeholder=move || i18n.t("binds.reason") />
                                                                <button type="submit" class="btn btn--small">{move || i18n.t("binds.reject")}</button>
                                                            </ActionForm>
                                                        </div>
                                                    }.into_any()
                                                } else {
                                                    view! { <span class="badge">{move || i18n.t(&st)}</span> }.into_any()
                                                }}
                                            </td>
                                        </tr>
                                    }
                                } />
                            </tbody>
                        </table>
                    </div>
                    <LoadMore pager />
                }.into_any() }
            }})}
        </Transition>
    }
}
