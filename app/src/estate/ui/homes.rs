//! 我的家 in 我的: the homes the caller's phone is on record for, their households (the head
//! adds and removes family members), and binding to a home that is not matched yet.
use super::{area_text, relation_key};
use crate::estate::api::{
    bind_communities, my_bind_requests, my_family_invites, my_homes, AnswerFamilyInvite, CancelBind,
    CancelFamilyInvite, InviteFamily, RemoveFamily, RequestBind,
};
use crate::estate::model::{BindRequestRow, BindStatus, FamilyInvite, Home, Relation};
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{reset_forms, toast, CsrfField, EmptyState, ErrorState, Field, FormError, Loading};
use leptos::prelude::*;

fn is_head(r: Relation) -> bool {
    matches!(r, Relation::Owner | Relation::CoOwner | Relation::Tenant)
}

#[component]
fn HomeCard(
    home: Home,
    invite: ServerAction<InviteFamily>,
    remove: ServerAction<RemoveFamily>,
    cancel: ServerAction<CancelFamilyInvite>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rel = relation_key(home.relation);
    let head = is_head(home.relation);
    let unit_id = home.unit.id.0.to_string();
    let invite_err = Signal::derive(move || invite.value().get().and_then(|r: Result<_, AppError>| r.err()));
    view! {
        <div class="home">
            <p class="home__title">
                <strong>{format!("{} {}", home.unit.community, home.unit.number)}</strong>
                " " <span class="badge">{move || i18n.t(&rel)}</span>
            </p>
            <p class="muted">{area_text(&home.unit)}</p>
            <ul class="list">
                {home.household.into_iter().map(|o| {
                    let k = relation_key(o.relation);
                    let occ = o.occupancy_id.0.to_string();
                    let removable = head && o.relation == Relation::Family;
                    view! {
                        <li class="list__item">
                            <span class="list__main">{o.name}</span>
                            <span class="badge">{move || i18n.t(&k)}</span>
                            <span class="muted">{o.phone_masked.unwrap_or_default()}</span>
                            {removable.then(|| view! {
                                <ActionForm action=remove attr:class="inline-form">
                                    <CsrfField />
                                    <input type="hidden" name="occupancy" value=occ.clone() />
                                    <button type="submit" class="btn btn--small">{move || i18n.t("records.remove")}</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
                // Invited, not yet joined: the name stays masked until they accept.
                {home.invites.into_iter().map(|inv| {
                    let id = inv.id.to_string();
                    view! {
                        <li class="list__item" data-testid="pending-invite">
                            <span class="list__main">{inv.name_masked}</span>
                            <span class="badge badge--warn">{move || i18n.t("homes.invite_pending")}</span>
                            <span class="muted">{inv.phone_masked}</span>
                            {head.then(|| view! {
                                <ActionForm action=cancel attr:class="inline-form">
                                    <CsrfField />
                                    <input type="hidden" name="id" value=id.clone() />
                                    <button type="submit" class="btn btn--small">{move || i18n.t("homes.invite_cancel")}</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {head.then(|| view! {
                <details class="home__invite">
                    <summary>{move || i18n.t("homes.invite")}</summary>
                    <ActionForm action=invite attr:class="form" attr:novalidate=true>
                        <CsrfField />
                        <input type="hidden" name="unit" value=unit_id.clone() />
                        <FormError error=invite_err fields=&["name", "phone"] />
                        <Field label="records.name" name="name" autocomplete="off" error=invite_err />
                        <Field label="auth.phone" name="phone" kind="tel" inputmode="numeric" hint="homes.invite_hint" error=invite_err />
                        <button type="submit" class="btn btn--primary">{move || i18n.t("homes.invite_send")}</button>
                    </ActionForm>
                </details>
            })}
        </div>
    }
}

/// The caller's homes and households.
#[component]
pub fn MyHomes() -> impl IntoView {
    let i18n = use_i18n();
    let invite = ServerAction::<InviteFamily>::new();
    let remove = ServerAction::<RemoveFamily>::new();
    let cancel = ServerAction::<CancelFamilyInvite>::new();
    let answer = ServerAction::<AnswerFamilyInvite>::new();
    let homes = Resource::new(
        move || {
            (
                invite.version().get(),
                remove.version().get(),
                cancel.version().get(),
                answer.version().get(),
            )
        },
        |_| my_homes(),
    );
    let invites = Resource::new(move || answer.version().get(), |_| my_family_invites());
    Effect::new(move |_| {
        if let Some(Ok(_)) = invite.value().get() {
            toast(i18n.t("homes.invited"));
            reset_forms(".home__invite form");
        }
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = cancel.value().get() {
            toast(e.localized(i18n.code()));
        }
    });
    Effect::new(move |_| match answer.value().get() {
        Some(Ok(_)) => toast(i18n.t("common.saved")),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => toast(i18n.t("homes.removed")),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let list = invites.await.unwrap_or_default();
                (!list.is_empty()).then(|| view! { <InvitesForMe list answer /> })
            })}
        </Transition>
        <section class="card homes">
            <h2 class="card__title">{move || i18n.t("records.my_homes")}</h2>
            <Transition fallback=Loading>
                {move || Suspend::new(async move { match homes.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <EmptyState title="records.no_homes" body="records.no_homes_body" icon="⌂" />
                    }.into_any(),
                    Ok(list) => list.into_iter().map(|h| view! { <HomeCard home=h invite remove cancel /> }).collect_view().into_any(),
                }})}
            </Transition>
        </section>
        <super::MyOfficeContacts />
        <BindCard />
    }
}

/// Invites to join someone's home, waiting for the caller's answer.
#[component]
fn InvitesForMe(list: Vec<FamilyInvite>, answer: ServerAction<AnswerFamilyInvite>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card invites" aria-label=move || i18n.t("homes.invites_for_me")>
            <h2 class="card__title">{move || i18n.t("homes.invites_for_me")}</h2>
            <ul class="list">
                {list.into_iter().map(|inv| {
                    let id = inv.id;
                    let who = i18n.t("homes.invite_from").replace("{who}", &inv.inviter);
                    view! {
                        <li class="list__item" data-testid="invite-for-me">
                            <span class="list__main">{inv.unit.clone()}</span>
                            <span class="muted">{who}</span>
                            <button type="button" class="btn btn--small btn--primary"
                                on:click=move |_| { answer.dispatch(AnswerFamilyInvite { id, accept: true }); }>
                                {move || i18n.t("homes.invite_accept")}
                            </button>
                            <button type="button" class="btn btn--small"
                                on:click=move |_| { answer.dispatch(AnswerFamilyInvite { id, accept: false }); }>
                                {move || i18n.t("homes.invite_decline")}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

fn status_key(s: BindStatus) -> String {
    format!("homes.status_{}", s.code())
}

#[component]
fn RequestList(list: Vec<BindRequestRow>, cancel: ServerAction<CancelBind>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="list">
            {list.into_iter().map(|r| {
                let k = status_key(r.status);
                let rel = relation_key(r.relation);
                let id = r.id.0.to_string();
                view! {
                    <li class="list__item">
                        <span class="list__main">{format!("{} {}", r.community, r.unit_number)}</span>
                        <span class="badge">{move || i18n.t(&rel)}</span>
                        <span class="badge" class:badge--warn=r.status == BindStatus::Pending>{move || i18n.t(&k)}</span>
                        {(!r.note.is_empty()).then(|| view! { <span class="muted">{r.note.clone()}</span> })}
                        {(r.status == BindStatus::Pending).then(|| view! {
                            <ActionForm action=cancel attr:class="inline-form">
                                <CsrfField />
                                <input type="hidden" name="id" value=id.clone() />
                                <button type="submit" class="btn btn--small">{move || i18n.t("homes.cancel")}</button>
                            </ActionForm>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Ask staff to bind this account to a unit, and follow the requests.
#[component]
fn BindCard() -> impl IntoView {
    let i18n = use_i18n();
    let ask = ServerAction::<RequestBind>::new();
    let ask_err = Signal::derive(move || ask.value().get().and_then(|r: Result<_, AppError>| r.err()));
    let cancel = ServerAction::<CancelBind>::new();
    let data = Resource::new(
        move || (ask.version().get(), cancel.version().get()),
        |_| async move { Ok::<_, AppError>((bind_communities().await?, my_bind_requests().await?)) },
    );
    Effect::new(move |_| {
        if let Some(Ok(_)) = ask.value().get() {
            toast(i18n.t("homes.requested"));
        }
    });
    view! {
        <section class="card">
            <h2 class="card__title">{move || i18n.t("homes.bind_title")}</h2>
            <p class="muted">{move || i18n.t("homes.bind_body")}</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move { match data.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok((communities, requests)) => view! {
                        {(!requests.is_empty()).then(|| view! { <RequestList list=requests cancel /> })}
                        <details open=false>
                            <summary>{move || i18n.t("homes.bind_open")}</summary>
                            <ActionForm action=ask attr:class="form" attr:novalidate=true>
                                <CsrfField />
                                <FormError error=ask_err fields=&["community_id", "unit_number", "relation", "name"] />
                                <div class="field">
                                    <label for="f-bind-community">{move || i18n.t("records.community")}</label>
                                    <select id="f-bind-community" name="community_id">
                                        {communities.into_iter().map(|c| view! { <option value=c.id.0.to_string()>{c.name}</option> }).collect_view()}
                                    </select>
                                </div>
                                <Field label="records.unit_number" name="unit_number" hint="homes.unit_hint" autocomplete="off" error=ask_err />
                                <div class="field">
                                    <label for="f-bind-relation">{move || i18n.t("records.relation")}</label>
                                    <select id="f-bind-relation" name="relation">
                                        {[Relation::Owner, Relation::CoOwner, Relation::Tenant, Relation::Family, Relation::Resident].into_iter().map(|r| {
                                            let k = relation_key(r);
                                            view! { <option value=r.code()>{move || i18n.t(&k)}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <Field label="homes.real_name" name="name" autocomplete="name" error=ask_err />
                                <button type="submit" class="btn btn--primary">{move || i18n.t("homes.bind_send")}</button>
                            </ActionForm>
                        </details>
                    }.into_any(),
                }})}
            </Transition>
        </section>
    }
}
