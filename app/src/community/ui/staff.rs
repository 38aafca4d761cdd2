//! 公告 for staff (`/admin/notices`): write a notice to a community, some of its buildings or
//! units and an audience, now or later; the list with read counts; one notice with who has not
//! read it, a reminder to only them, the receipts as XLSX, and withdrawal.
use crate::community::api::*;
use crate::community::model::{
    Audience, NoticeCategory, NoticeDetail, NoticeKind, NoticeState, NoticeSummary, NOTICE_DOCS_MAX, NOTICE_PHOTOS_MAX,
};
use crate::files::ui::{DocumentPicker, PhotoPicker};
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ids::OrgId;
use crate::shared::ui::{field_error, toast, CsrfField, EmptyState, ErrorState, FormError, Loading};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn state_badge(n: &NoticeSummary) -> (String, &'static str) {
    if n.archived {
        return ("cm.archived".into(), "badge");
    }
    if n.sending {
        return ("cm.sending".into(), "badge");
    }
    (
        n.state.key(),
        match n.state {
            NoticeState::Published => "badge badge--ok",
            NoticeState::Scheduled => "badge",
            NoticeState::Withdrawn => "badge badge--off",
        },
    )
}

/// Where a notice goes: its buildings (`2栋`) and units, or the whole community.
fn target(n: &NoticeSummary, i18n: crate::shared::i18n::I18n) -> String {
    target_text(&n.buildings, &n.units, i18n)
}

/// Buildings (`2栋`) and units, or the whole community when both are empty.
pub(super) fn target_text(buildings: &[String], units: &[String], i18n: crate::shared::i18n::I18n) -> String {
    if buildings.is_empty() && units.is_empty() {
        return i18n.t("cm.whole_community");
    }
    let suffix = i18n.t("cm.building_suffix");
    buildings
        .iter()
        .map(|b| format!("{b}{suffix}"))
        .chain(units.iter().cloned())
        .collect::<Vec<_>>()
        .join("、")
}

/// `part / whole` as a percentage with one decimal (`66.7%`).
pub(super) fn percent(part: i64, whole: i64) -> String {
    let p = crate::shared::percent::rounded(part, whole);
    if whole <= 0 {
        p
    } else {
        format!("{p}%")
    }
}

/// `/admin/notices`: the form and the notices of the caller's scope.
#[component]
pub fn NoticesAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateNotice>::new();
    let list = Resource::new(move || create.version().get(), |_| staff_notices());
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            toast(i18n.t("cm.saved"));
        }
    });
    view! {
        <Title text=move || i18n.t("cm.notices") />
        <h1 class="page-title">{move || i18n.t("cm.notices")}</h1>
        <NoticeForm create />
        <h2 class="card__title">{move || i18n.t("cm.sent")}</h2>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match list.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(l) if l.is_empty() => view! { <EmptyState title="cm.none" body="cm.none_staff" icon="⚑" /> }.into_any(),
                Ok(l) => view! {
                    <div class="table-wrap">
                        <table class="table" data-testid="staff-notices">
                            <thead><tr>
                                <th>{move || i18n.t("cm.title")}</th>
                                <th>{move || i18n.t("cm.target")}</th>
                                <th>{move || i18n.t("cm.publish_at")}</th>
                                <th>{move || i18n.t("cm.state_label")}</th>
                                <th class="num">{move || i18n.t("cm.read_of")}</th>
                            </tr></thead>
                            <tbody>
                                {l.into_iter().map(|n| view! { <NoticeTr n /> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }})}
        </Transition>
    }
}

#[component]
fn NoticeTr(n: NoticeSummary) -> impl IntoView {
    let i18n = use_i18n();
    let (state, class) = state_badge(&n);
    let kind = n.kind;
    let aud = n.audience.key();
    let row = n.clone();
    let target = move || target(&row, i18n);
    view! {
        <tr>
            <td>
                {(kind != NoticeKind::Normal).then(|| { let k = kind.key(); view! { <span class="badge notice-item__kind">{move || i18n.t(&k)}</span>" " } })}
                {n.by_committee.then(|| view! { <span class="badge">{move || i18n.t("cm.by_committee")}</span>" " })}
                <a href=format!("/admin/notices/{}", n.id)>{n.title.clone()}</a>
            </td>
            <td>{n.community.clone()}" · "{target}" · "{move || i18n.t(&aud)}</td>
            <td>{n.publish_at.clone()}</td>
            <td><span class=class>{move || i18n.t(&state)}</span></td>
            <td class="num" data-testid="read-count">{format!("{} / {}", n.read, n.households)}</td>
        </tr>
    }
}

