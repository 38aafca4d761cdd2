//! (ssr) Corrections of a frozen register before the close. The register is frozen at the
//! opening; when the records behind one voter were wrong (the registered area came late, a
//! sale was recorded late), staff fix the estate records and the committee re-reads that
//! voter's units from them. A correction keeps the voter (the same units, one person): it may
//! change the area, and the owners who cast the ballot while no ballot or proxy stands for the
//! voter. Anything that would split or merge voters is refused. Each correction is audited, is a
//! `correct` row of the hash chain (with the new area) and is listed on the meeting for all.
use super::ballots::{append, for_committee, tell_users, voter_of};
use super::meetings::status;
use super::model::*;
use crate::access::model::{Authed, RequestMeta};
use crate::access::service::actor_label;
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{gov_ballots, gov_meetings, gov_proxies, gov_register_fixes, gov_voter_persons, gov_voters};
use crate::db::AppCtx;
use crate::estate::service as estate;
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::ids::{MeetingId, OrgId, PersonId};
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder};

/// The corrections of meeting `meeting`'s register, oldest first.
pub(crate) async fn of_meeting<C: ConnectionTrait>(c: &C, meeting: i64) -> Result<Vec<RegisterFix>, AppError> {
    Ok(gov_register_fixes::Entity::find()
        .filter(gov_register_fixes::Column::MeetingId.eq(meeting))
        .order_by_asc(gov_register_fixes::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(dto)
        .collect())
}

fn dto(f: gov_register_fixes::Model) -> RegisterFix {
    RegisterFix {
        voter: f.voter_idx,
        units: f.numbers,
        old_area: f.old_area,
        new_area: f.new_area,
        owners_changed: f.old_owners != f.new_owners,
        reason: f.reason,
        at: f.fixed_at,
        seq: f.seq,
    }
}

fn ids_of(key: &VoterKey) -> Vec<i64> {
    match key {
        VoterKey::Developer => vec![],
        VoterKey::Owners { owners } => owners.iter().map(|p| p.0).collect(),
    }
}

/// Re-reads register voter `voter` of meeting `id` from today's estate records (the committee,
/// while voting is open), with the reason the owners will read.
/// Errors (nothing changed): `NotFound`, `Forbidden`; a conflict naming `status` unless the
/// meeting is open; a validation error naming `reason` or `voter` (not on the register, or its
/// records incomplete); a conflict naming `voter` when the records say the same as the
/// register (`gov.err_fix_nothing`), when they would split or merge voters
/// (`gov.err_fix_structure`), or change the owners of a voter who holds a ballot or a proxy
/// (`gov.err_fix_voted`).
pub async fn correct(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    voter: i32,
    reason: &str,
) -> Result<RegisterFix, AppError> {
    let m = for_committee(ctx, meta, auth, id).await?;
    if status(&m) != MeetingStatus::Open {
        return Err(AppError::conflict("status", "gov.err_fix_closed"));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::validation("reason", "err.required"));
    }
    if reason.chars().count() > 200 {
        return Err(AppError::validation("reason", "err.too_long"));
    }
    let v = voter_of(&ctx.db, &m, voter).await?;
    let units: Vec<i64> = serde_json::from_str(&v.units).map_err(|_| AppError::Internal)?;
    let records = super::register::records(&ctx.db, OrgId(m.community_id), crate::shared::time::today_cn()).await?;
    let now: Vec<RegisterUnit> = records
        .input
        .into_iter()
        .filter(|u| units.contains(&u.unit.0))
        .collect();
    if now.len() != units.len() {
        return Err(AppError::conflict("voter", "gov.err_fix_structure"));
    }
    let fresh = Register::build(&now).map_err(|_| AppError::validation("voter", "gov.err_register_incomplete"))?;
    let [nv] = fresh.voters() else {
        return Err(AppError::conflict("voter", "gov.err_fix_structure"));
    };
    let old_key = VoterKey::parse(&v.key).ok_or(AppError::Internal)?;
    let same_kind = matches!(
        (&old_key, &nv.key),
        (VoterKey::Developer, VoterKey::Developer) | (VoterKey::Owners { .. }, VoterKey::Owners { .. })
    );
    if !same_kind {
        return Err(AppError::conflict("voter", "gov.err_fix_structure"));
    }
    let owners_changed = old_key != nv.key;
    if !owners_changed && nv.area == v.area {
        return Err(AppError::conflict("voter", "gov.err_fix_nothing"));
    }
    let new_owners = ids_of(&nv.key);
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let fix = with_txn!(ctx.db, |txn| {
        let fresh_m = super::meetings::locked(&txn, m.id).await?;
        if status(&fresh_m) != MeetingStatus::Open {
            return Err(AppError::conflict("status", "gov.err_fix_closed"));
        }
        let v = voter_of(&txn, &fresh_m, voter).await?;
        if owners_changed {
            // One buyer of several units is one person: an owner who already counts for
            // another voter would merge two voters of the register.
            let elsewhere = gov_voter_persons::Entity::find()
                .filter(gov_voter_persons::Column::MeetingId.eq(m.id))
                .filter(gov_voter_persons::Column::VoterIdx.ne(v.idx))
                .filter(gov_voter_persons::Column::PersonId.is_in(new_owners.clone()))
                .count(&txn)
                .await?;
            if elsewhere > 0 {
                return Err(AppError::conflict("voter", "gov.err_fix_structure"));
            }
            let ballots = gov_ballots::Entity::find()
                .filter(gov_ballots::Column::MeetingId.eq(m.id))
                .filter(gov_ballots::Column::VoterIdx.eq(v.idx))
                .count(&txn)
                .await?;
            let proxies = gov_proxies::Entity::find()
                .filter(gov_proxies::Column::MeetingId.eq(m.id))
                .filter(gov_proxies::Column::VoterIdx.eq(v.idx))
                .filter(gov_proxies::Column::Status.is_in(ProxyStatus::LIVE))
                .count(&txn)
                .await?;
            if ballots + proxies > 0 {
                return Err(AppError::conflict("voter", "gov.err_fix_voted"));
            }
        }
        let old_area = v.area;
        let old_owners: Vec<i64> = ids_of(&old_key);
        let mut am: gov_voters::ActiveModel = v.clone().into();
        am.area = Set(nv.area);
        am.key = Set(nv.key.code());
        let v2 = am.update(&txn).await?;
        if owners_changed {
            gov_voter_persons::Entity::delete_many()
                .filter(gov_voter_persons::Column::MeetingId.eq(m.id))
                .filter(gov_voter_persons::Column::VoterIdx.eq(v.idx))
                .exec(&txn)
                .await?;
            gov_voter_persons::Entity::insert_many(new_owners.iter().map(|p| gov_voter_persons::ActiveModel {
                meeting_id: Set(m.id),
                voter_idx: Set(v.idx),
                person_id: Set(*p),
                ..Default::default()
            }))
            .exec(&txn)
            .await?;
        }
        let total = fresh_m.total_area - old_area + nv.area;
        let mut mm: gov_meetings::ActiveModel = fresh_m.into();
        mm.total_area = Set(total);
        mm.update(&txn).await?;
        let (log, _) = append(&txn, m.id, &v2, "correct", "register", &vec![], None).await?;
        let row = gov_register_fixes::ActiveModel {
            meeting_id: Set(m.id),
            voter_idx: Set(v.idx),
            numbers: Set(v.numbers.clone()),
            old_area: Set(old_area),
            new_area: Set(nv.area),
            old_owners: Set(serde_json::to_string(&old_owners).map_err(|_| AppError::Internal)?),
            new_owners: Set(serde_json::to_string(&new_owners).map_err(|_| AppError::Internal)?),
            reason: Set(reason.to_string()),
            fixed_by: Set(auth.user_id.0),
            fixed_at: Set(Utc::now()),
            seq: Set(log.seq),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("assembly.register_fix", "meeting", m.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(m.community_id)))
                .summary(serde_json::json!({
                    "voter": v.idx, "units": v.numbers, "area": [old_area, nv.area],
                    "owners": [old_owners, new_owners], "reason": reason, "seq": log.seq,
                })),
        )
        .await?;
        Ok((row, old_owners))
    })?;
    let (row, old_owners) = fix;
    let persons: Vec<PersonId> = old_owners
        .iter()
        .chain(new_owners.iter())
        .map(|p| PersonId(*p))
        .collect();
    let users = estate::users_of_persons(&ctx.db, &persons).await?;
    tell_users(
        ctx,
        &m,
        &users,
        Msg::fill(
            "gov.fix_body",
            [
                ("units", Msg::text(&row.numbers)),
                ("area", Msg::text(crate::shared::money::fixed2(row.new_area))),
                ("reason", Msg::text(&row.reason)),
            ],
        ),
    )
    .await;
    Ok(dto(row))
}
