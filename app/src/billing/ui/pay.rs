//! The resident's 缴费 tab and receipts (also printed from the counter).
use super::line_notes;
use crate::access::model::Me;
use crate::access::ui::RequireLogin;
use crate::billing::api::{get_receipt, my_bills};
use crate::billing::model::{LineRow, PaymentRow, UnitAccount};
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ids::PaymentId;
use crate::shared::ui::{EmptyState, ErrorState, Loading, ResidentShell};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The open lines a resident ticked to pay online.
pub type Picked = RwSignal<HashSet<i64>>;

/// Online payment on the 缴费 page, given by the composition root (`app.rs`) so that billing
/// names no payments code: whether this server takes payments online, and the pay bar under a
/// home's open lines.
#[derive(Clone)]
pub struct OnlinePay {
    pub enabled: Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<bool, AppError>> + Send>> + Send + Sync>,
    pub bar: Callback<(i64, Vec<LineRow>, Picked), AnyView>,
}

/// The id of a home's pay form (the payments area renders it): a line's tick box and its
/// 只缴这一笔 belong to it with `form=`, so they work before the WASM arrives too.
pub fn pay_form_id(unit: i64) -> String {
    format!("pay-{unit}")
}

/// An open or settled line as a row of a card list.
#[component]
pub(crate) fn LineItem(
    line: LineRow,
    #[prop(optional)] show_unit: bool,
    /// Online payment on: a tick box per line, bound to the set of lines to pay.
    #[prop(optional)]
    pick: Option<Picked>,
    /// Among several open lines: a button that picks this one alone.
    #[prop(optional)]
    only: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let notes = line_notes(i18n, &line);
    let overdue = line.overdue;
    let id = line.id.0;
    // In the page's language, following a switch.
    let name = StoredValue::new(line.item.clone());
    let item = move || name.with_value(|n| super::item_label(i18n, n));
    let form = pay_form_id(line.unit_id);
    // Each ticked box posts as `lines[i]` (a list the server function reads).
    let field = format!("lines[{id}]");
    let period = line.period.clone();
    let label = move || format!("{} {}", item(), period);
    view! {
        <li class="bill-line" class:bill-line--overdue=overdue class:bill-line--pick=pick.is_some()>
            {pick.map(|p| view! {
                // The label is the 44 px target around the box.
                <label class="bill-line__pick">
                    <input type="checkbox" aria-label=label form=form.clone() name=field value=id.to_string()
                        checked=p.with_untracked(|s| s.contains(&id))
                        prop:checked=move || p.with(|s| s.contains(&id))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            p.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                        } />
                </label>
            })}
            <div class="bill-line__main">
                <span class="bill-line__item">{item}</span>
                <span class="muted">{line.period.clone()}</span>
                {show_unit.then(|| view! { <span class="muted">{line.unit.clone()}</span> })}
                {(!line.quantity.is_empty()).then(|| view! { <span class="muted">{line.quantity.clone()}</span> })}
            </div>
            <div class="bill-line__amount">
                <strong>{line.outstanding.to_string()}</strong>
                {(line.late_fee.0 > 0).then(|| view! {
                    <span class="bill-line__fee">{move || i18n.t("billing.late_fee")} " " {line.late_fee.to_string()}</span>
                })}
            </div>
            <div class="bill-line__meta muted">
                {move || i18n.t("billing.due")} " " {line.due_date.clone()}
                {overdue.then(|| view! { " · " <span class="badge badge--warn">{move || i18n.t("billing.overdue")}</span> })}
                {(line.discount.0 > 0).then(|| view! { " · " {move || i18n.t("billing.discount")} " " {line.discount.to_string()} })}
                {(line.paid.0 > 0).then(|| view! { " · " {move || i18n.t("billing.paid")} " " {line.paid.to_string()} })}
                {(line.adjusted.0 > 0).then(|| view! { " · " {move || i18n.t("billing.waived")} " " {line.adjusted.to_string()} })}
                {(!notes.is_empty()).then(|| view! { <br /> {notes.clone()} })}
            </div>
            {pick.filter(|_| only).map(|p| view! {
                <button type="submit" form=form.clone() name="only" value=id.to_string() class="linklike bill-line__only" data-testid="pay-only"
                    on:click=move |ev| {
                        ev.prevent_default();
                        p.set(HashSet::from([id]));
                    }>
                    {move || i18n.t("billing.pay_only")}
                </button>
            })}
        </li>
    }
}

