//! Server functions of the access area: authorize, parse, call one service fn, map the error.
use super::model::{ApiKeyRow, CodeSent, Me, NewKey, RoleRow, UserRow};
use crate::org::model::OrgNode;
use crate::shared::error::AppError;
use crate::shared::ids::{ApiKeyId, GrantId, OrgId, RoleId, UserId};
use crate::shared::pagination::Page;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub use edge::*;

/// (ssr) The session cookies that login and logout set.
#[cfg(feature = "ssr")]
mod edge {
    use super::super::model::*;
    use leptos::prelude::*;

    fn cookie(name: &str, value: &str, http_only: bool, max_age: Option<i64>, secure: bool) -> String {
        let mut c = format!("{name}={value}; Path=/; SameSite=Lax");
        if http_only {
            c.push_str("; HttpOnly");
        }
        if secure {
            c.push_str("; Secure");
        }
        if let Some(a) = max_age {
            c.push_str(&format!("; Max-Age={a}"));
        }
        c
    }

    pub fn session_cookie_name(secure: bool) -> &'static str {
        if secure {
            SESSION_COOKIE_SECURE
        } else {
            SESSION_COOKIE
        }
    }

    /// `Set-Cookie` values that start a session (the session id rotates on every login).
    pub fn login_cookies(secure: bool, token: &str, csrf: &str) -> [String; 2] {
        [
            cookie(session_cookie_name(secure), token, true, None, secure),
            cookie(CSRF_COOKIE, csrf, false, None, secure),
        ]
    }

    /// `Set-Cookie` values that clear the session cookie and give a fresh anonymous CSRF token.
    pub fn logout_cookies(secure: bool, fresh_csrf: &str) -> [String; 2] {
        [
            cookie(session_cookie_name(secure), "", true, Some(0), secure),
            cookie(CSRF_COOKIE, fresh_csrf, false, None, secure),
        ]
    }

    pub fn set_cookies(values: &[String]) {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            for v in values {
                if let Ok(h) = http::HeaderValue::from_str(v) {
                    res.append_header(http::header::SET_COOKIE, h);
                }
            }
        }
    }
}

/// The logged-in user, or `None` for a visitor.
#[server]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    crate::web::serve_anyone(async |ctx, _meta, auth| match auth {
        Some(a) => super::accounts::me(&ctx.db, a.user_id).await.map(Some),
        None => Ok(None),
    })
    .await
}

#[server]
pub async fn login(login: String, password: String, #[server(default)] next: Option<String>) -> Result<Me, AppError> {
    crate::web::serve_anyone(async |ctx, meta, _| {
        let ok = super::sessions::login(&ctx, &meta, &login, &password, super::model::AuthVia::Cookie).await?;
        set_cookies(&login_cookies(ctx.cfg.secure_cookies, &ok.token, &ok.csrf_token));
        crate::web::server_fn::form_redirect(&super::model::landing(&ok.me, next.as_deref()));
        Ok(ok.me)
    })
    .await
}

/// Sends the sign-up code to `phone` by text message.
#[server]
pub async fn send_signup_code(phone: String) -> Result<CodeSent, AppError> {
    crate::web::serve_anyone(async |ctx, meta, _| super::sessions::send_signup_code(&ctx, &meta, &phone).await).await
}

#[server]
pub async fn signup(
    phone: String,
    #[server(default)] code: String,
    display_name: String,
    password: String,
    password_again: String,
) -> Result<Me, AppError> {
    crate::web::serve_anyone(async |ctx, meta, _| {
        if password != password_again {
            return Err(AppError::validation("password_again", "err.password_mismatch"));
        }
        let ok = super::sessions::signup(&ctx, &meta, &phone, &code, &display_name, &password).await?;
        set_cookies(&login_cookies(ctx.cfg.secure_cookies, &ok.token, &ok.csrf_token));
        crate::web::server_fn::form_redirect("/");
        Ok(ok.me)
    })
    .await
}

/// The company's contact (service line, address, hours), for pages before a login.
#[server]
pub async fn public_contact() -> Result<Option<crate::org::model::OrgContact>, AppError> {
    crate::web::serve_anyone(async |ctx, _meta, _| crate::org::service::root_contact(&ctx.db).await).await
}

/// 忘记密码: sends a code to `phone` when an account has it (the answer is the same when not).
#[server]
pub async fn send_reset_code(phone: String) -> Result<CodeSent, AppError> {
    crate::web::serve_anyone(async |ctx, meta, _| super::passwords::send_reset_code(&ctx, &meta, &phone).await).await
}

/// 忘记密码: the code sent to `phone` sets a new password; every session of the account ends.
#[server]
pub async fn reset_password(
    phone: String,
    #[server(default)] code: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    crate::web::serve_anyone(async |ctx, meta, _| {
        super::passwords::reset_password(&ctx, &meta, &phone, &code, &password, &password_again).await?;
        crate::web::server_fn::form_redirect("/login?reset=1");
        Ok(())
    })
    .await
}

