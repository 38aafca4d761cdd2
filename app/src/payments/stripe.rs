//! (ssr) Stripe as a [`PaymentProvider`]: Checkout Sessions in CNY with one line per bill line,
//! an idempotency key on every POST, refunds by payment intent, the event list for
//! reconciliation, and webhook deliveries checked by [`super::stripe_sig`]. Events are read
//! with `serde_json` into Linli's [`Happening`]s by [`interpret`], the same way for webhooks
//! and for the event list.
use super::model::CheckoutStatus;
use super::provider::*;
use super::stripe_sig;
use crate::shared::money::Money;
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;
use stripe::{Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeError, StripeRequest};

/// The metadata key carrying our checkout id on sessions and payment intents.
pub const CHECKOUT_KEY: &str = "linli_checkout";
/// The metadata key carrying our refund id on refunds.
pub const REFUND_KEY: &str = "linli_refund";

/// Event types reconciliation asks for (Stripe accepts at most 20).
const EVENT_TYPES: [&str; 8] = [
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "payment_intent.succeeded",
    "charge.refunded",
    "refund.updated",
    "refund.failed",
];

pub struct StripeProvider {
    client: Client,
    webhook_secrets: Vec<String>,
}

impl StripeProvider {
    /// `api_base` replaces `https://api.stripe.com/` (tests point it at a local server).
    /// `webhook_secrets`: the endpoint's signing secrets, the newest first (rotation).
    pub fn new(secret_key: &str, webhook_secrets: Vec<String>, api_base: Option<&str>) -> Result<Self, String> {
        let mut b = ClientBuilder::new(secret_key).timeout(Duration::from_secs(20));
        if let Some(u) = api_base.filter(|u| !u.is_empty()) {
            b = b.url(u);
        }
        let client = b.build().map_err(|e| e.to_string())?;
        Ok(StripeProvider {
            client,
            webhook_secrets: webhook_secrets.into_iter().filter(|s| !s.trim().is_empty()).collect(),
        })
    }
}

fn key(k: &str) -> Result<RequestStrategy, ProviderError> {
    IdempotencyKey::new(k)
        .map(RequestStrategy::Idempotent)
        .map_err(|e| ProviderError::Refused(format!("{e:?}")))
}

fn map_err(e: StripeError) -> ProviderError {
    match e {
        StripeError::Stripe(api, status) if (400..500).contains(&status) && status != 409 && status != 429 => {
            ProviderError::Refused(api.message.clone().unwrap_or_else(|| format!("HTTP {status}")))
        }
        other => ProviderError::Unavailable(other.to_string()),
    }
}

