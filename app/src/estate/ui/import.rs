//! 导入/导出: staff check an XLSX workbook against the records (every error by sheet, row and
//! column), then import it all or nothing; the template and the unit export are links.
use crate::access::api::list_orgs;
use crate::estate::model::ImportReport;
use crate::org::model::OrgKind;
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{ErrorState, FormError, Loading};
use leptos::prelude::*;
use leptos_meta::Title;

/// Sends a workbook to an `/api/v1/imports/…` endpoint as the signed-in user and reads what
/// it answered: its report (dry run, commit, or refused rows) or an error.
#[cfg(feature = "hydrate")]
pub(crate) async fn upload_workbook<T: serde::de::DeserializeOwned>(
    url: &str,
    file: web_sys::File,
    locale: &str,
) -> Result<T, AppError> {
    crate::shared::ui::upload_file(url, &file, crate::shared::XLSX_TYPE, locale)
        .await
        .map_err(|e| match e {
            AppError::Validation { code, .. } if code == "err.body_too_large" => {
                AppError::validation("file", "err.xlsx_file_too_large")
            }
            e => e,
        })
}

/// 导入/导出: a workbook from another property system comes in after a dry run; the unit list
/// goes out in the same layout.
#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let orgs = Resource::new(|| (), |_| list_orgs());
    let chosen: RwSignal<Option<i64>> = RwSignal::new(None);
    let first_community: RwSignal<Option<i64>> = RwSignal::new(None);
    let community = Signal::derive(move || chosen.get().or_else(|| first_community.get()));
    let consent = RwSignal::new(false);
    let file_in = NodeRef::<leptos::html::Input>::new();
    let busy = RwSignal::new(false);
    // True after a dry run without errors for the inputs as they are now.
    let ready = RwSignal::new(false);
    let last: RwSignal<Option<(bool, ImportReport)>> = RwSignal::new(None);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let changed = move || {
        ready.set(false);
        last.set(None);
        error.set(None);
    };
    let run = move |dry_run: bool| {
        error.set(None);
        #[cfg(feature = "hydrate")]
        {
            let file = file_in.get().and_then(|i| i.files()).and_then(|l| l.get(0));
            let (Some(file), Some(c)) = (file, community.get_untracked()) else {
                error.set(Some(AppError::validation("file", "import.choose_file")));
                return;
            };
            let consent = consent.get_untracked();
            busy.set(true);
            leptos::task::spawn_local(async move {
                let url = format!("/api/v1/imports/records?community_id={c}&dry_run={dry_run}&id_consent={consent}");
                let r = upload_workbook::<ImportReport>(&url, file, i18n.code()).await;
                busy.set(false);
                match r {
                    Ok(rep) => {
                        ready.set(dry_run && rep.error_count == 0);
                        if rep.committed {
                            crate::shared::ui::toast(
                                i18n.t("import.done_toast").replace("{n}", &rep.units.to_string()),
                            );
                        }
                        last.set(Some((dry_run, rep)));
                    }
                    Err(e) => {
                        ready.set(false);
                        last.set(None);
                        error.set(Some(e));
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (dry_run, &file_in, &consent, &busy);
    };
    let err = Signal::derive(move || error.get());
    view! {
        <ImportHeader community />
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match orgs.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(list) => {
                        let list: Vec<_> = list.into_iter().filter(|o| o.kind == OrgKind::Community).collect();
                        first_community.set(list.first().map(|o| o.id.0));
                        view! {
                            <section class="card">
                                <form class="form import" on:submit=|ev| ev.prevent_default() novalidate>
                                    <FormError error=err />
                                    <div class="field">
                                        <label for="imp-community">{move || i18n.t("import.community")}</label>
                                        <select id="imp-community" on:change=move |ev| {
                                            chosen.set(event_target_value(&ev).parse().ok());
                                            changed();
                                        }>
                                            {list.into_iter().map(|o| view! { <option value=o.id.0.to_string()>{o.name}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="imp-file">{move || i18n.t("import.file")}</label>
                                        <input id="imp-file" type="file" node_ref=file_in on:change=move |_| changed()
                                            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
                                        <p class="field__hint">{move || i18n.t("import.file_hint")}</p>
                                    </div>
                                    <label class="check">
                                        <input type="checkbox" prop:checked=move || consent.get() on:change=move |ev| {
                                            consent.set(event_target_checked(&ev));
                                            changed();
                                        } />
                                        <span>
                                            {move || i18n.t("import.consent")}
                                            <small class="check__hint">{move || i18n.t("import.consent_hint")}</small>
                                        </span>
                                    </label>
                                    <div class="actions">
                                        <button type="button" class="btn" disabled=move || busy.get() on:click=move |_| run(true)>
                                            {move || i18n.t(if busy.get() { "common.working" } else { "import.dry_run" })}
                                        </button>
                                        <button type="button" class="btn btn--primary" disabled=move || busy.get() || !ready.get()
                                            on:click=move |_| run(false)>
                                            {move || i18n.t("import.commit")}
                                        </button>
                                    </div>
                                    <p class="field__hint">{move || i18n.t("import.commit_hint")}</p>
                                </form>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
        {move || last.get().map(|(dry_run, r)| view! { <ImportResult dry_run report=r /> })}
    }
    .into_any()
}

/// Title, purpose and the two downloads (template; units of the chosen community).
#[component]
fn ImportHeader(#[prop(into)] community: Signal<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let export_href = move || match community.get() {
        Some(c) => format!("/api/v1/units/export.xlsx?community_id={c}"),
        None => "/api/v1/units/export.xlsx".to_string(),
    };
    view! {
        <Title text=move || i18n.t("import.title") />
        <h1 class="page-title">{move || i18n.t("import.title")}</h1>
        <p class="muted">{move || i18n.t("import.intro")}</p>
        <div class="toolbar">
            <a class="btn" href="/api/v1/imports/records/template.xlsx" download="records-template.xlsx">
                {move || i18n.t("import.template")}
            </a>
            <a class="btn" href=export_href download="units.xlsx">{move || i18n.t("import.export")}</a>
        </div>
    }
    .into_any()
}

#[component]
fn ImportResult(dry_run: bool, report: ImportReport) -> impl IntoView {
    let i18n = use_i18n();
    let ok = report.error_count == 0;
    let headline = match (ok, dry_run, report.committed) {
        (_, _, true) => "import.created",
        (true, true, _) => "import.would_create",
        (false, true, _) => "import.checked_errors",
        (_, false, false) => "import.not_committed",
    };
    let counts = [
        ("import.buildings", report.buildings),
        ("import.units", report.units),
        ("import.persons", report.persons),
        ("import.occupancies", report.occupancies),
        ("import.spaces", report.spaces),
        ("import.vehicles", report.vehicles),
    ];
    let total = report.error_count;
    let listed = report.errors.len();
    view! {
        <section class="card import-result" aria-live="polite">
            <p class=if ok { "alert alert--ok" } else { "alert alert--error" } role="status">{move || i18n.t(headline)}</p>
            <dl class="facts">
                {counts.into_iter().map(|(k, n)| view! { <dt>{move || i18n.t(k)}</dt><dd>{n}</dd> }).collect_view()}
            </dl>
            {(!ok).then(|| view! {
                <p class="muted">
                    {move || i18n.t("import.error_count").replace("{n}", &total.to_string())}
                    {(listed < total as usize).then(|| view! { " " {move || i18n.t("import.shown_first").replace("{n}", &listed.to_string())} })}
                </p>
                <div class="table-wrap">
                    <table class="table table--cards import-errors">
                        <thead><tr>
                            <th>{move || i18n.t("import.sheet")}</th>
                            <th>{move || i18n.t("import.row")}</th>
                            <th>{move || i18n.t("import.column")}</th>
                            <th>{move || i18n.t("import.reason")}</th>
                        </tr></thead>
                        <tbody>
                            {report.errors.into_iter().map(|e| {
                                let row = if e.row == 0 { None } else { Some(e.row.to_string()) };
                                // The consent error names a request field, not a column.
                                let column = e.column;
                                let column = move || if column == "id_consent" { i18n.t("import.consent_column") } else { column.clone() };
                                view! {
                                    <tr>
                                        <td data-label=move || i18n.t("import.sheet")>{e.sheet}</td>
                                        <td data-label=move || i18n.t("import.row")>
                                            {row.unwrap_or_else(|| "—".into())}
                                        </td>
                                        <td data-label=move || i18n.t("import.column")>{column}</td>
                                        <td data-label=move || i18n.t("import.reason")>{e.message}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}
