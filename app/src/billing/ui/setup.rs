//! 收费标准 (items, dated standards, assignments, formula preview) and 出账 (bill runs with a
//! preview first) and 月结.
use crate::billing::api::{
    billing_orgs, list_charge_items, AddFeeStandard, AssignItem, ClosePeriod, CreateChargeItem, PreviewStandard,
    RunBills, UnassignItem,
};
use crate::billing::model::{group_problems, ItemRow, RunReport};
use crate::org::model::OrgChoice;
use crate::org::model::OrgKind;
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{toast, CsrfField, EmptyState, ErrorState, FormError, Loading};
use leptos::prelude::*;
use leptos_meta::Title;

/// The position of a formula error, carried in the field as `formula@<pos>`.
fn formula_error(i18n: crate::shared::i18n::I18n, e: &AppError) -> String {
    match e
        .field()
        .and_then(|f| f.strip_prefix("formula@"))
        .and_then(|p| p.parse::<usize>().ok())
    {
        Some(pos) => i18n.t("billing.formula_at").replace("{pos}", &(pos + 1).to_string()) + &e.localized(i18n.code()),
        None => e.localized(i18n.code()),
    }
}

#[component]
fn OrgOptions(orgs: Vec<OrgChoice>, kinds: &'static [OrgKind]) -> impl IntoView {
    orgs.into_iter()
        .filter(|o| kinds.contains(&o.kind))
        .map(|o| view! { <option value=o.id.0.to_string()>{format!("{}{}", "　".repeat(o.depth as usize), o.name)}</option> })
        .collect_view()
}

