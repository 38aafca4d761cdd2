//! Queries on the access tables.
use super::model::{UserKind, UserStatus};
use crate::db::entities::{grants, login_attempts, org_units, role_permissions, roles, sessions, users};
use crate::db::page::{keyset, Keyset};
use crate::shared::pagination::Page;
use sea_orm::{prelude::*, QueryOrder, QuerySelect, QueryTrait};

pub async fn user_by_login<C: ConnectionTrait>(c: &C, login: &str) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(users::Column::Login.eq(login))
                .add(users::Column::Phone.eq(login)),
        )
        .one(c)
        .await
}

pub async fn user<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find_by_id(id).one(c).await
}

pub async fn session<C: ConnectionTrait>(c: &C, id: &str) -> Result<Option<sessions::Model>, DbErr> {
    sessions::Entity::find_by_id(id.to_string()).one(c).await
}

pub async fn delete_session<C: ConnectionTrait>(c: &C, id: &str) -> Result<(), DbErr> {
    sessions::Entity::delete_by_id(id.to_string()).exec(c).await?;
    Ok(())
}

pub async fn delete_sessions_of<C: ConnectionTrait>(c: &C, user: i64, except: Option<&str>) -> Result<u64, DbErr> {
    let mut q = sessions::Entity::delete_many().filter(sessions::Column::UserId.eq(user));
    if let Some(e) = except {
        q = q.filter(sessions::Column::Id.ne(e));
    }
    Ok(q.exec(c).await?.rows_affected)
}

/// Stores a new password hash and ends the account's sessions (all but `keep`, the one that
/// changed it), in the caller's transaction: one way for a change, a reset by code and a reset
/// from the command line. Returns how many sessions ended.
pub async fn store_password<C: ConnectionTrait>(
    c: &C,
    user: &users::Model,
    hash: &str,
    keep: Option<&str>,
) -> Result<u64, DbErr> {
    use sea_orm::ActiveValue::Set;
    let now = chrono::Utc::now();
    let mut am: users::ActiveModel = user.clone().into();
    am.password_hash = Set(hash.to_string());
    am.password_changed_at = Set(now);
    am.updated_at = Set(now);
    am.update(c).await?;
    delete_sessions_of(c, user.id, keep).await
}

/// Failures for `key` since its last success and within the window, up to attempt row `upto`
/// (attempts made at once count in the order they were recorded); and the oldest of them.
pub async fn recent_failures<C: ConnectionTrait>(
    c: &C,
    scope: &str,
    key: &str,
    since: chrono::DateTime<chrono::Utc>,
    upto: i64,
) -> Result<(u64, Option<chrono::DateTime<chrono::Utc>>), DbErr> {
    let last_ok = login_attempts::Entity::find()
        .filter(login_attempts::Column::Scope.eq(scope))
        .filter(login_attempts::Column::Key.eq(key))
        .filter(login_attempts::Column::Success.eq(true))
        .filter(login_attempts::Column::AttemptedAt.gte(since))
        .order_by_desc(login_attempts::Column::AttemptedAt)
        .one(c)
        .await?
        .map(|m| m.attempted_at);
    let from = last_ok.map(|t| t.max(since)).unwrap_or(since);
    let rows = login_attempts::Entity::find()
        .filter(login_attempts::Column::Scope.eq(scope))
        .filter(login_attempts::Column::Key.eq(key))
        .filter(login_attempts::Column::Success.eq(false))
        .filter(login_attempts::Column::AttemptedAt.gt(from))
        .filter(login_attempts::Column::Id.lte(upto))
        .order_by_asc(login_attempts::Column::AttemptedAt)
        .all(c)
        .await?;
    Ok((rows.len() as u64, rows.first().map(|r| r.attempted_at)))
}

pub struct GrantRow {
    pub grant: grants::Model,
    pub role: roles::Model,
    pub org: org_units::Model,
}

