//! (ssr) Proxies (委托投票). An owner of a register voter names a proxy (anyone with a Linli
//! login: a family member, a tenant, another owner) by name and phone, with a photo of the
//! signed authorization; the committee checks it and accepts or rejects it. Once accepted, the
//! proxy casts the voter's ballot like an owner would (a later ballot replaces an earlier one
//! where the meeting allows it, and the owners are told), one person holds at most the
//! meeting's `proxy_max` proxies, and the acceptance is a `proxy` row of the hash chain whose
//! `scan` is the authorization's SHA-256. The owner may withdraw it until the close (a `revoke`
//! row once it was accepted).
use super::ballots::{append, for_committee, owners_of, tell_users, voter_of};
use super::meetings::{status, visible, voting, Seat};
use super::model::*;
use crate::access::model::{Authed, RequestMeta};
use crate::access::service::actor_label;
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{gov_meetings, gov_proxies, gov_voters, users};
use crate::db::AppCtx;
use crate::estate::service as estate;
use crate::files::service as files;
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::ids::{MeetingId, OrgId, UserId};
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder};
use std::collections::HashMap;

/// The attachment kind of signed authorizations (attached to their proxy row).
const AUTH_KIND: &str = "gov_proxy";
/// The log row's `source` for proxy rows.
const SOURCE: &str = "proxy";

/// The caller's mobile number, as the proxies naming them carry it.
async fn phone_of<C: ConnectionTrait>(c: &C, user: UserId) -> Result<Option<String>, AppError> {
    Ok(users::Entity::find_by_id(user.0)
        .one(c)
        .await?
        .and_then(|u| u.phone)
        .and_then(|p| mobile_digits(&p)))
}

/// The register voters of meeting `meeting` whose accepted proxy the user is.
pub(crate) async fn held_by<C: ConnectionTrait>(c: &C, meeting: i64, user: UserId) -> Result<Vec<i32>, AppError> {
    let Some(phone) = phone_of(c, user).await? else {
        return Ok(vec![]);
    };
    Ok(gov_proxies::Entity::find()
        .filter(gov_proxies::Column::MeetingId.eq(meeting))
        .filter(gov_proxies::Column::Phone.eq(phone))
        .filter(gov_proxies::Column::Status.eq(ProxyStatus::Accepted.code()))
        .all(c)
        .await?
        .into_iter()
        .map(|p| p.voter_idx)
        .collect())
}

