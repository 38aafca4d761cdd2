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
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            muted: vec![],
            quiet_from: "00:00".into(),
            quiet_to: "00:00".into(),
        }
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
