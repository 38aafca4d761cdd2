//! (ssr) Channels other than Web Push that carry a notice to a person: e-mail over SMTP, and
//! SMS behind the same [`Channel`] interface with the provider chosen by configuration.
//!
//! Adding an SMS provider (Aliyun 短信服务, Tencent Cloud SMS, …): implement [`Channel`] for a
//! client of its API, answering [`ChannelOutcome::Sent`] only when the provider accepted the
//! message, `Retry` for throttling and outages, `Rejected` for a bad number or template; then
//! name it in [`sms_from_config`]. Until one is written, only the log stand-in exists.
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;
use std::time::Duration;

/// How this server reaches people (a part of the runtime config): Web Push, e-mail and SMS,
/// each `None` when not configured.
#[derive(Debug, Clone, Default)]
pub struct Outbound {
    /// The Web Push sender (VAPID key inside); `None` = no pushes.
    pub push: Option<Arc<super::push::PushSender>>,
    /// The VAPID public key browsers subscribe with.
    pub vapid_public: String,
    /// E-mail notices (SMTP); `None` = e-mail jobs fail with "email not configured".
    pub email: Option<Arc<dyn Channel>>,
    /// Text messages; `None` = no SMS provider configured.
    pub sms: Option<Arc<dyn Channel>>,
}

impl Outbound {
    /// This server's channels: none unless the server configured them.
    pub fn of(cfg: &crate::db::RuntimeConfig) -> &Outbound {
        static NONE: Outbound = Outbound {
            push: None,
            vapid_public: String::new(),
            email: None,
            sms: None,
        };
        cfg.parts.get::<Outbound>().unwrap_or(&NONE)
    }
}

/// One message to one address (an e-mail address, or a phone number for SMS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutMessage {
    pub to: String,
    /// The e-mail subject; SMS channels ignore it.
    pub subject: String,
    pub body: String,
}

/// How a send went, as the job queue needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelOutcome {
    Sent,
    /// Worth trying again later (a 4xx reply, a connection that failed or timed out).
    Retry(String),
    /// Never worth trying again (a 5xx reply, an address the channel cannot use).
    Rejected(String),
}

/// A way of reaching people besides Web Push.
#[async_trait::async_trait]
pub trait Channel: Send + Sync {
    /// A short name for logs (`smtp`, `sms-log`).
    fn name(&self) -> &'static str;
    async fn send(&self, m: &OutMessage) -> ChannelOutcome;
}

impl std::fmt::Debug for dyn Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Channel({})", self.name())
    }
}

/// E-mail through an SMTP relay (lettre, rustls; connections pooled).
pub struct SmtpChannel {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// True for `localhost` and loopback addresses, where plain SMTP never leaves the machine.
fn loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The host of an `smtp://user:pass@host:port/…` URL.
fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    match hostport.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => hostport.split(':').next().unwrap_or(hostport),
    }
}

impl SmtpChannel {
    /// A channel for `url`: `smtps://user:pass@host[:465]` (TLS from the start),
    /// `smtp://user:pass@host[:587]?tls=required` (STARTTLS), or plain `smtp://host:port`, which
    /// is accepted only for a loopback host (a local relay, tests) so that passwords and mail
    /// never cross a network unencrypted. `from` is a mailbox such as `邻里 <noreply@example.com>`.
    ///
    /// Errors when the URL or the sender cannot be used. Call it inside the tokio runtime (the
    /// connection pool starts its cleanup task).
    pub fn from_url(url: &str, from: &str, timeout: Duration) -> anyhow::Result<SmtpChannel> {
        let url = url.trim();
        let plain = url.starts_with("smtp://") && !url.contains("tls=");
        if plain && !loopback(url_host(url)) {
            anyhow::bail!("plain smtp:// is only allowed to a loopback host; use smtps:// or add ?tls=required");
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("SMTP URL: {e}"))?
            .timeout(Some(timeout))
            .build();
        let from: Mailbox = from
            .trim()
            .parse()
            .map_err(|e| anyhow::anyhow!("sender {from:?} is not a mailbox: {e}"))?;
        Ok(SmtpChannel { transport, from })
    }

