//! 抄表: a community's (or one building's) meters for a month, walked on a phone — the last
//! reading, a large numeric entry saved row by row with its usage and flag, read-only once
//! the month is billed or closed; adding a meter; importing a month's readings from Excel.
use crate::billing::api::{billing_orgs, load_meter_sheet, record_meter_reading, AddMeter};
use crate::billing::charge::{add_months, parse_period, period_label};
use crate::billing::model::{MeterItem, MeterLine, MeterSheet, ReadingImportReport, ReadingRow};
use crate::org::model::OrgKind;
use crate::shared::error::AppError;
use crate::shared::i18n::{use_i18n, I18n};
use crate::shared::ids::OrgId;
use crate::shared::money::{fixed2, parse_fixed2};
use crate::shared::ui::{toast, EmptyState, ErrorState, FormError, Loading};
use leptos::prelude::*;
use leptos_meta::Title;

fn kind_key(kind: &str) -> String {
    format!("billing.meter_kind_{kind}")
}

/// The error of the last attempt, if it concerns `field`, in words.
fn field_msg(i18n: I18n, err: RwSignal<Option<AppError>>, field: &'static str) -> impl Fn() -> Option<String> + Copy {
    move || {
        err.get()
            .filter(|e| e.field() == Some(field))
            .map(|e| e.localized(i18n.code()))
    }
}