#[async_trait::async_trait]
impl PaymentProvider for StripeProvider {
    fn name(&self) -> &'static str {
        "stripe"
    }

    async fn create_checkout(&self, r: &CheckoutRequest) -> Result<CheckoutCreated, ProviderError> {
        use stripe_checkout::checkout_session::{
            CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
            CreateCheckoutSessionPaymentIntentData, ProductData,
        };
        use stripe_checkout::CheckoutSessionMode;
        // Checkout shows at most 100 lines; a longer bill becomes one line with the total.
        let items: Vec<(String, Money)> = if r.items.len() > 100 {
            vec![(format!("物业费等 {} 项", r.items.len()), r.amount)]
        } else {
            r.items.clone()
        };
        let line_items: Vec<CreateCheckoutSessionLineItems> = items
            .iter()
            .map(|(name, amount)| {
                let mut pd = CreateCheckoutSessionLineItemsPriceData::new(stripe_types::Currency::CNY);
                pd.unit_amount = Some(amount.0);
                pd.product_data = Some(ProductData::new(name.clone()));
                let mut li = CreateCheckoutSessionLineItems::new();
                li.price_data = Some(pd);
                li.quantity = Some(1);
                li
            })
            .collect();
        let meta = HashMap::from([(CHECKOUT_KEY.to_string(), r.checkout_id.to_string())]);
        let mut pi = CreateCheckoutSessionPaymentIntentData::new();
        pi.metadata = Some(meta.clone());
        let s = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Payment)
            .line_items(line_items)
            .success_url(r.success_url.clone())
            .cancel_url(r.cancel_url.clone())
            .client_reference_id(r.checkout_id.to_string())
            .metadata(meta)
            .payment_intent_data(pi)
            .expires_at(r.expires_at)
            .customize()
            .request_strategy(key(&r.idempotency_key)?)
            .send(&self.client)
            .await
            .map_err(map_err)?;
        let url = s
            .url
            .clone()
            .ok_or_else(|| ProviderError::Unavailable("checkout session without url".into()))?;
        Ok(CheckoutCreated {
            provider_ref: s.id.as_str().to_string(),
            url,
            expires_at: Some(s.expires_at),
        })
    }

    async fn refund(&self, r: &RefundRequest) -> Result<RefundSent, ProviderError> {
        use stripe_core::refund::CreateRefund;
        let re = CreateRefund::new()
            .payment_intent(r.payment_ref.clone())
            .amount(r.amount.0)
            .metadata(HashMap::from([(REFUND_KEY.to_string(), r.refund_id.to_string())]))
            .customize()
            .request_strategy(key(&r.idempotency_key)?)
            .send(&self.client)
            .await
            .map_err(map_err)?;
        Ok(RefundSent {
            provider_ref: re.id.as_str().to_string(),
            status: re.status.clone().unwrap_or_else(|| "pending".into()),
        })
    }

    async fn events_since(&self, since: i64) -> Result<Vec<ProviderEvent>, ProviderError> {
        use stripe_core::event::ListEvent;
        let mut out = vec![];
        let mut after: Option<String> = None;
        // Stripe lists newest first; 50 pages of 100 is far more than a few days bring.
        for _ in 0..50 {
            let mut req = ListEvent::new()
                .created(stripe_types::RangeQueryTs::gte(since))
                .types(EVENT_TYPES.iter().map(|t| t.to_string()).collect::<Vec<_>>())
                .limit(100);
            if let Some(a) = &after {
                req = req.starting_after(a.clone());
            }
            let page = req.send(&self.client).await.map_err(map_err)?;
            for ev in &page.data {
                let object: Value =
                    serde_json::from_str(&miniserde::json::to_string(&ev.data.object)).unwrap_or(Value::Null);
                out.push(interpret(ev.id.as_str(), ev.type_.as_str(), ev.created, &object));
            }
            match (page.has_more, page.data.last()) {
                (true, Some(last)) => after = Some(last.id.as_str().to_string()),
                _ => break,
            }
        }
        out.sort_by_key(|e| e.created);
        Ok(out)
    }

    fn verify_webhook(&self, headers: &http::HeaderMap, body: &[u8], now: i64) -> Result<ProviderEvent, WebhookError> {
        let header = headers.get("stripe-signature").and_then(|v| v.to_str().ok());
        let secrets: Vec<&str> = self.webhook_secrets.iter().map(String::as_str).collect();
        stripe_sig::verify(body, header, &secrets, now, stripe_sig::TOLERANCE_SECS).map_err(WebhookError::Signature)?;
        let v: Value = serde_json::from_slice(body).map_err(|_| WebhookError::Body)?;
        let id = v.get("id").and_then(Value::as_str).ok_or(WebhookError::Body)?;
        let kind = v.get("type").and_then(Value::as_str).ok_or(WebhookError::Body)?;
        let created = v.get("created").and_then(Value::as_i64).unwrap_or(0);
        let object = v.pointer("/data/object").ok_or(WebhookError::Body)?;
        Ok(interpret(id, kind, created, object))
    }
}

fn text(o: &Value, k: &str) -> Option<String> {
    o.get(k).and_then(Value::as_str).map(str::to_string)
}

/// An id field that may be expanded into an object.
fn id_of(o: &Value, k: &str) -> Option<String> {
    match o.get(k) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(m)) => m.get("id").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

fn meta_id(o: &Value, k: &str) -> Option<i64> {
    o.get("metadata")
        .and_then(|m| m.get(k))
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
}

