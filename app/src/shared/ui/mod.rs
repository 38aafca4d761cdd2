//! The design system: layout shells, form fields with inline errors, toasts, empty and error
//! states. Components read text through `use_i18n()`; styles live in `style/`.
mod form;
mod lazy;
mod pager;
mod shell;
mod states;
mod toast;
mod upload;

pub use form::*;
pub use lazy::*;
pub use pager::*;
pub use shell::*;
pub use states::*;
pub use toast::*;
#[cfg(not(feature = "hydrate"))]
pub use upload::online;
#[cfg(feature = "hydrate")]
pub use upload::*;
