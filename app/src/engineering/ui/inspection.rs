//! 巡检 for staff: checkpoints with links to their forms and QR sheet, patrol routes, the
//! day's rounds (missed ones in red) with recent results, and the printable QR sheet.
use super::equipment::holds;
use super::{community_param, reload_on_ok, succeeded, AnswerList, CommunityFilter, EngTabs, PhotoStrip, RoundBadge};
use crate::access::model::Permission;
use crate::engineering::api::{
    eng_communities, list_checkpoints, list_equipment, list_results, list_rounds, list_routes, load_qr_sheet,
    CreateCheckpoint, CreateRoute, SetRouteActive, UpdateCheckpoint, UpdateRoute,
};
use crate::engineering::model::*;
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ids::OrgId;
use crate::shared::ui::{field_error, toast, CsrfField, EmptyState, ErrorState, Field, FormError, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeMap;

/// The community a page works on: `?community=`, else the first the caller may see.
fn chosen(list: &[Community], param: Option<i64>) -> Option<i64> {
    param
        .filter(|p| list.iter().any(|c| c.id.0 == *p))
        .or_else(|| list.first().map(|c| c.id.0))
}

// ---------------------------------------------------------------- checkpoints

#[component]
pub fn CheckpointsPage() -> impl IntoView {
    let i18n = use_i18n();
    let param = community_param();
    let manage = holds(Permission::ServiceDispatch);
    let create = ServerAction::<CreateCheckpoint>::new();
    let update = ServerAction::<UpdateCheckpoint>::new();
    let communities = Resource::new(|| (), |_| eng_communities());
    // Reloaded after a success only: a refused form stays open with its error.
    let reload = RwSignal::new(0u32);
    reload_on_ok(succeeded!(create), reload);
    reload_on_ok(succeeded!(update), reload);
    let data = Resource::new(
        move || (param.get(), reload.get()),
        move |(p, ..)| async move {
            let list = eng_communities().await?;
            let c = chosen(&list, p);
            let cps = match c {
                Some(c) => list_checkpoints(Some(c)).await?,
                None => vec![],
            };
            Ok::<_, AppError>((c, cps))
        },
    );
    Effect::new(move |_| match update.value().get() {
        Some(Ok(_)) => toast(i18n.t("common.saved")),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Ok(c)) = create.value().get() {
            toast(format!("{} {}", i18n.t("eng.checkpoint_added"), c.name));
        }
    });
    view! {
        <Title text=move || i18n.t("eng.checkpoints") />
        <h1 class="page-title">{move || i18n.t("eng.checkpoints")}</h1>
        <EngTabs current="checkpoints" />
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match communities.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(list) => view! { <CommunityFilter path="/admin/engineering/checkpoints" list /> }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok((None, _)) => view! { <EmptyState title="eng.no_communities" /> }.into_any(),
                    Ok((Some(c), cps)) => view! {
                        {move || manage.get().then(|| view! {
                            <p class="toolbar">
                                <a class="btn" href=format!("/admin/engineering/qr?community={c}")>{move || i18n.t("eng.print_qr")}</a>
                            </p>
                            <NewCheckpoint community=c create />
                        })}
                        {if cps.is_empty() {
                            view! { <EmptyState title="eng.no_checkpoints" icon="⌖" /> }.into_any()
                        } else {
                            view! {
                                <ul class="eng-cards">
                                    {cps.into_iter().map(|cp| view! { <CheckpointCard cp manage update /> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CheckpointCard(cp: CheckpointRow, manage: Signal<bool>, update: ServerAction<UpdateCheckpoint>) -> impl IntoView {
    let i18n = use_i18n();
    let form = format!("/i/{}", cp.qr_token);
    let active = cp.active;
    let toggle = {
        let cp = cp.clone();
        move |_| {
            update.dispatch(UpdateCheckpoint {
                id: cp.id,
                input: CheckpointInput {
                    community_id: cp.community_id,
                    name: cp.name.clone(),
                    location: cp.location.clone(),
                    equipment_id: cp.equipment_id,
                    checklist: cp.checklist.clone(),
                },
                active: !active,
            });
        }
    };
    view! {
        <li class="card eng-card" class:list__item--past=!active data-testid="checkpoint">
            <div class="eng-card__head">
                <h2 class="eng-card__title">{cp.name.clone()}</h2>
                {(!active).then(|| view! { <span class="badge badge--off">{move || i18n.t("eng.inactive")}</span> })}
            </div>
            <p class="muted">{cp.location.clone()}</p>
            {cp.equipment.clone().map(|e| view! { <p class="small">{move || i18n.t("eng.equipment")} ": " {e}</p> })}
            {(!cp.routes.is_empty()).then(|| view! { <p class="small">{move || i18n.t("eng.routes")} ": " {cp.routes.join("、")}</p> })}
            <p class="muted small">{cp.checklist.join(" · ")}</p>
            <div class="actions">
                {active.then(|| view! { <a class="btn btn--primary btn--small" href=form>{move || i18n.t("eng.open_form")}</a> })}
                {move || manage.get().then(|| view! {
                    <button type="button" class="btn btn--small btn--ghost" on:click=toggle.clone()>
                        {move || i18n.t(if active { "eng.deactivate" } else { "eng.activate" })}
                    </button>
                })}
            </div>
        </li>
    }
}

#[component]
fn NewCheckpoint(community: i64, create: ServerAction<CreateCheckpoint>) -> impl IntoView {
    let i18n = use_i18n();
    let err = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let equipment = Resource::new(
        move || community,
        |c| list_equipment(Some(c), None, Some("active".into()), None),
    );
    let checklist_err = field_error(err, "checklist");
    view! {
        <details class="card">
            <summary>{move || i18n.t("eng.add_checkpoint")}</summary>
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="community_id" value=community.to_string() />
                <FormError error=err fields=&["name", "location", "equipment_id", "checklist"] />
                <Field label="eng.checkpoint_name" name="name" error=err />
                <Field label="eng.location" name="location" required=false error=err />
                <div class="field">
                    <label for="f-equipment_id">{move || i18n.t("eng.linked_equipment")}</label>
                    <select class="input" id="f-equipment_id" name="equipment_id">
                        <option value="">{move || i18n.t("eng.none")}</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                equipment.await.unwrap_or_default().into_iter().map(|e| view! {
                                    <option value=e.id.0.to_string()>{format!("{} {}", e.code, e.name)}</option>
                                }).collect_view()
                            })}
                        </Transition>
                    </select>
                </div>
                <div class="field" class:field--error=move || checklist_err.get().is_some()>
                    <label for="f-checklist">{move || i18n.t("eng.checklist")}</label>
                    <textarea class="input" id="f-checklist" name="checklist" rows="4"></textarea>
                    <p class="field__hint">{move || i18n.t("eng.checklist_hint")}</p>
                    <p class="field__error" role="alert">{move || checklist_err.get()}</p>
                </div>
                <button type="submit" class="btn btn--primary" disabled=move || create.pending().get()>{move || i18n.t("common.save")}</button>
            </ActionForm>
        </details>
    }
}

// ---------------------------------------------------------------- routes

#[component]
pub fn RoutesPage() -> impl IntoView {
    let i18n = use_i18n();
    let param = community_param();
    let manage = holds(Permission::ServiceDispatch);
    let create = ServerAction::<CreateRoute>::new();
    let active = ServerAction::<SetRouteActive>::new();
    let communities = Resource::new(|| (), |_| eng_communities());
    let reload = RwSignal::new(0u32);
    reload_on_ok(succeeded!(create), reload);
    reload_on_ok(succeeded!(active), reload);
    let data = Resource::new(
        move || (param.get(), reload.get()),
        move |(p, ..)| async move {
            let list = eng_communities().await?;
            let c = chosen(&list, p);
            match c {
                Some(c) => Ok::<_, AppError>((Some(c), list_routes(Some(c)).await?, list_checkpoints(Some(c)).await?)),
                None => Ok((None, vec![], vec![])),
            }
        },
    );
    Effect::new(move |_| match active.value().get() {
        Some(Ok(_)) => toast(i18n.t("common.saved")),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Ok(r)) = create.value().get() {
            toast(format!("{} {}", i18n.t("eng.route_added"), r.name));
        }
    });
    view! {
        <Title text=move || i18n.t("eng.routes") />
        <h1 class="page-title">{move || i18n.t("eng.routes")}</h1>
        <EngTabs current="routes" />
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match communities.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(list) => view! { <CommunityFilter path="/admin/engineering/routes" list /> }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok((None, ..)) => view! { <EmptyState title="eng.no_communities" /> }.into_any(),
                    Ok((Some(c), routes, cps)) => view! {
                        {let cps = cps.clone(); move || manage.get().then(|| view! { <NewRoute community=c checkpoints=cps.clone() create /> })}
                        {if routes.is_empty() {
                            view! { <EmptyState title="eng.no_routes" icon="↻" /> }.into_any()
                        } else {
                            view! {
                                <ul class="eng-cards">
                                    {routes.into_iter().map(|r| {
                                        let (id, on) = (r.id, r.active);
                                        let (route, stops_all) = (r.clone(), cps.clone());
                                        let window = i18n.t("eng.window_n").replace("{n}", &r.window_minutes.to_string());
                                        view! {
                                            <li class="card eng-card" class:list__item--past=!on data-testid="route">
                                                <div class="eng-card__head">
                                                    <h2 class="eng-card__title">{r.name.clone()}</h2>
                                                    {(!on).then(|| view! { <span class="badge badge--off">{move || i18n.t("eng.inactive")}</span> })}
                                                </div>
                                                <ul class="chips">{r.slots.iter().map(|s| view! { <li class="chip">{s.clone()}</li> }).collect_view()}</ul>
                                                <p class="muted small">{window}</p>
                                                <ol class="eng-stops">
                                                    {r.stops.iter().map(|s| view! { <li>{s.name.clone()} " " <span class="muted small">{s.location.clone()}</span></li> }).collect_view()}
                                                </ol>
                                                {move || manage.get().then(|| view! {
                                                    <button type="button" class="btn btn--small btn--ghost"
                                                        on:click=move |_| { active.dispatch(SetRouteActive { id, active: !on }); }>
                                                        {move || i18n.t(if on { "eng.deactivate" } else { "eng.activate" })}
                                                    </button>
                                                    <EditRoute route=route.clone() checkpoints=stops_all.clone() reload />
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn NewRoute(community: i64, checkpoints: Vec<CheckpointRow>, create: ServerAction<CreateRoute>) -> impl IntoView {
    let i18n = use_i18n();
    let err = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    view! {
        <details class="card">
            <summary>{move || i18n.t("eng.add_route")}</summary>
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="community_id" value=community.to_string() />
                <RouteFields err checkpoints route=None prefix="new-route".into() />
                <button type="submit" class="btn btn--primary" disabled=move || create.pending().get()>{move || i18n.t("common.save")}</button>
            </ActionForm>
        </details>
    }
}

/// 编辑路线: the same fields as a new route, filled in.
#[component]
fn EditRoute(route: RouteRow, checkpoints: Vec<CheckpointRow>, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let id = route.id;
    // One action per form: each shows the error of its own save.
    let update = ServerAction::<UpdateRoute>::new();
    reload_on_ok(succeeded!(update), reload);
    Effect::new(move |_| {
        if let Some(Ok(_)) = update.value().get() {
            toast(i18n.t("common.saved"));
        }
    });
    let err = Signal::derive(move || update.value().get().and_then(|r| r.err()));
    let community = route.community_id.0;
    view! {
        <details class="eng-card__edit">
            <summary>{move || i18n.t("eng.edit_route")}</summary>
            <ActionForm action=update attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="id" value=id.0.to_string() />
                <input type="hidden" name="community_id" value=community.to_string() />
                <RouteFields err checkpoints route=Some(route) prefix=format!("route-{}", id.0) />
                <p class="field__hint">{move || i18n.t("eng.route_edit_hint")}</p>
                <button type="submit" class="btn btn--primary" disabled=move || update.pending().get()>{move || i18n.t("common.save")}</button>
            </ActionForm>
        </details>
    }
}

/// Name, checkpoints in walking order (the order they are ticked in, ↑ moves one earlier),
/// start times and window of a route form; filled from `route` when editing.
#[component]
fn RouteFields(
    err: Signal<Option<AppError>>,
    checkpoints: Vec<CheckpointRow>,
    route: Option<RouteRow>,
    /// Makes the inputs' ids unique on a page with several forms.
    prefix: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let order: RwSignal<Vec<i64>> = RwSignal::new(
        route
            .as_ref()
            .map(|r| r.stops.iter().map(|s| s.id.0).collect())
            .unwrap_or_default(),
    );
    let order_text = move || {
        let ids: Vec<String> = order.get().iter().map(|i| i.to_string()).collect();
        ids.join(",")
    };
    let stops_err = field_error(err, "checkpoints");
    let slots_err = field_error(err, "slots");
    let window_err = field_error(err, "window_minutes");
    // Active checkpoints, and any stop of the route stopped since (to be unticked).
    let listed: Vec<CheckpointRow> = checkpoints
        .into_iter()
        .filter(|c| c.active || order.with_untracked(|o| o.contains(&c.id.0)))
        .collect();
    let (name, slots, window) = match &route {
        Some(r) => (r.name.clone(), r.slots.join(", "), r.window_minutes.to_string()),
        None => (String::new(), String::new(), "60".to_string()),
    };
    let (slots_id, window_id) = (format!("{prefix}-slots"), format!("{prefix}-window"));
    view! {
        <input type="hidden" name="checkpoints" prop:value=order_text />
        <FormError error=err fields=&["name", "checkpoints", "slots", "window_minutes"] />
        <Field label="eng.route_name" name="name" value=name error=err />
        <fieldset class="field" class:field--error=move || stops_err.get().is_some()>
            <legend>{move || i18n.t("eng.route_stops")}</legend>
            <p class="field__hint">{move || i18n.t("eng.route_stops_hint")}</p>
            {listed.into_iter().map(|c| {
                let id = c.id.0;
                let pos = move || order.with(|o| o.iter().position(|x| *x == id));
                let up_label = format!("{} {}", i18n.t("eng.move_up"), c.name);
                view! {
                    <div class="check eng-stop-pick">
                        <label class="eng-stop-pick__label">
                            <input type="checkbox" prop:checked=move || pos().is_some() on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                order.update(|o| { o.retain(|x| *x != id); if on { o.push(id); } });
                            } />
                            <span>{c.name.clone()} " " <span class="muted small">{c.location.clone()}</span></span>
                            {(!c.active).then(|| view! { <span class="badge badge--off">{move || i18n.t("eng.inactive")}</span> })}
                        </label>
                        <span class="badge">{move || pos().map(|p| (p + 1).to_string())}</span>
                        {move || pos().filter(|p| *p > 0).map(|p| {
                            let label = up_label.clone();
                            view! {
                                <button type="button" class="btn btn--small btn--ghost eng-stop-pick__up" aria-label=label
                                    on:click=move |_| order.update(|o| if p < o.len() { o.swap(p - 1, p) })>
                                    "↑"
                                </button>
                            }
                        })}
                    </div>
                }
            }).collect_view()}
            <p class="field__error" role="alert">{move || stops_err.get()}</p>
        </fieldset>
        <div class="field" class:field--error=move || slots_err.get().is_some()>
            <label for=slots_id.clone()>{move || i18n.t("eng.slots")}</label>
            <input class="input" id=slots_id name="slots" placeholder="08:00, 14:00, 20:00" value=slots />
            <p class="field__hint">{move || i18n.t("eng.slots_hint")}</p>
            <p class="field__error" role="alert">{move || slots_err.get()}</p>
        </div>
        <div class="field" class:field--error=move || window_err.get().is_some()>
            <label for=window_id.clone()>{move || i18n.t("eng.window")}</label>
            <input class="input" id=window_id name="window_minutes" type="number" inputmode="numeric" value=window min="10" max="720" />
            <p class="field__error" role="alert">{move || window_err.get()}</p>
        </div>
    }
}

// ---------------------------------------------------------------- rounds and results

/// 巡检情况: the day's rounds per route — done, planned, missed (red) — and recent results
/// with the tickets abnormal ones opened.
#[component]
pub fn RoundsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = community_param();
    let date = Memo::new(move |_| query.with(|q| q.get("date").filter(|d| !d.is_empty())));
    let abnormal = Memo::new(move |_| query.with(|q| q.get("abnormal").is_some_and(|v| v == "1")));
    let communities = Resource::new(|| (), |_| eng_communities());
    let rounds = Resource::new(move || (param.get(), date.get()), |(c, d)| list_rounds(c, d));
    let results = Resource::new(move || (param.get(), abnormal.get()), |(c, a)| list_results(c, a, None));
    view! {
        <Title text=move || i18n.t("eng.rounds") />
        <h1 class="page-title">{move || i18n.t("eng.rounds")}</h1>
        <EngTabs current="rounds" />
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match communities.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(list) => view! {
                        <CommunityFilter path="/admin/engineering/rounds" list all=true />
                        <form class="toolbar filters" method="get">
                            {move || param.get().map(|c| view! { <input type="hidden" name="community" value=c.to_string() /> })}
                            <label class="field">
                                <span class="field__label">{move || i18n.t("eng.date")}</span>
                                <input class="input" type="date" name="date" value=date.get_untracked().unwrap_or_default() />
                            </label>
                            <button class="btn" type="submit">{move || i18n.t("common.filter")}</button>
                        </form>
                    }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match rounds.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <EmptyState title="eng.no_rounds" icon="↻" /> }.into_any(),
                    Ok(list) => {
                        let missed = list.iter().filter(|r| r.status == RoundStatus::Missed).count();
                        let done = list.iter().filter(|r| r.status == RoundStatus::Done).count();
                        let summary = i18n.t("eng.rounds_summary")
                            .replace("{n}", &list.len().to_string())
                            .replace("{done}", &done.to_string())
                            .replace("{missed}", &missed.to_string());
                        let mut by_route: BTreeMap<(String, String, i64), Vec<RoundRow>> = BTreeMap::new();
                        for r in list {
                            by_route.entry((r.community.clone(), r.route.clone(), r.route_id.0)).or_default().push(r);
                        }
                        view! {
                            <p class="muted" data-testid="rounds-summary">{summary}</p>
                            <div class="eng-cards">
                                {by_route.into_iter().map(|((community, route, _), rows)| view! {
                                    <section class="card eng-card">
                                        <h2 class="eng-card__title">{route} " " <span class="muted small">{community}</span></h2>
                                        <ul class="eng-rounds">
                                            {rows.into_iter().map(|r| view! {
                                                <li class="eng-round" class:eng-round--missed=r.status == RoundStatus::Missed data-testid="round">
                                                    <span class="eng-round__time">{format!("{}–{}", r.slot, r.ends)}</span>
                                                    <RoundBadge status=r.status />
                                                    <span class="muted small">{format!("{}/{}", r.done, r.total)}</span>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    </section>
                                }).collect_view()}
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Transition>
        <section class="card">
            <div class="eng-card__head">
                <h2 class="card__title">{move || i18n.t("eng.recent_results")}</h2>
                <a class="chip" href=move || {
                    let c = param.get().map(|c| format!("community={c}&")).unwrap_or_default();
                    if abnormal.get() { format!("?{c}") } else { format!("?{c}abnormal=1") }
                }>{move || i18n.t(if abnormal.get() { "eng.show_all" } else { "eng.abnormal_only" })}</a>
            </div>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match results.await {
                        Err(e) => view! { <ErrorState error=e /> }.into_any(),
                        Ok(p) if p.items.is_empty() => view! { <p class="muted">{move || i18n.t("eng.no_results")}</p> }.into_any(),
                        Ok(p) => view! {
                            <ul class="list">{p.items.into_iter().map(|r| view! { <ResultItem r /> }).collect_view()}</ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// One inspection result; an abnormal one links to the ticket it opened.
#[component]
pub(super) fn ResultItem(r: ResultRow) -> impl IntoView {
    let i18n = use_i18n();
    let base = format!("/api/v1/inspections/{}", r.id);
    let bad: Vec<Answer> = r
        .answers
        .iter()
        .filter(|a| a.result == Verdict::Abnormal)
        .cloned()
        .collect();
    view! {
        <li class="list__item eng-result" data-testid="result">
            <div class="eng-record__head">
                <span class="list__main">{r.checkpoint.clone()}</span>
                <span class="muted small">{r.recorded_at.clone()} " · " {r.by.clone()}</span>
                {r.round.clone().map(|s| view! { <span class="badge">{s}</span> })}
                {if r.abnormal {
                    view! { <span class="badge badge--failed">{move || i18n.t("eng.abnormal")}</span> }.into_any()
                } else {
                    view! { <span class="badge badge--ok">{move || i18n.t("eng.all_ok")}</span> }.into_any()
                }}
            </div>
            {(!bad.is_empty()).then(|| view! { <AnswerList answers=bad /> })}
            {(!r.note.is_empty()).then(|| view! { <p class="eng-record__note">{r.note.clone()}</p> })}
            {r.ticket_id.map(|t| {
                let n = r.ticket_number.clone().unwrap_or_default();
                view! {
                    <p class="eng-ticket">
                        {move || i18n.t("eng.ticket_opened")} " "
                        <a class="link" href=format!("/admin/service/tickets/{t}")>{n}</a>
                    </p>
                }
            })}
            <PhotoStrip base photos=r.photos.clone() />
        </li>
    }
}

// ---------------------------------------------------------------- QR sheet

/// 二维码打印: a community's codes, three to a row on A4, without the navigation on paper.
#[component]
pub fn QrPage() -> impl IntoView {
    let i18n = use_i18n();
    let param = community_param();
    let communities = Resource::new(|| (), |_| eng_communities());
    let sheet = Resource::new(
        move || param.get(),
        |p| async move {
            let list = eng_communities().await?;
            match chosen(&list, p) {
                Some(c) => load_qr_sheet(OrgId(c)).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <Title text=move || i18n.t("eng.qr_sheet") />
        <div class="no-print">
            <h1 class="page-title">{move || i18n.t("eng.qr_sheet")}</h1>
            <EngTabs current="" />
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match communities.await {
                        Err(e) => view! { <ErrorState error=e /> }.into_any(),
                        Ok(list) => view! { <CommunityFilter path="/admin/engineering/qr" list /> }.into_any(),
                    }
                })}
            </Transition>
            <p class="toolbar">
                <button type="button" class="btn btn--primary" on:click=print>{move || i18n.t("eng.print")}</button>
                <span class="muted small">{move || i18n.t("eng.print_hint")}</span>
            </p>
        </div>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match sheet.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(None) => view! { <EmptyState title="eng.no_communities" /> }.into_any(),
                    Ok(Some(s)) if s.cards.is_empty() => view! { <EmptyState title="eng.no_codes" /> }.into_any(),
                    Ok(Some(s)) => view! {
                        <h2 class="qr-sheet__title">{s.community.clone()}</h2>
                        <ul class="qr-sheet" data-testid="qr-sheet">
                            {s.cards.into_iter().map(|c| {
                                let kind = format!("eng.kind_{}", c.kind);
                                view! {
                                    <li class="qr-card">
                                        <div class="qr-card__code" inner_html=c.svg></div>
                                        <p class="qr-card__title">{c.title}</p>
                                        <p class="qr-card__meta">
                                            {move || i18n.t(&kind)}
                                            {(!c.code.is_empty()).then(|| format!(" · {}", c.code))}
                                        </p>
                                        <p class="qr-card__meta">{c.location}</p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
