//! (ssr) Residents bind their account to their home. A phone already on record as owner or
//! tenant is matched automatically (see `records::my_homes`); anyone else asks, and staff of
//! the community approve or reject. Owners and tenants add their family members themselves.
use super::model::*;
use super::records::{occupancies_of, person_name, record_occupancy};
use crate::access::model::{mask_phone, Authed, Permission, Phone, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{bind_requests, family_invites, occupancies, org_units, persons, units, users};
use crate::db::page::{keyset, Keyset};
use crate::db::AppCtx;
use crate::notify::model::Category;
use crate::notify::service::{self as notify_svc, Notice};
use crate::org::model::OrgKind;
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::ids::{BindRequestId, OccupancyId, OrgId, UnitId};
use crate::shared::pagination::Page;
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, sea_query::Expr, ActiveValue::Set, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// The caller's phone, which is what ties an account to the records.
async fn my_phone(ctx: &AppCtx, auth: &Authed) -> Result<Phone, AppError> {
    let phone = users::Entity::find_by_id(auth.user_id.0)
        .one(&ctx.db)
        .await?
        .and_then(|u| u.phone)
        .ok_or_else(|| AppError::validation("phone", "err.no_phone"))?;
    Phone::try_from(phone.as_str())
}

/// Every community's name, for the bind form. No records beyond the names are exposed.
pub async fn communities(ctx: &AppCtx) -> Result<Vec<CommunityChoice>, AppError> {
    Ok(org_units::Entity::find()
        .filter(org_units::Column::Kind.eq(OrgKind::Community.code()))
        .order_by_asc(org_units::Column::Name)
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|o| CommunityChoice {
            id: OrgId(o.id),
            name: o.name,
        })
        .collect())
}

/// What a resident fills in to ask for a unit.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct BindAsk {
    pub community_id: OrgId,
    /// The unit number as on the door plate, e.g. `1-2-0301`.
    pub unit_number: String,
    pub relation: Relation,
    /// The name staff will see and check against the records.
    pub name: String,
}

/// Files a bind request for staff. Errors: `Validation` (`unit_number` not found in the
/// community, `name`), `Conflict` when already living there or a request is pending.
pub async fn request_bind(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    ask: BindAsk,
) -> Result<BindRequestRow, AppError> {
    let phone = my_phone(ctx, auth).await?;
    let name = person_name(&ask.name)?;
    let number = ask.unit_number.trim();
    if number.is_empty() {
        return Err(AppError::validation("unit_number", "err.required"));
    }
    let u = units::Entity::find()
        .filter(units::Column::CommunityId.eq(ask.community_id.0))
        .filter(units::Column::Number.eq(number))
        .one(&ctx.db)
        .await?
        .ok_or_else(|| AppError::validation("unit_number", "err.unit_unknown"))?;
    if let Some(me) = persons::Entity::find()
        .filter(persons::Column::Phone.eq(phone.as_str()))
        .one(&ctx.db)
        .await?
    {
        let living = occupancies::Entity::find()
            .filter(occupancies::Column::UnitId.eq(u.id))
            .filter(occupancies::Column::PersonId.eq(me.id))
            .filter(occupancies::Column::EndDate.is_null())
            .one(&ctx.db)
            .await?;
        if living.is_some() {
            return Err(AppError::conflict("unit_number", "err.already_bound"));
        }
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let id = with_txn!(ctx.db, |txn| {
        let pending = bind_requests::Entity::find()
            .filter(bind_requests::Column::UserId.eq(auth.user_id.0))
            .filter(bind_requests::Column::UnitId.eq(u.id))
            .filter(bind_requests::Column::Status.eq(BindStatus::Pending.code()))
            .one(&txn)
            .await?;
        if pending.is_some() {
            return Err(AppError::conflict("unit_number", "err.bind_pending"));
        }
        let r = bind_requests::ActiveModel {
            user_id: Set(auth.user_id.0),
            community_id: Set(u.community_id),
            unit_id: Set(u.id),
            relation: Set(ask.relation.code().into()),
            name: Set(name.clone()),
            status: Set(BindStatus::Pending.code().into()),
            note: Set(String::new()),
            decided_by: Set(None),
            decided_at: Set(None),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("bind.request", "unit", u.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(u.community_id)))
                .summary(serde_json::json!({ "unit": u.number, "relation": ask.relation.code(), "request": r.id })),
        )
        .await?;
        Ok(r.id)
    })?;
    Ok(request_rows(ctx, vec![find_request(ctx, id).await?]).await?.remove(0))
}

