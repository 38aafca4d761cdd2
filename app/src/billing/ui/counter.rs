//! 收银台: find a unit, see its open lines with today's late fees, take a payment and print
//! the receipt; waive, reverse; print a payment notice; the cashier's day end.
use super::line_notes;
use super::pay::PaymentList;
use crate::billing::api::{
    counter_search, load_day_end, load_unit_account, AdjustLines, CollectDeposit, RefundDeposit, RefundPrepaid,
    ReversePayment, TakePayment,
};
use crate::billing::model::{AdjustKind, DepositRow, PayMethod, UnitAccount};
use crate::shared::i18n::use_i18n;
use crate::shared::ids::BillLineId;
use crate::shared::money::Money;
use crate::shared::ui::{fresh_key, toast, CsrfField, EmptyState, ErrorState, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::collections::HashSet;

#[component]
pub fn CounterPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = RwSignal::new(String::new());
    let searched = RwSignal::new(String::new());
    let unit = RwSignal::new(query.with_untracked(|m| m.get("unit").and_then(|s| s.parse::<i64>().ok())));
    let hits = Resource::new(
        move || searched.get(),
        |s| async move {
            if s.trim().is_empty() {
                Ok(vec![])
            } else {
                counter_search(s).await
            }
        },
    );
    view! {
        <Title text=move || i18n.t("billing.counter") />
        <h1 class="page-title">{move || i18n.t("billing.counter")}</h1>
        <form class="toolbar" on:submit=move |ev| { ev.prevent_default(); searched.set(q.get_untracked()); }>
            <input class="input" type="search" name="q" aria-label=move || i18n.t("billing.search_unit")
                placeholder=move || i18n.t("billing.search_unit") prop:value=move || q.get()
                on:input=move |ev| q.set(event_target_value(&ev)) />
            <button class="btn btn--primary" type="submit">{move || i18n.t("common.search")}</button>
            <a class="btn" href="/admin/billing/day-end">{move || i18n.t("billing.day_end")}</a>
        </form>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match hits.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(h) if h.is_empty() => ().into_any(),
                Ok(h) => view! {
                    <ul class="list hits">
                        {h.into_iter().map(|x| {
                            let id = x.unit_id;
                            view! {
                                <li class="list__item">
                                    <button type="button" class="linklike list__main" on:click=move |_| unit.set(Some(id))>
                                        {format!("{} {}", x.community, x.unit)}
                                    </button>
                                    <span class="muted">{x.owners.clone()}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }})}
        </Transition>
        {move || unit.get().map(|u| view! { <Account unit=u /> })}
    }
}

#[component]
fn Account(unit: i64) -> impl IntoView {
    let i18n = use_i18n();
    let pay = ServerAction::<TakePayment>::new();
    let adjust = ServerAction::<AdjustLines>::new();
    let reverse = ServerAction::<ReversePayment>::new();
    let collect = ServerAction::<CollectDeposit>::new();
    let refund = ServerAction::<RefundDeposit>::new();
    let refund_pre = ServerAction::<RefundPrepaid>::new();
    let account = Resource::new(
        move || {
            (
                pay.version().get(),
                adjust.version().get(),
                reverse.version().get(),
                collect.version().get() + refund.version().get() + refund_pre.version().get(),
            )
        },
        move |_| load_unit_account(unit),
    );
    let last_receipt = RwSignal::new(None::<(i64, String)>);
    // One idempotency key per payment (and per deposit, per refund), kept across retries and
    // renewed only when the server has answered that it booked it.
    let keys = Keys {
        pay: RwSignal::new(fresh_key()),
        collect: RwSignal::new(fresh_key()),
        refund_pre: RwSignal::new(fresh_key()),
    };
    Effect::new(move |_| match pay.value().get() {
        Some(Ok(p)) => {
            keys.pay.set(fresh_key());
            toast(format!("{} {}", i18n.t("billing.paid_ok"), p.receipt_no));
            last_receipt.set(Some((p.id.0, p.receipt_no)));
        }
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    Effect::new(move |_| match adjust.value().get() {
        Some(Ok(n)) => toast(i18n.t("billing.adjusted_ok").replace("{n}", &n.to_string())),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    Effect::new(move |_| match reverse.value().get() {
        Some(Ok(p)) => toast(format!("{} {}", i18n.t("billing.reversed_ok"), p.receipt_no)),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    for (v, key) in [
        (collect.value(), Some(keys.collect)),
        (refund.value(), None),
        (refund_pre.value(), Some(keys.refund_pre)),
    ] {
        Effect::new(move |_| match v.get() {
            Some(Ok(_)) => {
                if let Some(k) = key {
                    k.set(fresh_key());
                }
                toast(i18n.t("common.saved"))
            }
            Some(Err(e)) => toast(e.localized(i18n.code())),
            None => {}
        });
    }
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match account.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(a) => {
                    let (unit, prepaid, list) = (a.unit_id, a.prepaid, a.deposit_list.clone());
                    view! {
                        <AccountPanel a pay adjust reverse last_receipt pay_key=keys.pay />
                        <MoneyHeld unit prepaid list collect refund refund_pre keys />
                    }.into_any()
                }
            }})}
        </Transition>
    }
}

/// The idempotency keys of the counter's money forms.
#[derive(Clone, Copy)]
struct Keys {
    pay: RwSignal<String>,
    collect: RwSignal<String>,
    refund_pre: RwSignal<String>,
}

#[component]
fn AccountPanel(
    a: UnitAccount,
    pay: ServerAction<TakePayment>,
    adjust: ServerAction<AdjustLines>,
    reverse: ServerAction<ReversePayment>,
    last_receipt: RwSignal<Option<(i64, String)>>,
    pay_key: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let unit = a.unit_id;
    let selected = RwSignal::new(a.open.iter().map(|l| l.id.0).collect::<HashSet<i64>>());
    let lines = StoredValue::new(a.open.clone());
    let total = Memo::new(move |_| {
        let s = selected.get();
        lines.with_value(|ls| {
            ls.iter()
                .filter(|l| s.contains(&l.id.0))
                .fold(Money::ZERO, |acc, l| acc + l.outstanding + l.late_fee)
        })
    });
    let amount = RwSignal::new(String::new());
    Effect::new(move |_| {
        let t = total.get();
        amount.set(format!("{}.{:02}", t.0 / 100, t.0 % 100));
    });
    // What the cashier typed, read as money: a typo is said next to the field, not in a toast.
    let tendered = Memo::new(move |_| amount.with(|a| Money::parse_yuan(a)));
    // More than the lines owe is change by default; prepayment only when the cashier says so.
    let to_prepaid = RwSignal::new(false);
    let excess = Memo::new(move |_| match tendered.get() {
        Ok(t) if t.0 > total.get().0 && total.get().0 > 0 => Some(t - total.get()),
        _ => None,
    });
    let method = RwSignal::new(PayMethod::Cash);
    let reason = RwSignal::new(String::new());
    let chosen = move || {
        let s = selected.get_untracked();
        lines.with_value(|ls| {
            ls.iter()
                .filter(|l| s.contains(&l.id.0))
                .map(|l| l.id)
                .collect::<Vec<BillLineId>>()
        })
    };
    let do_adjust = move |kind: AdjustKind| {
        adjust.dispatch(AdjustLines {
            kind,
            lines: chosen(),
            amount: None,
            reason: reason.get_untracked(),
        });
    };
    view! {
        <section class="card account" aria-label=move || i18n.t("billing.account")>
            <h2 class="account__title">{format!("{} {}", a.community, a.unit)} " " <span class="muted">{a.owners.clone()}</span></h2>
            <p class="muted">
                {move || i18n.t("billing.amount_due")} " " <strong>{(a.due + a.late_fees).to_string()}</strong>
                " · " {move || i18n.t("billing.prepaid")} " " {a.prepaid.to_string()}
                " · " {move || i18n.t("billing.deposits")} " " {a.deposits.to_string()}
            </p>
            {move || last_receipt.get().map(|(id, no)| view! {
                <p class="notice">{move || i18n.t("billing.paid_ok")} " " <a href=format!("/admin/billing/receipts/{id}") data-testid="receipt-link">{no}</a></p>
            })}
            {if a.open.is_empty() {
                view! { <p class="ok">{move || i18n.t("billing.all_paid")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table table--cards counter-lines">
                            <thead><tr>
                                <th><span class="sr-only">{move || i18n.t("billing.select")}</span></th>
                                <th>{move || i18n.t("billing.item")}</th>
                                <th>{move || i18n.t("billing.period")}</th>
                                <th class="num">{move || i18n.t("billing.outstanding")}</th>
                                <th class="num">{move || i18n.t("billing.late_fee")}</th>
                                <th>{move || i18n.t("billing.due")}</th>
                            </tr></thead>
                            <tbody>
                                {a.open.iter().map(|l| {
                                    let id = l.id.0;
                                    let notes = line_notes(i18n, l);
                                    view! {
                                        <tr class:overdue=l.overdue>
                                            <td data-label=move || i18n.t("billing.select")>
                                                <input type="checkbox" aria-label=format!("{} {}", l.item, l.period)
                                                    prop:checked=move || selected.with(|s| s.contains(&id))
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                                                    } />
                                            </td>
                                            <td data-label=move || i18n.t("billing.item")>{super::item_label(i18n, &l.item)}{(!notes.is_empty()).then(|| view! { <br /><small class="muted">{notes.clone()}</small> })}</td>
                                            <td data-label=move || i18n.t("billing.period")>{l.period.clone()}</td>
                                            <td class="num" data-label=move || i18n.t("billing.outstanding")>{l.outstanding.to_string()}</td>
                                            <td class="num" data-label=move || i18n.t("billing.late_fee")>{l.late_fee.to_string()}</td>
                                            <td data-label=move || i18n.t("billing.due")>{l.due_date.clone()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <form class="form pay-form" on:submit=move |ev| {
                        ev.prevent_default();
                        let Ok(t) = tendered.get_untracked() else { return };
                        // Change handed back is not booked: only what the lines owe is.
                        let booked = match excess.get_untracked() {
                            Some(_) if !to_prepaid.get_untracked() => total.get_untracked(),
                            _ => t,
                        };
                        let amount = format!("{}.{:02}", booked.0 / 100, booked.0 % 100);
                        pay.dispatch(TakePayment { unit, lines: chosen(), method: method.get_untracked(), amount, prepay_item: None, note: String::new(), idempotency_key: Some(pay_key.get_untracked()) });
                    }>
                        <div class="row">
                            <label class="field">
                                <span class="field__label">{move || i18n.t("billing.method")}</span>
                                <select class="input" name="method" on:change=move |ev| {
                                    if let Some(m) = PayMethod::parse(&event_target_value(&ev)) { method.set(m); }
                                }>
                                    {PayMethod::COUNTER.into_iter().map(|m| {
                                        let k = m.key();
                                        view! { <option value=m.code() selected=m == PayMethod::Cash>{move || i18n.t(&k)}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                            <label class="field">
                                <span class="field__label">{move || i18n.t("billing.tendered")}</span>
                                <input class="input" name="amount" inputmode="decimal" prop:value=move || amount.get()
                                    aria-invalid=move || tendered.get().is_err().to_string() aria-describedby="tendered-error"
                                    on:input=move |ev| amount.set(event_target_value(&ev)) />
                                <span class="field__error" id="tendered-error" role="alert" data-testid="tendered-error">
                                    {move || tendered.get().err().map(|e| i18n.t(e.key()))}
                                </span>
                            </label>
                        </div>
                        <p class="muted">{move || i18n.t("billing.selected_total")} " " <strong data-testid="selected-total">{move || total.get().to_string()}</strong></p>
                        {move || excess.get().map(|x| view! {
                            <div class="change-due">
                                <p class:muted=move || to_prepaid.get()>
                                    {move || i18n.t("billing.change_due")} " " <strong class="change-due__amount" data-testid="change-due">{move || if to_prepaid.get() { Money::ZERO.to_string() } else { x.to_string() }}</strong>
                                </p>
                                <label class="check">
                                    <input type="checkbox" data-testid="excess-to-prepaid" prop:checked=move || to_prepaid.get()
                                        on:change=move |ev| to_prepaid.set(event_target_checked(&ev)) />
                                    <span>{move || i18n.t("billing.excess_to_prepaid").replace("{amount}", &x.to_string())}</span>
                                </label>
                            </div>
                        })}
                        <button type="submit" class="btn btn--primary" disabled=move || { pay.pending().get() || tendered.get().is_err() }>{move || i18n.t("billing.take_payment")}</button>
                        " "
                        <a class="btn" href=format!("/admin/billing/notice/{unit}")>{move || i18n.t("billing.print_notice")}</a>
                    </form>
                    <details class="adjust">
                        <summary>{move || i18n.t("billing.adjust")}</summary>
                        <label class="field">
                            <span class="field__label">{move || i18n.t("billing.reason")}</span>
                            <input class="input" name="reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                        </label>
                        <div class="row">
                            <button type="button" class="btn" on:click=move |_| do_adjust(AdjustKind::LateFeeWaiver)>{move || i18n.t("billing.waive_late_fee")}</button>
                            <button type="button" class="btn" on:click=move |_| do_adjust(AdjustKind::Waiver)>{move || i18n.t("billing.waive")}</button>
                            <button type="button" class="btn btn--danger" on:click=move |_| do_adjust(AdjustKind::Reversal)>{move || i18n.t("billing.reverse_lines")}</button>
                        </div>
                    </details>
                }.into_any()
            }}
            {(!a.payments.is_empty()).then(|| {
                let ps = a.payments.clone();
                view! {
                    <h3>{move || i18n.t("billing.history")}</h3>
                    <PaymentList payments=ps.clone() base="/admin/billing/receipts" />
                    <details class="adjust">
                        <summary>{move || i18n.t("billing.reverse_payment")}</summary>
                        <label class="field">
                            <span class="field__label">{move || i18n.t("billing.reason")}</span>
                            <input class="input" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                        </label>
                        <ul class="list">
                            {ps.into_iter().filter(|p| !p.reversed && p.reverses.is_none() && p.method != PayMethod::Online).map(|p| {
                                let id = p.id;
                                view! {
                                    <li class="list__item">
                                        <span class="list__main">{p.receipt_no.clone()}</span>
                                        <strong>{p.amount.to_string()}</strong>
                                        <button type="button" class="btn btn--small btn--danger"
                                            on:click=move |_| { reverse.dispatch(ReversePayment { payment: id, reason: reason.get_untracked() }); }>
                                            {move || i18n.t("billing.reverse")}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </details>
                }
            })}
        </section>
    }
}

/// Deposits (押金) collected and refunded, and refunds of the prepaid balance.
#[component]
fn MoneyHeld(
    unit: i64,
    prepaid: Money,
    list: Vec<DepositRow>,
    collect: ServerAction<CollectDeposit>,
    refund: ServerAction<RefundDeposit>,
    refund_pre: ServerAction<RefundPrepaid>,
    keys: Keys,
) -> impl IntoView {
    let i18n = use_i18n();
    let u = unit.to_string();
    let u2 = u.clone();
    view! {
        <details class="card">
            <summary>{move || i18n.t("billing.money_held")}</summary>
            <h3>{move || i18n.t("billing.deposits")}</h3>
            <ul class="list">
                {list.into_iter().map(|d| {
                    let id = d.id.to_string();
                    view! {
                        <li class="list__item">
                            <span class="list__main">{d.purpose.clone()}</span>
                            <span class="muted">{d.receipt_no.clone()} " " {d.at.clone()}</span>
                            <strong>{d.amount.to_string()}</strong>
                            {if d.refunded {
                                view! { <span class="badge">{move || i18n.t("billing.refunded")}</span> }.into_any()
                            } else if d.refund {
                                ().into_any()
                            } else {
                                view! {
                                    <ActionForm action=refund attr:class="inline-form">
                                        <CsrfField />
                                        <input type="hidden" name="deposit" value=id />
                                        <button type="submit" class="btn btn--small">{move || i18n.t("billing.refund")}</button>
                                    </ActionForm>
                                }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ActionForm action=collect attr:class="form">
                <CsrfField />
                <input type="hidden" name="unit" value=u />
                <input type="hidden" name="method" value="cash" />
                <input type="hidden" name="idempotency_key" prop:value=move || keys.collect.get() />
                <div class="row">
                    <label class="field"><span class="field__label">{move || i18n.t("billing.purpose")}</span>
                        <input class="input" name="purpose" placeholder=move || i18n.t("billing.purpose_hint") required /></label>
                    <label class="field"><span class="field__label">{move || i18n.t("billing.amount")}</span>
                        <input class="input" name="amount" inputmode="decimal" required /></label>
                </div>
                <button type="submit" class="btn">{move || i18n.t("billing.collect_deposit")}</button>
            </ActionForm>
            <h3>{move || i18n.t("billing.prepaid")} " " {prepaid.to_string()}</h3>
            <ActionForm action=refund_pre attr:class="form">
                <CsrfField />
                <input type="hidden" name="unit" value=u2 />
                <input type="hidden" name="idempotency_key" prop:value=move || keys.refund_pre.get() />
                <div class="row">
                    <label class="field"><span class="field__label">{move || i18n.t("billing.amount")}</span>
                        <input class="input" name="amount" inputmode="decimal" required /></label>
                    <label class="field"><span class="field__label">{move || i18n.t("billing.reason")}</span>
                        <input class="input" name="note" /></label>
                </div>
                <button type="submit" class="btn">{move || i18n.t("billing.refund_prepaid")}</button>
            </ActionForm>
        </details>
    }
}

/// 缴费通知单: a unit's open lines with today's late fees, for printing.
#[component]
pub fn NoticePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let a = Resource::new(id, load_unit_account);
    view! {
        <Title text=move || i18n.t("billing.notice") />
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match a.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(a) => view! {
                    <article class="receipt notice-sheet">
                        <header class="receipt__head">
                            <h1>{a.office.clone()} " " {move || i18n.t("billing.notice")}</h1>
                            <p>{format!("{} {}", a.community, a.unit)} " " {a.owners.clone()}</p>
                        </header>
                        <table class="table receipt__lines">
                            <thead><tr>
                                <th>{move || i18n.t("billing.item")}</th>
                                <th>{move || i18n.t("billing.period")}</th>
                                <th>{move || i18n.t("billing.quantity")}</th>
                                <th class="num">{move || i18n.t("billing.outstanding")}</th>
                                <th class="num">{move || i18n.t("billing.late_fee")}</th>
                                <th>{move || i18n.t("billing.due")}</th>
                            </tr></thead>
                            <tbody>
                                {a.open.iter().map(|l| view! {
                                    <tr>
                                        <td>{super::item_label(i18n, &l.item)}</td>
                                        <td>{l.period.clone()}</td>
                                        <td>{l.quantity.clone()}</td>
                                        <td class="num">{l.outstanding.to_string()}</td>
                                        <td class="num">{l.late_fee.to_string()}</td>
                                        <td>{l.due_date.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <p class="receipt__total">{move || i18n.t("billing.amount_due")} " " <strong>{(a.due + a.late_fees).to_string()}</strong></p>
                        <p class="muted">{move || i18n.t("billing.notice_footer")}</p>
                        <button type="button" class="btn no-print" on:click=move |_| { let _ = window().print(); }>{move || i18n.t("billing.print")}</button>
                    </article>
                }.into_any(),
            }})}
        </Transition>
    }
}

/// 日结: the signed-in cashier's payments of a day, totalled by method.
#[component]
pub fn DayEndPage() -> impl IntoView {
    let i18n = use_i18n();
    let date = RwSignal::new(String::new());
    let d = Resource::new(move || date.get(), |d| load_day_end(d, None));
    view! {
        <Title text=move || i18n.t("billing.day_end") />
        <h1 class="page-title">{move || i18n.t("billing.day_end")}</h1>
        <div class="toolbar">
            <input class="input" type="date" aria-label=move || i18n.t("billing.date") on:change=move |ev| date.set(event_target_value(&ev)) />
        </div>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match d.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(d) if d.payments.is_empty() => view! { <EmptyState title="billing.no_payments_today" /> }.into_any(),
                Ok(d) => view! {
                    <section class="card">
                        <h2>{d.date.clone()} " · " {d.cashier.clone()}</h2>
                        <table class="table">
                            <thead><tr><th>{move || i18n.t("billing.method")}</th><th class="num">{move || i18n.t("billing.count")}</th><th class="num">{move || i18n.t("billing.amount")}</th></tr></thead>
                            <tbody>
                                {d.by_method.iter().map(|(m, n, t)| {
                                    let k = m.key();
                                    view! { <tr><td>{move || i18n.t(&k)}</td><td class="num">{*n}</td><td class="num">{t.to_string()}</td></tr> }
                                }).collect_view()}
                                <tr><th>{move || i18n.t("billing.total")}</th><td></td><th class="num" data-testid="day-total">{d.total.to_string()}</th></tr>
                            </tbody>
                        </table>
                        <PaymentList payments=d.payments.clone() base="/admin/billing/receipts" />
                        <button type="button" class="btn no-print" on:click=move |_| { let _ = window().print(); }>{move || i18n.t("billing.print")}</button>
                    </section>
                }.into_any(),
            }})}
        </Transition>
    }
}
