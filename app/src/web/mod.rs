//! (ssr) Edge plumbing every area's endpoints share: the `/api/v1` request context, errors and
//! body helpers ([`rest`]), and the server-function helpers ([`server_fn`]). Names no business
//! area. An `AppError` becomes its HTTP status in one place for each kind of endpoint:
//! [`ApiError`]'s `IntoResponse` for `/api/v1`, and the server's `server_fn_status` layer for
//! server functions (Leptos answers a failed server function 500 with the error as its body).
pub mod rest;
pub mod server_fn;

pub use rest::{query, xlsx_download, xlsx_upload, ApiCtx, ApiError, ApiJson, ErrorBody, ErrorDetail};
pub use server_fn::{authed, request, serve, serve_anyone};
