//! Pages of online payments: the resident's pay button (on 缴费), the page the provider sends
//! the resident back to, and the staff list with refunds and reconciliation.
use super::api::{
    list_online_payments, load_checkout, ReconcilePayments, RefundOnlinePayment, ResolveOnlineDispute,
    StartOnlinePayment,
};
use super::model::{CheckoutStatus, CheckoutView, DisputeResolution, RefundStatus};
use crate::access::model::Me;
use crate::access::ui::RequireLogin;
use crate::billing::model::LineRow;
pub use crate::billing::ui::Picked;
use crate::shared::i18n::use_i18n;
use crate::shared::ids::BillLineId;
use crate::shared::money::Money;
use crate::shared::ui::{toast, CsrfField, EmptyState, ErrorState, Loading, ResidentShell};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// "Pay online ¥x": opens a checkout for the ticked lines and goes to the provider's page.
#[component]
pub fn PayOnline(unit: i64, lines: Vec<LineRow>, picked: Picked) -> impl IntoView {
    let i18n = use_i18n();
    let start = ServerAction::<StartOnlinePayment>::new();
    Effect::new(move |_| match start.value().get() {
        Some(Ok(v)) => {
            let to = v.url.clone().unwrap_or_else(|| format!("/pay/online/{}", v.id));
            let _ = window().location().set_href(&to);
        }
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    let owed: Vec<(i64, i64)> = lines.iter().map(|l| (l.id.0, l.outstanding.0 + l.late_fee.0)).collect();
    let total = move || picked.with(|p| Money(owed.iter().filter(|(id, _)| p.contains(id)).map(|(_, a)| a).sum()));
    // A real form too: before the WASM arrives the button posts it (the ticked boxes and a
    // line's 只缴这一笔 belong to it through `form=`), and the server sends the phone on to pay.
    let action = <StartOnlinePayment as leptos::server_fn::ServerFn>::PATH;
    let failed = move || {
        start
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.localized(i18n.code()))
    };
    view! {
        <form class="pay-online" id=crate::billing::ui::pay_form_id(unit) method="post" action=action>
            <CsrfField />
            <input type="hidden" name="unit" value=unit.to_string() />
            <button type="submit" class="btn btn--primary btn--block" data-testid="pay-online"
                disabled=move || picked.with(|p| p.is_empty()) || start.pending().get()
                on:click=move |ev| {
                    ev.prevent_default();
                    let mut lines: Vec<BillLineId> = picked.get_untracked().into_iter().map(BillLineId).collect();
                    lines.sort_by_key(|l| l.0);
                    start.dispatch(StartOnlinePayment { unit, lines, only: None });
                }>
                {move || i18n.t("payments.pay_online")} " " {move || total().to_string()}
            </button>
            <p class="muted small">{move || i18n.t("payments.selected").replace("{n}", &picked.with(|p| p.len()).to_string())}</p>
            {move || failed().map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
        </form>
    }
}

fn status_key(s: CheckoutStatus) -> String {
    format!("payments.status_{s}")
}

fn refund_key(s: RefundStatus) -> String {
    format!("payments.refund_{s}")
}

/// Where the provider sends the resident back: the checkout's state, updated until final.
#[component]
pub fn CheckoutPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let tick = RwSignal::new(0u32);
    let ck = Resource::new(move || (id(), tick.get()), |(id, _)| load_checkout(id));
    // Until the provider's event arrives the checkout is open or processing: look again.
    Effect::new(move |_| {
        if let Some(Ok(v)) = ck.get() {
            if !v.is_final() && tick.get_untracked() < 150 {
                set_timeout(move || tick.update(|t| *t += 1), std::time::Duration::from_secs(2));
            }
        }
    });
    view! {
        <Title text=move || i18n.t("payments.title") />
        <ResidentShell>
            <header class="page-head"><h1>{move || i18n.t("payments.title")}</h1></header>
            <RequireLogin f=move |_me: Me| view! {
                <Transition fallback=Loading>
                    {move || Suspend::new(async move { match ck.await {
                        Err(e) => view! { <ErrorState error=e /> }.into_any(),
                        Ok(v) => view! { <CheckoutCard v /> }.into_any(),
                    }})}
                </Transition>
            } />
        </ResidentShell>
    }
}

#[component]
fn CheckoutCard(v: CheckoutView) -> impl IntoView {
    let i18n = use_i18n();
    let sk = status_key(v.status);
    let mk = format!("payments.msg_{}", v.status);
    let paid = v.status == CheckoutStatus::Paid;
    let open = v.status == CheckoutStatus::Open;
    view! {
        <section class="card checkout" aria-live="polite">
            <p class="checkout__status">
                <span class="badge" class:badge--ok=paid data-testid="checkout-status">{move || i18n.t(&sk)}</span>
            </p>
            <p class="checkout__amount"><strong>{v.amount.to_string()}</strong></p>
            <p>{move || i18n.t(&mk)}</p>
            <p class="muted">
                {v.unit.clone()}
                {(!v.receipt_no.is_empty()).then(|| view! { " · " {move || i18n.t("payments.receipt")} " " {v.receipt_no.clone()} })}
            </p>
            <ul class="list">
                {v.lines.iter().map(|l| view! {
                    <li class="list__item">
                        <span class="list__main">{crate::billing::ui::item_label(i18n, &l.item)} " " <span class="muted">{l.period.clone()}</span></span>
                        {(l.late_fee.0 > 0).then(|| view! {
                            <span class="muted">{move || i18n.t("billing.late_fee")} " " {l.late_fee.to_string()}</span>
                        })}
                        <strong>{(l.principal + l.late_fee).to_string()}</strong>
                    </li>
                }).collect_view()}
            </ul>
            {(!v.note.is_empty()).then(|| view! { <p class="notice">{v.note.clone()}</p> })}
            <div class="actions">
                {v.payment_id.map(|p| view! {
                    <a class="btn btn--primary btn--block" data-testid="checkout-receipt" href=format!("/pay/receipts/{}", p.0)>
                        {move || i18n.t("payments.view_receipt")}
                    </a>
                })}
                {open.then(|| v.url.clone()).flatten().map(|u| view! {
                    <a class="btn btn--primary btn--block" href=u>{move || i18n.t("payments.go_pay")}</a>
                })}
                <a class="btn btn--block" href="/pay">{move || i18n.t("payments.back")}</a>
            </div>
        </section>
    }
}

/// 在线支付 (staff): recent online checkouts in scope, refunds, reconciliation.
#[component]
pub fn OnlinePaymentsPage() -> impl IntoView {
    let i18n = use_i18n();
    // `?status=disputed` (the link in a dispute notice) opens the list filtered.
    let query = leptos_router::hooks::use_query_map();
    let status = RwSignal::new(query.with_untracked(|q| q.get("status").and_then(|s| CheckoutStatus::parse(&s))));
    let refund = ServerAction::<RefundOnlinePayment>::new();
    let reconcile = ServerAction::<ReconcilePayments>::new();
    let resolve = ServerAction::<ResolveOnlineDispute>::new();
    let list = Resource::new(
        move || {
            (
                status.get(),
                refund.version().get(),
                reconcile.version().get(),
                resolve.version().get(),
            )
        },
        |(s, _, _, _)| list_online_payments(s),
    );
    Effect::new(move |_| match resolve.value().get() {
        Some(Ok(_)) => toast(i18n.t("common.saved")),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    Effect::new(move |_| match refund.value().get() {
        Some(Ok(v)) => toast(v.refund.map(|r| i18n.t(&refund_key(r))).unwrap_or_default()),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    Effect::new(move |_| match reconcile.value().get() {
        Some(Ok(r)) => toast(
            i18n.t("payments.reconciled")
                .replace("{fetched}", &r.fetched.to_string())
                .replace("{applied}", &r.applied.to_string())
                .replace("{settled}", &r.settled.to_string()),
        ),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    view! {
        <Title text=move || i18n.t("payments.admin_title") />
        <h1 class="page-title">{move || i18n.t("payments.admin_title")}</h1>
        <div class="toolbar">
            <label class="field field--inline">
                <span class="field__label">{move || i18n.t("admin.status")}</span>
                <select class="input" on:change=move |ev| status.set(CheckoutStatus::parse(&event_target_value(&ev)))>
                    <option value="">{move || i18n.t("payments.all")}</option>
                    {CheckoutStatus::ALL.iter().filter(|s| **s != CheckoutStatus::Creating).map(|s| {
                        let k = status_key(*s);
                        let on = status.get_untracked() == Some(*s);
                        view! { <option value=s.code() selected=on>{move || i18n.t(&k)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <ActionForm action=reconcile attr:class="inline-form">
                <CsrfField />
                <button type="submit" class="btn">{move || i18n.t("payments.reconcile")}</button>
            </ActionForm>
        </div>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match list.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(l) if l.is_empty() => view! { <EmptyState title="payments.none" body="payments.online_off_staff" icon="¥" /> }.into_any(),
                Ok(l) => view! {
                    <ul class="list online-list">
                        {l.into_iter().map(|v| view! { <OnlineRow v refund resolve /> }).collect_view()}
                    </ul>
                }.into_any(),
            }})}
        </Transition>
    }
}

#[component]
fn OnlineRow(
    v: CheckoutView,
    refund: ServerAction<RefundOnlinePayment>,
    resolve: ServerAction<ResolveOnlineDispute>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sk = status_key(v.status);
    let rk = v.refund.map(refund_key).unwrap_or_default();
    let has_refund = v.refund.is_some();
    let paid = v.status == CheckoutStatus::Paid;
    let can_refund = paid && matches!(v.refund, None | Some(RefundStatus::Requested));
    let disputed = v.status == CheckoutStatus::Disputed;
    let id = v.id.to_string();
    let resolution = v.resolution.map(|r| format!("payments.resolution_{r}"));
    view! {
        <li class="list__item online-row">
            <span class="list__main">{v.unit.clone()}</span>
            <span class="muted">{v.created_at.clone()} " · " {v.provider.clone()}</span>
            <span class="badge" class:badge--ok=paid>{move || i18n.t(&sk)}</span>
            {has_refund.then(|| view! { <span class="badge badge--warn">{move || i18n.t(&rk)}</span> })}
            <strong>{v.amount.to_string()}</strong>
            {v.payment_id.map(|p| view! {
                <a href=format!("/admin/billing/receipts/{}", p.0)>{v.receipt_no.clone()}</a>
            })}
            {(!v.note.is_empty()).then(|| view! { <span class="notice small">{move || i18n.t("payments.note")} ": " {v.note.clone()}</span> })}
            {(!v.refund_error.is_empty()).then(|| view! { <span class="notice small">{v.refund_error.clone()}</span> })}
            {(!v.dispute.is_empty()).then(|| view! {
                <span class="notice small" data-testid="dispute">{move || i18n.t("payments.dispute")} ": " {v.dispute.clone()}</span>
            })}
            {resolution.map(|k| view! { <span class="badge">{move || i18n.t(&k)}</span> })}
            {disputed.then(|| view! {
                <details class="online-row__refund" open>
                    <summary>{move || i18n.t("payments.resolve")}</summary>
                    <ActionForm action=resolve attr:class="form">
                        <CsrfField />
                        <input type="hidden" name="checkout" value=id />
                        <label class="field"><span class="field__label">{move || i18n.t("payments.resolution")}</span>
                            <select class="input" name="resolution">
                                {DisputeResolution::ALL.iter().map(|r| {
                                    let k = format!("payments.resolve_{r}");
                                    view! { <option value=r.code()>{move || i18n.t(&k)}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <label class="field"><span class="field__label">{move || i18n.t("payments.resolve_note")}</span>
                            <input class="input" name="note" required maxlength="200" /></label>
                        <button type="submit" class="btn btn--primary">{move || i18n.t("payments.resolve_confirm")}</button>
                    </ActionForm>
                </details>
            })}
            {v.payment_id.filter(|_| can_refund).map(|p| view! {
                <details class="online-row__refund">
                    <summary>{move || i18n.t("payments.refund")}</summary>
                    <ActionForm action=refund attr:class="form">
                        <CsrfField />
                        <input type="hidden" name="payment" value=p.0.to_string() />
                        <label class="field"><span class="field__label">{move || i18n.t("payments.refund_reason")}</span>
                            <input class="input" name="reason" required maxlength="200" /></label>
                        <button type="submit" class="btn btn--danger-ghost">{move || i18n.t("payments.refund_confirm")}</button>
                    </ActionForm>
                </details>
            })}
        </li>
    }
}