/// The meetings in which the user holds an accepted proxy.
pub(crate) async fn meetings_held<C: ConnectionTrait>(c: &C, user: UserId) -> Result<Vec<i64>, AppError> {
    let Some(phone) = phone_of(c, user).await? else {
        return Ok(vec![]);
    };
    let mut ids: Vec<i64> = gov_proxies::Entity::find()
        .filter(gov_proxies::Column::Phone.eq(phone))
        .filter(gov_proxies::Column::Status.eq(ProxyStatus::Accepted.code()))
        .all(c)
        .await?
        .into_iter()
        .map(|p| p.meeting_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Whether the caller is one of register voter `voter`'s owners in meeting `m`.
async fn owns(ctx: &AppCtx, auth: &Authed, m: &gov_meetings::Model, voter: i32) -> Result<bool, AppError> {
    let mine: Vec<i64> = estate::my_places(&ctx.db, auth.user_id)
        .await?
        .iter()
        .filter(|p| p.community.0 == m.community_id)
        .map(|p| p.person.0)
        .collect();
    Ok(owners_of(&ctx.db, m.id, voter)
        .await?
        .iter()
        .any(|p| mine.contains(&p.0)))
}

/// Writes a `proxy` or `revoke` row for voter `v` (no ballot; the authorization's SHA-256 as its
/// `scan`) and returns its `seq`. The caller holds the meeting's row lock.
async fn chain<C: ConnectionTrait>(
    c: &C,
    meeting: i64,
    v: &gov_voters::Model,
    kind: &str,
    sha256: &str,
) -> Result<i64, AppError> {
    Ok(append(c, meeting, v, kind, SOURCE, &vec![], Some(sha256.to_string()))
        .await?
        .0
        .seq)
}

/// Accepted proxies per phone in meeting `meeting`.
async fn holdings<C: ConnectionTrait>(c: &C, meeting: i64) -> Result<HashMap<String, i64>, AppError> {
    let mut out: HashMap<String, i64> = HashMap::new();
    for p in gov_proxies::Entity::find()
        .filter(gov_proxies::Column::MeetingId.eq(meeting))
        .filter(gov_proxies::Column::Status.eq(ProxyStatus::Accepted.code()))
        .all(c)
        .await?
    {
        *out.entry(p.phone).or_default() += 1;
    }
    Ok(out)
}

fn dto(p: gov_proxies::Model, v: &gov_voters::Model, holds: &HashMap<String, i64>) -> Proxy {
    Proxy {
        id: p.id,
        meeting: MeetingId(p.meeting_id),
        voter: p.voter_idx,
        units: v.numbers.clone(),
        area: v.area,
        holds: holds.get(&p.phone).copied().unwrap_or(0),
        name: p.name,
        phone: p.phone,
        status: ProxyStatus::parse(&p.status).unwrap_or(ProxyStatus::Pending),
        reason: p.reason,
        requested_at: p.requested_at,
        decided_at: p.decided_at,
        authorization: p.file_id,
    }
}

/// The proxies `rows` with their voters.
async fn dtos<C: ConnectionTrait>(c: &C, meeting: i64, rows: Vec<gov_proxies::Model>) -> Result<Vec<Proxy>, AppError> {
    let idxs: Vec<i32> = rows.iter().map(|p| p.voter_idx).collect();
    let voters: HashMap<i32, gov_voters::Model> = gov_voters::Entity::find()
        .filter(gov_voters::Column::MeetingId.eq(meeting))
        .filter(gov_voters::Column::Idx.is_in(idxs))
        .all(c)
        .await?
        .into_iter()
        .map(|v| (v.idx, v))
        .collect();
    let holds = holdings(c, meeting).await?;
    Ok(rows
        .into_iter()
        .filter_map(|p| {
            let v = voters.get(&p.voter_idx)?;
            Some(dto(p, v, &holds))
        })
        .collect())
}

/// One proxy row with its voter.
async fn one<C: ConnectionTrait>(c: &C, meeting: i64, row: gov_proxies::Model) -> Result<Proxy, AppError> {
    dtos(c, meeting, vec![row]).await?.pop().ok_or(AppError::Internal)
}

/// The latest proxy (not withdrawn) of each of `voters` in meeting `meeting`, for their owners.
pub(crate) async fn latest_of<C: ConnectionTrait>(
    c: &C,
    meeting: i64,
    voters: &[i32],
) -> Result<HashMap<i32, Proxy>, AppError> {
    if voters.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = gov_proxies::Entity::find()
        .filter(gov_proxies::Column::MeetingId.eq(meeting))
        .filter(gov_proxies::Column::VoterIdx.is_in(voters.to_vec()))
        .filter(gov_proxies::Column::Status.ne(ProxyStatus::Withdrawn.code()))
        .order_by_asc(gov_proxies::Column::Id)
        .all(c)
        .await?;
    Ok(dtos(c, meeting, rows)
        .await?
        .into_iter()
        .map(|p| (p.voter, p))
        .collect())
}

fn trimmed(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::validation(field, "err.required"));
    }
    if v.chars().count() > max {
        return Err(AppError::validation(field, "err.too_long"));
    }
    Ok(v.to_string())
}

/// An owner of register voter `new.voter` names a proxy while voting is open. The proxy may vote
/// once the committee accepts it. Errors (nothing stored): `NotFound` for a meeting the caller
/// cannot see; `gov.err_not_voting` outside the voting window; a validation error naming `voter`
/// (not the caller's voter), `name`, `phone` (not a mobile number, or the caller's own),
/// `authorization` (not the caller's fresh photo); a conflict naming `voter` while the voter
/// already has a proxy pending or accepted.
pub async fn request(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    new: NewProxy,
) -> Result<Proxy, AppError> {
    let (m, _) = visible(ctx, auth, id).await?;
    if !voting(&m, Utc::now()) {
        return Err(AppError::conflict("meeting", "gov.err_not_voting"));
    }
    if !owns(ctx, auth, &m, new.voter).await? {
        return Err(AppError::validation("voter", "gov.err_not_your_voter"));
    }
    let name = trimmed("name", &new.name, 40)?;
    let phone = mobile_digits(&new.phone).ok_or_else(|| AppError::validation("phone", "gov.err_proxy_phone"))?;
    if phone_of(&ctx.db, auth.user_id).await?.as_deref() == Some(phone.as_str()) {
        return Err(AppError::validation("phone", "gov.err_proxy_self"));
    }
    let sha256 = files::unattached_photo_sha256(&ctx.db, auth.user_id, new.authorization)
        .await?
        .ok_or_else(|| AppError::validation("authorization", "gov.err_proxy_authorization"))?;
    let v = voter_of(&ctx.db, &m, new.voter).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let row = with_txn!(ctx.db, |txn| {
        let fresh = super::meetings::locked(&txn, m.id).await?;
        if !voting(&fresh, Utc::now()) {
            return Err(AppError::conflict("meeting", "gov.err_not_voting"));
        }
        let live = gov_proxies::Entity::find()
            .filter(gov_proxies::Column::MeetingId.eq(m.id))
            .filter(gov_proxies::Column::VoterIdx.eq(v.idx))
            .filter(gov_proxies::Column::Status.is_in(ProxyStatus::LIVE))
            .count(&txn)
            .await?;
        if live > 0 {
            return Err(AppError::conflict("voter", "gov.err_proxy_exists"));
        }
        let row = gov_proxies::ActiveModel {
            meeting_id: Set(m.id),
            voter_idx: Set(v.idx),
            name: Set(name.clone()),
            phone: Set(phone.clone()),
            file_id: Set(new.authorization),
            sha256: Set(sha256.clone()),
            status: Set(ProxyStatus::Pending.code().into()),
            reason: Set(None),
            requested_by: Set(auth.user_id.0),
            requested_at: Set(Utc::now()),
            decided_by: Set(None),
            decided_at: Set(None),
            seq: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        files::attach(&txn, auth.user_id, &[new.authorization], AUTH_KIND, row.id, 1)
            .await
            .map_err(|_| AppError::validation("authorization", "gov.err_proxy_authorization"))?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("assembly.proxy_request", "meeting", m.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(m.community_id)))
                .summary(serde_json::json!({
                    "proxy": row.id, "voter": v.idx, "units": v.numbers,
                    "name": name, "phone": crate::access::model::mask_phone(&phone), "sha256": sha256,
                })),
        )
        .await?;
        Ok(row)
    })?;
    one(&ctx.db, m.id, row).await
}

