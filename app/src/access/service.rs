//! (ssr) The access area's facade: the scope checks every use case starts with, names of
//! actors, and the account setup the server's CLI and demo use. Use cases live in `scope`,
//! `sessions`, `passwords` and `accounts`.
pub use super::accounts::{
    create_user_system, ensure_builtin_roles, grant_system, locale_of, me, reset_password_system,
};
pub use super::passwords::{check_password_policy, hash_password, verify_password};
pub(crate) use super::scope::actor_label;
pub use super::scope::{
    deny, display_names, holders_over, nodes_in, org_choices, orgs_in_scope, orgs_with_role, record_within, require,
    require_over, scope_for, within, Scope,
};
pub use super::sessions::{new_csrf_token, resolve_session, token_id};
