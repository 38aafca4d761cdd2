//! (ssr) Online payments: a resident opens a checkout for some of a home's open lines; the
//! provider's events (webhook or reconciliation) settle it through billing's ledger exactly
//! once; a manager refunds it through the provider, and the ledger gets a red reversal.
//!
//! Exactly once, whatever arrives: each provider event is stored under a unique
//! (provider, event id) in the transaction that applies it, so a redelivery is a no-op; and a
//! checkout becomes a receipt only through a guarded update (`payment_id IS NULL AND status
//! <> 'paid'`), so two different events announcing the same money (Stripe sends both
//! `payment_intent.succeeded` and `checkout.session.completed`, in either order, possibly at
//! once) settle it once.
use super::model::*;
use super::provider::{
    CheckoutRequest, Happening, Online, PaymentProvider, ProviderError, ProviderEvent, RefundRequest,
};
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::billing::service::{self as billing, current_period, ensure_open};
use crate::db::entities::{online_checkout_lines, online_checkouts, online_refunds, provider_events};
use crate::db::AppCtx;
use crate::notify::model::Category;
use crate::notify::service::{self as notify_svc, Notice};
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::ids::{BillLineId, OrgId, PaymentId, UserId};
use crate::shared::money::Money;
use crate::with_txn;
use chrono::{DateTime, Utc};
use sea_orm::{prelude::*, sea_query::OnConflict, ActiveValue::Set, QueryOrder, QuerySelect};
use std::collections::HashMap;
use std::sync::Arc;

/// How long a resident has to pay on the provider's page (Stripe allows 30 min to 24 h).
const CHECKOUT_MINUTES: i64 = 60;
/// How far back reconciliation looks (Stripe keeps events for 30 days).
pub const RECONCILE_DAYS: i64 = 3;

fn provider(ctx: &AppCtx) -> Result<Arc<dyn PaymentProvider>, AppError> {
    Online::of(&ctx.cfg)
        .provider
        .clone()
        .ok_or_else(|| AppError::conflict("online", "err.online_off"))
}

/// Whether online payment is on.
pub fn setup(ctx: &AppCtx) -> OnlineSetup {
    match &Online::of(&ctx.cfg).provider {
        Some(p) => OnlineSetup {
            enabled: true,
            provider: p.name().into(),
        },
        None => OnlineSetup {
            enabled: false,
            provider: String::new(),
        },
    }
}

fn unavailable(e: ProviderError) -> AppError {
    match e {
        ProviderError::Refused(m) => {
            tracing::warn!(message = %m, "payment provider refused a request");
            AppError::conflict("online", "err.online_refused")
        }
        ProviderError::Unavailable(m) => {
            tracing::warn!(message = %m, "payment provider unavailable");
            AppError::conflict("online", "err.online_unavailable")
        }
    }
}

