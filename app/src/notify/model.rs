//! What pages and the API show of notifications.
use serde::{Deserialize, Serialize};

/// What a notice is about; residents choose per category what reaches their devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Bills,
    Repairs,
    Announcements,
    Bookings,
    Votes,
    Market,
    System,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Bills,
        Category::Repairs,
        Category::Announcements,
        Category::Bookings,
        Category::Votes,
        Category::Market,
        Category::System,
    ];
    /// The categories this installation sends, so the only ones whose push can be turned off.
    /// Bookings, votes and the market join as those areas land.
    pub const OFFERED: [Category; 4] = [
        Category::Bills,
        Category::Repairs,
        Category::Announcements,
        Category::System,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Category::Bills => "bills",
            Category::Repairs => "repairs",
            Category::Announcements => "announcements",
            Category::Bookings => "bookings",
            Category::Votes => "votes",
            Category::Market => "market",
            Category::System => "system",
        }
    }
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == s)
    }
    pub fn key(self) -> String {
        format!("notify.cat_{}", self.code())
    }
}

/// One notice in a user's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NoticeRow {
    pub id: i64,
    pub category: Category,
    pub title: String,
    pub body: String,
    /// Where it leads inside Linli.
    pub link: String,
    pub created_at: String,
    pub read: bool,
}

/// A page of the inbox, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Inbox {
    pub items: Vec<NoticeRow>,
    pub unread: i64,
    /// Pass as `before` for the next page; `None` at the end.
    pub next: Option<i64>,
}

/// A device that receives pushes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Device {
    pub id: i64,
    pub label: String,
    pub created_at: String,
    /// Last successful delivery (empty: none yet).
    pub last_ok_at: String,
}

/// What reaches the user's devices (the inbox always gets everything).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Prefs {
    /// Categories not pushed.
    pub muted: Vec<Category>,
    /// Quiet hours `HH:MM`–`HH:MM` (Asia/Shanghai); equal = none. Pushes wait until they end.
    pub quiet_from: String,
    pub quiet_to: String,
    /// Where notices are also e-mailed (same categories and quiet hours); empty = no e-mail.
    #[serde(default)]
    pub email: String,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            muted: vec![],
            quiet_from: "00:00".into(),
            quiet_to: "00:00".into(),
            email: String::new(),
        }
    }
}

/// A plausible e-mail address (`local@domain.tld`, trimmed, at most 254 characters). Whether
/// it exists only the mail server can tell; this keeps out typos and header tricks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for EmailAddress {
    type Error = &'static str;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        const BAD: &str = "err.email_invalid";
        let s = s.trim();
        let (local, domain) = s.rsplit_once('@').ok_or(BAD)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if s.len() > 254 || !local_ok || !domain_ok {
            return Err(BAD);
        }
        Ok(EmailAddress(s.to_string()))
    }
}

/// Whether this server can push, and the key browsers subscribe with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PushConfig {
    pub enabled: bool,
    /// VAPID public key, base64url (the `applicationServerKey`).
    pub public_key: String,
}

/// A staff broadcast with its delivery counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BroadcastRow {
    pub id: i64,
    /// The org subtree it went to.
    pub org: String,
    pub title: String,
    pub body: String,
    pub created_at: String,
    /// Still being delivered to inboxes.
    pub sending: bool,
    /// Inboxes it reached.
    pub recipients: i64,
    pub read: i64,
    /// Pushes the push services accepted, still waiting, and given up.
    pub pushed: i64,
    pub push_pending: i64,
    pub push_failed: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_must_look_like_one() {
        for ok in [
            "a@b.cn",
            " zhang.san+bills@mail.example.com ",
            "李四@例子.中国",
            "x_y@sub-1.example.org",
        ] {
            assert!(EmailAddress::try_from(ok).is_ok(), "{ok}");
        }
        assert_eq!(EmailAddress::try_from(" a@b.cn ").unwrap().as_str(), "a@b.cn");
        for bad in [
            "",
            "a",
            "a@b",
            "@b.cn",
            "a@.cn",
            "a@b..cn",
            "a b@c.cn",
            "a@b.cn>",
            "a@-b.cn",
            ".a@b.cn",
            "a..b@c.cn",
            "a@b.cn\r\nBcc: x@y.cn",
            "a@b@c.cn",
        ] {
            assert!(EmailAddress::try_from(bad).is_err(), "{bad:?}");
        }
    }
}