/// Reads one Stripe event (its type and `data.object`) as a [`Happening`].
pub fn interpret(id: &str, kind: &str, created: i64, o: &Value) -> ProviderEvent {
    let checkout = || {
        meta_id(o, CHECKOUT_KEY).or_else(|| {
            o.get("client_reference_id")
                .and_then(Value::as_str)
                .and_then(|s| s.parse().ok())
        })
    };
    let happening = match kind {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            match o.get("payment_status").and_then(Value::as_str) {
                Some("paid") => Happening::Paid {
                    checkout: checkout(),
                    session: text(o, "id"),
                    payment_ref: id_of(o, "payment_intent"),
                    amount: o.get("amount_total").and_then(Value::as_i64).unwrap_or(0),
                    currency: text(o, "currency").unwrap_or_default(),
                },
                _ => match text(o, "id") {
                    Some(session) => Happening::Processing {
                        checkout: checkout(),
                        session,
                        payment_ref: id_of(o, "payment_intent"),
                    },
                    None => Happening::Other,
                },
            }
        }
        "checkout.session.expired" | "checkout.session.async_payment_failed" => match text(o, "id") {
            Some(session) => Happening::Ended {
                checkout: checkout(),
                session,
                status: if kind.ends_with("expired") {
                    CheckoutStatus::Expired
                } else {
                    CheckoutStatus::Failed
                },
            },
            None => Happening::Other,
        },
        "payment_intent.succeeded" => match meta_id(o, CHECKOUT_KEY) {
            // Only payment intents a Linli checkout created carry our id.
            Some(c) => Happening::Paid {
                checkout: Some(c),
                session: None,
                payment_ref: text(o, "id"),
                amount: o
                    .get("amount_received")
                    .and_then(Value::as_i64)
                    .or_else(|| o.get("amount").and_then(Value::as_i64))
                    .unwrap_or(0),
                currency: text(o, "currency").unwrap_or_default(),
            },
            None => Happening::Other,
        },
        "charge.refunded" => Happening::Refunded {
            refund: None,
            refund_ref: None,
            payment_ref: id_of(o, "payment_intent"),
            succeeded: true,
        },
        "refund.updated" | "refund.failed" | "refund.created" => match o.get("status").and_then(Value::as_str) {
            Some(s @ ("succeeded" | "failed" | "canceled")) => Happening::Refunded {
                refund: meta_id(o, REFUND_KEY),
                refund_ref: text(o, "id"),
                payment_ref: id_of(o, "payment_intent"),
                succeeded: s == "succeeded",
            },
            _ => Happening::Other,
        },
        _ => Happening::Other,
    };
    ProviderEvent {
        id: id.to_string(),
        kind: kind.to_string(),
        created,
        happening,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let all: Value = serde_json::from_str(include_str!("testdata/stripe-objects.json")).unwrap();
        all[name].clone()
    }

    #[test]
    fn stripe_objects_read_as_happenings() {
        // Stripe's own example session, made to look like one of ours that was paid.
        let mut cs = fixture("checkout.session");
        cs["metadata"] = serde_json::json!({ "linli_checkout": "42" });
        cs["payment_status"] = "paid".into();
        cs["amount_total"] = 22393.into();
        cs["currency"] = "cny".into();
        cs["payment_intent"] = "pi_123".into();
        let e = interpret("evt_1", "checkout.session.completed", 7, &cs);
        assert_eq!(
            e.happening,
            Happening::Paid {
                checkout: Some(42),
                session: text(&cs, "id"),
                payment_ref: Some("pi_123".into()),
                amount: 22393,
                currency: "cny".into()
            }
        );
        // Unpaid on completion (a bank debit still on its way) is processing, not paid.
        cs["payment_status"] = "unpaid".into();
        assert!(matches!(
            interpret("evt_2", "checkout.session.completed", 7, &cs).happening,
            Happening::Processing { checkout: Some(42), .. }
        ));
        // Our id also comes from client_reference_id when metadata is missing.
        cs["metadata"] = serde_json::json!({});
        cs["client_reference_id"] = "43".into();
        assert!(matches!(
            interpret("evt_3", "checkout.session.expired", 7, &cs).happening,
            Happening::Ended {
                checkout: Some(43),
                status: CheckoutStatus::Expired,
                ..
            }
        ));
        // A payment intent: only ours (metadata) count; an expanded object id is read too.
        let mut pi = fixture("payment_intent");
        assert_eq!(
            interpret("evt_4", "payment_intent.succeeded", 7, &pi).happening,
            Happening::Other
        );
        pi["metadata"] = serde_json::json!({ "linli_checkout": "42" });
        pi["amount_received"] = 22393.into();
        assert!(matches!(
            interpret("evt_5", "payment_intent.succeeded", 7, &pi).happening,
            Happening::Paid {
                checkout: Some(42),
                amount: 22393,
                ..
            }
        ));
        let mut re = fixture("refund");
        re["metadata"] = serde_json::json!({ "linli_refund": "9" });
        re["payment_intent"] = serde_json::json!({ "id": "pi_123", "object": "payment_intent" });
        assert_eq!(
            interpret("evt_6", "refund.updated", 7, &re).happening,
            Happening::Refunded {
                refund: Some(9),
                refund_ref: text(&re, "id"),
                payment_ref: Some("pi_123".into()),
                succeeded: true
            }
        );
        re["status"] = "pending".into();
        assert_eq!(interpret("evt_7", "refund.updated", 7, &re).happening, Happening::Other);
        assert_eq!(
            interpret("evt_8", "plan.created", 7, &Value::Null).happening,
            Happening::Other
        );
    }
}