/// The notice form; `committee`: signed by the owners' committee of one of the caller's
/// communities (no emergency).
#[component]
pub(super) fn NoticeForm(create: ServerAction<CreateNotice>, #[prop(optional)] committee: bool) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let msg = move |f: &'static str| {
        let m = field_error(error, f);
        move || m.get()
    };
    let documents: RwSignal<Vec<i64>> = RwSignal::new(vec![]);
    let photos: RwSignal<Vec<i64>> = RwSignal::new(vec![]);
    let busy = RwSignal::new(false);
    // A sent notice took its files with it: the pickers start empty again.
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            documents.set(vec![]);
            photos.set(vec![]);
        }
    });
    let joined =
        |ids: RwSignal<Vec<i64>>| move || ids.with(|v| v.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(","));
    view! {
        <ActionForm action=create attr:class="card form" attr:novalidate=true attr:data-testid="notice-form">
            <CsrfField />
            <label class="field"><span class="field__label">{move || i18n.t("cm.title")}</span>
                <input class="input" name="title" required maxlength="120" />
                <span class="field__error" role="alert">{msg("title")}</span>
            </label>
            <label class="field"><span class="field__label">{move || i18n.t("cm.body")}</span>
                <textarea class="input" name="body" rows="6" maxlength="20000"></textarea>
                <span class="field__hint">{move || i18n.t("cm.body_hint")}</span>
                <span class="field__error" role="alert">{msg("body")}</span>
            </label>
            <div class="form__row">
                <label class="field"><span class="field__label">{move || i18n.t("cm.category")}</span>
                    <select class="input" name="category">
                        {NoticeCategory::ALL.iter().map(|c| { let k = c.key(); view! { <option value=c.code()>{move || i18n.t(&k)}</option> } }).collect_view()}
                    </select>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("cm.kind_label")}</span>
                    <select class="input" name="kind">
                        {NoticeKind::ALL.iter().filter(|c| !committee || **c != NoticeKind::Emergency).map(|c| { let k = c.key(); view! { <option value=c.code()>{move || i18n.t(&k)}</option> } }).collect_view()}
                    </select>
                </label>
            </div>
            <TargetFields error committee />
            {committee.then(|| view! { <input type="hidden" name="by_committee" value="true" /> })}
            <div class="form__row">
                <label class="field"><span class="field__label">{move || i18n.t("cm.publish_at")}</span>
                    <input class="input" type="datetime-local" name="publish_at" />
                    <span class="field__hint">{move || i18n.t("cm.publish_hint")}</span>
                    <span class="field__error" role="alert">{msg("publish_at")}</span>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("cm.ends_at")}</span>
                    <input class="input" type="datetime-local" name="ends_at" />
                    <span class="field__error" role="alert">{msg("ends_at")}</span>
                </label>
            </div>
            <PhotoPicker ids=photos max=NOTICE_PHOTOS_MAX busy error />
            <DocumentPicker ids=documents max=NOTICE_DOCS_MAX label="cm.attachments" hint="cm.attachments_hint" busy error />
            <input type="hidden" name="photos" prop:value=joined(photos) />
            <input type="hidden" name="documents" prop:value=joined(documents) />
            <FormError error fields=&["title", "body", "buildings", "units", "publish_at", "ends_at", "photos", "documents"] />
            <button type="submit" class="btn btn--primary" disabled=move || create.pending().get() || busy.get()>
                {move || i18n.t("cm.send")}
            </button>
        </ActionForm>
    }
}