/// The standard's fields, named `standard[...]` for the server function.
#[component]
fn StandardFields() -> impl IntoView {
    let i18n = use_i18n();
    let basis = RwSignal::new("area".to_string());
    view! {
        <div class="row">
            <label class="field"><span class="field__label">{move || i18n.t("billing.basis")}</span>
                <select class="input" name="standard[basis]" on:change=move |ev| basis.set(event_target_value(&ev))>
                    {["area", "fixed", "parking", "metered", "formula"].into_iter().map(|b| {
                        let k = format!("billing.basis_{b}");
                        view! { <option value=b>{move || i18n.t(&k)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="field"><span class="field__label">{move || i18n.t("billing.effective_from")}</span>
                <input class="input" type="date" name="standard[effective_from]" required />
            </label>
        </div>
        <div class="row" class:hidden=move || basis.get() == "formula">
            <label class="field"><span class="field__label">{move || i18n.t("billing.price")}</span>
                <input class="input" name="standard[price]" inputmode="decimal" placeholder="2.50" />
            </label>
            <label class="field" class:hidden=move || basis.get() != "metered"><span class="field__label">{move || i18n.t("billing.tiers")}</span>
                <input class="input" name="standard[tiers]" placeholder="10:3.50, 20:4.20, :5.00" />
            </label>
        </div>
        <label class="field" class:hidden=move || basis.get() != "formula"><span class="field__label">{move || i18n.t("billing.formula")}</span>
            <input class="input mono" name="standard[formula]" placeholder="area * 2.5 + if(floor > 11, 10, 0)" />
            <small class="muted">{move || i18n.t("billing.formula_hint")}</small>
        </label>
        <div class="row">
            <label class="field"><span class="field__label">{move || i18n.t("billing.round_mode")}</span>
                <select class="input" name="standard[round_mode]">
                    {["half_up", "up", "down"].into_iter().map(|m| { let k = format!("billing.round_{m}"); view! { <option value=m>{move || i18n.t(&k)}</option> } }).collect_view()}
                </select>
            </label>
            <label class="field"><span class="field__label">{move || i18n.t("billing.round_to")}</span>
                <select class="input" name="standard[round_to]">
                    {["fen", "jiao", "yuan"].into_iter().map(|m| { let k = format!("billing.to_{m}"); view! { <option value=m>{move || i18n.t(&k)}</option> } }).collect_view()}
                </select>
            </label>
        </div>
    }
}

#[component]
pub fn ItemsPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateChargeItem>::new();
    let preview = ServerAction::<PreviewStandard>::new();
    let add_std = ServerAction::<AddFeeStandard>::new();
    let assign = ServerAction::<AssignItem>::new();
    let unassign = ServerAction::<UnassignItem>::new();
    let orgs = Resource::new(|| (), |_| billing_orgs());
    let items = Resource::new(
        move || {
            (
                create.version().get(),
                add_std.version().get(),
                assign.version().get(),
                unassign.version().get(),
            )
        },
        |_| list_charge_items(),
    );
    let create_err = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(it)) = create.value().get() {
            toast(format!("{} {}", i18n.t("billing.item_created"), it.name));
        }
    });
    for a in [add_std.value(), assign.value(), unassign.value()] {
        Effect::new(move |_| match a.get() {
            Some(Ok(it)) => toast(format!("{} {}", i18n.t("common.saved"), it.name)),
            Some(Err(e)) => toast(formula_error(i18n, &e)),
            None => {}
        });
    }
    view! {
        <Title text=move || i18n.t("billing.items") />
        <h1 class="page-title">{move || i18n.t("billing.items")}</h1>
        <nav class="toolbar" aria-label=move || i18n.t("billing.title")>
            <a class="btn" href="/admin/billing/run">{move || i18n.t("billing.run")}</a>
            <a class="btn" href="/admin/billing/counter">{move || i18n.t("billing.counter")}</a>
            <a class="btn" href="/admin/billing/reports">{move || i18n.t("billing.reports")}</a>
        </nav>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let orgs = orgs.await.unwrap_or_default();
                let (o1, o2, o3) = (orgs.clone(), orgs.clone(), orgs);
                match items.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(list) => view! {
                        <details class="card">
                            <summary>{move || i18n.t("billing.new_item")}</summary>
                            <ActionForm action=create attr:class="form" attr:novalidate=true>
                                <CsrfField />
                                <FormError error=create_err fields=&["office_id", "code", "name"] />
                                {move || create_err.get().filter(|e| e.field().is_some_and(|f| f.starts_with("formula@"))).map(|e| view! { <p class="form-error" role="alert">{formula_error(i18n, &e)}</p> })}
                                <div class="row">
                                    <label class="field"><span class="field__label">{move || i18n.t("billing.office")}</span>
                                        <select class="input" name="office_id"><OrgOptions orgs=o1 kinds=&[OrgKind::Office] /></select>
                                    </label>
                                    <label class="field"><span class="field__label">{move || i18n.t("billing.category")}</span>
                                        <select class="input" name="category">
                                            {["property", "water", "electricity", "gas", "parking", "other"].into_iter().map(|c| {
                                                let k = format!("billing.cat_{c}");
                                                view! { <option value=c>{move || i18n.t(&k)}</option> }
                                            }).collect_view()}
                                        </select>
                                    </label>
                                </div>
                                <div class="row">
                                    <label class="field"><span class="field__label">{move || i18n.t("billing.code")}</span><input class="input" name="code" required /></label>
                                    <label class="field"><span class="field__label">{move || i18n.t("billing.item_name")}</span><input class="input" name="name" required /></label>
                                </div>
                                <StandardFields />
                                <button type="submit" class="btn btn--primary">{move || i18n.t("common.save")}</button>
                            </ActionForm>
                        </details>
                        <details class="card">
                            <summary>{move || i18n.t("billing.try_formula")}</summary>
                            <ActionForm action=preview attr:class="form" attr:novalidate=true>
                                <CsrfField />
                                <label class="field"><span class="field__label">{move || i18n.t("billing.office")}</span>
                                    <select class="input" name="office"><OrgOptions orgs=o2 kinds=&[OrgKind::Office] /></select>
                                </label>
                                <StandardFields />
                                <button type="submit" class="btn">{move || i18n.t("billing.preview")}</button>
                            </ActionForm>
                            {move || preview.value().get().map(|r| match r {
                                Err(e) => view! { <p class="form-error" role="alert" data-testid="formula-error">{formula_error(i18n, &e)}</p> }.into_any(),
                                Ok(p) => view! {
                                    <table class="table">
                                        <thead><tr><th>{move || i18n.t("billing.unit")}</th><th>{move || i18n.t("billing.inputs")}</th><th class="num">{move || i18n.t("billing.amount")}</th></tr></thead>
                                        <tbody>{p.samples.into_iter().map(|s| view! {
                                            <tr><td>{s.unit}</td><td class="mono">{s.inputs}</td>
                                            <td class="num">{match s.result { Ok(m) => m.to_string(), Err(k) => i18n.t(&k) }}</td></tr>
                                        }).collect_view()}</tbody>
                                    </table>
                                }.into_any(),
                            })}
                        </details>
                        {if list.is_empty() {
                            view! { <EmptyState title="billing.no_items" /> }.into_any()
                        } else {
                            list.into_iter().map(|it| view! { <ItemCard it orgs=o3.clone() add_std assign unassign /> }).collect_view().into_any()
                        }}
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ItemCard(
    it: ItemRow,
    orgs: Vec<OrgChoice>,
    add_std: ServerAction<AddFeeStandard>,
    assign: ServerAction<AssignItem>,
    unassign: ServerAction<UnassignItem>,
) -> impl IntoView {
    let i18n = use_i18n();
    let cat = format!("billing.cat_{}", it.category);
    let id = it.id.0.to_string();
    let id2 = id.clone();
    view! {
        <section class="card item-card">
            <h2>{it.name.clone()} " " <span class="badge">{it.code.clone()}</span> " " <span class="badge">{move || i18n.t(&cat)}</span></h2>
            <p class="muted">{it.office.clone()}</p>
            <table class="table">
                <thead><tr>
                    <th>{move || i18n.t("billing.effective_from")}</th>
                    <th>{move || i18n.t("billing.basis")}</th>
                    <th>{move || i18n.t("billing.price")}</th>
                    <th>{move || i18n.t("billing.rounding")}</th>
                </tr></thead>
                <tbody>
                    {it.standards.iter().map(|s| {
                        let b = format!("billing.basis_{}", s.basis);
                        let rm = format!("billing.round_{}", s.round_mode);
                        let rt = format!("billing.to_{}", s.round_to);
                        let price = if !s.formula.is_empty() { s.formula.clone() } else if !s.tiers.is_empty() { s.tiers.clone() } else { s.price.clone() };
                        view! { <tr>
                            <td>{s.effective_from.clone()}</td>
                            <td>{move || i18n.t(&b)}</td>
                            <td class="mono">{price}</td>
                            <td>{move || format!("{} · {}", i18n.t(&rm), i18n.t(&rt))}</td>
                        </tr> }
                    }).collect_view()}
                </tbody>
            </table>
            <h3>{move || i18n.t("billing.assigned_to")}</h3>
            <ul class="list">
                {it.assignments.iter().map(|a| {
                    let aid = a.id.to_string();
                    let ut = a.use_type.clone().map(|u| format!("records.use_{u}"));
                    view! { <li class="list__item">
                        <span class="list__main">{a.community.clone()} {a.building.clone().map(|b| format!(" · {b}"))}</span>
                        {ut.map(|k| view! { <span class="badge">{move || i18n.t(&k)}</span> })}
                        <ActionForm action=unassign attr:class="inline-form">
                            <CsrfField />
                            <input type="hidden" name="assignment" value=aid />
                            <button type="submit" class="btn btn--small">{move || i18n.t("records.remove")}</button>
                        </ActionForm>
                    </li> }
                }).collect_view()}
            </ul>
            <details>
                <summary>{move || i18n.t("billing.assign")}</summary>
                <ActionForm action=assign attr:class="form">
                    <CsrfField />
                    <input type="hidden" name="item" value=id />
                    <label class="field"><span class="field__label">{move || i18n.t("records.community")}</span>
                        <select class="input" name="community_id"><OrgOptions orgs=orgs kinds=&[OrgKind::Community] /></select>
                    </label>
                    <label class="field"><span class="field__label">{move || i18n.t("billing.use_type")}</span>
                        <select class="input" name="use_type">
                            <option value="">{move || i18n.t("billing.all_uses")}</option>
                            {["residential", "shop", "office", "parking"].into_iter().map(|u| {
                                let k = format!("records.use_{u}");
                                view! { <option value=u>{move || i18n.t(&k)}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <button type="submit" class="btn">{move || i18n.t("billing.assign")}</button>
                </ActionForm>
            </details>
            <details>
                <summary>{move || i18n.t("billing.new_standard")}</summary>
                <ActionForm action=add_std attr:class="form" attr:novalidate=true>
                    <CsrfField />
                    <input type="hidden" name="item" value=id2 />
                    <StandardFields />
                    <button type="submit" class="btn">{move || i18n.t("common.save")}</button>
                </ActionForm>
            </details>
        </section>
    }
}

#[component]
fn RunSummary(r: RunReport) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" data-testid="run-report">
            <h2>{r.period.clone()} " " {move || if r.generated { i18n.t("billing.generated") } else { i18n.t("billing.previewed") }}</h2>
            <p>
                {move || i18n.t("billing.units")} " " {r.units} " · "
                {move || i18n.t("billing.new_lines")} " " <strong data-testid="new-lines">{r.new_lines}</strong> " · "
                {move || i18n.t("billing.existing_lines")} " " {r.existing}
            </p>
            <p>
                {move || i18n.t("billing.total")} " " <strong>{r.total.to_string()}</strong> " · "
                {move || i18n.t("billing.discount")} " " {r.discounts.to_string()} " · "
                {move || i18n.t("billing.offset")} " " {r.offset.to_string()}
            </p>
            <table class="table">
                <thead><tr><th>{move || i18n.t("billing.item")}</th><th class="num">{move || i18n.t("billing.count")}</th><th class="num">{move || i18n.t("billing.amount")}</th></tr></thead>
                <tbody>{r.by_item.iter().map(|x| view! { <tr><td>{x.item.clone()}</td><td class="num">{x.lines}</td><td class="num">{x.total.to_string()}</td></tr> }).collect_view()}</tbody>
            </table>
            {(!r.problems.is_empty()).then(|| view! {
                <h3>{move || i18n.t("billing.problems")}</h3>
                <ul class="list" data-testid="run-problems">{group_problems(&r.problems).into_iter().map(|g| {
                    let k = g.reason.clone();
                    let n = g.units.len();
                    view! {
                        <li class="list__item problem-group">
                            <details>
                                <summary>
                                    <span class="list__main">{g.item.clone()} " · " {move || i18n.t(&k)}</span>
                                    <span class="badge" data-testid="problem-count">{move || i18n.t("billing.n_units").replace("{n}", &n.to_string())}</span>
                                </summary>
                                <p class="muted small problem-group__units">{g.units.join("、")}</p>
                            </details>
                        </li>
                    }
                }).collect_view()}</ul>
            })}
        </section>
    }
}

/// 出账: preview a month over an org subtree, then generate; and 月结.
#[component]
pub fn BillRunPage() -> impl IntoView {
    let i18n = use_i18n();
    let orgs = Resource::new(|| (), |_| billing_orgs());
    let run = ServerAction::<RunBills>::new();
    let close = ServerAction::<ClosePeriod>::new();
    let org = RwSignal::new(String::new());
    let period = RwSignal::new(String::new());
    Effect::new(move |_| match close.value().get() {
        Some(Ok(())) => toast(i18n.t("billing.closed_ok")),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    let org_select = NodeRef::<leptos::html::Select>::new();
    let go = move |commit: bool| {
        // The select's own value: it shows the first node until staff pick another.
        let picked = org_select
            .get_untracked()
            .map(|s| s.value())
            .unwrap_or_else(|| org.get_untracked());
        let Ok(o) = picked.parse::<i64>() else {
            return;
        };
        run.dispatch(RunBills {
            org: crate::shared::ids::OrgId(o),
            period: period.get_untracked(),
            commit,
        });
    };
    view! {
        <Title text=move || i18n.t("billing.run") />
        <h1 class="page-title">{move || i18n.t("billing.run")}</h1>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let list = orgs.await.unwrap_or_default();
                let offices = list.clone();
                view! {
                    <form class="form card" on:submit=move |ev| { ev.prevent_default(); go(false); }>
                        <div class="row">
                            <label class="field"><span class="field__label">{move || i18n.t("billing.scope")}</span>
                                <select class="input" name="org" node_ref=org_select on:change=move |ev| org.set(event_target_value(&ev))>
                                    <OrgOptions orgs=list kinds=&[OrgKind::Company, OrgKind::Region, OrgKind::Office, OrgKind::Community] />
                                </select>
                            </label>
                            <label class="field"><span class="field__label">{move || i18n.t("billing.period")}</span>
                                <input class="input" type="month" name="period" required on:input=move |ev| period.set(event_target_value(&ev)) />
                            </label>
                        </div>
                        <div class="row">
                            <button type="submit" class="btn">{move || i18n.t("billing.preview")}</button>
                            <button type="button" class="btn btn--primary" on:click=move |_| go(true)
                                disabled=move || !run.value().get().is_some_and(|r| r.is_ok_and(|r| !r.generated))>
                                {move || i18n.t("billing.generate")}
                            </button>
                        </div>
                    </form>
                    <details class="card">
                        <summary>{move || i18n.t("billing.close_month")}</summary>
                        <ActionForm action=close attr:class="form">
                            <CsrfField />
                            <label class="field"><span class="field__label">{move || i18n.t("billing.office")}</span>
                                <select class="input" name="office"><OrgOptions orgs=offices kinds=&[OrgKind::Office] /></select>
                            </label>
                            <label class="field"><span class="field__label">{move || i18n.t("billing.period")}</span>
                                <input class="input" type="month" name="period" required />
                            </label>
                            <p class="muted">{move || i18n.t("billing.close_hint")}</p>
                            <button type="submit" class="btn btn--danger">{move || i18n.t("billing.close_month")}</button>
                        </ActionForm>
                    </details>
                }
            })}
        </Transition>
        {move || run.value().get().map(|r| match r {
            Err(e) => view! { <ErrorState error=e /> }.into_any(),
            Ok(r) => view! { <RunSummary r /> }.into_any(),
        })}
    }
}
