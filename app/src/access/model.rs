//! Accounts, roles, permissions and data scope: wasm-safe types and pure rules.
use crate::shared::error::AppError;
use crate::shared::ids::{ApiKeyId, GrantId, OrgId, RoleId, UserId};
use serde::{Deserialize, Serialize};

crate::code_enum! {
    /// Whether an account may sign in.
    pub enum UserStatus {
        Active = "active",
        /// Turned off by staff (or an API key's owner left): no login, no sessions.
        Disabled = "disabled",
    }
}

/// A mainland-China mobile number: 11 digits, `1[3-9]…`. An optional `+86`/`86` prefix,
/// spaces and dashes are accepted on input and dropped.

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl TryFrom<&str> for Phone {
    type Error = AppError;
    fn try_from(s: &str) -> Result<Self, AppError> {
        let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| {
                if digits.len() == 13 {
                    digits.strip_prefix("86")
                } else {
                    None
                }
            })
            .unwrap_or(&digits)
            .to_string();
        let b = digits.as_bytes();
        let ok = b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
        if ok {
            Ok(Phone(digits))
        } else {
            Err(AppError::validation("phone", "err.phone_invalid"))
        }
    }
}

impl TryFrom<String> for Phone {
    type Error = AppError;
    fn try_from(s: String) -> Result<Self, AppError> {
        Phone::try_from(s.as_str())
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

impl Phone {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****0001`: how a phone is shown unless revealing it is needed and permitted.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

/// Masks the middle four digits of an 11-digit phone; other strings keep only their ends.
pub fn mask_phone(p: &str) -> String {
    let chars: Vec<char> = p.chars().collect();
    if chars.len() == 11 {
        format!(
            "{}****{}",
            chars[..3].iter().collect::<String>(),
            chars[7..].iter().collect::<String>()
        )
    } else if chars.len() > 4 {
        format!("{}***{}", chars[0], chars[chars.len() - 1])
    } else {
        "***".into()
    }
}

/// How a login name appears in logs and audit rows: phone numbers masked, staff account
/// names (not personal data) as they are.
pub fn mask_login(login: &str) -> String {
    match Phone::try_from(login) {
        Ok(p) => p.masked(),
        Err(_) => login.chars().take(64).collect(),
    }
}

pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 64;
/// Inputs longer than this are refused before hashing (a cheap guard against hash DoS).
pub const PASSWORD_HARD_MAX: usize = 128;

/// Length rule (ASVS 2.1.1/2.1.2): 8 to 64 characters counted as Unicode scalar values,
/// spaces allowed, no composition rules. Common-password rejection happens in the service.
pub fn check_password_length(pw: &str, field: &str) -> Result<(), AppError> {
    let n = pw.chars().count();
    if n < PASSWORD_MIN {
        Err(AppError::validation(field, "err.password_short"))
    } else if n > PASSWORD_MAX {
        Err(AppError::validation(field, "err.password_long"))
    } else {
        Ok(())
    }
}

/// A login name for staff: 3–32 of `a-z 0-9 . _ -`, starting with a letter.
pub fn check_login_name(s: &str) -> Result<String, AppError> {
    let s = s.trim().to_ascii_lowercase();
    let ok = (3..=32).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(s)
    } else {
        Err(AppError::validation("login", "err.login_invalid"))
    }
}

/// A person's display name: 1–32 characters after trimming, no control characters.
pub fn check_display_name(s: &str) -> Result<String, AppError> {
    let s = s.trim();
    let n = s.chars().count();
    if n == 0 {
        return Err(AppError::validation("display_name", "err.required"));
    }
    if n > 32 {
        return Err(AppError::validation("display_name", "err.too_long"));
    }
    if s.chars().any(char::is_control) {
        return Err(AppError::validation("display_name", "err.invalid_chars"));
    }
    Ok(s.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserKind {
    Resident,
    Staff,
    Merchant,
    /// An integration reached only through an API key.
    Integration,
}

impl UserKind {
    pub fn code(self) -> &'static str {
        match self {
            UserKind::Resident => "resident",
            UserKind::Staff => "staff",
            UserKind::Merchant => "merchant",
            UserKind::Integration => "integration",
        }
    }

    pub fn parse(s: &str) -> UserKind {
        match s {
            "staff" => UserKind::Staff,
            "merchant" => UserKind::Merchant,
            "integration" => UserKind::Integration,
            _ => UserKind::Resident,
        }
    }
}

/// A function permission: one action a role may take. Areas add theirs here as they land.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    UsersRead,
    UsersWrite,
    RolesWrite,
    AuditRead,
    OrgRead,
    OrgWrite,
    PeopleRead,
    PeopleWrite,
    PeopleRevealId,
    BillingRead,
    BillingCollect,
    BillingManage,
    ServiceRead,
    ServiceDispatch,
    ServiceWork,
    InspectionWork,
    ReportsRead,
    NoticesPublish,
    AmenitiesManage,
}

impl Permission {
    pub const ALL: [Permission; 19] = [
        Permission::UsersRead,
        Permission::UsersWrite,
        Permission::RolesWrite,
        Permission::AuditRead,
        Permission::OrgRead,
        Permission::OrgWrite,
        Permission::PeopleRead,
        Permission::PeopleWrite,
        Permission::PeopleRevealId,
        Permission::BillingRead,
        Permission::BillingCollect,
        Permission::BillingManage,
        Permission::ServiceRead,
        Permission::ServiceDispatch,
        Permission::ServiceWork,
        Permission::InspectionWork,
        Permission::ReportsRead,
        Permission::NoticesPublish,
        Permission::AmenitiesManage,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Permission::UsersRead => "users.read",
            Permission::UsersWrite => "users.write",
            Permission::RolesWrite => "roles.write",
            Permission::AuditRead => "audit.read",
            Permission::OrgRead => "org.read",
            Permission::OrgWrite => "org.write",
            Permission::PeopleRead => "people.read",
            Permission::PeopleWrite => "people.write",
            Permission::PeopleRevealId => "people.reveal_id",
            Permission::BillingRead => "billing.read",
            Permission::BillingCollect => "billing.collect",
            Permission::BillingManage => "billing.manage",
            Permission::ServiceRead => "service.read",
            Permission::ServiceDispatch => "service.dispatch",
            Permission::ServiceWork => "service.work",
            Permission::InspectionWork => "inspection.work",
            Permission::ReportsRead => "reports.read",
            Permission::NoticesPublish => "notices.publish",
            Permission::AmenitiesManage => "amenities.manage",
        }
    }

    pub fn parse(s: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.code() == s)
    }
}

impl Permission {
    /// Permissions that confer power over other people or the system. A role carrying one can
    /// be granted only by someone who holds it too over the same org: nobody hands out more
    /// than they have.
    pub fn is_sensitive(self) -> bool {
        matches!(
            self,
            Permission::UsersWrite
                | Permission::RolesWrite
                | Permission::PeopleRevealId
                | Permission::AuditRead
                | Permission::BillingManage
        )
    }
}

/// Permissions a built-in role may never hold, whoever edits it: the headquarters
/// administrator never sees ID numbers (only the system administrator may grant that), and
/// roles outside the staff hold no staff permission at all.
pub fn never_for(role: &str) -> &'static [Permission] {
    match role {
        "hq_admin" => &[Permission::PeopleRevealId],
        "resident" | "merchant" | "committee" => &Permission::ALL,
        _ => &[],
    }
}

/// The built-in roles, with their Chinese and English names and whether they are staff.
pub const BUILTIN_ROLES: [(&str, &str, &str, bool); 11] = [
    ("resident", "住户", "Resident", false),
    ("merchant", "商家", "Merchant", false),
    ("committee", "业委会成员", "Owners' committee member", false),
    ("customer_service", "客服", "Customer service", true),
    ("technician", "工程维修", "Maintenance technician", true),
    ("cashier", "收费员", "Cashier", true),
    ("security", "保安", "Security guard", true),
    ("project_manager", "项目经理", "Project manager", true),
    ("regional_manager", "区域经理", "Regional manager", true),
    ("hq_admin", "总部管理员", "Headquarters administrator", true),
    ("sysadmin", "系统管理员", "System administrator", true),
];

/// The permissions each built-in role starts with (editable afterwards in the admin page).
pub fn default_permissions(role: &str) -> Vec<Permission> {
    use Permission::*;
    match role {
        "customer_service" => vec![
            OrgRead,
            PeopleRead,
            ServiceRead,
            ServiceDispatch,
            NoticesPublish,
            AmenitiesManage,
        ],
        "technician" => vec![OrgRead, ServiceWork, InspectionWork],
        "cashier" => vec![OrgRead, PeopleRead, BillingRead, BillingCollect],
        "security" => vec![OrgRead, InspectionWork],
        "project_manager" => vec![
            OrgRead,
            OrgWrite,
            PeopleRead,
            PeopleWrite,
            UsersRead,
            UsersWrite,
            BillingRead,
            BillingCollect,
            BillingManage,
            ServiceRead,
            ServiceDispatch,
            ReportsRead,
            NoticesPublish,
            AmenitiesManage,
            AuditRead,
        ],
        "regional_manager" => vec![
            OrgRead,
            PeopleRead,
            UsersRead,
            BillingRead,
            ServiceRead,
            ReportsRead,
            AuditRead,
        ],
        "hq_admin" => Permission::ALL
            .iter()
            .copied()
            .filter(|p| *p != PeopleRevealId)
            .collect(),
        "sysadmin" => Permission::ALL.to_vec(),
        _ => vec![],
    }
}

/// One role held over one org subtree, as shown to the holder and to administrators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GrantView {
    pub id: GrantId,
    pub role_id: RoleId,
    pub role_code: String,
    pub role_name_zh: String,
    pub role_name_en: String,
    pub org_id: OrgId,
    pub org_name: String,
}

/// What the client may know about the logged-in user. Never a hash or unmasked data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub phone_masked: Option<String>,
    pub kind: UserKind,
    pub locale: String,
    pub large_text: bool,
    pub grants: Vec<GrantView>,
    /// Permission codes held anywhere (the scope of each is decided on the server).
    pub permissions: Vec<String>,
}

impl Me {
    pub fn can(&self, p: Permission) -> bool {
        self.permissions.iter().any(|c| c == p.code())
    }

    pub fn is_staff(&self) -> bool {
        self.kind == UserKind::Staff
    }

    /// Works tickets without running the desk (a technician): their home is their own work.
    pub fn is_field_worker(&self) -> bool {
        self.can(Permission::ServiceWork)
            && !self.can(Permission::ServiceRead)
            && !self.can(Permission::ServiceDispatch)
    }
}

/// Where a login lands: `next` when it is a path on this site (`//host` and `/\host` would
/// leave it), else the back office for staff and the home page for residents.
pub fn landing(me: &Me, next: Option<&str>) -> String {
    match next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\")) {
        Some(n) => n.to_string(),
        // A technician's day is their own tickets: straight to 我的工单.
        None if me.is_staff() && me.is_field_worker() => "/admin/service?status=mine".into(),
        None if me.is_staff() => "/admin".into(),
        None => "/".into(),
    }
}

/// A staff account as listed in the admin page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserRow {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub phone_masked: Option<String>,
    pub kind: UserKind,
    pub status: UserStatus,
    pub grants: Vec<GrantView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRow {
    pub id: RoleId,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub is_staff: bool,
    pub permissions: Vec<String>,
}

crate::code_enum! {
    /// How a request was authenticated (a session's kind).
    pub enum AuthVia {
        Cookie = "cookie",
        Bearer = "bearer",
    }
}

/// Who is calling, resolved once per request by the server's session layer.
#[derive(Debug, Clone)]
pub struct Authed {
    pub user_id: UserId,
    pub session_id: String,
    pub csrf_token: String,
    pub via: AuthVia,
}

impl Authed {
    /// The `session_id` of a call made with an API key (`apikey:<id>`).
    pub const KEY_SESSION_PREFIX: &'static str = "apikey:";

    /// Whether the caller is an integration using an API key rather than a person.
    pub fn is_api_key(&self) -> bool {
        self.session_id.starts_with(Self::KEY_SESSION_PREFIX)
    }
}

/// What an API key never does, whatever its role holds: manage accounts and roles (a key with
/// a project manager's role would otherwise create staff) or reveal a sealed ID number (every
/// reveal is a person's act, audited under their name).
pub const NEVER_FOR_KEYS: [Permission; 3] = [
    Permission::UsersWrite,
    Permission::RolesWrite,
    Permission::PeopleRevealId,
];

pub use crate::shared::request::RequestMeta;

pub const SESSION_COOKIE: &str = "linli_session";
pub const SESSION_COOKIE_SECURE: &str = "__Host-linli_session";
pub use crate::shared::request::{CSRF_COOKIE, CSRF_HEADER};

/// A key as the admin page lists it (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiKeyRow {
    pub id: ApiKeyId,
    pub name: String,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    pub role_code: String,
    pub org_id: OrgId,
    pub org_name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

/// A new key: shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewKey {
    pub key: String,
    pub row: ApiKeyRow,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_lands_where_it_was_asked_or_on_the_users_home() {
        let me = |kind: UserKind, perms: &[Permission]| Me {
            id: UserId(1),
            login: "x".into(),
            display_name: "x".into(),
            phone_masked: None,
            kind,
            locale: "zh-CN".into(),
            large_text: false,
            grants: vec![],
            permissions: perms.iter().map(|p| p.code().to_string()).collect(),
        };
        let resident = me(UserKind::Resident, &[]);
        let tech = me(UserKind::Staff, &[Permission::OrgRead, Permission::ServiceWork]);
        let desk = me(
            UserKind::Staff,
            &[
                Permission::ServiceRead,
                Permission::ServiceDispatch,
                Permission::ServiceWork,
            ],
        );
        assert_eq!(landing(&resident, None), "/");
        assert_eq!(landing(&tech, None), "/admin/service?status=mine");
        assert_eq!(landing(&desk, None), "/admin");
        assert_eq!(landing(&resident, Some("/i/abc")), "/i/abc");
        // Never off the site.
        for away in ["//evil.test/", "/\\evil.test", "https://evil.test/", "evil"] {
            assert_eq!(landing(&resident, Some(away)), "/", "{away}");
        }
    }

    #[test]
    fn phones() {
        for ok in [
            "13800000001",
            "+86 138 0000 0001",
            "8613800000001",
            "199-1234-5678",
            "15912345678",
        ] {
            assert!(Phone::try_from(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "12800000001",
            "1380000000",
            "138000000012",
            "23800000001",
            "1380000000a",
            "+1 13800000001",
        ] {
            assert_eq!(
                Phone::try_from(bad),
                Err(AppError::validation("phone", "err.phone_invalid")),
                "{bad}"
            );
        }
        assert_eq!(Phone::try_from("13800000001").unwrap().masked(), "138****0001");
        assert_eq!(mask_login("13800000001"), "138****0001");
        assert_eq!(mask_login("guard.yqf"), "guard.yqf");
    }

    #[test]
    fn password_lengths_count_characters_not_bytes() {
        assert!(check_password_length("1234567", "p").is_err());
        assert!(check_password_length("邻里邻里邻里邻里", "p").is_ok());
        assert!(check_password_length(&"a".repeat(64), "p").is_ok());
        assert!(check_password_length(&"a".repeat(65), "p").is_err());
    }

    #[test]
    fn login_names() {
        assert_eq!(check_login_name(" Admin ").unwrap(), "admin");
        assert!(check_login_name("ab").is_err());
        assert!(check_login_name("1abc").is_err());
        assert!(check_login_name("a b c").is_err());
        assert!(check_display_name("  ").is_err());
        assert!(check_display_name(&"张".repeat(33)).is_err());
        assert_eq!(check_display_name(" 张三 ").unwrap(), "张三");
    }

    #[test]
    fn permission_codes_round_trip_and_roles_are_sane() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.code()), Some(p));
        }
        assert_eq!(default_permissions("sysadmin").len(), Permission::ALL.len());
        assert!(!default_permissions("hq_admin").contains(&Permission::PeopleRevealId));
        for (code, ..) in BUILTIN_ROLES {
            for p in default_permissions(code) {
                assert!(
                    !never_for(code).contains(&p),
                    "{code} starts with {p:?}, which it may never hold"
                );
            }
        }
        assert!(never_for("resident").contains(&Permission::UsersWrite));
        assert!(never_for("sysadmin").is_empty());
        assert!(default_permissions("resident").is_empty());
        assert!(default_permissions("cashier").contains(&Permission::BillingCollect));
    }
}

/// What the page shows after a verification code went out by text message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CodeSent {
    /// The number it went to, masked (`139****5678`).
    pub to: String,
    /// Seconds before another code may be asked for.
    pub resend_after_secs: i64,
}
