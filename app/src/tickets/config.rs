//! (ssr) An office's service setup: dispatch mode, reopen window, business hours, SLA
//! overrides, the repair price list and technician teams. Read with `service.read` or
//! `service.dispatch` over the office; changed with `service.dispatch`.
use super::model::*;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{service_prices, service_settings, service_team_members, service_teams};
use crate::db::{map_unique, AppCtx};
use crate::org::model::OrgKind;
use crate::shared::error::AppError;
use crate::shared::ids::{OrgId, UserId};
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder};

/// Everything the settings page shows for one office.
pub async fn office_setup(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    office: i64,
) -> Result<OfficeSetup, AppError> {
    let read = access::scope_for(&ctx.db, auth.user_id, Permission::ServiceRead).await?;
    if !read.covers(OrgId(office)) {
        crate::billing::service::require_office(ctx, meta, auth, Permission::ServiceDispatch, OrgId(office)).await?;
    }
    let settings = settings_of(&ctx.db, office).await?;
    let prices = service_prices::Entity::find()
        .filter(service_prices::Column::OfficeId.eq(office))
        .order_by_asc(service_prices::Column::Name)
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(price_of)
        .collect();
    let teams = teams_of(&ctx.db, office).await?;
    Ok(OfficeSetup {
        settings,
        prices,
        teams,
    })
}

fn price_of(p: service_prices::Model) -> PriceItem {
    PriceItem {
        id: p.id,
        name: p.name,
        unit: p.unit,
        price: p.price,
        active: p.active,
    }
}

async fn teams_of<C: ConnectionTrait>(c: &C, office: i64) -> Result<Vec<Team>, AppError> {
    let teams = service_teams::Entity::find()
        .filter(service_teams::Column::OfficeId.eq(office))
        .order_by_asc(service_teams::Column::Name)
        .all(c)
        .await?;
    let ids: Vec<i64> = teams.iter().map(|t| t.id).collect();
    let members = service_team_members::Entity::find()
        .filter(service_team_members::Column::TeamId.is_in(ids))
        .all(c)
        .await?;
    let uids: Vec<i64> = members.iter().map(|m| m.user_id).collect();
    let names = access::display_names(c, &uids).await?;
    Ok(teams
        .into_iter()
        .map(|t| Team {
            id: t.id,
            name: t.name,
            members: members
                .iter()
                .filter(|m| m.team_id == t.id)
                .map(|m| (m.user_id, names.get(&m.user_id).cloned().unwrap_or_default()))
                .collect(),
        })
        .collect())
}

/// Checks an office's settings; the field named in the error is the one to fix.
pub fn check_settings(s: &ServiceSettings) -> Result<(), AppError> {
    if !(0..=90).contains(&s.reopen_days) {
        return Err(AppError::validation("reopen_days", "err.reopen_days"));
    }
    if let Some(h) = &s.hours {
        if !h.is_valid() {
            return Err(AppError::validation("hours", "err.business_hours"));
        }
    }
    for r in &s.sla {
        if r.kind != "*" && Kind::parse(&r.kind).is_none() {
            return Err(AppError::validation("sla", "err.sla_kind"));
        }
        if r.category != "*" && !all_categories().contains(&r.category.as_str()) {
            return Err(AppError::validation("sla", "err.sla_category"));
        }
        if !(1..=7 * 24 * 60).contains(&r.respond) || !(1..=90 * 24 * 60).contains(&r.handle) || r.handle < r.respond {
            return Err(AppError::validation("sla", "err.sla_minutes"));
        }
    }
    if s.sla.len() > 200 {
        return Err(AppError::validation("sla", "err.too_long"));
    }
    Ok(())
}