    /// The message as it goes out: UTF-8 plain text; lettre encodes the subject (RFC 2047) and
    /// picks a transfer encoding for the body.
    fn message(&self, m: &OutMessage) -> Result<Message, String> {
        let to: Mailbox = m.to.trim().parse().map_err(|e| format!("recipient: {e}"))?;
        // Relays do not always add a Message-ID, and mail without one looks like spam.
        let id = format!("<{:032x}@{}>", rand::random::<u128>(), self.from.email.domain());
        Message::builder()
            .message_id(Some(id))
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| format!("message: {e}"))
    }
}

#[async_trait::async_trait]
impl Channel for SmtpChannel {
    fn name(&self) -> &'static str {
        "smtp"
    }

    async fn send(&self, m: &OutMessage) -> ChannelOutcome {
        let msg = match self.message(m) {
            Ok(msg) => msg,
            Err(e) => return ChannelOutcome::Rejected(e),
        };
        match self.transport.send(msg).await {
            Ok(_) => ChannelOutcome::Sent,
            // 5xx: the relay will never take it (unknown mailbox, policy).
            Err(e) if e.is_permanent() => ChannelOutcome::Rejected(e.to_string()),
            // 4xx, connection, TLS and timeouts: the relay may take it later.
            Err(e) => ChannelOutcome::Retry(e.to_string()),
        }
    }
}

/// NOT an SMS provider: with `LINLI_SMS_PROVIDER=log` (development) text messages are written
/// to the log and nothing is sent to any phone. `Sent` from it means "logged".
pub struct LogSms;

#[async_trait::async_trait]
impl Channel for LogSms {
    fn name(&self) -> &'static str {
        "sms-log"
    }

    async fn send(&self, m: &OutMessage) -> ChannelOutcome {
        let tail: String =
            m.to.chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
        tracing::info!(to = %format!("…{tail}"), body = %m.body, "no SMS provider configured: message logged, not sent");
        ChannelOutcome::Sent
    }
}

/// The SMS channel named by `LINLI_SMS_PROVIDER`: empty or `none` = no SMS, `log` = the log
/// stand-in. Errors for any other name, so that a provider nobody has written yet is never
/// taken for one that works.
pub fn sms_from_config(provider: &str) -> anyhow::Result<Option<Arc<dyn Channel>>> {
    match provider.trim() {
        "" | "none" => Ok(None),
        "log" => Ok(Some(Arc::new(LogSms))),
        other => anyhow::bail!("LINLI_SMS_PROVIDER={other:?}: no such SMS provider (known: log)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Building a pooled transport spawns its cleanup task, so it needs a runtime.
    #[tokio::test]
    async fn plain_smtp_only_to_loopback() {
        assert_eq!(url_host("smtp://u:p@127.0.0.1:2525"), "127.0.0.1");
        assert_eq!(url_host("smtp://[::1]:25/name"), "::1");
        assert_eq!(url_host("smtps://u:p@smtp.example.com"), "smtp.example.com");
        let t = Duration::from_secs(5);
        assert!(SmtpChannel::from_url("smtp://127.0.0.1:2525", "邻里 <noreply@linli.invalid>", t).is_ok());
        assert!(SmtpChannel::from_url("smtp://localhost", "noreply@linli.invalid", t).is_ok());
        assert!(SmtpChannel::from_url("smtp://u:p@smtp.example.com", "noreply@linli.invalid", t).is_err());
        assert!(SmtpChannel::from_url("smtp://smtp.example.com?tls=required", "noreply@linli.invalid", t).is_ok());
        assert!(SmtpChannel::from_url("smtps://u:p@smtp.example.com", "noreply@linli.invalid", t).is_ok());
        assert!(SmtpChannel::from_url("smtps://u:p@smtp.example.com", "not a mailbox", t).is_err());
        assert!(sms_from_config("aliyun").is_err());
        assert!(sms_from_config("").unwrap().is_none());
        assert_eq!(sms_from_config("log").unwrap().unwrap().name(), "sms-log");
    }
}