#[component]
pub(crate) fn PaymentList(payments: Vec<PaymentRow>, base: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="list">
            {payments.into_iter().map(|p| {
                let k = p.method.key();
                view! {
                    <li class="list__item">
                        <a class="list__main" href=format!("{base}/{}", p.id)>{p.receipt_no.clone()}</a>
                        <span class="muted">{p.paid_at.clone()}</span>
                        <span class="badge">{move || i18n.t(&k)}</span>
                        {p.reversed.then(|| view! { <span class="badge badge--warn">{move || i18n.t("billing.reversed")}</span> })}
                        <strong>{p.amount.to_string()}</strong>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn AccountCard(a: UnitAccount, bar: Option<Callback<(i64, Vec<LineRow>, Picked), AnyView>>) -> impl IntoView {
    let online = bar.is_some();
    let i18n = use_i18n();
    let total = a.due + a.late_fees;
    let has_open = !a.open.is_empty();
    let picked: Picked = RwSignal::new(a.open.iter().map(|l| l.id.0).collect::<HashSet<i64>>());
    let pick = online.then_some(picked);
    let (unit, open) = (a.unit_id, a.open.clone());
    view! {
        <section class="card account" aria-label=format!("{} {}", a.community, a.unit)>
            <h2 class="account__title">{format!("{} {}", a.community, a.unit)}</h2>
            <div class="account__due">
                <span class="muted">{move || i18n.t("billing.amount_due")}</span>
                <strong class="account__total" data-testid="amount-due">{total.to_string()}</strong>
                {(a.late_fees.0 > 0).then(|| view! {
                    <span class="muted">{move || i18n.t("billing.incl_late_fee")} " " {a.late_fees.to_string()}</span>
                })}
            </div>
            <p class="muted">
                {move || i18n.t("billing.prepaid")} " " {a.prepaid.to_string()}
                {(a.deposits.0 > 0).then(|| view! { " · " {move || i18n.t("billing.deposits")} " " {a.deposits.to_string()} })}
            </p>
            {if has_open {
                let ids: Vec<i64> = a.open.iter().map(|l| l.id.0).collect();
                let several = ids.len() > 1;
                let all = Signal::derive(move || picked.with(|p| ids.iter().all(|i| p.contains(i))));
                let every: HashSet<i64> = a.open.iter().map(|l| l.id.0).collect();
                view! {
                    {online.then(|| view! {
                        <div class="bill-pick">
                            <p class="muted small">{move || i18n.t("payments.pick_hint")}</p>
                            // "Pay all" and back: one tap instead of a box per line.
                            {several.then(|| view! {
                                <button type="button" class="linklike" data-testid="pick-all"
                                    on:click=move |_| if all.get_untracked() { picked.set(HashSet::new()) } else { picked.set(every.clone()) }>
                                    {move || i18n.t(if all.get() { "billing.pick_none" } else { "billing.pick_all" })}
                                </button>
                            })}
                        </div>
                    })}
                    <ul class="bill-lines">
                        {a.open.into_iter().map(|l| match pick {
                            Some(p) => view! { <LineItem line=l pick=p only=several /> }.into_any(),
                            None => view! { <LineItem line=l /> }.into_any(),
                        }).collect_view()}
                    </ul>
                    {match bar {
                        Some(bar) => bar.run((unit, open.clone(), picked)),
                        None => ().into_any(),
                    }}
                }.into_any()
            } else {
                view! { <p class="ok">{move || i18n.t("billing.all_paid")}</p> }.into_any()
            }}
            {(!a.payments.is_empty()).then(|| view! {
                <h3>{move || i18n.t("billing.history")}</h3>
                <PaymentList payments=a.payments.clone() base="/pay/receipts" />
            })}
        </section>
    }
}

/// 缴费: what each of the resident's homes owes, line by line, and what was paid; with
/// `online`, a pay bar under each home's open lines.
#[component]
pub fn MyBillsPage(#[prop(optional)] online: Option<OnlinePay>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("nav.pay") />
        <ResidentShell>
            <header class="page-head"><h1>{move || i18n.t("nav.pay")}</h1></header>
            <RequireLogin f=move |_me: Me| view! { <MyBills online=online.clone() /> } />
        </ResidentShell>
    }
}

/// Online payment is off: where to pay instead, at the top of 缴费.
#[component]
fn OnlineOff() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="notice notice--warn" role="status" data-testid="online-off">{move || i18n.t("billing.online_off")}</p>
        <crate::estate::ui::MyOfficeContacts />
    }
}

#[component]
fn MyBills(online: Option<OnlinePay>) -> impl IntoView {
    let bills = Resource::new(|| (), |_| my_bills());
    let enabled = online.as_ref().map(|o| o.enabled.clone());
    let setup = Resource::new(
        || (),
        move |_| {
            let enabled = enabled.clone();
            async move {
                match enabled {
                    Some(f) => f().await.unwrap_or(false),
                    None => false,
                }
            }
        },
    );
    let bar = online.map(|o| o.bar);
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let bar = if setup.await { bar } else { None };
                match bills.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(mine) if mine.accounts.is_empty() => view! { <EmptyState title="home.no_bills" body="home.no_bills_body" icon="¥" /> }.into_any(),
                Ok(mine) => {
                    let list = mine.accounts;
                    // Said once, first, when something is owed and cannot be paid here.
                    let off = bar.is_none() && list.iter().any(|a| !a.open.is_empty());
                    view! {
                        {crate::estate::ui::home_switcher(mine.homes)}
                        {off.then(|| view! { <OnlineOff /> })}
                        {list.into_iter().map(|a| view! { <AccountCard a bar /> }).collect_view()}
                    }.into_any()
                }
            }})}
        </Transition>
    }
}