pub async fn save_settings(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    s: ServiceSettings,
) -> Result<ServiceSettings, AppError> {
    crate::billing::service::require_office(ctx, meta, auth, Permission::ServiceDispatch, OrgId(s.office_id)).await?;
    check_settings(&s)?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let saved = s.clone();
    with_txn!(ctx.db, |txn| {
        let s = &saved;
        let hours = s.hours.as_ref().map(|h| serde_json::to_string(h).unwrap_or_default());
        let sla = serde_json::to_string(&s.sla).unwrap_or_else(|_| "[]".into());
        let existing = service_settings::Entity::find()
            .filter(service_settings::Column::OfficeId.eq(s.office_id))
            .one(&txn)
            .await?;
        match existing {
            Some(e) => {
                let mut a: service_settings::ActiveModel = e.into();
                a.dispatch_mode = Set(s.dispatch_mode.code().into());
                a.reopen_days = Set(s.reopen_days as i32);
                a.hours = Set(hours);
                a.sla = Set(sla);
                a.photo_required = Set(s.photo_required);
                a.labour_required = Set(s.labour_required);
                a.updated_at = Set(Utc::now());
                a.update(&txn).await?;
            }
            None => {
                service_settings::ActiveModel {
                    office_id: Set(s.office_id),
                    dispatch_mode: Set(s.dispatch_mode.code().into()),
                    reopen_days: Set(s.reopen_days as i32),
                    hours: Set(hours),
                    sla: Set(sla),
                    photo_required: Set(s.photo_required),
                    labour_required: Set(s.labour_required),
                    last_assignee: Set(None),
                    updated_at: Set(Utc::now()),
                    ..Default::default()
                }
                .insert(&txn)
                .await
                .map_err(|e| map_unique(e, "office_id", "err.busy"))?;
            }
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new("service.settings.save", "office", s.office_id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(s.office_id)))
                .summary(serde_json::to_value(s).unwrap_or_default()),
        )
        .await?;
        Ok(())
    })?;
    settings_of(&ctx.db, s.office_id).await
}

/// Adds or changes an item of the office's repair price list (`id` none = new).
pub async fn save_price(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    office: i64,
    p: PriceItem,
) -> Result<PriceItem, AppError> {
    crate::billing::service::require_office(ctx, meta, auth, Permission::ServiceDispatch, OrgId(office)).await?;
    let name = p.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::validation("name", "err.price_name"));
    }
    let unit = p.unit.trim().to_string();
    if unit.is_empty() || unit.chars().count() > 20 {
        return Err(AppError::validation("unit", "err.price_unit"));
    }
    if !(1..=10_000_000).contains(&p.price) {
        return Err(AppError::validation("price", "err.price_amount"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let id = with_txn!(ctx.db, |txn| {
        let id = if p.id > 0 {
            let e = service_prices::Entity::find_by_id(p.id)
                .one(&txn)
                .await?
                .filter(|e| e.office_id == office)
                .ok_or(AppError::NotFound)?;
            let mut a: service_prices::ActiveModel = e.into();
            a.name = Set(name.clone());
            a.unit = Set(unit.clone());
            a.price = Set(p.price);
            a.active = Set(p.active);
            a.update(&txn)
                .await
                .map_err(|e| map_unique(e, "name", "err.price_name_taken"))?
                .id
        } else {
            service_prices::ActiveModel {
                office_id: Set(office),
                name: Set(name.clone()),
                unit: Set(unit.clone()),
                price: Set(p.price),
                active: Set(true),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(|e| map_unique(e, "name", "err.price_name_taken"))?
            .id
        };
        audit::record(
            &txn,
            meta,
            AuditEntry::new("service.price.save", "service_price", id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(office)))
                .summary(serde_json::json!({ "name": name, "unit": unit, "price": p.price, "active": p.active })),
        )
        .await?;
        Ok(id)
    })?;
    let row = service_prices::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(price_of(row))
}

/// The active price list of the office a ticket belongs to (for the completion form).
pub async fn prices_for_office<C: ConnectionTrait>(c: &C, office: i64) -> Result<Vec<PriceItem>, AppError> {
    Ok(service_prices::Entity::find()
        .filter(service_prices::Column::OfficeId.eq(office))
        .filter(service_prices::Column::Active.eq(true))
        .order_by_asc(service_prices::Column::Name)
        .all(c)
        .await?
        .into_iter()
        .map(price_of)
        .collect())
}

/// Creates a team or replaces its members (`id` 0 = new). Members must be technicians
/// (service.work) over the office.
pub async fn save_team(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    office: i64,
    t: Team,
) -> Result<Vec<Team>, AppError> {
    crate::billing::service::require_office(ctx, meta, auth, Permission::ServiceDispatch, OrgId(office)).await?;
    let name = t.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::validation("name", "err.team_name"));
    }
    for (u, _) in &t.members {
        let s = access::scope_for(&ctx.db, UserId(*u), Permission::ServiceWork).await?;
        if !s.covers(OrgId(office)) {
            return Err(AppError::validation("members", "err.ticket_not_technician"));
        }
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let id = if t.id > 0 {
            let e = service_teams::Entity::find_by_id(t.id)
                .one(&txn)
                .await?
                .filter(|e| e.office_id == office)
                .ok_or(AppError::NotFound)?;
            let mut a: service_teams::ActiveModel = e.into();
            a.name = Set(name.clone());
            a.update(&txn)
                .await
                .map_err(|e| map_unique(e, "name", "err.team_name_taken"))?
                .id
        } else {
            service_teams::ActiveModel {
                office_id: Set(office),
                name: Set(name.clone()),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(|e| map_unique(e, "name", "err.team_name_taken"))?
            .id
        };
        service_team_members::Entity::delete_many()
            .filter(service_team_members::Column::TeamId.eq(id))
            .exec(&txn)
            .await?;
        let mut seen = std::collections::HashSet::new();
        for (u, _) in t.members.iter().filter(|(u, _)| seen.insert(*u)) {
            service_team_members::ActiveModel {
                team_id: Set(id),
                user_id: Set(*u),
            }
            .insert(&txn)
            .await?;
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new("service.team.save", "service_team", id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(office)))
                .summary(
                    serde_json::json!({ "name": name, "members": t.members.iter().map(|m| m.0).collect::<Vec<_>>() }),
                ),
        )
        .await?;
        Ok(())
    })?;
    teams_of(&ctx.db, office).await
}

