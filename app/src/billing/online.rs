//! (ssr) Online payment. Payments go through a provider (Stripe first; WeChat Pay and Alipay
//! later behind the same interface); without a provider configured the resident's page says
//! online payment is not set up and the counter works as before.

use crate::db::AppCtx;

/// True when an online payment provider is configured.
pub fn configured(ctx: &AppCtx) -> bool {
    ctx.cfg.stripe.is_some()
}
