//! Pages of the access area: log in, sign up, my account, password, and administration.
mod account;
mod admin;
mod auth;
mod keys;
mod session;

pub use account::*;
pub use admin::*;
pub use auth::*;
pub use keys::*;
pub use session::*;