/// Whom a notice or a survey is for, as form fields: `community_id`, `audience`, `buildings`
/// (comma-separated ids, from tick boxes of the chosen community's buildings) and `units`. For
/// staff, a saved group (常用发送对象) fills them in one pick, and what they show can be kept under
/// a name.
#[component]
pub(super) fn TargetFields(
    #[prop(into)] error: Signal<Option<AppError>>,
    /// The communities whose owners' committee the caller sits on, not those of their scope.
    #[prop(optional)]
    committee: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let communities = Resource::new(
        move || committee,
        |committee| async move {
            if committee {
                committee_notice_communities().await
            } else {
                notice_communities().await
            }
        },
    );
    let community = RwSignal::new(String::new());
    let picked = RwSignal::new(Vec::<i64>::new());
    let audience = RwSignal::new(Audience::Everyone);
    let units = RwSignal::new(String::new());
    // The community picked; until staff pick one, the first offered, set from an effect (in the
    // browser, after hydration). Deriving it from `communities` instead made the buildings' and
    // groups' resources depend on when that resource's data reached the server's render, and a
    // page whose boundaries resolved in another order panicked while hydrating.
    Effect::new(move |_| {
        if let Some(Ok(l)) = communities.get() {
            if community.get_untracked().is_empty() {
                if let Some(f) = l.first() {
                    community.set(f.id.0.to_string());
                }
            }
        }
    });
    let chosen = move || community.get();
    let buildings = Resource::new(chosen, |c| async move {
        match c.parse::<i64>() {
            Ok(id) => notice_buildings(OrgId(id)).await,
            Err(_) => Ok(vec![]),
        }
    });
    let msg = move |f: &'static str| {
        let m = field_error(error, f);
        move || m.get()
    };
    // Saved groups (staff only): the one picked, and a name to keep the fields under.
    let save = ServerAction::<SaveTargetGroup>::new();
    let delete = ServerAction::<DeleteTargetGroup>::new();
    let selected = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let groups = Resource::new(
        move || (committee, chosen(), save.version().get(), delete.version().get()),
        |(committee, c, _, _)| async move {
            match c.parse::<i64>() {
                Ok(id) if !committee => target_groups(OrgId(id)).await,
                _ => Ok(vec![]),
            }
        },
    );
    // A refused save is named under the name field instead.
    Effect::new(move |_| {
        if let Some(Ok(g)) = save.value().get() {
            selected.set(g.id.to_string());
            name.set(String::new());
            toast(i18n.t("cm.group_saved"));
        }
    });
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            selected.set(String::new());
            toast(i18n.t("cm.group_deleted"));
        }
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    let save_error = move || {
        save.value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.localized(i18n.code()))
    };
    let apply = move |id: String| {
        selected.set(id.clone());
        let Ok(id) = id.parse::<i64>() else { return };
        if let Some(g) = groups
            .get_untracked()
            .and_then(|r| r.ok())
            .and_then(|l| l.into_iter().find(|g| g.id == id))
        {
            audience.set(g.audience);
            picked.set(g.buildings);
            units.set(g.units.join(", "));
        }
    };
    let keep = move || {
        save.dispatch(SaveTargetGroup {
            community_id: OrgId(untrack(chosen).parse().unwrap_or(0)),
            name: name.get_untracked(),
            audience: audience.get_untracked().code().into(),
            buildings: picked.with_untracked(|p| p.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(",")),
            units: units.get_untracked(),
        });
    };
    view! {
        <fieldset class="fieldset">
            <legend class="field__label">{move || i18n.t("cm.target_legend")}</legend>
            <Transition fallback=Loading>
                {move || Suspend::new(async move { match communities.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(list) => view! {
                        <label class="field"><span class="field__label">{move || i18n.t("cm.community")}</span>
                            <select class="input" name="community_id" required
                                on:change=move |ev| { picked.set(vec![]); selected.set(String::new()); community.set(event_target_value(&ev)); }>
                                {list.into_iter().map(|o| { let v = o.id.0.to_string(); view! {
                                    <option value=v.clone() selected=move || chosen() == v>{o.name}</option>
                                } }).collect_view()}
                            </select>
                        </label>
                    }.into_any(),
                }})}
            </Transition>
            {(!committee).then(|| view! {
                <div class="field" data-testid="target-groups">
                    <label class="field__label" for="target-group">{move || i18n.t("cm.group")}</label>
                    <div class="target-groups__row">
                        <Transition fallback=Loading>
                            {move || Suspend::new(async move { match groups.await {
                                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                                Ok(list) => view! {
                                    <select class="input" id="target-group" on:change=move |ev| apply(event_target_value(&ev))>
                                        <option value="" selected=move || selected.get().is_empty()>{move || i18n.t("cm.group_none")}</option>
                                        {list.into_iter().map(|g| { let v = g.id.to_string(); let shown = v.clone(); view! {
                                            <option value=v selected=move || selected.get() == shown>{g.name}</option>
                                        } }).collect_view()}
                                    </select>
                                }.into_any(),
                            }})}
                        </Transition>
                        <button type="button" class="btn btn--ghost"
                            hidden=move || selected.get().is_empty()
                            disabled=move || delete.pending().get()
                            on:click=move |_| {
                                if let Ok(id) = selected.get_untracked().parse::<i64>() {
                                    delete.dispatch(DeleteTargetGroup { id });
                                }
                            }>{move || i18n.t("cm.group_delete")}</button>
                    </div>
                    <p class="field__hint">{move || i18n.t("cm.group_hint")}</p>
                </div>
            })}
            <div class="field">
                <span class="field__label">{move || i18n.t("cm.audience")}</span>
                <div class="check-row">
                    {Audience::ALL.iter().map(|a| { let a = *a; let k = a.key(); view! {
                        <label class="check"><input type="radio" name="audience" value=a.code()
                            prop:checked=move || audience.get() == a
                            on:change=move |_| audience.set(a) />{move || i18n.t(&k)}</label>
                    } }).collect_view()}
                </div>
            </div>
            <div class="field">
                <span class="field__label">{move || i18n.t("cm.buildings")}</span>
                <p class="field__hint">{move || i18n.t("cm.target_hint")}</p>
                <input type="hidden" name="buildings" prop:value=move || picked.with(|p| p.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(",")) />
                <Transition fallback=Loading>
                    {move || Suspend::new(async move { match buildings.await {
                        Err(e) => view! { <ErrorState error=e /> }.into_any(),
                        Ok(list) => view! {
                            <div class="check-grid" data-testid="notice-buildings">
                                {list.into_iter().map(|(id, code)| view! {
                                    <label class="check"><input type="checkbox"
                                        prop:checked=move || picked.with(|p| p.contains(&id))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            picked.update(|p| { p.retain(|x| *x != id); if on { p.push(id); } });
                                        } />{format!("{code}{}", i18n.t("cm.building_suffix"))}</label>
                                }).collect_view()}
                            </div>
                        }.into_any(),
                    }})}
                </Transition>
                <span class="field__error" role="alert">{msg("buildings")}</span>
            </div>
            <label class="field"><span class="field__label">{move || i18n.t("cm.units")}</span>
                <input class="input" name="units" placeholder="1-1-0101, 1-1-0102"
                    prop:value=move || units.get() on:input=move |ev| units.set(event_target_value(&ev)) />
                <span class="field__error" role="alert">{msg("units")}</span>
            </label>
            {(!committee).then(|| view! {
                <div class="field">
                    <label class="field__label" for="target-group-name">{move || i18n.t("cm.group_save_label")}</label>
                    <div class="target-groups__row">
                        // No `name`: the notice form does not send it.
                        <input class="input" id="target-group-name" maxlength="40" placeholder=move || i18n.t("cm.group_name_hint")
                            prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))
                            on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); keep(); } />
                        <button type="button" class="btn" disabled=move || save.pending().get() on:click=move |_| keep()>
                            {move || i18n.t("cm.group_save")}
                        </button>
                    </div>
                    <span class="field__error" role="alert">{save_error}</span>
                </div>
            })}
        </fieldset>
    }
}

