//! The app-wide error: what crosses the wire from a server function or REST handler.
//! It carries a stable code (an i18n key) and the field it concerns, never internals.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// Input that breaks a rule; `code` is an i18n key such as `err.phone_invalid`.
    #[error("invalid {field}: {code}")]
    Validation { field: String, code: String },
    #[error("not logged in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// A uniqueness rule or a concurrent change; `field` names what collided.
    #[error("conflict on {field}: {code}")]
    Conflict { field: String, code: String },
    #[error("too many attempts, retry in {retry_after_secs}s")]
    RateLimited { retry_after_secs: i64 },
    /// Something broke on the server; details are in the server log only.
    #[error("internal error")]
    Internal,
    /// The request never reached the function (network, encoding).
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    pub fn validation(field: &str, code: &str) -> Self {
        AppError::Validation {
            field: field.into(),
            code: code.into(),
        }
    }

    pub fn conflict(field: &str, code: &str) -> Self {
        AppError::Conflict {
            field: field.into(),
            code: code.into(),
        }
    }

    /// The same error naming the figures its message shows: `am.err.week_limit` with
    /// `[("n", "2"), ("max", "2")]` is sent as the code `am.err.week_limit|n=2|max=2`, and the
    /// message `本周已预订 {n} 次，上限 {max} 次` reads 本周已预订 2 次，上限 2 次. The
    /// REST body's `code` stays the bare key. Values may not hold `|`.
    pub fn with_args(self, args: &[(&str, String)]) -> Self {
        let tail: String = args
            .iter()
            .map(|(k, v)| format!("|{k}={}", v.replace('|', "/")))
            .collect();
        match self {
            AppError::Validation { field, code } => AppError::Validation {
                field,
                code: code + &tail,
            },
            AppError::Conflict { field, code } => AppError::Conflict {
                field,
                code: code + &tail,
            },
            other => other,
        }
    }

    /// The figures [`AppError::with_args`] attached, in order.
    pub fn args(&self) -> Vec<(&str, &str)> {
        match self {
            AppError::Validation { code, .. } | AppError::Conflict { code, .. } => {
                code.split('|').skip(1).filter_map(|kv| kv.split_once('=')).collect()
            }
            _ => vec![],
        }
    }

    /// HTTP status for the REST API and for server-function responses.
    pub fn status(&self) -> u16 {
        match self {
            // A wrong login or password is a failed authentication, as clients and proxies
            // expect (the message still sits by the password field).
            AppError::Validation { code, .. } if code == "err.login_failed" => 401,
            AppError::Validation { .. } => 422,
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict { .. } => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Internal => 500,
            AppError::Transport(_) => 400,
        }
    }

    /// The i18n key of the message to show.
    pub fn message_key(&self) -> String {
        match self {
            AppError::Validation { code, .. } | AppError::Conflict { code, .. } => {
                code.split('|').next().unwrap_or_default().to_string()
            }
            AppError::Unauthenticated => "err.unauthenticated".into(),
            AppError::Forbidden => "err.forbidden".into(),
            AppError::NotFound => "err.not_found".into(),
            AppError::RateLimited { .. } => "err.rate_limited".into(),
            AppError::Internal => "err.internal".into(),
            AppError::Transport(_) => "err.transport".into(),
        }
    }

    /// The form field this error belongs to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Validation { field, .. } | AppError::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The message in the given locale, with `{secs}` filled in.
    pub fn localized(&self, locale: &str) -> String {
        let msg = crate::shared::i18n::tr_in(locale, &self.message_key());
        match self {
            AppError::RateLimited { retry_after_secs } => {
                let mins = (retry_after_secs + 59) / 60;
                msg.replace("{mins}", &mins.max(1).to_string())
            }
            _ => self
                .args()
                .into_iter()
                .fold(msg, |m, (k, v)| m.replace(&format!("{{{k}}}"), v)),
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            E::Args(_) | E::MissingArg(_) | E::Deserialization(_) | E::Serialization(_) => {
                AppError::validation("request", "err.bad_request")
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_keys() {
        let e = AppError::validation("phone", "err.phone_invalid");
        assert_eq!(e.status(), 422);
        assert_eq!(e.field(), Some("phone"));
        assert_eq!(e.message_key(), "err.phone_invalid");
        assert_eq!(AppError::Internal.status(), 500);
        let e =
            AppError::conflict("starts_at", "err.phone_invalid").with_args(&[("n", "2".into()), ("max", "3|4".into())]);
        assert_eq!(e.message_key(), "err.phone_invalid");
        assert_eq!(e.args(), vec![("n", "2"), ("max", "3/4")]);
        assert_eq!(e.status(), 409);
        let json = serde_json::to_string(&AppError::RateLimited { retry_after_secs: 61 }).unwrap();
        assert_eq!(json, r#"{"kind":"rate_limited","retry_after_secs":61}"#);
    }

    #[test]
    fn messages_are_localized() {
        let e = AppError::RateLimited { retry_after_secs: 61 };
        assert!(e.localized("zh-CN").contains('2'), "{}", e.localized("zh-CN"));
        assert!(e.localized("en").contains("2 min"), "{}", e.localized("en"));
        assert_ne!(
            AppError::Forbidden.localized("zh-CN"),
            AppError::Forbidden.localized("en")
        );
    }
}
