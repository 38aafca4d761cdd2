//! 表决权登记册: a community's voter register as a vote would freeze it today, for checking the
//! records before an owners' assembly votes.
use super::api::{gov_communities, voter_register};
use super::model::{ProblemRow, RegisterPreview, RegisterProblem, VoterKey, VoterRow};
use crate::shared::i18n::use_i18n;
use crate::shared::ids::OrgId;
use crate::shared::money::fixed2;
use crate::shared::ui::{EmptyState, ErrorState, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

mod assembly;
mod committee;
pub use assembly::{AssemblyPage, MeetingPage};
pub use committee::CommitteePage;

/// How many persons the list shows at once (the filter finds the others).
const SHOWN: usize = 100;
/// How many of a voter's unit numbers are listed before "and N more".
const UNITS_LISTED: usize = 6;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // The community is in the address, so a reload or a shared link shows the same register.
    let picked = Memo::new(move |_| query.with(|q| q.get("community").and_then(|v| v.parse::<i64>().ok())));
    let navigate = use_navigate();
    let communities = Resource::new(|| (), |_| gov_communities());
    let register = Resource::new(
        move || picked.get(),
        |picked| async move {
            // Until one is picked: the first community the caller may see (the picker shows it).
            let community = match picked {
                Some(c) => Some(OrgId(c)),
                None => gov_communities().await?.first().map(|o| o.id),
            };
            match community {
                Some(c) => voter_register(c).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text=move || i18n.t("gov.register") />
        <h1 class="page-title">{move || i18n.t("gov.register")}</h1>
        <p class="lead">{move || i18n.t("gov.register_lead")}</p>
        <Transition fallback=Loading>
            {move || {
            let navigate = navigate.clone();
            Suspend::new(async move {
                match communities.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <EmptyState title="gov.no_communities" /> }.into_any(),
                    Ok(list) => {
                        view! {
                            // Without script the form itself asks for the chosen community.
                            <form class="toolbar" method="get" action="/admin/governance/register">
                                <label class="field">
                                    <span class="field__label">{move || i18n.t("gov.community")}</span>
                                    <select class="input" name="community" on:change=move |ev| {
                                        navigate(&format!("/admin/governance/register?community={}", event_target_value(&ev)), Default::default());
                                    }>
                                        {list.into_iter().map(|o| {
                                            let id = o.id.0;
                                            view! { <option value=id.to_string() selected=move || picked.get() == Some(id)>{o.name}</option> }
                                        }).collect_view()}
                                    </select>
                                </label>
                                <button type="submit" class="btn nojs-only">{move || i18n.t("gov.show")}</button>
                            </form>
                        }
                        .into_any()
                    }
                }
            })
            }}
        </Transition>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match register.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Ok(Some(r)) => view! { <RegisterView r /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The register's figures, the records to fix, and the persons.
#[component]
fn RegisterView(r: RegisterPreview) -> impl IntoView {
    let i18n = use_i18n();
    let filter = RwSignal::new(String::new());
    let voters = StoredValue::new(r.voters);
    let total = r.total_persons;
    let problems = r.problems;
    let n_problems = problems.len();
    let developer = r.developer.map(|d| {
        move || {
            i18n.t("gov.developer_note")
                .replace("{n}", &d.units.len().to_string())
                .replace("{area}", &fixed2(d.area))
        }
    });
    let merged = r.merged;
    let shown = move || {
        let f = filter.get();
        let f = f.trim();
        voters.with_value(|vs| {
            let matching: Vec<VoterRow> = vs
                .iter()
                .filter(|v| {
                    f.is_empty() || v.units.iter().any(|u| u.contains(f)) || v.names.iter().any(|n| n.contains(f))
                })
                .take(SHOWN)
                .cloned()
                .collect();
            matching
        })
    };
    view! {
        <section class="card register">
            <dl class="register__figures">
                <div>
                    <dt>{move || i18n.t("gov.units")}</dt>
                    <dd data-testid="reg-units">{r.units}</dd>
                </div>
                <div>
                    <dt>{move || i18n.t("gov.total_area")}</dt>
                    <dd data-testid="reg-area">{fixed2(r.total_area)}</dd>
                </div>
                <div>
                    <dt>{move || i18n.t("gov.persons")}</dt>
                    <dd data-testid="reg-persons">{total}</dd>
                </div>
            </dl>
            {developer.map(|d| view! { <p class="field__hint">{d}</p> })}
            <p class="field__hint">{move || i18n.t("gov.merged_note").replace("{n}", &merged.to_string())}</p>
            <p><a class="btn" download data-testid="reg-export" href=format!("/api/v1/communities/{}/voter-register.xlsx", r.community_id.0)>
                {move || i18n.t("gov.export_register")}
            </a></p>
            {if r.complete {
                view! { <p class="alert alert--ok" role="status">{move || i18n.t("gov.complete")}</p> }.into_any()
            } else {
                view! {
                    <p class="alert alert--warn" role="status">
                        {move || i18n.t("gov.incomplete").replace("{n}", &n_problems.to_string())}
                    </p>
                    <ul class="register__problems" data-testid="reg-problems">
                        {problems.into_iter().map(|p| view! { <Problem p /> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
        <section class="card">
            <label class="sr-only" for="reg-filter">{move || i18n.t("gov.search")}</label>
            <input id="reg-filter" type="search" class="input" placeholder=move || i18n.t("gov.search")
                on:input=move |ev| filter.set(event_target_value(&ev)) />
            <p class="field__hint" aria-live="polite">
                {move || i18n.t("gov.shown").replace("{n}", &total.to_string()).replace("{m}", &SHOWN.min(total as usize).to_string())}
            </p>
            <div class="table-wrap">
                <table class="table table--cards">
                    <thead><tr>
                        <th>{move || i18n.t("gov.voter")}</th>
                        <th>{move || i18n.t("gov.voter_units")}</th>
                        <th class="num">{move || i18n.t("gov.area")}</th>
                    </tr></thead>
                    <tbody>
                        <For each=shown key=|v| v.key.clone() let:v>
                            <VoterLine v />
                        </For>
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn VoterLine(v: VoterRow) -> impl IntoView {
    let i18n = use_i18n();
    let who = match &v.key {
        VoterKey::Developer => None,
        VoterKey::Owners { .. } => Some(v.names.join("、")),
    };
    let more = v.units.len().saturating_sub(UNITS_LISTED);
    let units = v
        .units
        .iter()
        .take(UNITS_LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join("、");
    view! {
        <tr>
            <td data-label=move || i18n.t("gov.voter")>
                {match who {
                    Some(names) => names.into_any(),
                    None => view! { <strong>{move || i18n.t("gov.developer")}</strong> }.into_any(),
                }}
            </td>
            <td data-label=move || i18n.t("gov.voter_units")>
                {units}
                {(more > 0).then(|| view! { " " {move || i18n.t("gov.more_units").replace("{n}", &more.to_string())} })}
            </td>
            <td class="num" data-label=move || i18n.t("gov.area")>{fixed2(v.area)}</td>
        </tr>
    }
}

#[component]
fn Problem(p: ProblemRow) -> impl IntoView {
    let i18n = use_i18n();
    let why = match &p.problem {
        RegisterProblem::NoArea { .. } => "gov.problem_no_area",
        RegisterProblem::NoOwner { .. } => "gov.problem_no_owner",
        RegisterProblem::Repeated { .. } => "gov.problem_repeated",
    };
    let href = format!("/admin/units/{}", p.problem.unit());
    view! {
        <li><a href=href>{p.number}</a> " " {move || i18n.t(why)}</li>
    }
}