/// The proxy `proxy` of meeting `m`. Errors: `NotFound`.
async fn proxy_of<C: ConnectionTrait>(
    c: &C,
    m: &gov_meetings::Model,
    proxy: i64,
) -> Result<gov_proxies::Model, AppError> {
    gov_proxies::Entity::find_by_id(proxy)
        .filter(gov_proxies::Column::MeetingId.eq(m.id))
        .one(c)
        .await?
        .ok_or(AppError::NotFound)
}

/// The users signed in with the proxy's phone.
async fn proxy_users<C: ConnectionTrait>(c: &C, phone: &str) -> Result<Vec<UserId>, AppError> {
    Ok(users::Entity::find()
        .filter(users::Column::Phone.eq(phone))
        .all(c)
        .await?
        .into_iter()
        .map(|u| UserId(u.id))
        .collect())
}

/// An owner of the voter withdraws its proxy, pending or accepted, until the close (an accepted
/// one leaves a `revoke` row; the proxy's ballot, if cast, stays: the owners may replace it
/// where the meeting allows changes). Errors: `NotFound` (not the caller's voter's proxy); a
/// conflict naming `status` once it was rejected or withdrawn, or after the close.
pub async fn withdraw(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    proxy: i64,
) -> Result<Proxy, AppError> {
    let (m, _) = visible(ctx, auth, id).await?;
    let p = proxy_of(&ctx.db, &m, proxy).await?;
    if !owns(ctx, auth, &m, p.voter_idx).await? {
        return Err(AppError::NotFound);
    }
    let v = voter_of(&ctx.db, &m, p.voter_idx).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let (row, was_accepted) = with_txn!(ctx.db, |txn| {
        let fresh = super::meetings::locked(&txn, m.id).await?;
        let p = proxy_of(&txn, &fresh, proxy).await?;
        let st = ProxyStatus::parse(&p.status);
        if status(&fresh) != MeetingStatus::Open || !matches!(st, Some(ProxyStatus::Pending | ProxyStatus::Accepted)) {
            return Err(AppError::conflict("status", "gov.err_proxy_settled"));
        }
        let accepted = st == Some(ProxyStatus::Accepted);
        let seq = if accepted {
            Some(chain(&txn, m.id, &v, "revoke", &p.sha256).await?)
        } else {
            None
        };
        let mut am: gov_proxies::ActiveModel = p.into();
        am.status = Set(ProxyStatus::Withdrawn.code().into());
        am.decided_at = Set(Some(Utc::now()));
        let row = am.update(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("assembly.proxy_withdraw", "meeting", m.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(m.community_id)))
                .summary(serde_json::json!({ "proxy": proxy, "voter": v.idx, "seq": seq })),
        )
        .await?;
        Ok((row, accepted))
    })?;
    if was_accepted {
        let users = proxy_users(&ctx.db, &row.phone).await?;
        tell_users(
            ctx,
            &m,
            &users,
            Msg::fill("gov.proxy_revoked_body", [("units", Msg::text(&v.numbers))]),
        )
        .await;
    }
    one(&ctx.db, m.id, row).await
}

