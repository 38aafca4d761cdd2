//! 工单报表: the daily report, completed work per technician (for performance pay) and
//! satisfaction, with an XLSX download of all three.
use crate::shared::i18n::use_i18n;
use crate::shared::money::fixed2;
use crate::shared::ui::{ErrorState, Loading};
use crate::tickets::api::service_reports;
use crate::tickets::model::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ServiceReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let today = crate::shared::time::today_cn();
    let date = move || query.with(|q| q.get("date")).unwrap_or_else(|| today.to_string());
    let month = move || {
        query
            .with(|q| q.get("period"))
            .and_then(|p| p.parse::<i32>().ok())
            .unwrap_or_else(|| crate::shared::period::period_of(today))
    };
    let data = Resource::new(move || (date(), month()), |(d, p)| service_reports(None, d, p));
    view! {
        <Title text=move || i18n.t("service.reports") />
        <h1 class="page-title">{move || i18n.t("service.reports")}</h1>
        <form class="toolbar filters" method="get">
            <label class="field">
                <span class="field__label">{move || i18n.t("service.report_date")}</span>
                <input class="input" type="date" name="date" value=date />
            </label>
            <label class="field">
                <span class="field__label">{move || i18n.t("service.report_month")}</span>
                <input class="input" name="period" inputmode="numeric" value=move || month().to_string() />
            </label>
            <button class="btn" type="submit">{move || i18n.t("common.search")}</button>
            <a class="btn" href=move || format!("/api/v1/service/reports?date={}&period={}&format=xlsx", date(), month()) download="">
                {move || i18n.t("service.download_xlsx")}
            </a>
        </form>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(b) => {
                        let d = b.daily.clone();
                        view! {
                            <section class="card">
                                <h2 class="card__title">{move || i18n.t("service.report_daily")} " " {d.date.clone()}</h2>
                                <dl class="facts report-figures">
                                    <dt>{move || i18n.t("service.report_created")}</dt><dd data-testid="daily-created">{d.created}</dd>
                                    <dt>{move || i18n.t("service.report_closed")}</dt><dd>{d.closed}</dd>
                                    <dt>{move || i18n.t("service.report_overdue")}</dt><dd>{d.overdue}</dd>
                                    <dt>{move || i18n.t("service.report_handled")}</dt><dd>{d.handled}</dd>
                                    <dt>{move || i18n.t("service.report_handle_rate")}</dt><dd>{percent(d.handled_in_time, d.handled)} "%"</dd>
                                    <dt>{move || i18n.t("service.report_responded")}</dt><dd>{d.responded}</dd>
                                    <dt>{move || i18n.t("service.report_respond_rate")}</dt><dd>{percent(d.responded_in_time, d.responded)} "%"</dd>
                                    {d.by_kind.iter().map(|(k, n)| { let key = k.key(); let n = *n; view! { <dt>{move || i18n.t(&key)}</dt><dd>{n}</dd> } }).collect_view()}
                                </dl>
                            </section>
                            <section class="card">
                                <h2 class="card__title">{move || i18n.t("service.report_technicians")}</h2>
                                <div class="table-wrap"><table class="table">
                                    <thead><tr>
                                        <th>{move || i18n.t("service.technician")}</th>
                                        <th>{move || i18n.t("service.report_completed")}</th>
                                        <th>{move || i18n.t("service.labour_minutes")}</th>
                                        <th>{move || i18n.t("service.report_in_time")}</th>
                                        <th>{move || i18n.t("service.report_avg_stars")}</th>
                                        <th>{move || i18n.t("service.report_charged")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {b.technicians.into_iter().map(|m| view! {
                                            <tr><td>{m.technician}</td><td>{m.completed}</td><td>{m.labour_minutes}</td><td>{m.in_time}</td>
                                            <td>{m.avg_stars_x100.map(fixed2).unwrap_or_else(|| "—".into())}</td><td>{fixed2(m.charged)}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                            </section>
                            <section class="card">
                                <h2 class="card__title">{move || i18n.t("service.report_satisfaction")}</h2>
                                <div class="table-wrap"><table class="table">
                                    <thead><tr>
                                        <th>{move || i18n.t("service.office")}</th>
                                        <th>{move || i18n.t("service.category")}</th>
                                        <th>{move || i18n.t("service.report_rated")}</th>
                                        <th>{move || i18n.t("service.report_satisfied")}</th>
                                        <th>{move || i18n.t("service.report_avg_stars")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {b.satisfaction.into_iter().map(|m| {
                                            let label = format!("{} · {}", i18n.t(&m.kind.key()), i18n.t(&category_key(&m.category)));
                                            view! {
                                                <tr><td>{m.office}</td><td>{label}</td><td>{m.rated}</td>
                                                <td>{m.satisfied} " (" {percent(m.satisfied, m.rated)} "%)"</td><td>{fixed2(m.avg_stars_x100)}</td></tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
