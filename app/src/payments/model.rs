//! What pages and the API show of online payments.
use crate::shared::ids::{BillLineId, PaymentId};
use crate::shared::money::Money;
use serde::{Deserialize, Serialize};

crate::code_enum! {
    /// Where an online checkout stands: creating → open → (processing →) paid, or expired or
    /// failed.
    pub enum CheckoutStatus {
        /// Stored, the provider not yet asked.
        Creating = "creating",
        /// The provider's page is waiting for the resident.
        Open = "open",
        /// Paid by a method that confirms later (a bank transfer).
        Processing = "processing",
        Paid = "paid",
        Expired = "expired",
        Failed = "failed",
        /// The provider's event disagreed with it (another amount or currency): held for staff,
        /// and the home cannot be paid online again until they decide.
        Disputed = "disputed",
    }
}

impl CheckoutStatus {
    /// True once nothing more will happen to it without someone acting.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CheckoutStatus::Paid | CheckoutStatus::Expired | CheckoutStatus::Failed | CheckoutStatus::Disputed
        )
    }
}

crate::code_enum! {
    /// What staff decided about a disputed checkout.
    pub enum DisputeResolution {
        /// What arrived is booked as received: a receipt for that amount (same currency only).
        Accepted = "accepted",
        /// The money was sent back at the provider; nothing is booked.
        Returned = "returned",
    }
}

crate::code_enum! {
    /// A refund of an online payment: requested until the provider answers.
    pub enum RefundStatus {
        Requested = "requested",
        Succeeded = "succeeded",
        Failed = "failed",
    }
}

crate::code_enum! {
    /// What applying one provider event did (kept with the event, and the webhook's answer).
    pub enum EventOutcome {
        /// Being applied (only ever seen inside the transaction).
        Pending = "pending",
        /// A checkout became a receipt, or a refund was finished.
        Settled = "settled",
        /// It had already been settled by an earlier event.
        Already = "already",
        /// A checkout's status changed.
        Recorded = "recorded",
        /// An event kind Linli does not act on.
        Ignored = "ignored",
        /// It names no checkout or refund of ours.
        Unknown = "unknown",
        /// Something did not match (the amount or the currency): held for staff.
        Flagged = "flagged",
        /// The same event again.
        Duplicate = "duplicate",
    }
}

/// Whether residents can pay online here, and through whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OnlineSetup {
    pub enabled: bool,
    /// `stripe`, … (empty when off).
    pub provider: String,
}

/// A line of an online checkout, at the amounts the resident was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckoutLine {
    pub line_id: BillLineId,
    pub item: String,
    pub period: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub principal: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub late_fee: Money,
}

/// An online checkout: what is being paid, where, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckoutView {
    pub id: i64,
    pub unit_id: i64,
    pub unit: String,
    pub provider: String,
    pub status: CheckoutStatus,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub amount: Money,
    /// The provider's page to pay on (while open).
    pub url: Option<String>,
    pub lines: Vec<CheckoutLine>,
    /// The receipt it became.
    pub payment_id: Option<PaymentId>,
    pub receipt_no: String,
    /// Refund state, when one was asked for.
    pub refund: Option<RefundStatus>,
    pub refund_error: String,
    /// Why it needs a look (e.g. the lines were settled at the counter meanwhile and the money
    /// went to the prepaid balance).
    pub note: String,
    /// What disagreed when the provider reported the payment (empty when nothing did).
    pub dispute: String,
    /// What staff decided about it.
    pub resolution: Option<DisputeResolution>,
    pub created_at: String,
}

impl CheckoutView {
    /// True once nothing more will happen to it without someone acting.
    pub fn is_final(&self) -> bool {
        self.status.is_final()
    }
}

/// What a reconciliation run found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReconcileReport {
    /// Events the provider listed.
    pub fetched: u32,
    /// Events applied now (missed by the webhook).
    pub applied: u32,
    /// Of those, checkouts that became receipts.
    pub settled: u32,
    /// Refunds sent again after the provider could not be reached.
    pub refunds_resent: u32,
}