/// Offices the caller may set up, and technicians of each for team forms.
pub async fn setup_choices(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<Vec<(i64, String)>, AppError> {
    let nodes = access::orgs_in_scope(ctx, meta, auth, Permission::ServiceDispatch, Some(OrgKind::Office)).await?;
    Ok(nodes.into_iter().map(|n| (n.id.0, n.name)).collect())
}

/// Technicians who work in an office (for team membership).
pub async fn office_technicians(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    office: i64,
) -> Result<Vec<Technician>, AppError> {
    crate::billing::service::require_office(ctx, meta, auth, Permission::ServiceDispatch, OrgId(office)).await?;
    super::dispatch::technicians_under(&ctx.db, office, 0).await
}

/// Communities where the caller is the desk (for the hotline form).
pub async fn desk_communities(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<Vec<(i64, String)>, AppError> {
    let nodes = access::orgs_in_scope(ctx, meta, auth, Permission::ServiceDispatch, Some(OrgKind::Community)).await?;
    Ok(nodes.into_iter().map(|n| (n.id.0, n.name)).collect())
}

/// An office's settings, defaults until staff change them.
pub async fn settings_of<C: ConnectionTrait>(c: &C, office: i64) -> Result<ServiceSettings, AppError> {
    let row = service_settings::Entity::find()
        .filter(service_settings::Column::OfficeId.eq(office))
        .one(c)
        .await?;
    Ok(match row {
        Some(s) => ServiceSettings {
            office_id: office,
            dispatch_mode: DispatchMode::parse(&s.dispatch_mode).unwrap_or(DispatchMode::Manual),
            reopen_days: i64::from(s.reopen_days),
            hours: s.hours.as_deref().and_then(|h| serde_json::from_str(h).ok()),
            sla: serde_json::from_str(&s.sla).unwrap_or_default(),
            photo_required: s.photo_required,
            labour_required: s.labour_required,
        },
        None => ServiceSettings {
            office_id: office,
            dispatch_mode: DispatchMode::Manual,
            reopen_days: 7,
            hours: None,
            sla: vec![],
            photo_required: true,
            labour_required: false,
        },
    })
}

/// What a 完工 record must hold in an office.
pub async fn completion_needs<C: ConnectionTrait>(c: &C, office: i64) -> Result<CompletionNeeds, AppError> {
    let s = settings_of(c, office).await?;
    Ok(CompletionNeeds {
        photo: s.photo_required,
        labour: s.labour_required,
    })
}
