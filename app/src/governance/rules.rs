//! (ssr) A community's rules for its owners' assemblies (notice period, reminder), kept by its
//! owners' committee; and the reminder pass that tells owners who have not voted yet.
use super::meetings::{self, require_committee};
use super::model::*;
use crate::access::model::{Authed, RequestMeta};
use crate::access::service::actor_label;
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{gov_ballots, gov_meetings, gov_settings, gov_voter_persons};
use crate::db::AppCtx;
use crate::estate::service as estate;
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::ids::{OrgId, PersonId};
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, sea_query::OnConflict, ActiveValue::Set, QuerySelect, QueryTrait};

/// The rules of `community` (the defaults where its committee has set none).
pub async fn rules_of<C: ConnectionTrait>(c: &C, community: OrgId) -> Result<AssemblyRules, AppError> {
    Ok(match gov_settings::Entity::find_by_id(community.0).one(c).await? {
        Some(s) => AssemblyRules {
            community,
            notice_days: s.notice_days,
            remind_days: s.remind_days,
            proxy_max: s.proxy_max,
            staff_assist: s.staff_assist,
        },
        None => AssemblyRules {
            community,
            ..AssemblyRules::default()
        },
    })
}

/// The rules of `community`, for its committee. Errors: `Forbidden` (audited) off it.
pub async fn get(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, community: OrgId) -> Result<AssemblyRules, AppError> {
    require_committee(ctx, meta, auth, community).await?;
    rules_of(&ctx.db, community).await
}

/// Saves the rules of `r.community` (its committee only); meetings drafted from now on follow
/// them. Errors: `Forbidden`; a validation error naming `notice_days` (15 to 60),
/// `remind_days` (0 to 14) or `proxy_max` (1 to 20).
pub async fn save(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    r: AssemblyRules,
) -> Result<AssemblyRules, AppError> {
    require_committee(ctx, meta, auth, r.community).await?;
    if let Some((field, key)) = r.problem() {
        return Err(AppError::validation(field, key));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let before = rules_of(&ctx.db, r.community).await?;
    with_txn!(ctx.db, |txn| {
        let row = gov_settings::ActiveModel {
            community_id: Set(r.community.0),
            notice_days: Set(r.notice_days),
            remind_days: Set(r.remind_days),
            proxy_max: Set(r.proxy_max),
            staff_assist: Set(r.staff_assist),
            updated_by: Set(auth.user_id.0),
            updated_at: Set(Utc::now()),
        };
        gov_settings::Entity::insert(row)
            .on_conflict(
                OnConflict::column(gov_settings::Column::CommunityId)
                    .update_columns([
                        gov_settings::Column::NoticeDays,
                        gov_settings::Column::RemindDays,
                        gov_settings::Column::ProxyMax,
                        gov_settings::Column::StaffAssist,
                        gov_settings::Column::UpdatedBy,
                        gov_settings::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("assembly.rules", "community", r.community.0)
                .actor(Some(auth.user_id), &actor)
                .org(Some(r.community))
                .summary(serde_json::json!({
                    "notice_days": [before.notice_days, r.notice_days],
                    "remind_days": [before.remind_days, r.remind_days],
                    "proxy_max": [before.proxy_max, r.proxy_max],
                    "staff_assist": [before.staff_assist, r.staff_assist],
                })),
        )
        .await?;
        Ok(())
    })?;
    rules_of(&ctx.db, r.community).await
}

/// Reminds the owners of every open meeting whose reminder day has come and who have not voted
/// (neither online nor on paper), once per meeting: the meeting is claimed by a guarded update
/// in the transaction that raises the notices, so every server may run it. Returns how many
/// meetings were reminded.
pub async fn remind_due(ctx: &AppCtx) -> Result<usize, AppError> {
    let now = Utc::now();
    let open = gov_meetings::Entity::find()
        .filter(gov_meetings::Column::Status.eq(MeetingStatus::Open.code()))
        .filter(gov_meetings::Column::RemindedAt.is_null())
        .filter(gov_meetings::Column::RemindDays.gt(0))
        .filter(gov_meetings::Column::ClosesAt.gt(now))
        .all(&ctx.db)
        .await?;
    let mut n = 0;
    for m in open
        .into_iter()
        .filter(|m| m.opens_at <= now && m.closes_at - chrono::Duration::days(i64::from(m.remind_days)) <= now)
    {
        let voted = gov_ballots::Entity::find()
            .select_only()
            .column(gov_ballots::Column::VoterIdx)
            .filter(gov_ballots::Column::MeetingId.eq(m.id))
            .into_query();
        let persons: Vec<PersonId> = gov_voter_persons::Entity::find()
            .select_only()
            .column(gov_voter_persons::Column::PersonId)
            .filter(gov_voter_persons::Column::MeetingId.eq(m.id))
            .filter(gov_voter_persons::Column::VoterIdx.not_in_subquery(voted))
            .into_tuple::<i64>()
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(PersonId)
            .collect();
        let users = estate::users_of_persons(&ctx.db, &persons).await?;
        let claimed = with_txn!(ctx.db, |txn| {
            let r = gov_meetings::Entity::update_many()
                .col_expr(gov_meetings::Column::RemindedAt, Expr::value(now))
                .filter(gov_meetings::Column::Id.eq(m.id))
                .filter(gov_meetings::Column::RemindedAt.is_null())
                .exec(&txn)
                .await?;
            if r.rows_affected != 1 {
                return Ok(false);
            }
            meetings::tell(
                &txn,
                &users,
                &m,
                "gov.remind_title",
                Msg::fill(
                    "gov.remind_body",
                    [("closes", Msg::text(crate::shared::time::format_local(m.closes_at)))],
                ),
                "gov-remind",
                2,
            )
            .await?;
            Ok(true)
        })?;
        if claimed {
            tracing::info!(
                meeting = m.id,
                owners = users.len(),
                "owners who have not voted were reminded"
            );
            n += 1;
        }
    }
    Ok(n)
}

/// The communities whose rules the caller keeps (for the page), with their rules.
pub async fn mine(ctx: &AppCtx, auth: &Authed) -> Result<Vec<(crate::org::model::OrgNode, AssemblyRules)>, AppError> {
    let mut out = Vec::new();
    for c in meetings::committee_choices(ctx, auth).await? {
        let r = rules_of(&ctx.db, c.id).await?;
        out.push((c, r));
    }
    Ok(out)
}