/// A receipt (收据), printable. Residents reach it from 缴费, staff from the counter.
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let r = Resource::new(id, |id| get_receipt(PaymentId(id)));
    view! {
        <Title text=move || i18n.t("billing.receipt") />
        <main class="page receipt-page">
            <RequireLogin f=move |_me: Me| view! {
                <Transition fallback=Loading>
                    {move || Suspend::new(async move { match r.await {
                        Err(e) => view! { <ErrorState error=e /> }.into_any(),
                        Ok(rc) => {
                            let k = rc.payment.method.key();
                            view! {
                                <article class="receipt" aria-label=move || i18n.t("billing.receipt")>
                                    <header class="receipt__head">
                                        <h1>{rc.office.clone()} " " {move || i18n.t("billing.receipt")}</h1>
                                        <p class="receipt__no">"No. " <span data-testid="receipt-no">{rc.payment.receipt_no.clone()}</span></p>
                                    </header>
                                    <dl class="receipt__meta">
                                        <dt>{move || i18n.t("billing.unit")}</dt><dd>{rc.payment.unit.clone()}</dd>
                                        <dt>{move || i18n.t("billing.payer")}</dt><dd>{rc.payment.payer.clone()}</dd>
                                        <dt>{move || i18n.t("billing.paid_at")}</dt><dd>{rc.payment.paid_at.clone()}</dd>
                                        <dt>{move || i18n.t("billing.method")}</dt><dd>{move || i18n.t(&k)}</dd>
                                        {(!rc.payment.cashier.is_empty()).then(|| view! {
                                            <dt>{move || i18n.t("billing.cashier")}</dt><dd>{rc.payment.cashier.clone()}</dd>
                                        })}
                                    </dl>
                                    <table class="table receipt__lines">
                                        <thead><tr>
                                            <th>{move || i18n.t("billing.item")}</th>
                                            <th>{move || i18n.t("billing.period")}</th>
                                            <th class="num">{move || i18n.t("billing.amount")}</th>
                                            <th class="num">{move || i18n.t("billing.late_fee")}</th>
                                        </tr></thead>
                                        <tbody>
                                            {rc.lines.iter().map(|l| view! {
                                                <tr>
                                                    <td>{super::item_label(i18n, &l.item)}</td>
                                                    <td>{l.period.clone()}</td>
                                                    <td class="num">{l.principal.to_string()}</td>
                                                    <td class="num">{l.late_fee.to_string()}</td>
                                                </tr>
                                            }).collect_view()}
                                            {(rc.payment.to_prepaid.0 != 0).then(|| view! {
                                                <tr><td colspan="2">{move || i18n.t("billing.to_prepaid")}</td><td class="num">{rc.payment.to_prepaid.to_string()}</td><td></td></tr>
                                            })}
                                        </tbody>
                                    </table>
                                    <p class="receipt__total">
                                        {move || i18n.t("billing.total")} " " <strong data-testid="receipt-total">{rc.payment.amount.to_string()}</strong>
                                        <br /><span>{move || i18n.t("billing.in_words")} " " {rc.amount_words.clone()}</span>
                                    </p>
                                    {rc.payment.reverses.map(|_| view! { <p class="badge badge--warn">{move || i18n.t("billing.red_receipt")}</p> })}
                                    {rc.payment.reversed.then(|| view! { <p class="badge badge--warn">{move || i18n.t("billing.reversed")}</p> })}
                                    <button type="button" class="btn no-print" on:click=move |_| { let _ = window().print(); }>{move || i18n.t("billing.print")}</button>
                                </article>
                            }.into_any()
                        }
                    }})}
                </Transition>
            } />
        </main>
    }
}
