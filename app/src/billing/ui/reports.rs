//! 收费报表: receivable, received, arrears and aging, 收缴率 by org tree, building, item or
//! month; a bar chart of the rate; XLSX export.
use crate::billing::api::{billing_orgs, load_collection_report};
use crate::billing::model::CollectionReport;
use crate::shared::i18n::use_i18n;
use crate::shared::ids::OrgId;
use crate::shared::money::Money;
use crate::shared::ui::{ErrorState, Loading};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::billing::model::rate_label as rate;

/// Horizontal bars of the collection rate, one per row (an SVG drawn on the server).
#[component]
fn RateChart(r: CollectionReport) -> impl IntoView {
    let i18n = use_i18n();
    let rows: Vec<_> = r
        .rows
        .iter()
        .filter(|x| x.rate_bp.is_some())
        .take(30)
        .cloned()
        .collect();
    let h = 26 * rows.len() as i32 + 10;
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 600 {h}") role="img" aria-label=move || i18n.t("billing.rate_chart") preserveAspectRatio="xMinYMin meet">
                {rows.into_iter().enumerate().map(|(i, x)| {
                    let y = 26 * i as i32 + 5;
                    let w = x.rate_bp.unwrap_or(0) as i32 * 380 / 10_000;
                    view! {
                        <g>
                            <text x="0" y=y + 15 class="chart__label">{x.name.chars().take(10).collect::<String>()}</text>
                            <rect x="150" y=y width="380" height="18" class="chart__track" />
                            <rect x="150" y=y width=w height="18" class="chart__bar" />
                            <text x=155 + w y=y + 14 class="chart__value">{rate(x.rate_bp)}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption class="muted">{move || i18n.t("billing.rate_chart")}</figcaption>
        </figure>
    }
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let orgs = Resource::new(|| (), |_| billing_orgs());
    // Empty months mean "this year so far" (the server knows today's date in China).
    let org = RwSignal::new(None::<i64>);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let by = RwSignal::new("tree".to_string());
    let report = Resource::new(
        move || (org.get(), from.get(), to.get(), by.get()),
        |(o, f, t, b)| async move {
            // Until a scope is picked: the first node the caller may see (the select shows it).
            let o = match o {
                Some(o) => Some(o),
                None => billing_orgs().await?.first().map(|x| x.id.0),
            };
            match o {
                Some(o) => load_collection_report(OrgId(o), f, t, b).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text=move || i18n.t("billing.reports") />
        <h1 class="page-title">{move || i18n.t("billing.reports")}</h1>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let list = orgs.await.unwrap_or_default();
                let first = list.first().map(|o| o.id.0);
                view! {
                    <div class="toolbar">
                        <select class="input toolbar__select" aria-label=move || i18n.t("billing.scope") on:change=move |ev| org.set(event_target_value(&ev).parse().ok())>
                            {list.into_iter().map(|o| view! { <option value=o.id.0.to_string()>{format!("{}{}", "　".repeat(o.depth as usize), o.name)}</option> }).collect_view()}
                        </select>
                        <label class="field"><span class="field__label">{move || i18n.t("billing.from")}</span>
                            <input class="input toolbar__select" type="month" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev)) /></label>
                        <label class="field"><span class="field__label">{move || i18n.t("billing.to")}</span>
                            <input class="input toolbar__select" type="month" prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev)) /></label>
                        <select class="input toolbar__select" aria-label=move || i18n.t("billing.group_by") on:change=move |ev| by.set(event_target_value(&ev))>
                            {["tree", "building", "item", "period"].into_iter().map(|b| { let k = format!("billing.by_{b}"); view! { <option value=b>{move || i18n.t(&k)}</option> } }).collect_view()}
                        </select>
                        <a class="btn" download href=move || format!("/api/v1/billing/reports/collection.xlsx?org={}&from={}&to={}&by={}", org.get().or(first).unwrap_or(0), from.get(), to.get(), by.get())>
                            {move || i18n.t("billing.export")}
                        </a>
                    </div>
                }
            })}
        </Transition>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match report.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(None) => ().into_any(),
                Ok(Some(r)) => {
                    let total: Money = r.rows.iter().filter(|x| x.depth == 0).fold(Money::ZERO, |a, x| a + x.arrears);
                    view! {
                        <p class="muted">{move || i18n.t("billing.prepaid")} " " {r.prepaid.to_string()} " · " {move || i18n.t("billing.arrears")} " " {total.to_string()}</p>
                        <RateChart r=r.clone() />
                        <div class="table-wrap">
                            <table class="table table--cards report">
                                <thead><tr>
                                    <th>{move || i18n.t("billing.name")}</th>
                                    <th class="num">{move || i18n.t("billing.receivable")}</th>
                                    <th class="num">{move || i18n.t("billing.received")}</th>
                                    <th class="num">{move || i18n.t("billing.waived")}</th>
                                    <th class="num">{move || i18n.t("billing.arrears")}</th>
                                    <th class="num">{move || i18n.t("billing.rate")}</th>
                                    <th class="num">"0–30"</th><th class="num">"31–90"</th><th class="num">"91–180"</th><th class="num">">180"</th>
                                </tr></thead>
                                <tbody>
                                    {r.rows.into_iter().map(|x| view! {
                                        <tr>
                                            <td data-label=move || i18n.t("billing.name")>{format!("{}{}", "　".repeat(x.depth as usize), x.name)}</td>
                                            <td class="num" data-label=move || i18n.t("billing.receivable")>{x.receivable.to_string()}</td>
                                            <td class="num" data-label=move || i18n.t("billing.received")>{x.received.to_string()}</td>
                                            <td class="num" data-label=move || i18n.t("billing.waived")>{x.waived.to_string()}</td>
                                            <td class="num" data-label=move || i18n.t("billing.arrears")>{x.arrears.to_string()}</td>
                                            <td class="num" data-label=move || i18n.t("billing.rate")>{rate(x.rate_bp)}</td>
                                            {x.aging.iter().map(|a| view! { <td class="num" data-label=move || i18n.t("billing.aging")>{Money(*a).to_string()}</td> }).collect_view()}
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            }})}
        </Transition>
    }
}
