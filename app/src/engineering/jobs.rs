//! (ssr) The rounds pass the server runs every few minutes: it makes today's rounds of every
//! active route (so the rounds page lists them as planned) and settles the ones whose window
//! has ended — done when every checkpoint has a result in the window, missed otherwise.
//! Idempotent: rounds are unique per route, date and slot, and status changes are guarded,
//! so every server may run it at once.
use super::inspection::{ensure_round, local, plan_of, settle_round};
use super::model::{rounds_due, RoundStatus, Slot};
use crate::db::entities::{inspection_rounds, patrol_routes};
use crate::db::AppCtx;
use crate::shared::error::AppError;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{prelude::*, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    pub created: u32,
    pub done: u32,
    pub missed: u32,
}

/// Makes and settles rounds as of `now` (see the module doc).
pub async fn rounds_pass(ctx: &AppCtx, now: DateTime<Utc>) -> Result<PassReport, AppError> {
    let mut report = PassReport::default();
    let routes = patrol_routes::Entity::find()
        .filter(patrol_routes::Column::Active.eq(true))
        .order_by_asc(patrol_routes::Column::Id)
        .all(&ctx.db)
        .await?;
    let at = local(now);
    for r in &routes {
        let plan = plan_of(r);
        for (date, slot, _) in rounds_due(&plan.slots, plan.window, local(r.updated_at), at) {
            let (round, fresh) = ensure_round(&ctx.db, r.id, date, slot).await?;
            report.created += u32::from(fresh);
            count(&mut report, &round, settle_round(&ctx.db, &round, &plan, now).await?);
        }
    }
    // Rounds left planned from before yesterday (the servers were down): long ended.
    let by_id: HashMap<i64, &patrol_routes::Model> = routes.iter().map(|r| (r.id, r)).collect();
    let stale = inspection_rounds::Entity::find()
        .filter(inspection_rounds::Column::Status.eq(RoundStatus::Planned.code()))
        .filter(inspection_rounds::Column::Date.lt(at.date() - Duration::days(1)))
        .order_by_asc(inspection_rounds::Column::Id)
        .limit(1_000)
        .all(&ctx.db)
        .await?;
    for round in stale {
        let Some(r) = by_id.get(&round.route_id) else {
            continue;
        };
        if Slot::parse(&round.slot).is_none() {
            continue;
        }
        let plan = plan_of(r);
        count(&mut report, &round, settle_round(&ctx.db, &round, &plan, now).await?);
    }
    Ok(report)
}

fn count(report: &mut PassReport, round: &inspection_rounds::Model, now: RoundStatus) {
    if RoundStatus::parse(&round.status) == now {
        return;
    }
    match now {
        RoundStatus::Done => report.done += 1,
        RoundStatus::Missed => report.missed += 1,
        RoundStatus::Planned => {}
    }
}

/// Registers the rounds pass, every five minutes.
pub fn register(r: &mut crate::jobs::Registry) {
    r.every(
        "engineering.rounds",
        std::time::Duration::from_secs(300),
        |ctx| async move {
            let r = rounds_pass(&ctx, chrono::Utc::now()).await?;
            Ok((r.missed > 0).then(|| format!("inspection rounds missed: {r:?}")))
        },
    );
}