async fn find_request(ctx: &AppCtx, id: i64) -> Result<bind_requests::Model, AppError> {
    bind_requests::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn request_rows(ctx: &AppCtx, rows: Vec<bind_requests::Model>) -> Result<Vec<BindRequestRow>, AppError> {
    let units: HashMap<i64, units::Model> = units::Entity::find()
        .filter(units::Column::Id.is_in(rows.iter().map(|r| r.unit_id).collect::<Vec<_>>()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let names: HashMap<i64, String> = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(rows.iter().map(|r| r.community_id).collect::<Vec<_>>()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let phones: HashMap<i64, Option<String>> = users::Entity::find()
        .filter(users::Column::Id.is_in(rows.iter().map(|r| r.user_id).collect::<Vec<_>>()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.phone))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| BindRequestRow {
            id: BindRequestId(r.id),
            community: names.get(&r.community_id).cloned().unwrap_or_default(),
            unit_id: UnitId(r.unit_id),
            unit_number: units.get(&r.unit_id).map(|u| u.number.clone()).unwrap_or_default(),
            relation: Relation::parse(&r.relation).unwrap_or(Relation::Resident),
            phone_masked: phones.get(&r.user_id).cloned().flatten().as_deref().map(mask_phone),
            status: BindStatus::parse(&r.status).unwrap_or(BindStatus::Pending),
            created_at: r.created_at.format("%Y-%m-%d %H:%M").to_string(),
            name: r.name,
            note: r.note,
        })
        .collect())
}

/// The caller's own requests, newest first.
pub async fn my_requests(ctx: &AppCtx, auth: &Authed) -> Result<Vec<BindRequestRow>, AppError> {
    let rows = bind_requests::Entity::find()
        .filter(bind_requests::Column::UserId.eq(auth.user_id.0))
        .order_by_desc(bind_requests::Column::Id)
        .limit(20)
        .all(&ctx.db)
        .await?;
    request_rows(ctx, rows).await
}

/// Withdraws one of the caller's pending requests.
pub async fn cancel_request(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: BindRequestId,
) -> Result<(), AppError> {
    let r = find_request(ctx, id.0).await?;
    if r.user_id != auth.user_id.0 {
        return Err(AppError::NotFound);
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let res = bind_requests::Entity::update_many()
            .col_expr(bind_requests::Column::Status, Expr::value(BindStatus::Cancelled.code()))
            .filter(bind_requests::Column::Id.eq(r.id))
            .filter(bind_requests::Column::Status.eq(BindStatus::Pending.code()))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(AppError::conflict("status", "err.bind_decided"));
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new("bind.cancel", "unit", r.unit_id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(r.community_id)))
                .summary(serde_json::json!({ "request": r.id })),
        )
        .await?;
        Ok(())
    })
}

/// Requests waiting for a decision (or all, with `all`), within the caller's `people.write`
/// scope, oldest first.
pub async fn list_requests(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    all: bool,
    after: Option<i64>,
) -> Result<Page<BindRequestRow>, AppError> {
    let scope = access::require(ctx, meta, auth, Permission::PeopleWrite).await?;
    let mut q = scope.filter_org_column(bind_requests::Entity::find(), bind_requests::Column::CommunityId, false);
    if !all {
        q = q.filter(bind_requests::Column::Status.eq(BindStatus::Pending.code()));
    }
    let page = keyset(&ctx.db, q, bind_requests::Column::Id, Keyset::After(after), None, |r| {
        r.id
    })
    .await?;
    Ok(Page {
        items: request_rows(ctx, page.items).await?,
        next: page.next,
    })
}