/// Every proxy of meeting `id`, pending first, for its committee. Errors: `NotFound`,
/// `Forbidden`.
pub async fn list(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: MeetingId) -> Result<Vec<Proxy>, AppError> {
    let m = for_committee(ctx, meta, auth, id).await?;
    let rows = gov_proxies::Entity::find()
        .filter(gov_proxies::Column::MeetingId.eq(m.id))
        .order_by_asc(gov_proxies::Column::Id)
        .all(&ctx.db)
        .await?;
    let mut out = dtos(&ctx.db, m.id, rows).await?;
    out.sort_by_key(|p| (p.status != ProxyStatus::Pending, p.id));
    Ok(out)
}

/// The committee accepts or rejects a pending proxy while voting is open. An acceptance is a
/// `proxy` row of the log; the owners hear either way, the proxy when accepted.
/// Errors (nothing changed): `NotFound`, `Forbidden`; a conflict naming `status` when the
/// proxy is not pending or the meeting is not open; a validation error naming `reason` for a
/// rejection without one; a conflict naming `phone` when the proxy already holds the meeting's
/// `proxy_max`.
pub async fn decide(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    proxy: i64,
    d: ProxyDecision,
) -> Result<Proxy, AppError> {
    let m = for_committee(ctx, meta, auth, id).await?;
    let reason = if d.accept {
        None
    } else {
        Some(trimmed("reason", &d.reason, 200)?)
    };
    let p = proxy_of(&ctx.db, &m, proxy).await?;
    let v = voter_of(&ctx.db, &m, p.voter_idx).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let row = with_txn!(ctx.db, |txn| {
        let fresh = super::meetings::locked(&txn, m.id).await?;
        let p = proxy_of(&txn, &fresh, proxy).await?;
        if status(&fresh) != MeetingStatus::Open || p.status != ProxyStatus::Pending.code() {
            return Err(AppError::conflict("status", "gov.err_proxy_settled"));
        }
        let seq = if d.accept {
            let held = gov_proxies::Entity::find()
                .filter(gov_proxies::Column::MeetingId.eq(m.id))
                .filter(gov_proxies::Column::Phone.eq(p.phone.clone()))
                .filter(gov_proxies::Column::Status.eq(ProxyStatus::Accepted.code()))
                .count(&txn)
                .await?;
            if held >= u64::try_from(fresh.proxy_max).unwrap_or(0) {
                return Err(AppError::conflict("phone", "gov.err_proxy_max"));
            }
            Some(chain(&txn, m.id, &v, "proxy", &p.sha256).await?)
        } else {
            None
        };
        let mut am: gov_proxies::ActiveModel = p.into();
        am.status = Set(if d.accept {
            ProxyStatus::Accepted
        } else {
            ProxyStatus::Rejected
        }
        .code()
        .into());
        am.reason = Set(reason.clone());
        am.decided_by = Set(Some(auth.user_id.0));
        am.decided_at = Set(Some(Utc::now()));
        am.seq = Set(seq);
        let row = am.update(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new(
                if d.accept {
                    "assembly.proxy_accept"
                } else {
                    "assembly.proxy_reject"
                },
                "meeting",
                m.id,
            )
            .actor(Some(auth.user_id), &actor)
            .org(Some(OrgId(m.community_id)))
            .summary(serde_json::json!({ "proxy": proxy, "voter": v.idx, "seq": seq, "reason": reason })),
        )
        .await?;
        Ok(row)
    })?;
    let owners = estate::users_of_persons(&ctx.db, &owners_of(&ctx.db, m.id, v.idx).await?).await?;
    let body = match &row.reason {
        None => Msg::fill(
            "gov.proxy_accepted_body",
            [("units", Msg::text(&v.numbers)), ("name", Msg::text(&row.name))],
        ),
        Some(r) => Msg::fill(
            "gov.proxy_rejected_body",
            [("units", Msg::text(&v.numbers)), ("reason", Msg::text(r))],
        ),
    };
    tell_users(ctx, &m, &owners, body).await;
    if d.accept {
        let users = proxy_users(&ctx.db, &row.phone).await?;
        tell_users(
            ctx,
            &m,
            &users,
            Msg::fill("gov.proxy_granted_body", [("units", Msg::text(&v.numbers))]),
        )
        .await;
    }
    one(&ctx.db, m.id, row).await
}

/// The photo of a proxy's signed authorization, for the committee and the voter's owners.
/// Errors: `NotFound` for anyone else.
pub async fn authorization(
    ctx: &AppCtx,
    auth: &Authed,
    id: MeetingId,
    proxy: i64,
    thumb: bool,
) -> Result<Vec<u8>, AppError> {
    let (m, seat) = visible(ctx, auth, id).await?;
    let p = proxy_of(&ctx.db, &m, proxy).await?;
    if !matches!(seat, Seat::Committee) && !owns(ctx, auth, &m, p.voter_idx).await? {
        return Err(AppError::NotFound);
    }
    files::read(ctx, p.file_id, AUTH_KIND, p.id, thumb).await
}