#[server]
pub async fn logout() -> Result<(), AppError> {
    crate::web::serve_anyone(async |ctx, meta, auth| {
        if let Some(a) = auth {
            super::sessions::logout(&ctx, &meta, &a).await?;
        }
        set_cookies(&logout_cookies(
            ctx.cfg.secure_cookies,
            &super::service::new_csrf_token(),
        ));
        crate::web::server_fn::form_redirect("/login");
        Ok(())
    })
    .await
}

#[server]
pub async fn change_password(
    current_password: String,
    new_password: String,
    new_password_again: String,
) -> Result<(), AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        if new_password != new_password_again {
            return Err(AppError::validation("new_password_again", "err.password_mismatch"));
        }
        super::passwords::change_password(&ctx, &meta, &auth, &current_password, &new_password).await
    })
    .await
}

#[server]
pub async fn change_phone(phone: String, #[server(default)] code: String) -> Result<Me, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::accounts::change_phone(&ctx, &meta, &auth, &phone, &code).await)
        .await
}

/// Re-checks the password and sends a code to the new number (step one of a change of number).
#[server]
pub async fn send_phone_code(current_password: String, phone: String) -> Result<CodeSent, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::accounts::send_phone_code(&ctx, &meta, &auth, &current_password, &phone).await
    })
    .await
}

/// Saves language / large-text for a logged-in user (visitors keep them in a cookie only).
#[server]
pub async fn set_preferences(locale: Option<String>, large_text: Option<bool>) -> Result<Option<Me>, AppError> {
    crate::web::serve_anyone(async |ctx, meta, auth| match auth {
        Some(a) => super::accounts::set_preferences(&ctx, &meta, &a, locale, large_text)
            .await
            .map(Some),
        None => Ok(None),
    })
    .await
}

#[server]
pub async fn list_users(q: Option<String>, before: Option<i64>) -> Result<Page<UserRow>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::accounts::list_users(&ctx, &meta, &auth, q, before, None).await)
        .await
}

#[server]
pub async fn create_staff(
    login: String,
    display_name: String,
    phone: Option<String>,
    password: String,
    role_code: String,
    org_id: String,
) -> Result<UserRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let org_id: crate::shared::ids::OrgId = org_id
            .parse()
            .map_err(|_| AppError::validation("org_id", "err.org_invalid"))?;
        let input = super::accounts::NewStaff {
            login,
            display_name,
            phone,
            password,
            role_code,
            org_id,
        };
        super::accounts::create_staff(&ctx, &meta, &auth, input).await
    })
    .await
}

#[server]
pub async fn grant_role(user_id: UserId, role_code: String, org_id: String) -> Result<(), AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let org_id: crate::shared::ids::OrgId = org_id
            .parse()
            .map_err(|_| AppError::validation("org_id", "err.org_invalid"))?;
        super::accounts::grant(&ctx, &meta, &auth, user_id, &role_code, org_id)
            .await
            .map(|_| ())
    })
    .await
}

#[server]
pub async fn revoke_grant(grant_id: GrantId) -> Result<(), AppError> {
    crate::web::serve(async |ctx, meta, auth| super::accounts::revoke(&ctx, &meta, &auth, grant_id).await).await
}

#[server]
pub async fn set_user_status(user_id: UserId, active: bool) -> Result<(), AppError> {
    crate::web::serve(async |ctx, meta, auth| super::accounts::set_status(&ctx, &meta, &auth, user_id, active).await)
        .await
}

#[server]
pub async fn list_roles() -> Result<Vec<RoleRow>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::accounts::list_roles(&ctx, &meta, &auth).await).await
}

#[server]
pub async fn set_role_permission(role_id: RoleId, permission: String, on: bool) -> Result<(), AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::accounts::set_role_permission(&ctx, &meta, &auth, role_id, &permission, on).await
    })
    .await
}

#[server]
pub async fn list_orgs() -> Result<Vec<OrgNode>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::accounts::visible_orgs(&ctx, &meta, &auth).await).await
}

#[server]
pub async fn list_api_keys() -> Result<Vec<ApiKeyRow>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::keys::list_keys(&ctx, &meta, &auth).await).await
}

/// Creates a key; the response carries the key itself, shown once.
#[server]
pub async fn create_api_key(name: String, role_code: String, org_id: OrgId) -> Result<NewKey, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let req = super::keys::KeyRequest {
            name,
            role_code,
            org_id,
        };
        super::keys::create_key(&ctx, &meta, &auth, req).await
    })
    .await
}

#[server]
pub async fn revoke_api_key(id: ApiKeyId) -> Result<(), AppError> {
    crate::web::serve(async |ctx, meta, auth| super::keys::revoke_key(&ctx, &meta, &auth, id).await).await
}