/// Approves (the requester is recorded at the unit with the relation they asked for, under
/// their account's phone) or rejects a pending request. Errors: `NotFound` outside scope,
/// `Conflict` when already decided.
pub async fn decide(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: BindRequestId,
    approve: bool,
    note: Option<String>,
) -> Result<BindRequestRow, AppError> {
    let scope = access::require(ctx, meta, auth, Permission::PeopleWrite).await?;
    let r = find_request(ctx, id.0).await?;
    access::within(ctx, meta, auth, Permission::PeopleWrite, &scope, OrgId(r.community_id)).await?;
    let note = note.unwrap_or_default().trim().to_string();
    if note.chars().count() > 200 {
        return Err(AppError::validation("note", "err.too_long"));
    }
    let phone = users::Entity::find_by_id(r.user_id)
        .one(&ctx.db)
        .await?
        .and_then(|u| u.phone)
        .ok_or_else(|| AppError::validation("phone", "err.no_phone"))?;
    let phone = Phone::try_from(phone.as_str())?;
    let relation = Relation::parse(&r.relation).unwrap_or(Relation::Resident);
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let status = if approve {
            BindStatus::Approved
        } else {
            BindStatus::Rejected
        };
        let res = bind_requests::Entity::update_many()
            .col_expr(bind_requests::Column::Status, Expr::value(status.code()))
            .col_expr(bind_requests::Column::Note, Expr::value(note.clone()))
            .col_expr(bind_requests::Column::DecidedBy, Expr::value(auth.user_id.0))
            .col_expr(bind_requests::Column::DecidedAt, Expr::value(Utc::now()))
            .filter(bind_requests::Column::Id.eq(r.id))
            .filter(bind_requests::Column::Status.eq(BindStatus::Pending.code()))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(AppError::conflict("status", "err.bind_decided"));
        }
        if approve {
            let u = units::Entity::find_by_id(r.unit_id)
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            match record_occupancy(&txn, &u, &r.name, &phone, relation, None).await {
                // Staff recorded them meanwhile: the request is still answered.
                Ok(_) | Err(AppError::Conflict { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new(if approve { "bind.approve" } else { "bind.reject" }, "unit", r.unit_id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(r.community_id)))
                .summary(serde_json::json!({ "request": r.id, "relation": r.relation, "phone": phone.masked(), "note": note })),
        )
        .await?;
        Ok(())
    })?;
    Ok(request_rows(ctx, vec![find_request(ctx, r.id).await?]).await?.remove(0))
}

