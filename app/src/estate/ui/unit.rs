//! The unit page (联查): facts, who lives there now, who moved out, vehicles; forms to record
//! an occupant, a move-out and a vehicle. Bills and tickets join when their areas exist.
use super::{area_text, relation_key};
use crate::estate::api::{
    unit_detail, AddOccupant, AddVehicle, MoveOut, RecordHandover, RemoveVehicle, SetChecklist, UpdateUnit,
};
use crate::estate::model::{Area, HandoverRow, Inspection, Occupant, Relation, UnitStatus, UnitUse, VehicleRow};
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ids::UnitId;
use crate::shared::ui::{toast, CsrfField, EmptyState, ErrorState, Field, FormError, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Occupants with links to their person pages; current ones get a move-out button when
/// `move_out` is given.
#[component]
pub fn OccupantTable(
    people: Vec<Occupant>,
    #[prop(optional)] move_out: Option<ServerAction<MoveOut>>,
) -> impl IntoView {
    let i18n = use_i18n();
    if people.is_empty() {
        return view! { <EmptyState title="records.no_occupants" /> }.into_any();
    }
    view! {
        <ul class="list">
            {people.into_iter().map(|o| {
                let k = relation_key(o.relation);
                let period = match (&o.until, &o.lease_end) {
                    (Some(u), _) => format!("{} → {}", o.since, u),
                    (None, Some(l)) => format!("{} → {l}", o.since),
                    (None, None) => format!("{} →", o.since),
                };
                let share = o.share_bp.filter(|b| *b != 10_000).map(|b| format!("{}%", crate::shared::money::fixed2(b as i64)));
                let occ = o.occupancy_id.0.to_string();
                view! {
                    <li class="list__item">
                        <a class="list__main" href=format!("/admin/people/{}", o.person_id)>{o.name}</a>
                        <span class="badge">{move || i18n.t(&k)}</span>
                        {share.map(|s| view! { <span class="muted">{s}</span> })}
                        <span class="muted">{o.phone_masked.unwrap_or_default()}</span>
                        <span class="muted">{period}</span>
                        {(o.until.is_none()).then_some(move_out).flatten().map(|a| view! {
                            <ActionForm action=a attr:class="inline-form">
                                <CsrfField />
                                <input type="hidden" name="occupancy" value=occ.clone() />
                                <button type="submit" class="btn btn--small">{move || i18n.t("records.move_out")}</button>
                            </ActionForm>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn VehicleList(
    vehicles: Vec<VehicleRow>,
    #[prop(optional)] remove: Option<ServerAction<RemoveVehicle>>,
) -> impl IntoView {
    let i18n = use_i18n();
    if vehicles.is_empty() {
        return view! { <EmptyState title="records.no_vehicles" /> }.into_any();
    }
    view! {
        <ul class="list">
            {vehicles.into_iter().map(|v| {
                let id = v.id.0.to_string();
                view! {
                    <li class="list__item">
                        <span class="list__main plate" class:plate--green=v.new_energy>{v.plate}</span>
                        {v.new_energy.then(|| view! { <span class="badge">{move || i18n.t("records.new_energy")}</span> })}
                        <span class="muted">{v.person_name}</span>
                        <span class="muted">{v.unit_number.unwrap_or_default()}</span>
                        {v.space_code.map(|s| view! { <span class="muted">{move || i18n.t("records.space")}" "{s.clone()}</span> })}
                        {remove.map(|a| view! {
                            <ActionForm action=a attr:class="inline-form">
                                <CsrfField />
                                <input type="hidden" name="id" value=id.clone() />
                                <button type="submit" class="btn btn--small">{move || i18n.t("records.remove")}</button>
                            </ActionForm>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn UnitPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).map(UnitId));
    let add = ServerAction::<AddOccupant>::new();
    let add_err = Signal::derive(move || add.value().get().and_then(|r: Result<_, AppError>| r.err()));
    let out = ServerAction::<MoveOut>::new();
    let car = ServerAction::<AddVehicle>::new();
    let car_err = Signal::derive(move || car.value().get().and_then(|r: Result<_, AppError>| r.err()));
    let drop_car = ServerAction::<RemoveVehicle>::new();
    let edit = ServerAction::<UpdateUnit>::new();
    let record = ServerAction::<RecordHandover>::new();
    let set_list = ServerAction::<SetChecklist>::new();
    Effect::new(move |_| {
        if let Some(Ok(h)) = record.value().get() {
            toast(i18n.t(if h.passed {
                "handover.saved_passed"
            } else {
                "handover.saved_failed"
            }));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = set_list.value().get() {
            toast(i18n.t("common.saved"));
        }
    });
    let edit_err = Signal::derive(move || edit.value().get().and_then(|r: Result<_, AppError>| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = edit.value().get() {
            toast(i18n.t("common.saved"));
        }
    });
    let detail = Resource::new(
        move || {
            (
                id(),
                (add.version().get(), out.version().get()),
                (car.version().get(), drop_car.version().get(), edit.version().get()),
                (record.version().get(), set_list.version().get()),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => unit_detail(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    Effect::new(move |_| {
        if let Some(Ok(o)) = add.value().get() {
            toast(format!("{} {}", i18n.t("records.occupant_added"), o.name));
        }
    });
    Effect::new(move |_| match out.value().get() {
        Some(Ok(o)) => toast(format!("{} {}", o.name, i18n.t("records.moved_out"))),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    Effect::new(move |_| match drop_car.value().get() {
        Some(Ok(())) => toast(i18n.t("records.vehicle_removed")),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Ok(v)) = car.value().get() {
            toast(format!("{} {}", i18n.t("records.vehicle_added"), v.plate));
        }
    });
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match detail.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(card) => {
                    let u = card.unit;
                    let title = u.number.clone();
                    let status = format!("records.status_{}", u.status.code());
                    let source = u.area_source.map(|s| format!("records.source_{}", s.code()));
                    let use_key = format!("records.use_{}", u.use_type.code());
                    let residents = card.occupants.clone();
                    let a = |v: Option<Area>| v.map(|x| x.to_string()).unwrap_or_default();
                    let (reg, mea, con, sha) = (a(card.areas.registered), a(card.areas.measured), a(card.areas.contract), a(card.areas.shared));
                    let (cur_use, cur_status, cur_layout) = (u.use_type, u.status, u.layout.clone());
                    let history = card.history;
                    view! {
                        <Title text=title.clone() />
                        <h1 class="page-title">{format!("{} · {}", u.community, title)}</h1>
                        <section class="card">
                            <dl class="facts">
                                <dt>{move || i18n.t("records.status")}</dt><dd><span class="badge">{move || i18n.t(&status)}</span></dd>
                                <dt>{move || i18n.t("records.use")}</dt><dd>{move || i18n.t(&use_key)}</dd>
                                <dt>{move || i18n.t("records.floor")}</dt><dd>{u.floor}</dd>
                                <dt>{move || i18n.t("records.layout")}</dt><dd>{if u.layout.is_empty() { "—".to_string() } else { u.layout.clone() }}</dd>
                                <dt>{move || i18n.t("records.area")}</dt>
                                <dd>{area_text(&u)}{source.map(|k| view! { " " <span class="muted">{move || i18n.t(&k)}</span> })}</dd>
                            </dl>
                        </section>
                        <details class="card">
                            <summary class="card__title">{move || i18n.t("records.edit_unit")}</summary>
                            <ActionForm action=edit attr:class="form form--grid" attr:novalidate=true>
                                <CsrfField />
                                <input type="hidden" name="id" value=u.id.0.to_string() />
                                <FormError error=edit_err fields=&["layout", "area_registered", "area_measured", "area_contract", "shared_area"] />
                                <div class="field">
                                    <label for="f-use_type">{move || i18n.t("records.use")}</label>
                                    <select id="f-use_type" name="use_type">
                                        {UnitUse::ALL.into_iter().map(|x| {
                                            let k = format!("records.use_{}", x.code());
                                            view! { <option value=x.code() selected=x == cur_use>{move || i18n.t(&k)}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="f-status">{move || i18n.t("records.status")}</label>
                                    <select id="f-status" name="status">
                                        {UnitStatus::ALL.into_iter().map(|x| {
                                            let k = format!("records.status_{}", x.code());
                                            view! { <option value=x.code() selected=x == cur_status>{move || i18n.t(&k)}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <Field label="records.layout" name="layout" value=cur_layout required=false error=edit_err />
                                <Field label="records.area_registered" name="area_registered" inputmode="decimal" value=reg required=false error=edit_err />
                                <Field label="records.area_measured" name="area_measured" inputmode="decimal" value=mea required=false error=edit_err />
                                <Field label="records.area_contract" name="area_contract" inputmode="decimal" value=con required=false error=edit_err />
                                <Field label="records.shared_area" name="shared_area" inputmode="decimal" value=sha required=false error=edit_err />
                                <p class="field__hint">{move || i18n.t("records.area_rule")}</p>
                                <button type="submit" class="btn btn--primary">{move || i18n.t("common.save")}</button>
                            </ActionForm>
                        </details>
                        <section class="card">
                            <h2 class="card__title">{move || i18n.t("records.occupants")}</h2>
                            <OccupantTable people=card.occupants move_out=out />
                        </section>
                        <section class="card">
                            <h2 class="card__title">{move || i18n.t("records.add_occupant")}</h2>
                            <ActionForm action=add attr:class="form form--grid" attr:novalidate=true>
                                <CsrfField />
                                <input type="hidden" name="unit" value=u.id.0.to_string() />
                                <FormError error=add_err fields=&["name", "phone", "relation", "lease_end"] />
                                <Field label="records.name" name="name" autocomplete="off" error=add_err />
                                <Field label="auth.phone" name="phone" kind="tel" inputmode="numeric" error=add_err />
                                <div class="field">
                                    <label for="f-relation">{move || i18n.t("records.relation")}</label>
                                    <select id="f-relation" name="relation">
                                        {Relation::ALL.into_iter().map(|r| {
                                            let k = relation_key(r);
                                            view! { <option value=r.code()>{move || i18n.t(&k)}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <Field label="records.lease_end" name="lease_end" kind="date" hint="records.lease_end_hint" required=false error=add_err />
                                <button type="submit" class="btn btn--primary">{move || i18n.t("records.add")}</button>
                            </ActionForm>
                        </section>
                        <section class="card">
                            <h2 class="card__title">{move || i18n.t("records.vehicles")}</h2>
                            <VehicleList vehicles=card.vehicles remove=drop_car />
                            {(!residents.is_empty()).then(|| view! {
                                <details>
                                    <summary>{move || i18n.t("records.add_vehicle")}</summary>
                                    <ActionForm action=car attr:class="form form--grid" attr:novalidate=true>
                                        <CsrfField />
                                        <input type="hidden" name="unit" value=u.id.0.to_string() />
                                        <FormError error=car_err fields=&["plate", "person_id", "space_code", "note"] />
                                        <Field label="records.plate" name="plate" hint="records.plate_hint" autocomplete="off" error=car_err />
                                        <div class="field">
                                            <label for="f-person_id">{move || i18n.t("records.vehicle_owner")}</label>
                                            <select id="f-person_id" name="person_id">
                                                {residents.iter().map(|o| view! { <option value=o.person_id.0.to_string()>{o.name.clone()}</option> }).collect_view()}
                                            </select>
                                        </div>
                                        <Field label="records.space" name="space_code" required=false error=car_err />
                                        <Field label="records.note" name="note" required=false error=car_err />
                                        <button type="submit" class="btn btn--primary">{move || i18n.t("records.add")}</button>
                                    </ActionForm>
                                </details>
                            })}
                        </section>
                        <HandoverSection unit=u.id community=u.community_id checklist=card.checklist handovers=card.handovers record set_list />
                        <section class="card">
                            <h2 class="card__title">{move || i18n.t("records.history")}</h2>
                            <OccupantTable people=history />
                        </section>
                    }.into_any()
                }
            }})}
        </Transition>
    }
}

/// 交付验收: the unit's inspections and a form to record one against the community's
/// checklist (each item passes unless unticked, with a note), plus the checklist editor.
#[component]
pub fn HandoverSection(
    unit: UnitId,
    community: crate::shared::ids::OrgId,
    checklist: Vec<String>,
    handovers: Vec<HandoverRow>,
    record: ServerAction<RecordHandover>,
    set_list: ServerAction<SetChecklist>,
) -> impl IntoView {
    let i18n = use_i18n();
    let record_err = Signal::derive(move || record.value().get().and_then(|r: Result<_, AppError>| r.err()));
    let list_err = Signal::derive(move || set_list.value().get().and_then(|r: Result<_, AppError>| r.err()));
    let oks: Vec<RwSignal<bool>> = checklist.iter().map(|_| RwSignal::new(true)).collect();
    let notes: Vec<RwSignal<String>> = checklist.iter().map(|_| RwSignal::new(String::new())).collect();
    let date = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let (oks2, notes2) = (oks.clone(), notes.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let d = date.get_untracked();
        record.dispatch(RecordHandover {
            unit,
            inspection: Inspection {
                inspected_on: (!d.is_empty()).then_some(d),
                ok: oks2.iter().map(|s| s.get_untracked()).collect(),
                notes: notes2.iter().map(|s| s.get_untracked()).collect(),
                note: note.get_untracked(),
            },
        });
    };
    let list_text = checklist.join("\n");
    view! {
        <section class="card handover">
            <h2 class="card__title">{move || i18n.t("handover.title")}</h2>
            {if handovers.is_empty() {
                view! { <p class="muted">{move || i18n.t("handover.none")}</p> }.into_any()
            } else {
                view! {
                    <ul class="list">
                        {handovers.into_iter().map(|h| {
                            let failed: Vec<String> = h.results.iter().filter(|r| !r.ok)
                                .map(|r| if r.note.is_empty() { r.item.clone() } else { format!("{}（{}）", r.item, r.note) }).collect();
                            view! {
                                <li class="list__item">
                                    <span class="list__main">{h.inspected_on.clone()}</span>
                                    <span class="badge" class:badge--ok=h.passed class:badge--failed=!h.passed>
                                        {move || i18n.t(if h.passed { "handover.passed" } else { "handover.failed" })}
                                    </span>
                                    <span class="muted">{h.inspector.clone()}</span>
                                    {(!failed.is_empty()).then(|| view! { <span class="muted">{move || i18n.t("handover.to_fix")}": "{failed.join("、")}</span> })}
                                    {(!h.note.is_empty()).then(|| view! { <span class="muted">{h.note.clone()}</span> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <details>
                <summary>{move || i18n.t("handover.inspect")}</summary>
                <form class="form" on:submit=submit novalidate>
                    <FormError error=record_err fields=&["inspected_on", "note"] />
                    <ul class="checklist">
                        {checklist.iter().enumerate().map(|(i, item)| {
                            let ok = oks[i];
                            let n = notes[i];
                            let id = format!("hv-{i}");
                            view! {
                                <li class="checklist__item">
                                    <label class="check" for=id.clone()>
                                        <input type="checkbox" id=id.clone() prop:checked=move || ok.get()
                                            on:change=move |ev| ok.set(event_target_checked(&ev)) />
                                        " " {item.clone()}
                                    </label>
                                    <input type="text" class="input input--small" aria-label=format!("{} {}", item, i18n.t("records.note"))
                                        placeholder=move || i18n.t("handover.item_note")
                                        prop:value=move || n.get() on:input=move |ev| n.set(event_target_value(&ev)) />
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <div class="field">
                        <label for="hv-date">{move || i18n.t("handover.date")}</label>
                        <input id="hv-date" type="date" class="input" prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev)) />
                        <p class="field__error" role="alert">{move || record_err.get().filter(|e| e.field() == Some("inspected_on")).map(|e| e.localized(i18n.code()))}</p>
                    </div>
                    <div class="field">
                        <label for="hv-note">{move || i18n.t("records.note")}</label>
                        <input id="hv-note" type="text" class="input" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                    </div>
                    <button type="submit" class="btn btn--primary">{move || i18n.t("handover.save")}</button>
                </form>
            </details>
            <details>
                <summary>{move || i18n.t("handover.edit_list")}</summary>
                <ActionForm action=set_list attr:class="form" attr:novalidate=true>
                    <CsrfField />
                    <input type="hidden" name="community_id" value=community.0.to_string() />
                    <FormError error=list_err fields=&["items"] />
                    <div class="field">
                        <label for="f-items">{move || i18n.t("handover.items")}</label>
                        <textarea id="f-items" name="items" class="input textarea" rows="10">{list_text}</textarea>
                        <p class="field__hint">{move || i18n.t("handover.items_hint")}</p>
                        <p class="field__error" role="alert">{move || list_err.get().filter(|e| e.field() == Some("items")).map(|e| e.localized(i18n.code()))}</p>
                    </div>
                    <button type="submit" class="btn">{move || i18n.t("common.save")}</button>
                </ActionForm>
            </details>
        </section>
    }
}
