//! The audit log page: filters, newest first, keyset "load more".
use super::api::list_audit;
use super::model::{AuditFilter, AuditRow, Outcome};
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{EmptyState, ErrorState, LoadMore, Loading, Pager};
use leptos::prelude::*;
use leptos_meta::Title;

fn local_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| crate::shared::time::format_local_secs(t.with_timezone(&chrono::Utc)))
        .unwrap_or_else(|_| rfc3339.to_string())
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let filter = RwSignal::new(AuditFilter::default());
    let first = Resource::new(
        move || filter.get(),
        |f| list_audit(f.action, f.actor, f.outcome, f.before),
    );
    let pager = Pager::<AuditRow>::new(move |before| {
        let f = filter.get_untracked();
        list_audit(f.action, f.actor, f.outcome, Some(before))
    });
    let action_in = NodeRef::<leptos::html::Input>::new();
    let actor_in = NodeRef::<leptos::html::Input>::new();
    let outcome_in = NodeRef::<leptos::html::Select>::new();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = |n: Option<String>| n.filter(|s| !s.is_empty());
        filter.set(AuditFilter {
            action: v(action_in.get().map(|e| e.value())),
            actor: v(actor_in.get().map(|e| e.value())),
            outcome: v(outcome_in.get().map(|e| e.value())),
            object_type: None,
            before: None,
        });
    };
    view! {
        <Title text=move || i18n.t("admin.audit") />
        <h1 class="page-title">{move || i18n.t("admin.audit")}</h1>
        <form class="toolbar filters" on:submit=apply>
            <label>{move || i18n.t("audit.action")}<input class="input" node_ref=action_in placeholder="auth." /></label>
            <label>{move || i18n.t("audit.actor")}<input class="input" node_ref=actor_in /></label>
            <label>{move || i18n.t("audit.outcome")}
                <select class="input" node_ref=outcome_in>
                    <option value="">{move || i18n.t("audit.any")}</option>
                    {Outcome::ALL.iter().map(|o| {
                        let k = format!("audit.{o}");
                        view! { <option value=o.code()>{move || i18n.t(&k)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button class="btn btn--primary" type="submit">{move || i18n.t("common.filter")}</button>
        </form>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match first.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(p) => {
                    pager.first(p);
                    view! {
                        <Show when=move || !pager.is_empty() fallback=|| view! { <EmptyState title="audit.empty" /> }>
                            <div class="table-wrap">
                                <table class="table table--cards audit">
                                    <thead><tr>
                                        <th>{move || i18n.t("audit.time")}</th>
                                        <th>{move || i18n.t("audit.actor")}</th>
                                        <th>{move || i18n.t("audit.action")}</th>
                                        <th>{move || i18n.t("audit.object")}</th>
                                        <th>{move || i18n.t("audit.outcome")}</th>
                                        <th>{move || i18n.t("audit.ip")}</th>
                                        <th>{move || i18n.t("audit.summary")}</th>
                                    </tr></thead>
                                    <tbody>
                                        <For each=move || pager.rows.get() key=|r| r.id let:r>
                                            <tr>
                                                <td data-label=move || i18n.t("audit.time")>{local_time(&r.at)}</td>
                                                <td data-label=move || i18n.t("audit.actor")>{r.actor_label.clone()}</td>
                                                <td data-label=move || i18n.t("audit.action")><code>{r.action.clone()}</code></td>
                                                <td data-label=move || i18n.t("audit.object")>{format!("{} #{}", r.object_type, r.object_id)}</td>
                                                <td data-label=move || i18n.t("audit.outcome")>
                                                    <span class=format!("badge badge--{}", r.outcome)>{let k = format!("audit.{}", r.outcome); move || i18n.t(&k)}</span>
                                                </td>
                                                <td data-label=move || i18n.t("audit.ip")>{r.ip.clone()}</td>
                                                <td data-label=move || i18n.t("audit.summary")><code class="summary">{r.summary.clone()}</code></td>
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
