//! 设备台账: the equipment list with its filters and the form to add one, and a piece of
//! equipment with its plans, due dates, maintenance records and the form to record work.
use super::{
    category_key, community_param, reload_on_ok, succeeded, AnswerList, ChecklistToggles, CommunityFilter, DueBadge,
    EngTabs, PhotoStrip,
};
use crate::access::model::Permission;
use crate::access::ui::use_session;
use crate::engineering::api::{
    eng_communities, get_equipment, list_equipment, AddPlan, CreateEquipment, RecordMaintenance,
    RemoveEquipmentDocument, SetPlanActive, UpdateEquipment,
};
use crate::engineering::model::*;
use crate::files::model::DocRef;
use crate::files::ui::{DocumentPicker, PhotoPicker};
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{field_error, toast, CsrfField, EmptyState, ErrorState, Field, FormError, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

const PATH: &str = "/admin/engineering/equipment";

/// True when the signed-in user holds `p` somewhere (forms are shown by it; the server
/// decides again).
pub(super) fn holds(p: Permission) -> Signal<bool> {
    let session = use_session();
    Signal::derive(move || session.me.with(|m| m.as_ref().is_some_and(|m| m.can(p))))
}

#[component]
fn CategoryOptions(#[prop(optional)] selected: String) -> impl IntoView {
    let i18n = use_i18n();
    CATEGORIES
        .into_iter()
        .map(|c| {
            let k = category_key(c);
            view! { <option value=c selected=selected == c>{move || i18n.t(&k)}</option> }
        })
        .collect_view()
}

/// A select bound to a server function argument, with its error under it.
#[component]
fn SelectField(
    label: &'static str,
    name: &'static str,
    error: Signal<Option<AppError>>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let msg = field_error(error, name);
    let id = format!("f-{name}");
    view! {
        <div class="field" class:field--error=move || msg.get().is_some()>
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <select class="input" id=id name=name>{children()}</select>
            <p class="field__error" role="alert">{move || msg.get()}</p>
        </div>
    }
}

#[component]
fn TextArea(
    label: &'static str,
    name: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: String,
    #[prop(default = 3)] rows: u32,
) -> impl IntoView {
    let i18n = use_i18n();
    let msg = field_error(error, name);
    let id = format!("f-{name}");
    view! {
        <div class="field" class:field--error=move || msg.get().is_some()>
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <textarea class="input" id=id name=name rows=rows.to_string()>{value}</textarea>
            {hint.map(|h| view! { <p class="field__hint">{move || i18n.t(h)}</p> })}
            <p class="field__error" role="alert">{move || msg.get()}</p>
        </div>
    }
}

/// Hidden inputs carrying uploaded file ids as `photos[0]`, `photos[1]` … (or another `name`).
#[component]
fn FileIds(ids: RwSignal<Vec<i64>>, #[prop(default = "photos")] name: &'static str) -> impl IntoView {
    move || {
        ids.get()
            .into_iter()
            .enumerate()
            .map(|(n, id)| view! { <input type="hidden" name=format!("{name}[{n}]") value=id.to_string() /> })
            .collect_view()
    }
}

/// 设备台账: filters, the list and (for managers) the form to add equipment.
#[component]
pub fn EquipmentPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move |k: &str| query.with(|q| q.get(k).filter(|v| !v.is_empty()));
    let community = community_param();
    let manage = holds(Permission::ServiceDispatch);
    let communities = Resource::new(|| (), |_| eng_communities());
    let list = Resource::new(
        move || (community.get(), q("category"), q("status"), q("q")),
        |(c, cat, st, text)| list_equipment(c, cat, st, text),
    );
    view! {
        <Title text=move || i18n.t("eng.equipment") />
        <h1 class="page-title">{move || i18n.t("eng.equipment")}</h1>
        <EngTabs current="equipment" />
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match communities.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(list) => {
                        let for_form = list.clone();
                        view! {
                            <CommunityFilter path=PATH list all=true />
                            <form class="toolbar filters" method="get">
                                {move || community.get().map(|c| view! { <input type="hidden" name="community" value=c.to_string() /> })}
                                <label class="field">
                                    <span class="field__label">{move || i18n.t("eng.category")}</span>
                                    <select class="input toolbar__select" name="category">
                                        <option value="">{move || i18n.t("eng.all_categories")}</option>
                                        <CategoryOptions selected=q("category").unwrap_or_default() />
                                    </select>
                                </label>
                                <label class="field">
                                    <span class="field__label">{move || i18n.t("eng.status")}</span>
                                    <select class="input toolbar__select" name="status">
                                        <option value="">{move || i18n.t("eng.all_statuses")}</option>
                                        {["active", "retired"].into_iter().map(|s| {
                                            let k = format!("eng.status_{s}");
                                            let sel = q("status").as_deref() == Some(s);
                                            view! { <option value=s selected=sel>{move || i18n.t(&k)}</option> }
                                        }).collect_view()}
                                    </select>
                                </label>
                                <label class="field">
                                    <span class="field__label">{move || i18n.t("common.search")}</span>
                                    <input class="input" type="search" name="q" value=q("q").unwrap_or_default()
                                        placeholder=move || i18n.t("eng.search_hint") />
                                </label>
                                <button class="btn" type="submit">{move || i18n.t("common.filter")}</button>
                            </form>
                            {move || manage.get().then(|| view! { <NewEquipment communities=for_form.clone() /> })}
                        }.into_any()
                    }
                }
            })}
        </Transition>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! { <EmptyState title="eng.no_equipment" icon="⚙" /> }.into_any(),
                    Ok(rows) => view! { <EquipmentTable rows /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn EquipmentTable(rows: Vec<EquipmentRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap">
            <table class="table table--cards eng-table">
                <thead><tr>
                    <th>{move || i18n.t("eng.code")}</th>
                    <th>{move || i18n.t("eng.name")}</th>
                    <th>{move || i18n.t("eng.category")}</th>
                    <th>{move || i18n.t("eng.location")}</th>
                    <th>{move || i18n.t("eng.next_due")}</th>
                    <th>{move || i18n.t("eng.warranty_until")}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|e| {
                        let href = format!("{PATH}/{}", e.id);
                        let cat = category_key(&e.category);
                        let retired = e.status == EquipmentStatus::Retired;
                        let (l1, l2, l3, l4, l5, l6) = (i18n.t("eng.code"), i18n.t("eng.name"), i18n.t("eng.category"),
                            i18n.t("eng.location"), i18n.t("eng.next_due"), i18n.t("eng.warranty_until"));
                        view! {
                            <tr class:eng-table__retired=retired>
                                <td data-label=l1><a class="link" href=href.clone()>{e.code.clone()}</a></td>
                                <td data-label=l2>
                                    <a href=href>{e.name.clone()}</a>
                                    {retired.then(|| view! { " " <span class="badge badge--off">{move || i18n.t("eng.status_retired")}</span> })}
                                    <div class="muted small">{e.community.clone()}</div>
                                </td>
                                <td data-label=l3>{move || i18n.t(&cat)}</td>
                                <td data-label=l4>{e.location.clone()}</td>
                                <td data-label=l5><DueBadge state=e.due_state date=e.next_due.clone() /></td>
                                <td data-label=l6>
                                    {e.warranty_until.clone().unwrap_or_default()}
                                    {e.out_of_warranty.then(|| view! { " " <span class="badge badge--warn">{move || i18n.t("eng.out_of_warranty")}</span> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn NewEquipment(communities: Vec<Community>) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateEquipment>::new();
    let err = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let photos: RwSignal<Vec<i64>> = RwSignal::new(vec![]);
    let documents: RwSignal<Vec<i64>> = RwSignal::new(vec![]);
    let busy = RwSignal::new(false);
    let busy_docs = RwSignal::new(false);
    let navigate = use_navigate();
    let preset = community_param().get_untracked();
    Effect::new(move |_| {
        if let Some(Ok(d)) = create.value().get() {
            toast(format!("{} {}", i18n.t("eng.equipment_added"), d.equipment.name));
            photos.set(vec![]);
            documents.set(vec![]);
            navigate(&format!("{PATH}/{}", d.equipment.id), Default::default());
        }
    });
    view! {
        <details class="card">
            <summary>{move || i18n.t("eng.add_equipment")}</summary>
            <ActionForm action=create attr:class="form form--grid" attr:novalidate=true>
                <CsrfField />
                <FormError error=err fields=&["community_id", "code", "name", "category", "location", "model", "supplier",
                    "installed_on", "warranty_until", "notes", "photos", "documents"] />
                <SelectField label="eng.community" name="community_id" error=err>
                    {communities.into_iter().map(|c| {
                        let sel = preset == Some(c.id.0);
                        view! { <option value=c.id.0.to_string() selected=sel>{c.name}</option> }
                    }).collect_view()}
                </SelectField>
                <SelectField label="eng.category" name="category" error=err><CategoryOptions /></SelectField>
                <Field label="eng.code" name="code" hint="eng.code_hint" error=err />
                <Field label="eng.name" name="name" error=err />
                <Field label="eng.location" name="location" required=false error=err />
                <Field label="eng.model" name="model" required=false error=err />
                <Field label="eng.supplier" name="supplier" required=false error=err />
                <Field label="eng.installed_on" name="installed_on" kind="date" required=false error=err />
                <Field label="eng.warranty_until" name="warranty_until" kind="date" required=false error=err />
                <TextArea label="eng.notes" name="notes" error=err hint="eng.notes_hint" />
                <PhotoPicker ids=photos busy error=err />
                <FileIds ids=photos />
                <DocumentPicker ids=documents busy=busy_docs error=err />
                <FileIds ids=documents name="documents" />
                <button type="submit" class="btn btn--primary" disabled=move || create.pending().get() || busy.get() || busy_docs.get()>
                    {move || i18n.t("common.save")}
                </button>
            </ActionForm>
        </details>
    }
}

/// Toasts how an action went; errors naming a field show under it instead.
fn say(i18n: crate::shared::i18n::I18n, r: Option<Result<&'static str, AppError>>) {
    match r {
        Some(Ok(k)) => toast(i18n.t(k)),
        Some(Err(e)) if e.field().is_none() => toast(e.localized(i18n.code())),
        _ => {}
    }
}

/// A piece of equipment: facts, photos, plans with due dates, maintenance records, and the
/// forms to edit it, add a plan and record maintenance.
#[component]
pub fn EquipmentDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()))
            .unwrap_or(0)
    });
    let update = ServerAction::<UpdateEquipment>::new();
    let add_plan = ServerAction::<AddPlan>::new();
    let plan_active = ServerAction::<SetPlanActive>::new();
    let record = ServerAction::<RecordMaintenance>::new();
    let remove_doc = ServerAction::<RemoveEquipmentDocument>::new();
    // Reloaded after a success only: a refused form stays open with its error.
    let reload = RwSignal::new(0u32);
    reload_on_ok(succeeded!(update), reload);
    reload_on_ok(succeeded!(add_plan), reload);
    reload_on_ok(succeeded!(plan_active), reload);
    reload_on_ok(succeeded!(record), reload);
    reload_on_ok(succeeded!(remove_doc), reload);
    let detail = Resource::new(
        move || (id.get(), reload.get()),
        |(id, _)| get_equipment(EquipmentId(id)),
    );
    Effect::new(move |_| say(i18n, update.value().get().map(|r| r.map(|_| "common.saved"))));
    Effect::new(move |_| say(i18n, add_plan.value().get().map(|r| r.map(|_| "eng.plan_added"))));
    Effect::new(move |_| say(i18n, plan_active.value().get().map(|r| r.map(|_| "common.saved"))));
    Effect::new(move |_| {
        say(
            i18n,
            remove_doc.value().get().map(|r| r.map(|_| "eng.document_removed")),
        )
    });
    view! {
        <Title text=move || i18n.t("eng.equipment") />
        <div class="page-head">
            <a class="back" href=PATH aria-label=move || i18n.t("common.back")>"‹"</a>
            <h1 class="page-title">{move || i18n.t("eng.equipment")}</h1>
        </div>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(d) => view! { <Detail d update add_plan plan_active record remove_doc /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Detail(
    d: EquipmentDetail,
    update: ServerAction<UpdateEquipment>,
    add_plan: ServerAction<AddPlan>,
    plan_active: ServerAction<SetPlanActive>,
    record: ServerAction<RecordMaintenance>,
    remove_doc: ServerAction<RemoveEquipmentDocument>,
) -> impl IntoView {
    let i18n = use_i18n();
    let e = d.equipment.clone();
    let base = format!("/api/v1/equipment/{}", e.id);
    let cat = category_key(&e.category);
    let status_key = format!("eng.status_{}", e.status.code());
    let qr = format!("/admin/engineering/qr?community={}", e.community_id);
    let fact = |k: &'static str, v: String| (!v.is_empty()).then(|| view! { <dt>{move || i18n.t(k)}</dt><dd>{v}</dd> });
    view! {
        <section class="card eng-head">
            <h2 class="card__title">
                <span class="mono">{e.code.clone()}</span> " " {e.name.clone()} " "
                <span class=if e.status == EquipmentStatus::Active { "badge badge--ok" } else { "badge badge--off" }>{move || i18n.t(&status_key)}</span>
            </h2>
            <dl class="facts">
                <dt>{move || i18n.t("eng.category")}</dt><dd>{move || i18n.t(&cat)}</dd>
                {fact("eng.community", e.community.clone())}
                {fact("eng.location", e.location.clone())}
                {fact("eng.model", e.model.clone())}
                {fact("eng.supplier", e.supplier.clone())}
                {fact("eng.installed_on", e.installed_on.clone().unwrap_or_default())}
                {fact("eng.warranty_until", e.warranty_until.clone().unwrap_or_default())}
                {fact("eng.notes", e.notes.clone())}
            </dl>
            {e.out_of_warranty.then(|| view! { <p class="alert alert--warn">{move || i18n.t("eng.out_of_warranty")}</p> })}
            <PhotoStrip base=base.clone() photos=d.photos.clone() />
            <Documents equipment=e.id docs=d.documents.clone() manage=d.can.manage remove_doc />
            {d.can.manage.then(|| view! { <p><a class="btn btn--small" href=qr>{move || i18n.t("eng.print_qr")}</a></p> })}
        </section>
        {d.can.manage.then(|| view! { <EditEquipment e=e.clone() update docs=d.documents.len() /> })}
        <section class="card">
            <h2 class="card__title">{move || i18n.t("eng.plans")}</h2>
            {if d.plans.is_empty() {
                view! { <p class="muted">{move || i18n.t("eng.no_plans")}</p> }.into_any()
            } else {
                let manage = d.can.manage;
                view! {
                    <ul class="list">
                        {d.plans.clone().into_iter().map(|p| view! { <PlanItem p manage plan_active /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {d.can.manage.then(|| view! { <NewPlan equipment=e.id add_plan /> })}
        </section>
        {(d.can.record && e.status == EquipmentStatus::Active).then(|| view! { <RecordForm equipment=e.id plans=d.plans.clone() record /> })}
        <section class="card">
            <h2 class="card__title">{move || i18n.t("eng.records")}</h2>
            {if d.records.is_empty() {
                view! { <p class="muted">{move || i18n.t("eng.no_records")}</p> }.into_any()
            } else {
                view! {
                    <ul class="list eng-records">
                        {d.records.clone().into_iter().map(|r| {
                            let photo_base = format!("{base}/maintenance/{}", r.id);
                            view! {
                                <li class="list__item eng-record">
                                    <div class="eng-record__head">
                                        <span class="list__main">{r.done_at.clone()}</span>
                                        <span>{r.plan.clone().unwrap_or_else(|| i18n.t("eng.ad_hoc"))}</span>
                                        <span class="muted">{r.done_by.clone()}</span>
                                        {r.abnormal.then(|| view! { <span class="badge badge--failed">{move || i18n.t("eng.abnormal")}</span> })}
                                    </div>
                                    {(!r.results.is_empty()).then(|| view! { <AnswerList answers=r.results.clone() /> })}
                                    {(!r.note.is_empty()).then(|| view! { <p class="eng-record__note">{r.note.clone()}</p> })}
                                    <PhotoStrip base=photo_base photos=r.photos.clone() />
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {(!d.checkpoints.is_empty()).then(|| view! {
            <section class="card">
                <h2 class="card__title">{move || i18n.t("eng.checkpoints")}</h2>
                <ul class="list">
                    {d.checkpoints.clone().into_iter().map(|c| view! {
                        <li class="list__item"><span class="list__main">{c.name}</span><span class="muted">{c.location}</span></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// 说明书 and 保修卡: each downloads under its own name; managers may remove one.
#[component]
fn Documents(
    equipment: EquipmentId,
    docs: Vec<DocRef>,
    manage: bool,
    remove_doc: ServerAction<RemoveEquipmentDocument>,
) -> impl IntoView {
    let i18n = use_i18n();
    (!docs.is_empty()).then(|| {
        view! {
            <h3 class="doc-list__title">{move || i18n.t("eng.documents")}</h3>
            <ul class="doc-list" data-testid="equipment-documents">
                {docs.into_iter().map(|doc| {
                    let href = format!("/api/v1/equipment/{}/documents/{}", equipment.0, doc.id);
                    let size = crate::files::model::size_label(doc.bytes);
                    let label = format!("{} {}", i18n.t("files.remove_document"), doc.name);
                    let file = doc.id;
                    let question = i18n.t("eng.remove_document_q").replace("{name}", &doc.name);
                    view! {
                        <li class="doc-list__item">
                            <span class="doc-badge" aria-hidden="true">"PDF"</span>
                            <a href=href download=doc.name.clone() rel="noopener">{doc.name.clone()}</a>
                            <span class="muted small">{size}</span>
                            {manage.then(|| view! {
                                <button type="button" class="btn btn--small btn--ghost" aria-label=label.clone()
                                    disabled=move || remove_doc.pending().get()
                                    on:click=move |_| {
                                        if crate::shared::ui::confirm(&question) {
                                            remove_doc.dispatch(RemoveEquipmentDocument { id: equipment, file });
                                        }
                                    }>
                                    {move || i18n.t("common.remove")}
                                </button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}

#[component]
fn PlanItem(p: PlanRow, manage: bool, plan_active: ServerAction<SetPlanActive>) -> impl IntoView {
    let i18n = use_i18n();
    let unit = format!("eng.every_{}", p.every_unit.code());
    let n = p.every_n;
    let id = p.id;
    let active = p.active;
    view! {
        <li class="list__item eng-plan" class:list__item--past=!active>
            <div class="eng-plan__head">
                <span class="list__main">{p.name.clone()}</span>
                <span class="muted">{move || i18n.t(&unit).replace("{n}", &n.to_string())}</span>
                {if active {
                    view! { <DueBadge state=Some(p.due_state) date=Some(p.next_due.clone()) /> }.into_any()
                } else {
                    view! { <span class="badge badge--off">{move || i18n.t("eng.paused")}</span> }.into_any()
                }}
                {manage.then(|| view! {
                    <button type="button" class="btn btn--small btn--ghost"
                        on:click=move |_| { plan_active.dispatch(SetPlanActive { plan: id, active: !active }); }>
                        {move || i18n.t(if active { "eng.pause" } else { "eng.resume" })}
                    </button>
                })}
            </div>
            <p class="muted small">{p.checklist.join(" · ")}</p>
        </li>
    }
}

#[component]
fn NewPlan(equipment: EquipmentId, add_plan: ServerAction<AddPlan>) -> impl IntoView {
    let i18n = use_i18n();
    let err = Signal::derive(move || add_plan.value().get().and_then(|r| r.err()));
    view! {
        <details class="eng-sub">
            <summary>{move || i18n.t("eng.add_plan")}</summary>
            <ActionForm action=add_plan attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="equipment" value=equipment.0.to_string() />
                <FormError error=err fields=&["plan_name", "every_n", "every_unit", "checklist", "starts_on"] />
                <Field label="eng.plan_name" name="plan_name" error=err />
                <div class="row eng-every">
                    <Field label="eng.every_n" name="every_n" kind="number" inputmode="numeric" value="1" error=err />
                    <SelectField label="eng.every_unit" name="every_unit" error=err>
                        {["month", "week", "day"].into_iter().map(|u| {
                            let k = format!("eng.unit_{u}");
                            view! { <option value=u>{move || i18n.t(&k)}</option> }
                        }).collect_view()}
                    </SelectField>
                </div>
                <Field label="eng.starts_on" name="starts_on" kind="date" hint="eng.starts_on_hint" error=err />
                <TextArea label="eng.checklist" name="checklist" error=err hint="eng.checklist_hint" rows=4 />
                <button type="submit" class="btn btn--primary" disabled=move || add_plan.pending().get()>{move || i18n.t("common.save")}</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn EditEquipment(
    e: EquipmentRow,
    update: ServerAction<UpdateEquipment>,
    /// Documents it already has: room for the rest up to the limit.
    docs: usize,
) -> impl IntoView {
    let i18n = use_i18n();
    let err = Signal::derive(move || update.value().get().and_then(|r| r.err()));
    let photos: RwSignal<Vec<i64>> = RwSignal::new(vec![]);
    let documents: RwSignal<Vec<i64>> = RwSignal::new(vec![]);
    let busy = RwSignal::new(false);
    let busy_docs = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(_)) = update.value().get() {
            photos.set(vec![]);
            documents.set(vec![]);
        }
    });
    let status = e.status;
    view! {
        <details class="card">
            <summary>{move || i18n.t("eng.edit")}</summary>
            <ActionForm action=update attr:class="form form--grid" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="id" value=e.id.0.to_string() />
                <input type="hidden" name="community_id" value=e.community_id.0.to_string() />
                <FormError error=err fields=&["code", "name", "category", "location", "model", "supplier",
                    "installed_on", "warranty_until", "notes", "status", "photos", "documents"] />
                <SelectField label="eng.category" name="category" error=err><CategoryOptions selected=e.category.clone() /></SelectField>
                <SelectField label="eng.status" name="status" error=err>
                    {[EquipmentStatus::Active, EquipmentStatus::Retired].into_iter().map(|s| {
                        let k = format!("eng.status_{}", s.code());
                        view! { <option value=s.code() selected=s == status>{move || i18n.t(&k)}</option> }
                    }).collect_view()}
                </SelectField>
                <Field label="eng.code" name="code" value=e.code.clone() error=err />
                <Field label="eng.name" name="name" value=e.name.clone() error=err />
                <Field label="eng.location" name="location" required=false value=e.location.clone() error=err />
                <Field label="eng.model" name="model" required=false value=e.model.clone() error=err />
                <Field label="eng.supplier" name="supplier" required=false value=e.supplier.clone() error=err />
                <Field label="eng.installed_on" name="installed_on" kind="date" required=false value=e.installed_on.clone().unwrap_or_default() error=err />
                <Field label="eng.warranty_until" name="warranty_until" kind="date" required=false value=e.warranty_until.clone().unwrap_or_default() error=err />
                <TextArea label="eng.notes" name="notes" error=err value=e.notes.clone() />
                <PhotoPicker ids=photos busy error=err label="eng.add_photos" />
                <FileIds ids=photos />
                <DocumentPicker ids=documents busy=busy_docs error=err max=MAX_DOCS.saturating_sub(docs) />
                <FileIds ids=documents name="documents" />
                <button type="submit" class="btn btn--primary" disabled=move || update.pending().get() || busy.get() || busy_docs.get()>
                    {move || i18n.t("common.save")}
                </button>
            </ActionForm>
        </details>
    }
}

/// 记录保养: against a plan (its checklist answered item by item) or ad hoc with a note.
#[component]
fn RecordForm(equipment: EquipmentId, plans: Vec<PlanRow>, record: ServerAction<RecordMaintenance>) -> impl IntoView {
    let i18n = use_i18n();
    let plans: Vec<PlanRow> = plans.into_iter().filter(|p| p.active).collect();
    let plan: RwSignal<Option<PlanId>> = RwSignal::new(plans.first().map(|p| p.id));
    let answers: RwSignal<Vec<Answer>> = RwSignal::new(vec![]);
    let note = RwSignal::new(String::new());
    let photos: RwSignal<Vec<i64>> = RwSignal::new(vec![]);
    let busy = RwSignal::new(false);
    let err = Signal::derive(move || record.value().get().and_then(|r| r.err()));
    Effect::new(move |_| match record.value().get() {
        Some(Ok(_)) => {
            toast(i18n.t("eng.maintenance_saved"));
            note.set(String::new());
            photos.set(vec![]);
        }
        Some(Err(e)) if e.field().is_none() => toast(e.localized(i18n.code())),
        _ => {}
    });
    let note_err = field_error(err, "note");
    let list = plans.clone();
    view! {
        <section class="card">
            <h2 class="card__title">{move || i18n.t("eng.record_maintenance")}</h2>
            <form class="form" on:submit=move |ev| {
                ev.prevent_default();
                let p = plan.get_untracked();
                record.dispatch(RecordMaintenance {
                    equipment,
                    input: NewMaintenance {
                        plan_id: p,
                        results: if p.is_some() { answers.get_untracked() } else { vec![] },
                        note: note.get_untracked(),
                        photos: photos.get_untracked(),
                    },
                });
            }>
                <FormError error=err fields=&["note", "photos"] />
                <div class="field">
                    <label for="m-plan">{move || i18n.t("eng.plan")}</label>
                    <select class="input" id="m-plan" on:change=move |ev| plan.set(event_target_value(&ev).parse().ok().map(PlanId))>
                        {plans.iter().map(|p| view! { <option value=p.id.0.to_string()>{p.name.clone()}</option> }).collect_view()}
                        <option value="">{move || i18n.t("eng.ad_hoc")}</option>
                    </select>
                </div>
                {move || {
                    let items = plan.get().and_then(|id| list.iter().find(|p| p.id == id)).map(|p| p.checklist.clone());
                    items.map(|items| view! { <ChecklistToggles items answers /> })
                }}
                <div class="field" class:field--error=move || note_err.get().is_some()>
                    <label for="m-note">{move || i18n.t("eng.note")}</label>
                    <textarea class="input" id="m-note" rows="2" maxlength="1000"
                        prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    <p class="field__error" role="alert">{move || note_err.get()}</p>
                </div>
                <PhotoPicker ids=photos busy error=err />
                <button type="submit" class="btn btn--primary btn--block" disabled=move || record.pending().get() || busy.get()>
                    {move || i18n.t("eng.save_record")}
                </button>
            </form>
        </section>
    }
}