/// Moves the focus to the next meter's entry after a save, so readings go in one after
/// another without scrolling.
fn focus_next(after: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(list) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector_all(".meter__input").ok())
        else {
            return;
        };
        let inputs: Vec<web_sys::HtmlInputElement> = (0..list.length())
            .filter_map(|i| {
                list.item(i)
                    .and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
            })
            .collect();
        if let Some(pos) = inputs.iter().position(|i| i.id() == after) {
            if let Some(next) = inputs.get(pos + 1) {
                let _ = next.focus();
                next.select();
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = after;
}

/// What outlives a reload of the sheet (after an import or a new meter): the import's report
/// and which sections are open.
#[derive(Clone, Copy)]
struct PageState {
    reload: RwSignal<u32>,
    import_result: RwSignal<Option<ReadingImportReport>>,
    import_open: RwSignal<bool>,
    add_open: RwSignal<bool>,
}

/// Keeps a `<details>` open state in a signal, so a re-render does not fold it.
fn toggled(ev: leptos::ev::Event) -> bool {
    event_target::<leptos::web_sys::HtmlElement>(&ev).has_attribute("open")
}

/// 抄表: pick a community, a building and a month; enter readings meter by meter.
#[component]
pub fn MetersPage() -> impl IntoView {
    let i18n = use_i18n();
    let orgs = Resource::new(|| (), |_| billing_orgs());
    let community: RwSignal<Option<i64>> = RwSignal::new(None);
    let building: RwSignal<Option<i64>> = RwSignal::new(None);
    // Empty: this month (the server knows today's date in China).
    let period = RwSignal::new(String::new());
    let st = PageState {
        reload: RwSignal::new(0u32),
        import_result: RwSignal::new(None),
        import_open: RwSignal::new(false),
        add_open: RwSignal::new(false),
    };
    // Another community or month: the last import's report no longer applies.
    Effect::new(move |_| {
        community.track();
        period.track();
        st.import_result.set(None);
    });
    let sheet = Resource::new(
        move || (community.get(), building.get(), period.get(), st.reload.get()),
        |(c, b, p, _)| async move {
            // Until a community is picked: the first one the caller may see (the select shows it).
            let c = match c {
                Some(c) => Some(c),
                None => billing_orgs()
                    .await?
                    .into_iter()
                    .find(|o| o.kind == OrgKind::Community)
                    .map(|o| o.id.0),
            };
            match c {
                Some(c) => load_meter_sheet(OrgId(c), b, p).await.map(Some),
                None => Ok(None),
            }
        },
    );
    // What the toolbar shows once a sheet has loaded: the community's buildings and the month.
    // Filled by an effect, so only in the browser and after hydration: the toolbar and the sheet
    // are separate boundaries, and whether the server rendered the toolbar before or after the
    // sheet arrived would otherwise decide its markup, which hydration must find unchanged.
    let buildings = RwSignal::new(Vec::<(i64, String)>::new());
    let shown_period = RwSignal::new(String::new());
    Effect::new(move |_| {
        sheet.with(|loaded| {
            let Some(Ok(Some(s))) = loaded else { return };
            // Set only on a change: the selects keep their options (and the choice).
            let bs: Vec<(i64, String)> = s.buildings.iter().map(|b| (b.id, b.code.clone())).collect();
            if buildings.with_untracked(|b| *b != bs) {
                buildings.set(bs);
            }
            if shown_period.with_untracked(|p| *p != s.period) {
                shown_period.set(s.period.clone());
            }
        })
    });
    let step = move |n: i32| {
        let now = parse_period(&shown_period.get_untracked());
        if let Some(p) = now {
            period.set(period_label(add_months(p, n)));
        }
    };
    view! {
        <Title text=move || i18n.t("billing.meters") />
        <h1 class="page-title">{move || i18n.t("billing.meters")}</h1>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let list: Vec<_> = orgs.await.unwrap_or_default().into_iter().filter(|o| o.kind == OrgKind::Community).collect();
                if list.is_empty() {
                    return view! { <EmptyState title="billing.no_communities" /> }.into_any();
                }
                view! {
                    <div class="toolbar meter-filters">
                        <label class="field">
                            <span class="field__label">{move || i18n.t("records.community")}</span>
                            <select class="input" id="meter-community" on:change=move |ev| {
                                community.set(event_target_value(&ev).parse().ok());
                                building.set(None);
                            }>
                                {list.into_iter().map(|o| view! { <option value=o.id.0.to_string()>{o.name}</option> }).collect_view()}
                            </select>
                        </label>
                        <label class="field">
                            <span class="field__label">{move || i18n.t("billing.building")}</span>
                            <select class="input" on:change=move |ev| building.set(event_target_value(&ev).parse().ok())>
                                <option value="" selected=move || building.get().is_none()>{move || i18n.t("billing.all_buildings")}</option>
                                {move || buildings.get().into_iter().map(|(id, code)| {
                                    let label = i18n.t("billing.building_n").replace("{code}", &code);
                                    view! { <option value=id.to_string() selected=move || building.get() == Some(id)>{label}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <div class="field meter-month">
                            <label for="meter-month" class="field__label">{move || i18n.t("billing.reading_month")}</label>
                            <div class="meter-month__row">
                                <button type="button" class="btn btn--ghost" on:click=move |_| step(-1)
                                    aria-label=move || i18n.t("billing.prev_month")>"‹"</button>
                                <input class="input" type="month" id="meter-month" required
                                    prop:value=move || shown_period.get()
                                    on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        if parse_period(&v).is_some() { period.set(v); }
                                    } />
                                <button type="button" class="btn btn--ghost" on:click=move |_| step(1)
                                    aria-label=move || i18n.t("billing.next_month")>"›"</button>
                            </div>
                        </div>
                    </div>
                }.into_any()
            })}
        </Transition>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match sheet.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Ok(Some(s)) => view! { <Sheet s st /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

/// The month's meters, their entries, and the forms to add a meter and import readings.
#[component]
fn Sheet(s: MeterSheet, st: PageState) -> impl IntoView {
    let i18n = use_i18n();
    let q = RwSignal::new(String::new());
    let todo_only = RwSignal::new(false);
    let total = s.meters.len();
    let tally = Tally {
        done: RwSignal::new(s.meters.iter().filter(|m| m.reading.is_some()).map(|m| m.id).collect()),
        flagged: RwSignal::new(s.meters.iter().filter(|m| m.anomaly.is_some()).map(|m| m.id).collect()),
    };
    let summary = move || {
        let (done, flagged) = (tally.done.with(|d| d.len()), tally.flagged.with(|f| f.len()));
        i18n.t("billing.meters_summary")
            .replace("{n}", &total.to_string())
            .replace("{done}", &done.to_string())
            .replace("{todo}", &total.saturating_sub(done).to_string())
            .replace("{flagged}", &flagged.to_string())
    };
    let period = s.period.clone();
    let closed_note = {
        let p = period.clone();
        move || i18n.t("billing.month_closed").replace("{month}", &p)
    };
    let editable = s.can_record && !s.closed;
    let lines = s.meters.clone();
    let visible = move |m: &MeterLine| {
        let needle = q.get().trim().to_uppercase();
        (needle.is_empty()
            || m.code.to_uppercase().contains(&needle)
            || m.unit.as_deref().is_some_and(|u| u.to_uppercase().contains(&needle)))
            && (!todo_only.get() || m.reading.is_none())
    };
    let community = s.community_id;
    view! {
        {s.closed.then(|| view! { <p class="alert alert--warn" role="status"><LockIcon /> {closed_note}</p> })}
        {(!s.can_record && !s.closed).then(|| view! { <p class="alert alert--info">{move || i18n.t("billing.readings_view_only")}</p> })}
        <p class="meter-summary muted">{summary}</p>
        {if total == 0 {
            view! { <EmptyState title="billing.no_meters" body="billing.no_meters_hint" /> }.into_any()
        } else {
            view! {
                <div class="toolbar meter-search">
                    <label class="sr-only" for="meter-q">{move || i18n.t("billing.find_meter")}</label>
                    <input id="meter-q" class="input" type="search" placeholder=move || i18n.t("billing.find_meter")
                        on:input=move |ev| q.set(event_target_value(&ev)) />
                    <label class="check meter-search__todo">
                        <input type="checkbox" on:change=move |ev| todo_only.set(event_target_checked(&ev)) />
                        <span>{move || i18n.t("billing.todo_only")}</span>
                    </label>
                </div>
                <ul class="meters" aria-label=move || i18n.t("billing.meters")>
                    {lines.into_iter().map(|m| {
                        let shown = m.clone();
                        let period = period.clone();
                        view! {
                            <Show when=move || visible(&shown)>
                                <MeterCard m=m.clone() period=period.clone() editable tally />
                            </Show>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <ImportReadings community period=s.period.clone() editable st />
        {s.can_manage.then(|| view! { <AddMeterForm community buildings=s.buildings.iter().map(|b| (b.id, b.code.clone())).collect() items=s.items.clone() st /> })}
    }
    .into_any()
}

/// Which meters of the sheet have a reading, and which are flagged, as entries are saved.
#[derive(Clone, Copy)]
struct Tally {
    done: RwSignal<std::collections::HashSet<i64>>,
    flagged: RwSignal<std::collections::HashSet<i64>>,
}

/// The month's reading of a meter as stored.
#[derive(Debug, Clone, PartialEq)]
struct Saved {
    reading: i64,
    usage: i64,
    anomaly: Option<String>,
}

/// A padlock before why something can no longer change (drawn, not an emoji: phones without
/// a colour-emoji font show a box).
#[component]
fn LockIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
            <path fill="currentColor" d="M4 7V5a4 4 0 1 1 8 0v2h.5A1.5 1.5 0 0 1 14 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 13.5v-5A1.5 1.5 0 0 1 3.5 7H4Zm2 0h4V5a2 2 0 1 0-4 0v2Z" />
        </svg>
    }
}

/// How a meter is labelled: its unit, or the building (or community) a shared meter serves.
fn meter_title(i18n: I18n, m: &MeterLine) -> String {
    match (&m.unit, &m.building) {
        (Some(u), _) => u.clone(),
        (None, Some(b)) => i18n
            .t("billing.shared_meter_of")
            .replace("{building}", &i18n.t("billing.building_n").replace("{code}", b)),
        (None, None) => i18n.t("billing.shared_meter_all"),
    }
}

/// One meter: what it measured last time, and this month's entry (or why it is frozen).
#[component]
fn MeterCard(m: MeterLine, period: String, editable: bool, tally: Tally) -> impl IntoView {
    let i18n = use_i18n();
    let input_id = format!("rd-{}", m.id);
    let out_id = format!("rd-{}-out", m.id);
    let value = RwSignal::new(m.reading.map(fixed2).unwrap_or_default());
    let saved: RwSignal<Option<Saved>> = RwSignal::new(m.reading.map(|r| Saved {
        reading: r,
        usage: m.usage.unwrap_or(0),
        anomaly: m.anomaly.clone(),
    }));
    // True once this card saved in this visit (the result is announced, not just shown).
    let just_saved = RwSignal::new(false);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let prev = m.prev_reading;
    let meter = m.id;
    let save = Action::new(move |(reading, period): &(String, String)| {
        let (reading, period) = (reading.clone(), period.clone());
        async move { record_meter_reading(meter, period, reading).await }
    });
    let focus_after = input_id.clone();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(r)) => {
            let r: ReadingRow = r;
            value.set(fixed2(r.reading));
            tally.done.update(|d| {
                d.insert(meter);
            });
            tally.flagged.update(|f| {
                if r.anomaly.is_some() {
                    f.insert(meter);
                } else {
                    f.remove(&meter);
                }
            });
            saved.set(Some(Saved {
                reading: r.reading,
                usage: r.usage,
                anomaly: r.anomaly,
            }));
            error.set(None);
            just_saved.set(true);
            focus_next(&focus_after);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let busy = save.pending();
    // The usage the typed reading would give, before it is saved.
    let preview = move || {
        let typed = parse_fixed2(value.get().trim())?;
        let unchanged = saved.with(|s| s.as_ref().is_some_and(|s| s.reading == typed));
        (!unchanged).then_some(())?;
        prev.map(|p| typed - p)
    };
    let title = meter_title(i18n, &m);
    let kind = kind_key(&m.kind);
    let prev_text = match (&m.prev_period, m.prev_reading) {
        (Some(p), Some(r)) => {
            let (p, r) = (p.clone(), fixed2(r));
            view! { <span>{move || i18n.t("billing.prev_reading").replace("{month}", &p)}</span> " " <strong class="meter__num">{r}</strong> }.into_any()
        }
        _ => view! { <span>{move || i18n.t("billing.first_reading")}</span> }.into_any(),
    };
    let apportion = format!("billing.apportion_{}", m.apportion);
    let shared = m.shared;
    let frozen = m.frozen.clone();
    let err_msg = move || error.get().map(|e| e.localized(i18n.code()));
    let label = {
        let t = title.clone();
        move || format!("{} {}", t, i18n.t("billing.this_reading"))
    };
    view! {
        <li class="meter" class:meter--done=move || saved.get().is_some() class:meter--flag=move || saved.get().is_some_and(|s| s.anomaly.is_some())>
            <div class="meter__head">
                <span class="meter__title">{title.clone()}</span>
                <span class="badge">{move || i18n.t(&kind)}</span>
                {shared.then(|| view! { <span class="badge badge--info">{move || i18n.t(&apportion)}</span> })}
            </div>
            <p class="meter__meta muted">
                <span class="mono">{m.code.clone()}</span> " · " {m.item.clone()}
            </p>
            <p class="meter__prev">{prev_text}</p>
            {match frozen {
                Some(reason) => view! {
                    <p class="meter__frozen">
                        <span>{move || i18n.t("billing.this_reading")}</span> " "
                        <strong class="meter__num">{m.reading.map(fixed2).unwrap_or_else(|| "—".into())}</strong>
                        {m.usage.map(|u| view! { " · " {move || i18n.t("billing.usage")} " " <strong class="meter__num">{fixed2(u)}</strong> })}
                        <span class="meter__lock"><LockIcon /> {move || i18n.t(&reason)}</span>
                    </p>
                }.into_any(),
                None if !editable => view! {
                    <p class="meter__frozen">
                        <span>{move || i18n.t("billing.this_reading")}</span> " "
                        <strong class="meter__num">{m.reading.map(fixed2).unwrap_or_else(|| "—".into())}</strong>
                        {m.usage.map(|u| view! { " · " {move || i18n.t("billing.usage")} " " <strong class="meter__num">{fixed2(u)}</strong> })}
                    </p>
                }.into_any(),
                None => view! {
                    <form class="meter__form" novalidate on:submit=move |ev| {
                        ev.prevent_default();
                        error.set(None);
                        just_saved.set(false);
                        save.dispatch((value.get_untracked(), period.clone()));
                    }>
                        <label class="sr-only" for=input_id.clone()>{label}</label>
                        <div class="meter__entry">
                            <input id=input_id.clone() class="input meter__input" type="text" inputmode="decimal"
                                autocomplete="off" enterkeyhint="next" placeholder=move || i18n.t("billing.this_reading")
                                value=value.get_untracked() prop:value=move || value.get()
                                on:input=move |ev| { value.set(event_target_value(&ev)); just_saved.set(false); }
                                aria-invalid=move || error.get().is_some().then_some("true")
                                aria-describedby=out_id.clone() />
                            <button type="submit" class="btn btn--primary meter__save" disabled=move || busy.get()>
                                {move || i18n.t(if busy.get() { "common.working" } else { "common.save" })}
                            </button>
                        </div>
                        <p class="meter__out" id=out_id aria-live="polite">
                            {move || match (err_msg(), preview(), saved.get()) {
                                (Some(e), _, _) => view! { <span class="meter__error">{e}</span> }.into_any(),
                                (None, Some(u), _) => view! {
                                    <span class="muted">{move || i18n.t("billing.usage_preview")} " " {fixed2(u)}</span>
                                    {(u < 0).then(|| view! { " " <span class="badge badge--warn">{move || i18n.t("billing.anomaly_negative")}</span> })}
                                }.into_any(),
                                (None, None, Some(r)) => {
                                    let flag = r.anomaly.clone().map(|a| format!("billing.anomaly_{a}"));
                                    view! {
                                        <span class=move || if just_saved.get() { "ok" } else { "muted" }>
                                            {move || if just_saved.get() { i18n.t("billing.reading_saved") } else { i18n.t("billing.reading_entered") }}
                                        </span>
                                        " · " {move || i18n.t("billing.usage")} " "
                                        <strong class="meter__num" data-testid="usage">{fixed2(r.usage)}</strong>
                                        {flag.map(|k| view! { " " <span class="badge badge--warn" data-testid="anomaly">{move || i18n.t(&k)}</span> })}
                                    }.into_any()
                                }
                                (None, None, None) => ().into_any(),
                            }}
                        </p>
                    </form>
                }.into_any(),
            }}
        </li>
    }
    .into_any()
}

/// 批量导入: the community's template (its meters and last readings), then the filled-in
/// file, stored all or nothing.
#[component]
fn ImportReadings(community: OrgId, period: String, editable: bool, st: PageState) -> impl IntoView {
    let i18n = use_i18n();
    let file_in = NodeRef::<leptos::html::Input>::new();
    let busy = RwSignal::new(false);
    let result = st.import_result;
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let template = format!(
        "/api/v1/imports/readings/template.xlsx?community_id={}&period={}",
        community.0, period
    );
    let upload = {
        let period = period.clone();
        move || {
            error.set(None);
            result.set(None);
            #[cfg(feature = "hydrate")]
            {
                let Some(file) = file_in.get().and_then(|i| i.files()).and_then(|l| l.get(0)) else {
                    error.set(Some(AppError::validation("file", "import.choose_file")));
                    return;
                };
                let url = format!(
                    "/api/v1/imports/readings?community_id={}&period={}",
                    community.0, period
                );
                busy.set(true);
                leptos::task::spawn_local(async move {
                    let r = crate::estate::ui::upload_workbook::<ReadingImportReport>(&url, file, i18n.code()).await;
                    busy.set(false);
                    match r {
                        Ok(rep) => {
                            let committed = rep.committed;
                            if committed {
                                toast(
                                    i18n.t("billing.import_stored")
                                        .replace("{n}", &rep.readings.to_string()),
                                );
                                crate::shared::ui::reset_forms(".meter-import");
                            }
                            result.set(Some(rep));
                            if committed {
                                st.reload.update(|v| *v += 1);
                            }
                        }
                        Err(e) => error.set(Some(e)),
                    }
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&file_in, &busy, &period);
        }
    };
    let err = Signal::derive(move || error.get());
    view! {
        <details class="card" open=move || st.import_open.get() on:toggle=move |ev| st.import_open.set(toggled(ev))>
            <summary>{move || i18n.t("billing.import_readings")}</summary>
            <p class="muted">{move || i18n.t("billing.import_intro")}</p>
            <div class="toolbar">
                <a class="btn" href=template download="readings-template.xlsx">{move || i18n.t("billing.readings_template")}</a>
            </div>
            {editable.then(|| view! {
                <form class="form meter-import" novalidate on:submit=move |ev| { ev.prevent_default(); upload(); }>
                    <FormError error=err />
                    <div class="field">
                        <label for="readings-file">{move || i18n.t("import.file")}</label>
                        <input id="readings-file" type="file" node_ref=file_in on:change=move |_| { result.set(None); error.set(None); }
                            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
                        <p class="field__hint">{move || i18n.t("billing.import_hint")}</p>
                    </div>
                    <button type="submit" class="btn btn--primary" disabled=move || busy.get()>
                        {move || i18n.t(if busy.get() { "common.working" } else { "billing.import_submit" })}
                    </button>
                </form>
            })}
            {move || result.get().map(|r| view! { <ImportResult r /> })}
        </details>
    }
    .into_any()
}

#[component]
fn ImportResult(r: ReadingImportReport) -> impl IntoView {
    let i18n = use_i18n();
    let ok = r.error_count == 0;
    let headline = if r.committed {
        i18n.t("billing.import_stored").replace("{n}", &r.readings.to_string())
    } else if ok {
        i18n.t("billing.import_checked").replace("{n}", &r.readings.to_string())
    } else {
        i18n.t("billing.import_refused")
            .replace("{n}", &r.error_count.to_string())
    };
    let skipped = r.skipped;
    let listed = r.errors.len();
    let total = r.error_count;
    view! {
        <section class="import-result" aria-live="polite" data-testid="import-result">
            <p class=if ok { "alert alert--ok" } else { "alert alert--error" } role="status">{headline}</p>
            {(ok && skipped > 0).then(|| view! { <p class="muted">{move || i18n.t("billing.import_skipped").replace("{n}", &skipped.to_string())}</p> })}
            {(!r.flagged.is_empty()).then(|| view! {
                <h3>{move || i18n.t("billing.import_flagged")}</h3>
                <ul class="list import-rows">
                    {r.flagged.into_iter().map(|f| {
                        let k = format!("billing.anomaly_{}", f.anomaly);
                        let row = f.row;
                        view! {
                            <li class="list__item">
                                <span class="list__main">{move || i18n.t("billing.import_row").replace("{row}", &row.to_string())}</span>
                                <span>{f.unit.unwrap_or_default()} " " <span class="mono">{f.meter}</span></span>
                                <span>{f.period} " · " {move || i18n.t("billing.usage")} " " {fixed2(f.usage)}</span>
                                <span class="badge badge--warn">{move || i18n.t(&k)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {(!ok).then(|| view! {
                {(listed < total as usize).then(|| view! { <p class="muted">{move || i18n.t("import.shown_first").replace("{n}", &listed.to_string())}</p> })}
                <ul class="list import-rows" data-testid="import-errors">
                    {r.errors.into_iter().map(|e| {
                        let row = e.row;
                        view! {
                            <li class="list__item">
                                <span class="list__main">{move || i18n.t("billing.import_row").replace("{row}", &row.to_string())}</span>
                                <span class="badge">{e.column}</span>
                                <span class="import-rows__why">{e.message}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
    .into_any()
}

/// 新增水电表: a unit's meter (by its number) or a shared meter of a building or the whole
/// community, billed by one of the office's metered items.
#[component]
fn AddMeterForm(
    community: OrgId,
    buildings: Vec<(i64, String)>,
    items: Vec<MeterItem>,
    st: PageState,
) -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddMeter>::new();
    let shared = RwSignal::new(false);
    let unit = RwSignal::new(String::new());
    let building: RwSignal<Option<i64>> = RwSignal::new(None);
    let item: RwSignal<Option<i64>> = RwSignal::new(items.first().map(|i| i.id));
    let kind = RwSignal::new(
        items
            .first()
            .map(|i| i.category.clone())
            .filter(|c| matches!(c.as_str(), "water" | "electricity" | "gas"))
            .unwrap_or_else(|| "water".into()),
    );
    let code = RwSignal::new(String::new());
    let apportion = RwSignal::new("area".to_string());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    Effect::new(move |_| match add.value().get() {
        Some(Ok(m)) => {
            toast(i18n.t("billing.meter_added").replace("{code}", &m.code));
            error.set(None);
            unit.set(String::new());
            code.set(String::new());
            st.reload.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let categories: Vec<(i64, String)> = items.iter().map(|i| (i.id, i.category.clone())).collect();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(item_id) = item.get_untracked() else {
            error.set(Some(AppError::validation("item_id", "err.required")));
            return;
        };
        add.dispatch(AddMeter {
            community_id: community,
            shared: shared.get_untracked(),
            unit: unit.get_untracked(),
            building_id: building.get_untracked(),
            item_id,
            code: code.get_untracked(),
            kind: kind.get_untracked(),
            apportion: Some(apportion.get_untracked()),
        });
    };
    let err = Signal::derive(move || error.get());
    let msg = |f: &'static str| field_msg(i18n, error, f);
    let (unit_err, code_err, item_err, kind_err, building_err) = (
        msg("unit"),
        msg("code"),
        msg("item_id"),
        msg("kind"),
        msg("building_id"),
    );
    let no_items = items.is_empty();
    view! {
        <details class="card" open=move || st.add_open.get() on:toggle=move |ev| st.add_open.set(toggled(ev))>
            <summary>{move || i18n.t("billing.add_meter")}</summary>
            {no_items.then(|| view! {
                <p class="alert alert--info">{move || i18n.t("billing.no_meter_items")} " "
                    <a href="/admin/billing/items">{move || i18n.t("billing.items")}</a></p>
            })}
            <form class="form add-meter" novalidate on:submit=submit>
                <FormError error=err fields=&["unit", "code", "item_id", "kind", "building_id"] />
                <fieldset class="choice">
                    <legend class="field__label">{move || i18n.t("billing.meter_type")}</legend>
                    <label class="check"><input type="radio" name="meter-shared" checked=true on:change=move |_| shared.set(false) />
                        <span>{move || i18n.t("billing.unit_meter")}</span></label>
                    <label class="check"><input type="radio" name="meter-shared" on:change=move |_| shared.set(true) />
                        <span>{move || i18n.t("billing.shared_meter")}<small class="check__hint">{move || i18n.t("billing.shared_meter_hint")}</small></span></label>
                </fieldset>
                <div class="field" class:hidden=move || shared.get() class:field--error=move || unit_err().is_some()>
                    <label for="meter-unit">{move || i18n.t("billing.unit_number")}</label>
                    <input id="meter-unit" class="input" autocomplete="off" placeholder="1-1-0101" prop:value=move || unit.get()
                        on:input=move |ev| unit.set(event_target_value(&ev)) aria-describedby="meter-unit-err"
                        aria-invalid=move || unit_err().map(|_| "true") />
                    <p class="field__error" id="meter-unit-err" role="alert">{unit_err}</p>
                </div>
                <div class="field" class:hidden=move || !shared.get() class:field--error=move || building_err().is_some()>
                    <label for="meter-building">{move || i18n.t("billing.serves")}</label>
                    <select id="meter-building" class="input" on:change=move |ev| building.set(event_target_value(&ev).parse().ok())>
                        <option value="">{move || i18n.t("billing.whole_community")}</option>
                        {buildings.into_iter().map(|(id, c)| {
                            let label = i18n.t("billing.building_n").replace("{code}", &c);
                            view! { <option value=id.to_string()>{label}</option> }
                        }).collect_view()}
                    </select>
                    <p class="field__error" role="alert">{building_err}</p>
                </div>
                <div class="field" class:hidden=move || !shared.get()>
                    <label for="meter-apportion">{move || i18n.t("billing.apportion")}</label>
                    <select id="meter-apportion" class="input" on:change=move |ev| apportion.set(event_target_value(&ev))>
                        <option value="area">{move || i18n.t("billing.apportion_area")}</option>
                        <option value="usage">{move || i18n.t("billing.apportion_usage")}</option>
                    </select>
                </div>
                <div class="field" class:field--error=move || item_err().is_some()>
                    <label for="meter-item">{move || i18n.t("billing.item")}</label>
                    <select id="meter-item" class="input" on:change=move |ev| {
                        let id = event_target_value(&ev).parse().ok();
                        item.set(id);
                        if let Some(c) = categories.iter().find(|(i, _)| Some(*i) == id).map(|(_, c)| c.clone()) {
                            if matches!(c.as_str(), "water" | "electricity" | "gas") { kind.set(c); }
                        }
                    }>
                        {items.into_iter().map(|i| view! { <option value=i.id.to_string()>{i.name}</option> }).collect_view()}
                    </select>
                    <p class="field__error" role="alert">{item_err}</p>
                </div>
                <div class="field" class:field--error=move || kind_err().is_some()>
                    <label for="meter-kind">{move || i18n.t("billing.meter_kind")}</label>
                    <select id="meter-kind" class="input" prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                        {["water", "electricity", "gas"].into_iter().map(|k| {
                            let key = kind_key(k);
                            view! { <option value=k>{move || i18n.t(&key)}</option> }
                        }).collect_view()}
                    </select>
                    <p class="field__error" role="alert">{kind_err}</p>
                </div>
                <div class="field" class:field--error=move || code_err().is_some()>
                    <label for="meter-code">{move || i18n.t("billing.meter_code")}</label>
                    <input id="meter-code" class="input" autocomplete="off" placeholder="W-1-1-0101" prop:value=move || code.get()
                        on:input=move |ev| code.set(event_target_value(&ev)) aria-describedby="meter-code-err"
                        aria-invalid=move || code_err().map(|_| "true") />
                    <p class="field__error" id="meter-code-err" role="alert">{code_err}</p>
                </div>
                <button type="submit" class="btn btn--primary" disabled=move || add.pending().get() || no_items>
                    {move || i18n.t("billing.add_meter_submit")}
                </button>
            </form>
        </details>
    }
    .into_any()
}
