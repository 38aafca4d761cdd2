//! (ssr) 首页's one request: each part from its area's facade, for the caller's own homes and
//! tickets only (a resident's scope is their household; staff with no home get empty parts).
use super::model::HomeGlance;
use crate::access::model::Authed;
use crate::db::AppCtx;
use crate::shared::error::AppError;

/// How many open tickets 首页 lists.
const TICKETS: u64 = 3;

pub async fn glance(ctx: &AppCtx, auth: &Authed) -> Result<HomeGlance, AppError> {
    let homes = crate::billing::service::my_dues(ctx, auth).await?;
    let (tickets, open_tickets) = crate::tickets::service::my_open(ctx, auth, TICKETS).await?;
    let community = crate::community::service::summary(ctx, auth).await?;
    Ok(HomeGlance {
        due: HomeGlance::total(&homes),
        homes,
        tickets,
        open_tickets,
        community,
    })
}