/// Starts paying `lines` of `unit` online (all its open lines when empty). Only a member of
/// the household that holds the home may. Returns the checkout with the provider's page.
pub async fn start_checkout(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    unit: i64,
    lines: &[BillLineId],
) -> Result<CheckoutView, AppError> {
    let provider = provider(ctx)?;
    if !billing::is_my_unit(ctx, auth, unit).await? {
        return Err(AppError::NotFound);
    }
    // Money that arrived for this home and disagreed with what was asked waits for staff:
    // paying again before they decide could take the money twice.
    let disputed = online_checkouts::Entity::find()
        .filter(online_checkouts::Column::UnitId.eq(unit))
        .filter(online_checkouts::Column::Status.eq(CheckoutStatus::Disputed))
        .count(&ctx.db)
        .await?;
    if disputed > 0 {
        return Err(AppError::conflict("online", "err.online_disputed"));
    }
    let brief = crate::estate::service::unit_briefs(&ctx.db, &[unit])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let today = crate::shared::time::today_cn();
    let office = crate::org::service::office_of(&ctx.db, OrgId(brief.community_id))
        .await?
        .0;
    let payable = billing::payable_lines(&ctx.db, unit, lines, office, today).await?;
    let owed: Vec<(i64, Money, Money)> = payable.iter().map(|l| (l.id.0, l.principal, l.late_fee)).collect();
    let amount = Money(owed.iter().map(|o| o.1 .0 + o.2 .0).sum());

    // A second tap (or a reload) on the same lines reuses the checkout still open for them.
    let now = Utc::now();
    let mut want: Vec<i64> = owed.iter().map(|o| o.0).collect();
    want.sort_unstable();
    for ck in online_checkouts::Entity::find()
        .filter(online_checkouts::Column::UnitId.eq(unit))
        .filter(online_checkouts::Column::Status.eq(CheckoutStatus::Open))
        .filter(online_checkouts::Column::Amount.eq(amount.0))
        .filter(online_checkouts::Column::AsOf.eq(today))
        .all(&ctx.db)
        .await?
    {
        if ck.expires_at.is_some_and(|t| t > now + chrono::Duration::minutes(10)) {
            let mut have: Vec<i64> = online_checkout_lines::Entity::find()
                .filter(online_checkout_lines::Column::CheckoutId.eq(ck.id))
                .all(&ctx.db)
                .await?
                .into_iter()
                .map(|l| l.line_id)
                .collect();
            have.sort_unstable();
            if have == want {
                return view(&ctx.db, ck).await;
            }
        }
    }

    let expires = now + chrono::Duration::minutes(CHECKOUT_MINUTES);
    let ck = with_txn!(ctx.db, |txn| {
        let ck = online_checkouts::ActiveModel {
            office_id: Set(office),
            community_id: Set(brief.community_id),
            unit_id: Set(unit),
            user_id: Set(auth.user_id.0),
            provider: Set(provider.name().into()),
            provider_ref: Set(None),
            payment_ref: Set(None),
            url: Set(None),
            amount: Set(amount.0),
            currency: Set("cny".into()),
            status: Set(CheckoutStatus::Creating.into()),
            as_of: Set(today),
            payment_id: Set(None),
            note: Set(String::new()),
            error: Set(None),
            created_at: Set(now),
            expires_at: Set(Some(expires)),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for (line, principal, fee) in &owed {
            online_checkout_lines::ActiveModel {
                checkout_id: Set(ck.id),
                line_id: Set(*line),
                principal: Set(principal.0),
                late_fee: Set(fee.0),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new("payments.checkout", "online_checkout", ck.id)
                .actor(Some(auth.user_id), &actor_label(&txn, auth.user_id).await)
                .org(Some(OrgId(brief.community_id)))
                .summary(serde_json::json!({ "unit": unit, "amount": amount.0, "lines": want })),
        )
        .await?;
        Ok(ck)
    })?;

    // What the resident sees on the provider's page: each line, then the late fees.
    let mut items: Vec<(String, Money)> = payable
        .iter()
        .map(|l| {
            (
                format!("{} {} {}", brief.number, l.row.item, l.row.period),
                l.row.outstanding,
            )
        })
        .collect();
    let fees: i64 = owed.iter().map(|o| o.2 .0).sum();
    if fees > 0 {
        items.push(("滞纳金 late fees".into(), Money(fees)));
    }
    let base = ctx.cfg.public_url.trim_end_matches('/');
    let req = CheckoutRequest {
        checkout_id: ck.id,
        idempotency_key: format!("linli-checkout-{}", ck.id),
        amount,
        items,
        success_url: format!("{base}/pay/online/{}", ck.id),
        cancel_url: format!("{base}/pay/online/{}", ck.id),
        expires_at: expires.timestamp(),
    };
    let result = provider.create_checkout(&req).await;
    // Only a checkout still being created moves on: an event may already have settled it.
    let mut q = online_checkouts::Entity::update_many()
        .col_expr(online_checkouts::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(online_checkouts::Column::Id.eq(ck.id))
        .filter(online_checkouts::Column::Status.eq(CheckoutStatus::Creating));
    match &result {
        Ok(created) => {
            q = q
                .col_expr(
                    online_checkouts::Column::ProviderRef,
                    Expr::value(created.provider_ref.clone()),
                )
                .col_expr(online_checkouts::Column::Url, Expr::value(created.url.clone()))
                .col_expr(online_checkouts::Column::Status, Expr::value(CheckoutStatus::Open));
            if let Some(t) = created.expires_at.and_then(|t| DateTime::from_timestamp(t, 0)) {
                q = q.col_expr(online_checkouts::Column::ExpiresAt, Expr::value(t));
            }
        }
        Err(e) => {
            q = q
                .col_expr(online_checkouts::Column::Status, Expr::value(CheckoutStatus::Failed))
                .col_expr(
                    online_checkouts::Column::Error,
                    Expr::value(format!("{e:?}").chars().take(500).collect::<String>()),
                );
        }
    }
    q.exec(&ctx.db).await?;
    let ck = online_checkouts::Entity::find_by_id(ck.id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::Internal)?;
    result.map_err(unavailable)?;
    view(&ctx.db, ck).await
}

async fn view<C: ConnectionTrait>(c: &C, ck: online_checkouts::Model) -> Result<CheckoutView, AppError> {
    let lines = online_checkout_lines::Entity::find()
        .filter(online_checkout_lines::Column::CheckoutId.eq(ck.id))
        .order_by_asc(online_checkout_lines::Column::Id)
        .all(c)
        .await?;
    let ids: Vec<i64> = lines.iter().map(|l| l.line_id).collect();
    let rows: HashMap<i64, crate::billing::model::LineRow> = billing::line_rows_of(c, &ids)
        .await?
        .into_iter()
        .map(|r| (r.id.0, r))
        .collect();
    let receipt_no = match ck.payment_id {
        Some(p) => billing::receipt(c, PaymentId(p))
            .await?
            .map(|r| r.receipt_no)
            .unwrap_or_default(),
        None => String::new(),
    };
    let refund = match ck.payment_id {
        Some(p) => {
            online_refunds::Entity::find()
                .filter(online_refunds::Column::PaymentId.eq(p))
                .one(c)
                .await?
        }
        None => None,
    };
    let unit = crate::estate::service::unit_briefs(c, &[ck.unit_id])
        .await?
        .pop()
        .map(|u| format!("{} {}", u.community, u.number))
        .unwrap_or_default();
    let status = CheckoutStatus::parse(&ck.status).ok_or_else(|| {
        tracing::error!(checkout = ck.id, status = %ck.status, "a checkout with an unknown status");
        AppError::Internal
    })?;
    Ok(CheckoutView {
        id: ck.id,
        unit_id: ck.unit_id,
        unit,
        provider: ck.provider.clone(),
        status,
        amount: Money(ck.amount),
        url: (status == CheckoutStatus::Open).then(|| ck.url.clone()).flatten(),
        lines: lines
            .iter()
            .map(|l| {
                let r = rows.get(&l.line_id);
                CheckoutLine {
                    line_id: BillLineId(l.line_id),
                    item: r.map(|r| r.item.clone()).unwrap_or_default(),
                    period: r.map(|r| r.period.clone()).unwrap_or_default(),
                    principal: Money(l.principal),
                    late_fee: Money(l.late_fee),
                }
            })
            .collect(),
        payment_id: ck.payment_id.map(PaymentId),
        receipt_no,
        refund: refund.as_ref().and_then(|r| RefundStatus::parse(&r.status)),
        refund_error: refund.and_then(|r| r.error).unwrap_or_default(),
        note: ck.note.clone(),
        dispute: ck.dispute.clone().unwrap_or_default(),
        resolution: ck.resolution.as_deref().and_then(DisputeResolution::parse),
        created_at: crate::shared::time::format_local(ck.created_at),
    })
}

/// One checkout: the resident who holds the home, or staff with `billing.read` over it.
pub async fn checkout(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<CheckoutView, AppError> {
    let ck = online_checkouts::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !billing::is_my_unit(ctx, auth, ck.unit_id).await? {
        let scope = access::require(ctx, meta, auth, Permission::BillingRead).await?;
        access::within(ctx, meta, auth, Permission::BillingRead, &scope, OrgId(ck.community_id)).await?;
    }
    view(&ctx.db, ck).await
}

/// Recent online checkouts, newest first: those within the caller's `billing.read` scope, or,
/// for a resident (no such scope), those of the homes their household holds.
pub async fn list(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    status: Option<CheckoutStatus>,
) -> Result<Vec<CheckoutView>, AppError> {
    let scope = access::scope_for(&ctx.db, auth.user_id, Permission::BillingRead).await?;
    let mut q = if !scope.is_empty() {
        scope.filter_org_column(
            online_checkouts::Entity::find(),
            online_checkouts::Column::CommunityId,
            false,
        )
    } else {
        let homes: Vec<i64> = crate::estate::service::my_unit_ids(&ctx.db, auth.user_id)
            .await?
            .into_iter()
            .map(|u| u.0)
            .collect();
        if homes.is_empty() {
            // Neither staff over anything nor a member of a household: as before, refused.
            return access::require(ctx, meta, auth, Permission::BillingRead)
                .await
                .map(|_| vec![]);
        }
        online_checkouts::Entity::find().filter(online_checkouts::Column::UnitId.is_in(homes))
    };
    if let Some(status) = status {
        q = q.filter(online_checkouts::Column::Status.eq(status));
    }
    let rows = q
        .order_by_desc(online_checkouts::Column::Id)
        .limit(200)
        .all(&ctx.db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for ck in rows {
        out.push(view(&ctx.db, ck).await?);
    }
    Ok(out)
}

/// Applies one provider event, once: `via` is `webhook` or `reconcile`. Returns what it did
/// (never `Pending`).
pub async fn apply(ctx: &AppCtx, provider: &str, ev: &ProviderEvent, via: &str) -> Result<EventOutcome, AppError> {
    with_txn!(ctx.db, |txn| {
        let inserted = provider_events::Entity::insert(provider_events::ActiveModel {
            provider: Set(provider.into()),
            event_id: Set(ev.id.chars().take(255).collect()),
            kind: Set(ev.kind.chars().take(80).collect()),
            created: Set(ev.created),
            via: Set(via.into()),
            outcome: Set(EventOutcome::Pending.into()),
            checkout_id: Set(None),
            received_at: Set(Utc::now()),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([provider_events::Column::Provider, provider_events::Column::EventId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        if inserted == 0 {
            return Ok(EventOutcome::Duplicate);
        }
        let (outcome, checkout) = apply_in(&txn, provider, &ev.happening).await?;
        provider_events::Entity::update_many()
            .col_expr(provider_events::Column::Outcome, Expr::value(outcome))
            .col_expr(provider_events::Column::CheckoutId, Expr::value(checkout))
            .filter(provider_events::Column::Provider.eq(provider))
            .filter(provider_events::Column::EventId.eq(ev.id.chars().take(255).collect::<String>()))
            .exec(&txn)
            .await?;
        Ok(outcome)
    })
}

async fn find_checkout<C: ConnectionTrait>(
    c: &C,
    provider: &str,
    checkout: Option<i64>,
    session: Option<&str>,
    payment_ref: Option<&str>,
) -> Result<Option<online_checkouts::Model>, AppError> {
    let base = || online_checkouts::Entity::find().filter(online_checkouts::Column::Provider.eq(provider));
    if let Some(id) = checkout {
        if let Some(ck) = base().filter(online_checkouts::Column::Id.eq(id)).one(c).await? {
            return Ok(Some(ck));
        }
    }
    if let Some(s) = session {
        if let Some(ck) = base()
            .filter(online_checkouts::Column::ProviderRef.eq(s))
            .one(c)
            .await?
        {
            return Ok(Some(ck));
        }
    }
    if let Some(p) = payment_ref {
        return Ok(base().filter(online_checkouts::Column::PaymentRef.eq(p)).one(c).await?);
    }
    Ok(None)
}

async fn apply_in<C: ConnectionTrait>(
    c: &C,
    provider: &str,
    h: &Happening,
) -> Result<(EventOutcome, Option<i64>), AppError> {
    match h {
        Happening::Paid {
            checkout,
            session,
            payment_ref,
            amount,
            currency,
        } => {
            let Some(ck) = find_checkout(c, provider, *checkout, session.as_deref(), payment_ref.as_deref()).await?
            else {
                return Ok((EventOutcome::Unknown, None));
            };
            remember_refs(c, &ck, session.as_deref(), payment_ref.as_deref()).await?;
            let reference = payment_ref.as_deref().or(session.as_deref());
            if !currency.eq_ignore_ascii_case(&ck.currency) || *amount != ck.amount {
                let held = dispute(c, &ck, *amount, currency, reference).await?;
                return Ok((
                    if held {
                        EventOutcome::Flagged
                    } else {
                        EventOutcome::Already
                    },
                    Some(ck.id),
                ));
            }
            let settled =
                settle_checkout(c, &ck, Money(*amount), payment_ref.as_deref().or(session.as_deref())).await?;
            Ok((
                if settled {
                    EventOutcome::Settled
                } else {
                    EventOutcome::Already
                },
                Some(ck.id),
            ))
        }
        Happening::Processing {
            checkout,
            session,
            payment_ref,
        } => {
            let Some(ck) = find_checkout(c, provider, *checkout, Some(session), payment_ref.as_deref()).await? else {
                return Ok((EventOutcome::Unknown, None));
            };
            remember_refs(c, &ck, Some(session), payment_ref.as_deref()).await?;
            set_status(
                c,
                ck.id,
                &[CheckoutStatus::Creating, CheckoutStatus::Open],
                CheckoutStatus::Processing,
            )
            .await?;
            Ok((EventOutcome::Recorded, Some(ck.id)))
        }
        Happening::Ended {
            checkout,
            session,
            status,
        } => {
            let Some(ck) = find_checkout(c, provider, *checkout, Some(session), None).await? else {
                return Ok((EventOutcome::Unknown, None));
            };
            set_status(
                c,
                ck.id,
                &[
                    CheckoutStatus::Creating,
                    CheckoutStatus::Open,
                    CheckoutStatus::Processing,
                ],
                *status,
            )
            .await?;
            Ok((EventOutcome::Recorded, Some(ck.id)))
        }
        Happening::Refunded {
            refund,
            refund_ref,
            payment_ref,
            succeeded,
        } => {
            let mut r = None;
            if let Some(id) = refund {
                r = online_refunds::Entity::find_by_id(*id).one(c).await?;
            }
            if r.is_none() {
                if let Some(rr) = refund_ref {
                    r = online_refunds::Entity::find()
                        .filter(online_refunds::Column::ProviderRef.eq(rr.as_str()))
                        .one(c)
                        .await?;
                }
            }
            if r.is_none() {
                if let Some(ck) = find_checkout(c, provider, None, None, payment_ref.as_deref()).await? {
                    r = online_refunds::Entity::find()
                        .filter(online_refunds::Column::CheckoutId.eq(ck.id))
                        .one(c)
                        .await?;
                }
            }
            let Some(r) = r else {
                return Ok((EventOutcome::Unknown, None));
            };
            let done = finish_refund(c, &r, *succeeded, refund_ref.as_deref(), None).await?;
            Ok((
                if done {
                    EventOutcome::Settled
                } else {
                    EventOutcome::Already
                },
                Some(r.checkout_id),
            ))
        }
        Happening::Other => Ok((EventOutcome::Ignored, None)),
    }
}

async fn remember_refs<C: ConnectionTrait>(
    c: &C,
    ck: &online_checkouts::Model,
    session: Option<&str>,
    payment_ref: Option<&str>,
) -> Result<(), AppError> {
    let mut q = online_checkouts::Entity::update_many().filter(online_checkouts::Column::Id.eq(ck.id));
    let mut any = false;
    if let (None, Some(p)) = (&ck.payment_ref, payment_ref) {
        q = q.col_expr(online_checkouts::Column::PaymentRef, Expr::value(p));
        any = true;
    }
    if let (None, Some(s)) = (&ck.provider_ref, session) {
        q = q.col_expr(online_checkouts::Column::ProviderRef, Expr::value(s));
        any = true;
    }
    if any {
        q.exec(c).await?;
    }
    Ok(())
}

async fn set_status<C: ConnectionTrait>(
    c: &C,
    id: i64,
    from: &[CheckoutStatus],
    to: CheckoutStatus,
) -> Result<(), AppError> {
    online_checkouts::Entity::update_many()
        .col_expr(online_checkouts::Column::Status, Expr::value(to))
        .col_expr(online_checkouts::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(online_checkouts::Column::Id.eq(id))
        .filter(online_checkouts::Column::Status.is_in(from.iter().map(|s| s.code())))
        .exec(c)
        .await?;
    Ok(())
}

/// Holds a checkout whose payment event disagreed with it (another amount or currency): nothing
/// is credited, staff over the community who manage billing get a notice, and the home cannot
/// be paid online again until they decide ([`resolve_dispute`]). Returns false when the
/// checkout was already settled or held.
async fn dispute<C: ConnectionTrait>(
    c: &C,
    ck: &online_checkouts::Model,
    amount: i64,
    currency: &str,
    reference: Option<&str>,
) -> Result<bool, AppError> {
    let currency = currency.to_ascii_uppercase();
    let why = format!(
        "到账 {} {currency}，应付 {} {} (received ≠ asked)",
        Money(amount).plain(),
        Money(ck.amount).plain(),
        ck.currency.to_ascii_uppercase()
    );
    let held = online_checkouts::Entity::update_many()
        .col_expr(online_checkouts::Column::Status, Expr::value(CheckoutStatus::Disputed))
        .col_expr(online_checkouts::Column::Dispute, Expr::value(why.clone()))
        .col_expr(online_checkouts::Column::DisputedAmount, Expr::value(amount))
        .col_expr(
            online_checkouts::Column::DisputedCurrency,
            Expr::value(currency.chars().take(3).collect::<String>()),
        )
        .col_expr(
            online_checkouts::Column::DisputedRef,
            Expr::value(reference.map(|r| r.chars().take(255).collect::<String>())),
        )
        .col_expr(online_checkouts::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(online_checkouts::Column::Id.eq(ck.id))
        .filter(online_checkouts::Column::PaymentId.is_null())
        .filter(
            online_checkouts::Column::Status.is_not_in([CheckoutStatus::Paid.code(), CheckoutStatus::Disputed.code()]),
        )
        .exec(c)
        .await?;
    if held.rows_affected == 0 {
        return Ok(false);
    }
    tracing::warn!(checkout = ck.id, %why, "online payment disputed");
    let unit = crate::estate::service::unit_briefs(c, &[ck.unit_id])
        .await?
        .pop()
        .map(|u| format!("{} {}", u.community, u.number))
        .unwrap_or_default();
    let staff: Vec<UserId> = access::holders_over(c, OrgId(ck.community_id), Permission::BillingManage)
        .await?
        .into_iter()
        .map(|(u, _)| u)
        .collect();
    notify_svc::raise(
        c,
        &staff,
        &Notice {
            category: Category::Bills,
            title: Msg::key("payments.dispute_title").then(Msg::text(unit)),
            body: Msg::fill(
                "payments.dispute_body",
                [
                    ("got", Msg::text(format!("{} {currency}", Money(amount).plain()))),
                    (
                        "asked",
                        Msg::text(format!(
                            "{} {}",
                            Money(ck.amount).plain(),
                            ck.currency.to_ascii_uppercase()
                        )),
                    ),
                ],
            ),
            link: "/admin/billing/online?status=disputed".into(),
            dedupe: Some(format!("dispute:{}", ck.id)),
            ttl: chrono::Duration::days(1),
            broadcast: None,
            replace: false,
            urgent: false,
        },
    )
    .await?;
    Ok(true)
}

/// Staff (`billing.manage` over the home) decide a disputed checkout: `Accepted` books what
/// arrived as a receipt (the same currency only), `Returned` records that the money went back
/// at the provider. Either way the home can be paid online again. Errors: `NotFound`;
/// `Conflict{status}` when it is not (or no longer) disputed; `Validation{resolution}` when
/// money in another currency is accepted; `Validation{note}`.
pub async fn resolve_dispute(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: i64,
    resolution: DisputeResolution,
    note: &str,
) -> Result<CheckoutView, AppError> {
    access::record_within(
        ctx,
        meta,
        auth,
        Permission::BillingManage,
        online_checkouts::Entity::find_by_id(id),
        |ck| OrgId(ck.community_id),
    )
    .await?;
    let note = note.trim();
    if note.is_empty() {
        return Err(AppError::validation("note", "err.required"));
    }
    if note.chars().count() > 200 {
        return Err(AppError::validation("note", "err.too_long"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let ck = online_checkouts::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        if ck.status != CheckoutStatus::Disputed.code() {
            return Err(AppError::conflict("status", "err.dispute_decided"));
        }
        let arrived = ck.disputed_amount.unwrap_or(0);
        match resolution {
            DisputeResolution::Accepted => {
                let same = ck
                    .disputed_currency
                    .as_deref()
                    .is_some_and(|c| c.eq_ignore_ascii_case(&ck.currency));
                if !same || arrived <= 0 {
                    return Err(AppError::validation("resolution", "err.dispute_other_currency"));
                }
                settle_checkout(&txn, &ck, Money(arrived), ck.disputed_ref.as_deref()).await?;
            }
            DisputeResolution::Returned => {
                set_status(&txn, ck.id, &[CheckoutStatus::Disputed], CheckoutStatus::Failed).await?;
            }
        }
        online_checkouts::Entity::update_many()
            .col_expr(online_checkouts::Column::Resolution, Expr::value(resolution))
            .col_expr(online_checkouts::Column::ResolvedBy, Expr::value(auth.user_id.0))
            .col_expr(online_checkouts::Column::ResolvedAt, Expr::value(Utc::now()))
            .filter(online_checkouts::Column::Id.eq(ck.id))
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("payments.dispute.resolve", "online_checkout", ck.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(ck.community_id)))
                .summary(serde_json::json!({
                    "resolution": resolution,
                    "arrived": arrived,
                    "currency": ck.disputed_currency,
                    "asked": ck.amount,
                    "note": note,
                })),
        )
        .await?;
        Ok(())
    })?;
    let ck = online_checkouts::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::Internal)?;
    view(&ctx.db, ck).await
}

/// Turns a paid checkout into a receipt, once. Lines settled meanwhile (at the counter) are
/// left out and what they would have taken goes to the prepaid balance, with a note; money
/// that arrived is never refused. Returns false when it had already been settled.
async fn settle_checkout<C: ConnectionTrait>(
    c: &C,
    ck: &online_checkouts::Model,
    amount: Money,
    reference: Option<&str>,
) -> Result<bool, AppError> {
    let claimed = online_checkouts::Entity::update_many()
        .col_expr(online_checkouts::Column::Status, Expr::value(CheckoutStatus::Paid))
        .col_expr(online_checkouts::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(online_checkouts::Column::Id.eq(ck.id))
        .filter(online_checkouts::Column::PaymentId.is_null())
        .filter(online_checkouts::Column::Status.ne(CheckoutStatus::Paid))
        .exec(c)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(false);
    }
    let unit = crate::estate::service::unit_briefs(c, &[ck.unit_id])
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    let wanted: Vec<i64> = online_checkout_lines::Entity::find()
        .filter(online_checkout_lines::Column::CheckoutId.eq(ck.id))
        .all(c)
        .await?
        .into_iter()
        .map(|l| l.line_id)
        .collect();
    let open = billing::still_owing(c, &wanted).await?;
    let mut note = String::new();
    if open.len() != wanted.len() {
        note = "部分账单已另行缴清，余款转入预存 (lines paid meanwhile; the rest went to prepaid)".into();
    }
    if amount.0 != ck.amount {
        note = format!("{note} 到账 {} ≠ 应付 {}", amount, Money(ck.amount))
            .trim()
            .into();
    }
    let p = billing::settle_online(
        c,
        ck.office_id,
        &unit,
        &open,
        amount,
        (ck.provider.as_str(), reference.unwrap_or("")),
        ck.as_of,
    )
    .await?;
    online_checkouts::Entity::update_many()
        .col_expr(online_checkouts::Column::PaymentId, Expr::value(p.0))
        .col_expr(
            online_checkouts::Column::Note,
            Expr::value(note.chars().take(200).collect::<String>()),
        )
        .filter(online_checkouts::Column::Id.eq(ck.id))
        .exec(c)
        .await?;
    Ok(true)
}

/// Refunds an online payment in full (`billing.manage`): the provider sends the money back
/// and the ledger gets a red reversal with its own receipt number. Asked again after the
/// provider could not be reached, it resends with the same idempotency key.
pub async fn refund(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    payment: PaymentId,
    reason: &str,
) -> Result<CheckoutView, AppError> {
    let provider = provider(ctx)?;
    let scope = access::require(ctx, meta, auth, Permission::BillingManage).await?;
    let p = billing::receipt(&ctx.db, payment).await?.ok_or(AppError::NotFound)?;
    access::within(
        ctx,
        meta,
        auth,
        Permission::BillingManage,
        &scope,
        OrgId(p.community_id),
    )
    .await?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::validation("reason", "err.reason_required"));
    }
    let ck = online_checkouts::Entity::find()
        .filter(online_checkouts::Column::PaymentId.eq(p.id.0))
        .one(&ctx.db)
        .await?
        .ok_or_else(|| AppError::conflict("payment", "err.not_online"))?;
    let payment_ref = ck
        .payment_ref
        .clone()
        .ok_or_else(|| AppError::conflict("payment", "err.not_online"))?;
    if p.amount <= 0 || p.reverses.is_some() || p.reversed {
        return Err(AppError::conflict("payment", "err.cannot_reverse"));
    }
    ensure_open(&ctx.db, OrgId(p.office_id), current_period()).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let r = with_txn!(ctx.db, |txn| {
        let existing = online_refunds::Entity::find()
            .filter(online_refunds::Column::PaymentId.eq(p.id.0))
            .one(&txn)
            .await?;
        let r = match existing {
            Some(r) if r.status == RefundStatus::Requested.code() => r,
            Some(_) => return Err(AppError::conflict("payment", "err.refund_exists")),
            None => online_refunds::ActiveModel {
                checkout_id: Set(ck.id),
                payment_id: Set(p.id.0),
                provider: Set(ck.provider.clone()),
                provider_ref: Set(None),
                amount: Set(p.amount),
                status: Set(RefundStatus::Requested.into()),
                reason: Set(reason.into()),
                requested_by: Set(auth.user_id.0),
                error: Set(None),
                reversal_id: Set(None),
                created_at: Set(Utc::now()),
                done_at: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(|e| crate::db::map_unique(e, "payment", "err.refund_exists"))?,
        };
        audit::record(
            &txn,
            meta,
            AuditEntry::new("payments.refund", "payment", p.id.0)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(p.community_id)))
                .summary(serde_json::json!({ "receipt": p.receipt_no, "amount": p.amount, "reason": reason })),
        )
        .await?;
        Ok(r)
    })?;
    send_refund(ctx, provider.as_ref(), &r, &payment_ref).await?;
    view(
        &ctx.db,
        online_checkouts::Entity::find_by_id(ck.id)
            .one(&ctx.db)
            .await?
            .ok_or(AppError::Internal)?,
    )
    .await
}

/// Sends a requested refund to the provider and records what it said.
async fn send_refund(
    ctx: &AppCtx,
    provider: &dyn PaymentProvider,
    r: &online_refunds::Model,
    payment_ref: &str,
) -> Result<(), AppError> {
    let sent = provider
        .refund(&RefundRequest {
            refund_id: r.id,
            idempotency_key: format!("linli-refund-{}", r.id),
            payment_ref: payment_ref.into(),
            amount: Money(r.amount),
        })
        .await;
    match sent {
        Ok(s) => {
            with_txn!(ctx.db, |txn| {
                online_refunds::Entity::update_many()
                    .col_expr(online_refunds::Column::ProviderRef, Expr::value(s.provider_ref.clone()))
                    .filter(online_refunds::Column::Id.eq(r.id))
                    .exec(&txn)
                    .await?;
                match s.status.as_str() {
                    "succeeded" => finish_refund(&txn, r, true, Some(&s.provider_ref), None)
                        .await
                        .map(|_| ()),
                    "failed" | "canceled" => finish_refund(&txn, r, false, Some(&s.provider_ref), Some(&s.status))
                        .await
                        .map(|_| ()),
                    // Pending: the provider's refund.updated event finishes it.
                    _ => Ok(()),
                }
            })?;
            Ok(())
        }
        Err(ProviderError::Refused(m)) => {
            finish_refund(&ctx.db, r, false, None, Some(&m)).await?;
            Err(AppError::conflict("online", "err.online_refused"))
        }
        Err(e @ ProviderError::Unavailable(_)) => {
            // Left `requested`: reconciliation (or asking again) resends with the same key.
            online_refunds::Entity::update_many()
                .col_expr(
                    online_refunds::Column::Error,
                    Expr::value(format!("{e:?}").chars().take(500).collect::<String>()),
                )
                .filter(online_refunds::Column::Id.eq(r.id))
                .exec(&ctx.db)
                .await?;
            Err(unavailable(e))
        }
    }
}

/// Records a refund's final state, once; a success reverses the payment in the ledger.
/// Returns false when it had already been finished.
async fn finish_refund<C: ConnectionTrait>(
    c: &C,
    r: &online_refunds::Model,
    succeeded: bool,
    refund_ref: Option<&str>,
    error: Option<&str>,
) -> Result<bool, AppError> {
    let to = if succeeded {
        RefundStatus::Succeeded
    } else {
        RefundStatus::Failed
    };
    let mut q = online_refunds::Entity::update_many()
        .col_expr(online_refunds::Column::Status, Expr::value(to))
        .col_expr(online_refunds::Column::DoneAt, Expr::value(Utc::now()))
        .filter(online_refunds::Column::Id.eq(r.id))
        .filter(online_refunds::Column::Status.eq(RefundStatus::Requested));
    if let Some(e) = error {
        q = q.col_expr(
            online_refunds::Column::Error,
            Expr::value(e.chars().take(500).collect::<String>()),
        );
    }
    if let Some(rr) = refund_ref {
        q = q.col_expr(online_refunds::Column::ProviderRef, Expr::value(rr));
    }
    if q.exec(c).await?.rows_affected == 0 {
        return Ok(false);
    }
    if succeeded {
        let rev = billing::reverse_online(
            c,
            PaymentId(r.payment_id),
            &format!("在线退款 online refund: {}", r.reason),
            UserId(r.requested_by),
            (
                r.provider.as_str(),
                refund_ref.or(r.provider_ref.as_deref()).unwrap_or(""),
            ),
        )
        .await?;
        online_refunds::Entity::update_many()
            .col_expr(online_refunds::Column::ReversalId, Expr::value(rev.0))
            .filter(online_refunds::Column::Id.eq(r.id))
            .exec(c)
            .await?;
    }
    Ok(true)
}

/// Fetches the provider's recent events and applies the ones the webhook missed, then resends
/// refunds the provider could not be reached for. Safe to run on every server at once.
pub async fn reconcile(ctx: &AppCtx) -> Result<ReconcileReport, AppError> {
    let provider = provider(ctx)?;
    let since = Utc::now().timestamp() - RECONCILE_DAYS * 86_400;
    let events = provider.events_since(since).await.map_err(unavailable)?;
    let mut report = ReconcileReport {
        fetched: events.len() as u32,
        ..Default::default()
    };
    for ev in &events {
        match apply(ctx, provider.name(), ev, "reconcile").await? {
            EventOutcome::Duplicate => {}
            EventOutcome::Settled => {
                report.applied += 1;
                report.settled += 1;
            }
            _ => report.applied += 1,
        }
    }
    for r in online_refunds::Entity::find()
        .filter(online_refunds::Column::Status.eq(RefundStatus::Requested))
        .filter(online_refunds::Column::ProviderRef.is_null())
        .filter(online_refunds::Column::Provider.eq(provider.name()))
        .all(&ctx.db)
        .await?
    {
        let Some(pr) = online_checkouts::Entity::find_by_id(r.checkout_id)
            .one(&ctx.db)
            .await?
            .and_then(|c| c.payment_ref)
        else {
            continue;
        };
        if send_refund(ctx, provider.as_ref(), &r, &pr).await.is_ok() {
            report.refunds_resent += 1;
        }
    }
    Ok(report)
}

/// Reconciliation asked for by a manager (`billing.manage`).
pub async fn reconcile_now(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<ReconcileReport, AppError> {
    access::require(ctx, meta, auth, Permission::BillingManage).await?;
    reconcile(ctx).await
}

/// A webhook delivery: checked, then applied. `Err` is a reason to refuse it (Stripe retries).
pub async fn webhook(ctx: &AppCtx, headers: &http::HeaderMap, body: &[u8]) -> Result<EventOutcome, WebhookRefusal> {
    let provider = Online::of(&ctx.cfg).provider.clone().ok_or(WebhookRefusal::Off)?;
    let ev = provider
        .verify_webhook(headers, body, Utc::now().timestamp())
        .map_err(WebhookRefusal::Bad)?;
    apply(ctx, provider.name(), &ev, "webhook")
        .await
        .map_err(WebhookRefusal::Failed)
}

#[derive(Debug)]
pub enum WebhookRefusal {
    /// No provider configured.
    Off,
    Bad(super::provider::WebhookError),
    /// Could not be applied now (the database); the provider should deliver again.
    Failed(AppError),
}