/// The caller's current occupancy at `unit` if it lets them manage the household (owner,
/// co-owner or tenant), else `NotFound`.
async fn household_head(ctx: &AppCtx, auth: &Authed, unit: i64) -> Result<units::Model, AppError> {
    let phone = my_phone(ctx, auth).await?;
    let me = persons::Entity::find()
        .filter(persons::Column::Phone.eq(phone.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mine = occupancies_of(
        &ctx.db,
        sea_orm::Condition::all()
            .add(occupancies::Column::UnitId.eq(unit))
            .add(occupancies::Column::PersonId.eq(me.id))
            .add(occupancies::Column::EndDate.is_null()),
    )
    .await?;
    let head = mine.iter().any(|(o, _)| {
        matches!(
            Relation::parse(&o.relation),
            Some(Relation::Owner | Relation::CoOwner | Relation::Tenant)
        )
    });
    if !head {
        return Err(AppError::NotFound);
    }
    units::Entity::find_by_id(unit)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// An owner, co-owner or tenant invites someone, by phone, to join their home as family. Nobody
/// is linked yet: the person joins when they accept from their own account
/// ([`answer_invite`]), and is told (a notice) if they already have one. Asking again for the
/// same phone returns the invite still pending. Errors: `NotFound` unless the caller heads the
/// household; `Validation` on `name` or `phone`; `Conflict{phone}` when they already live there.
pub async fn invite_family(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    unit: UnitId,
    name: &str,
    phone: &str,
) -> Result<FamilyInvite, AppError> {
    let u = household_head(ctx, auth, unit.0).await?;
    let name = person_name(name)?;
    let phone = Phone::try_from(phone.trim())?;
    let living = occupancies_of(
        &ctx.db,
        sea_orm::Condition::all()
            .add(occupancies::Column::UnitId.eq(u.id))
            .add(occupancies::Column::EndDate.is_null()),
    )
    .await?
    .into_iter()
    .any(|(_, p)| p.phone.as_deref() == Some(phone.as_str()));
    if living {
        return Err(AppError::conflict("phone", "err.already_occupant"));
    }
    let pending = family_invites::Entity::find()
        .filter(family_invites::Column::UnitId.eq(u.id))
        .filter(family_invites::Column::Phone.eq(phone.as_str()))
        .filter(family_invites::Column::Status.eq(InviteStatus::Pending))
        .one(&ctx.db)
        .await?;
    if let Some(i) = pending {
        return Ok(invite_rows(&ctx.db, vec![i]).await?.remove(0));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let invitee: Vec<crate::shared::ids::UserId> = users::Entity::find()
        .filter(users::Column::Phone.eq(phone.as_str()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|u| crate::shared::ids::UserId(u.id))
        .collect();
    let inv = with_txn!(ctx.db, |txn| {
        let inv = family_invites::ActiveModel {
            unit_id: Set(u.id),
            community_id: Set(u.community_id),
            invited_by: Set(auth.user_id.0),
            name: Set(name.clone()),
            phone: Set(phone.as_str().to_string()),
            status: Set(InviteStatus::Pending.code().to_string()),
            created_at: Set(Utc::now()),
            answered_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("family.invite", "unit", u.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(u.community_id)))
                .summary(serde_json::json!({ "unit": u.number, "invite": inv.id, "phone": phone.masked() })),
        )
        .await?;
        notify_svc::raise(
            &txn,
            &invitee,
            &Notice {
                category: Category::System,
                title: Msg::key("homes.invite_notice"),
                body: Msg::fill(
                    "homes.invite_notice_body",
                    [("who", Msg::text(&actor)), ("unit", Msg::text(&u.number))],
                ),
                link: "/me".into(),
                dedupe: Some(format!("family-invite:{}", inv.id)),
                ttl: chrono::Duration::days(7),
                broadcast: None,
                replace: false,
                urgent: false,
            },
        )
        .await?;
        Ok(inv)
    })?;
    Ok(invite_rows(&ctx.db, vec![inv]).await?.remove(0))
}

/// Pending invites of these homes, as their households see them.
pub(crate) async fn pending_invites_of<C: ConnectionTrait>(
    c: &C,
    units: &[i64],
) -> Result<Vec<FamilyInvite>, AppError> {
    let rows = family_invites::Entity::find()
        .filter(family_invites::Column::UnitId.is_in(units.to_vec()))
        .filter(family_invites::Column::Status.eq(InviteStatus::Pending))
        .order_by_asc(family_invites::Column::Id)
        .all(c)
        .await?;
    invite_rows(c, rows).await
}

async fn invite_rows<C: ConnectionTrait>(
    c: &C,
    rows: Vec<family_invites::Model>,
) -> Result<Vec<FamilyInvite>, AppError> {
    let unit_ids: Vec<i64> = rows.iter().map(|r| r.unit_id).collect();
    let labels: HashMap<i64, String> = super::service::unit_briefs(c, &unit_ids)
        .await?
        .into_iter()
        .map(|b| (b.id, format!("{} {}", b.community, b.number)))
        .collect();
    let inviter_ids: Vec<i64> = rows.iter().map(|r| r.invited_by).collect();
    let inviters: HashMap<i64, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(inviter_ids))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| FamilyInvite {
            id: r.id,
            unit_id: UnitId(r.unit_id),
            unit: labels.get(&r.unit_id).cloned().unwrap_or_default(),
            name_masked: mask_name(&r.name),
            phone_masked: mask_phone(&r.phone),
            inviter: inviters.get(&r.invited_by).cloned().unwrap_or_default(),
            status: InviteStatus::parse(&r.status).unwrap_or(InviteStatus::Pending),
            created_at: crate::shared::time::format_local(r.created_at),
        })
        .collect())
}

/// Invites waiting for the caller's answer (sent to their phone).
pub async fn my_invites(ctx: &AppCtx, auth: &Authed) -> Result<Vec<FamilyInvite>, AppError> {
    let Ok(phone) = my_phone(ctx, auth).await else {
        return Ok(vec![]);
    };
    let rows = family_invites::Entity::find()
        .filter(family_invites::Column::Phone.eq(phone.as_str()))
        .filter(family_invites::Column::Status.eq(InviteStatus::Pending))
        .order_by_asc(family_invites::Column::Id)
        .all(&ctx.db)
        .await?;
    invite_rows(&ctx.db, rows).await
}

/// The invited person accepts (joins the home as family) or declines. Errors: `NotFound`
/// unless the invite was sent to the caller's phone; `Conflict{status}` once answered.
pub async fn answer_invite(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: i64,
    accept: bool,
) -> Result<FamilyInvite, AppError> {
    let phone = my_phone(ctx, auth).await.map_err(|_| AppError::NotFound)?;
    let inv = family_invites::Entity::find_by_id(id)
        .filter(family_invites::Column::Phone.eq(phone.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let u = units::Entity::find_by_id(inv.unit_id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let to = if accept {
        InviteStatus::Accepted
    } else {
        InviteStatus::Declined
    };
    with_txn!(ctx.db, |txn| {
        close_invite(&txn, inv.id, to).await?;
        if accept {
            record_occupancy(&txn, &u, &inv.name, &phone, Relation::Family, None).await?;
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new(if accept { "family.accept" } else { "family.decline" }, "unit", u.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(u.community_id)))
                .summary(serde_json::json!({ "unit": u.number, "invite": inv.id })),
        )
        .await?;
        notify_svc::raise(
            &txn,
            &[crate::shared::ids::UserId(inv.invited_by)],
            &Notice {
                category: Category::System,
                title: Msg::key(if accept {
                    "homes.invite_accepted"
                } else {
                    "homes.invite_declined"
                }),
                body: Msg::text(format!("{} {}", u.number, mask_phone(&inv.phone))),
                link: "/me".into(),
                dedupe: Some(format!("family-answer:{}", inv.id)),
                ttl: chrono::Duration::days(3),
                broadcast: None,
                replace: false,
                urgent: false,
            },
        )
        .await?;
        Ok(())
    })?;
    let inv = family_invites::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::Internal)?;
    Ok(invite_rows(&ctx.db, vec![inv]).await?.remove(0))
}

/// Moves a pending invite to `to`, once. Errors: `Conflict{status}` when it was answered or
/// withdrawn already (by this request's twin, say).
async fn close_invite<C: ConnectionTrait>(c: &C, id: i64, to: InviteStatus) -> Result<(), AppError> {
    let moved = family_invites::Entity::update_many()
        .col_expr(family_invites::Column::Status, Expr::value(to))
        .col_expr(family_invites::Column::AnsweredAt, Expr::value(Utc::now()))
        .filter(family_invites::Column::Id.eq(id))
        .filter(family_invites::Column::Status.eq(InviteStatus::Pending))
        .exec(c)
        .await?;
    if moved.rows_affected == 0 {
        return Err(AppError::conflict("status", "err.invite_answered"));
    }
    Ok(())
}

/// The household head withdraws a pending invite. Errors: `NotFound` unless the caller heads
/// the invite's household; `Conflict{status}` once answered.
pub async fn cancel_invite(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<(), AppError> {
    let inv = family_invites::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let u = household_head(ctx, auth, inv.unit_id).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        close_invite(&txn, inv.id, InviteStatus::Cancelled).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("family.invite_cancel", "unit", u.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(u.community_id)))
                .summary(serde_json::json!({ "unit": u.number, "invite": inv.id })),
        )
        .await
    })
}

/// The household head removes a family member (the occupancy ends today; history stays).
pub async fn remove_family(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: OccupancyId) -> Result<(), AppError> {
    let o = occupancies::Entity::find_by_id(id.0)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let u = household_head(ctx, auth, o.unit_id).await?;
    if o.relation != Relation::Family.code() || o.end_date.is_some() {
        return Err(AppError::NotFound);
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let mut am: occupancies::ActiveModel = o.clone().into();
        am.end_date = Set(Some(Utc::now().date_naive().max(o.start_date)));
        am.update(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("family.remove", "unit", u.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(u.community_id)))
                .summary(serde_json::json!({ "unit": u.number, "person_id": o.person_id })),
        )
        .await?;
        Ok(())
    })
}