/// `/admin/notices/:id`: one notice's reach, who has not read it, reminders and withdrawal.
#[component]
pub fn NoticeAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("cm.notice") />
        <p><a href="/admin/notices">"‹ "{move || i18n.t("cm.notices")}</a></p>
        <NoticeDesk />
    }
}

/// The notice of the address's `:id` with who has not read it, reminders and withdrawal (staff
/// and the owners' committee alike).
#[component]
pub(super) fn NoticeDesk() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let remind = ServerAction::<RemindNotice>::new();
    let withdraw = ServerAction::<WithdrawNotice>::new();
    let detail = Resource::new(
        move || (id.get(), remind.version().get(), withdraw.version().get()),
        |(id, _, _)| staff_notice(id),
    );
    Effect::new(move |_| match remind.value().get() {
        Some(Ok(_)) => toast(i18n.t("cm.reminded")),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = withdraw.value().get() {
            toast(e.localized(i18n.code()));
        }
    });
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match detail.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(d) => view! { <Detail d remind withdraw /> }.into_any(),
            }})}
        </Transition>
    }
}

#[component]
fn Detail(
    d: NoticeDetail,
    remind: ServerAction<RemindNotice>,
    withdraw: ServerAction<WithdrawNotice>,
) -> impl IntoView {
    let i18n = use_i18n();
    let n = d.notice.clone();
    let (state, class) = state_badge(&n);
    let id = n.id;
    let published = n.state == NoticeState::Published;
    let live = n.state != NoticeState::Withdrawn;
    let cat = n.category.key();
    let aud = n.audience.key();
    let kind = n.kind.key();
    let row = n.clone();
    let target = move || target(&row, i18n);
    let unread_total = d.unread_total;
    let more = d.unread_total - d.unread.len() as i64;
    view! {
        <h1 class="page-title">{n.title.clone()}" "<span class=class data-testid="notice-state">{move || i18n.t(&state)}</span></h1>
        <dl class="cm-figures" data-testid="notice-stats">
            <div><dt>{move || i18n.t("cm.households")}</dt><dd>{n.households}</dd></div>
            <div><dt>{move || i18n.t("cm.read")}</dt><dd data-testid="stat-read">{n.read}</dd></div>
            <div><dt>{move || i18n.t("cm.unread")}</dt><dd data-testid="stat-unread">{unread_total}</dd></div>
            <div><dt>{move || i18n.t("cm.read_rate")}</dt><dd>{percent(n.read, n.households)}</dd></div>
        </dl>
        <section class="card">
            <p class="muted small">
                {move || i18n.t(&kind)}" · "{move || i18n.t(&cat)}" · "{n.community.clone()}" · "
                {target}" · "{move || i18n.t(&aud)}
            </p>
            <p class="muted small">{move || i18n.t("cm.publish_at")}" "{n.publish_at.clone()}
                {n.ends_at.clone().map(|e| view! { " · "{move || i18n.t("cm.ends_at")}" "{e.clone()} })}</p>
            <div class="cm-notice__body" inner_html=d.body.clone()></div>
            <super::Attachments base=format!("/api/v1/notices/{id}") documents=d.documents.clone() photos=d.photos.clone() />
        </section>
        <section class="card">
            <div class="cm-head">
                <h2 class="card__title">{move || i18n.t("cm.not_read")}</h2>
                <a class="btn btn--small" href=format!("/api/v1/notices/{id}/receipts.xlsx") download>{move || i18n.t("cm.export")}</a>
            </div>
            {(d.reminders > 0).then(|| {
                let text = i18n.t("cm.reminders_sent").replace("{n}", &d.reminders.to_string()).replace("{at}", &d.reminded_at.clone().unwrap_or_default());
                view! { <p class="muted small" data-testid="reminders">{text}</p> }
            })}
            {if d.unread.is_empty() {
                view! { <p class="muted">{move || i18n.t(if published { "cm.everyone_read" } else { "cm.not_sent" })}</p> }.into_any()
            } else {
                view! {
                    <ul class="unit-chips" data-testid="unread-units">
                        {d.unread.iter().map(|u| view! { <li class="chip">{u.number.clone()}</li> }).collect_view()}
                        {(more > 0).then(|| view! { <li class="muted small">{format!("+{more}")}</li> })}
                    </ul>
                }.into_any()
            }}
            <div class="row">
                {(published && unread_total > 0).then(|| view! {
                    <ActionForm action=remind attr:class="inline-form">
                        <CsrfField />
                        <input type="hidden" name="id" value=id.to_string() />
                        <button type="submit" class="btn btn--primary" data-testid="remind" disabled=move || remind.pending().get()>
                            {move || i18n.t("cm.remind")}
                        </button>
                    </ActionForm>
                })}
                {live.then(|| view! {
                    <ActionForm action=withdraw attr:class="inline-form">
                        <CsrfField />
                        <input type="hidden" name="id" value=id.to_string() />
                        <button type="submit" class="btn btn--danger" disabled=move || withdraw.pending().get()>
                            {move || i18n.t("cm.withdraw")}
                        </button>
                    </ActionForm>
                })}
            </div>
        </section>
    }
}
