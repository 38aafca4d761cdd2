//! (ssr) What Linli needs from a payment provider, in Linli's words. A provider opens a hosted
//! checkout for an amount, sends refunds, lists its recent events (reconciliation) and checks
//! its webhook deliveries; every event comes back as a [`Happening`] the service applies.
use crate::shared::money::Money;
use std::sync::Arc;

/// A checkout to open: one per set of bill lines the resident pays.
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    /// Our checkout id; the provider echoes it in its events' metadata.
    pub checkout_id: i64,
    /// Sent with the request so a retry never opens a second checkout.
    pub idempotency_key: String,
    pub amount: Money,
    /// What the resident sees on the provider's page; the amounts sum to `amount`.
    pub items: Vec<(String, Money)>,
    pub success_url: String,
    pub cancel_url: String,
    /// Unix time after which the provider must refuse to take the money.
    pub expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct CheckoutCreated {
    pub provider_ref: String,
    pub url: String,
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct RefundRequest {
    pub refund_id: i64,
    pub idempotency_key: String,
    /// The provider's payment (Stripe: the payment intent).
    pub payment_ref: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundSent {
    pub provider_ref: String,
    /// `succeeded`, `pending` or `failed`, as the provider says now.
    pub status: String,
}

/// What a provider event means for Linli.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Happening {
    /// Money arrived. `checkout` is ours (from metadata) when the event carries it.
    Paid {
        checkout: Option<i64>,
        session: Option<String>,
        payment_ref: Option<String>,
        amount: i64,
        currency: String,
    },
    /// The resident finished but the money is still on its way (e.g. a bank debit).
    Processing {
        checkout: Option<i64>,
        session: String,
        payment_ref: Option<String>,
    },
    /// The checkout ended without money: `Expired` or `Failed`.
    Ended {
        checkout: Option<i64>,
        session: String,
        status: super::model::CheckoutStatus,
    },
    /// A refund reached a final state at the provider.
    Refunded {
        refund: Option<i64>,
        refund_ref: Option<String>,
        payment_ref: Option<String>,
        succeeded: bool,
    },
    /// Nothing Linli acts on.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderEvent {
    pub id: String,
    pub kind: String,
    /// The provider's unix time.
    pub created: i64,
    pub happening: Happening,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderError {
    /// The provider refused the request (bad request, already refunded …), with its message.
    Refused(String),
    /// The provider could not be reached or failed; trying again later may work.
    Unavailable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookError {
    /// The signature check failed: the delivery is not from the provider (or was altered).
    Signature(super::stripe_sig::SigError),
    /// Signed, but not an event we can read.
    Body,
}

/// A payment provider. Implementations hold their own credentials.
#[async_trait::async_trait]
pub trait PaymentProvider: Send + Sync + 'static {
    /// Stored with every checkout and event (`stripe`).
    fn name(&self) -> &'static str;
    async fn create_checkout(&self, r: &CheckoutRequest) -> Result<CheckoutCreated, ProviderError>;
    async fn refund(&self, r: &RefundRequest) -> Result<RefundSent, ProviderError>;
    /// Events created at or after `since` (unix time), oldest first.
    async fn events_since(&self, since: i64) -> Result<Vec<ProviderEvent>, ProviderError>;
    /// Checks a webhook delivery and reads its event. `now` is unix time.
    fn verify_webhook(&self, headers: &http::HeaderMap, body: &[u8], now: i64) -> Result<ProviderEvent, WebhookError>;
}

/// Online payment as configured (a part of the runtime config): without a provider, online
/// payment is off and the counter still works.
#[derive(Clone, Default)]
pub struct Online {
    pub provider: Option<Arc<dyn PaymentProvider>>,
}

impl Online {
    /// This server's online payment: off unless the server configured a provider.
    pub fn of(cfg: &crate::db::RuntimeConfig) -> &Online {
        static OFF: Online = Online { provider: None };
        cfg.parts.get::<Online>().unwrap_or(&OFF)
    }
}

impl std::fmt::Debug for Online {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Online")
            .field("provider", &self.provider.as_ref().map(|p| p.name()))
            .finish()
    }
}