pub async fn grants_of<C: ConnectionTrait>(c: &C, user_ids: &[i64]) -> Result<Vec<GrantRow>, DbErr> {
    if user_ids.is_empty() {
        return Ok(vec![]);
    }
    let gs = grants::Entity::find()
        .filter(grants::Column::UserId.is_in(user_ids.to_vec()))
        .order_by_asc(grants::Column::Id)
        .all(c)
        .await?;
    let role_ids: Vec<i64> = gs.iter().map(|g| g.role_id).collect();
    let org_ids: Vec<i64> = gs.iter().map(|g| g.org_id).collect();
    let rs = roles::Entity::find()
        .filter(roles::Column::Id.is_in(role_ids))
        .all(c)
        .await?;
    let os = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(org_ids))
        .all(c)
        .await?;
    Ok(gs
        .into_iter()
        .filter_map(|g| {
            let role = rs.iter().find(|r| r.id == g.role_id)?.clone();
            let org = os.iter().find(|o| o.id == g.org_id)?.clone();
            Some(GrantRow { grant: g, role, org })
        })
        .collect())
}

pub async fn permissions_of_roles<C: ConnectionTrait>(
    c: &C,
    role_ids: &[i64],
) -> Result<Vec<role_permissions::Model>, DbErr> {
    if role_ids.is_empty() {
        return Ok(vec![]);
    }
    role_permissions::Entity::find()
        .filter(role_permissions::Column::RoleId.is_in(role_ids.to_vec()))
        .all(c)
        .await
}

pub async fn role_by_code<C: ConnectionTrait>(c: &C, code: &str) -> Result<Option<roles::Model>, DbErr> {
    roles::Entity::find().filter(roles::Column::Code.eq(code)).one(c).await
}

pub async fn all_roles<C: ConnectionTrait>(c: &C) -> Result<Vec<roles::Model>, DbErr> {
    roles::Entity::find().order_by_asc(roles::Column::Id).all(c).await
}

/// Staff users holding a grant on one of `org_ids` (or all staff when `org_ids` is None),
/// a page newest first.
pub async fn staff_users<C: ConnectionTrait>(
    c: &C,
    org_ids: Option<&[i64]>,
    q: Option<&str>,
    before: Option<i64>,
    limit: Option<u64>,
) -> Result<Page<users::Model>, DbErr> {
    let mut sel = users::Entity::find().filter(users::Column::Kind.eq(UserKind::Staff.code()));
    if let Some(ids) = org_ids {
        let sub = grants::Entity::find()
            .select_only()
            .column(grants::Column::UserId)
            .filter(grants::Column::OrgId.is_in(ids.to_vec()))
            .into_query();
        sel = sel.filter(users::Column::Id.in_subquery(sub));
    }
    if let Some(q) = q.map(str::trim).filter(|s| !s.is_empty()) {
        sel = sel.filter(
            sea_orm::Condition::any()
                .add(users::Column::Login.contains(q))
                .add(users::Column::DisplayName.contains(q))
                .add(users::Column::Phone.contains(q)),
        );
    }
    keyset(c, sel, users::Column::Id, Keyset::Before(before), limit, |u| u.id).await
}

/// A new active account's row (zh-CN, normal text size), as every way of creating one stores
/// it: sign-up, staff and system accounts, API keys (whose hash is empty: no password login).
pub fn new_user(
    login: String,
    phone: Option<String>,
    display_name: String,
    password_hash: String,
    kind: super::model::UserKind,
    now: chrono::DateTime<chrono::Utc>,
) -> users::ActiveModel {
    use sea_orm::ActiveValue::Set;
    users::ActiveModel {
        login: Set(login),
        phone: Set(phone),
        display_name: Set(display_name),
        password_hash: Set(password_hash),
        kind: Set(kind.code().into()),
        status: Set(UserStatus::Active.into()),
        locale: Set("zh-CN".into()),
        large_text: Set(false),
        password_changed_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}
