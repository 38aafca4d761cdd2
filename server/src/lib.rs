//! The `linli` server: composition root only. Configuration, database connection, the router
//! with its layers, the OpenAPI document, the demo loader and the command line.
pub mod anchor;
pub mod config;
pub mod demo;
pub mod jobs;
pub mod layers;
pub mod openapi;

use app::db::{AppCtx, RuntimeConfig};
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use sea_orm_migration::MigratorTrait;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// Everything a request handler may need. Holds no per-server state.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub ctx: AppCtx,
    pub trusted_proxies: Arc<Vec<IpAddr>>,
}

/// Opens the database. SQLite gets WAL, a busy timeout and foreign keys on every connection.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    use anyhow::Context;
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false).connect_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        opts.max_connections(8).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
        });
    } else {
        opts.max_connections(20);
    }
    match Database::connect(opts).await {
        Ok(db) => Ok(db),
        Err(e) => {
            // A pool that times out says nothing of why: look for the usual cause, a lock.
            if let Some(why) = sqlite_lock_holder(url).await {
                return Err(anyhow::anyhow!("{why}"));
            }
            Err(e).with_context(|| format!("connecting to the database ({})", redact(url)))
        }
    }
}

/// Says in words when a SQLite file is locked by another process (another server, a backup
/// or a tool inside a transaction); `None` when it is not, or for other databases.
pub async fn sqlite_lock_holder(url: &str) -> Option<String> {
    use sea_orm::sqlx::{sqlite::SqliteConnectOptions, ConnectOptions as _, Connection as _};
    use std::str::FromStr;
    if !url.starts_with("sqlite:") {
        return None;
    }
    let opts = SqliteConnectOptions::from_str(url).ok()?.busy_timeout(Duration::ZERO);
    let file = opts.get_filename().display().to_string();
    let locked = |e: &sea_orm::sqlx::Error| {
        let s = e.to_string().to_ascii_lowercase();
        s.contains("locked") || s.contains("busy")
    };
    let why = format!(
        "the database file {file} is locked by another process (another Linli server, a backup or a tool inside a transaction); stop it, or point this server at another data directory"
    );
    let mut conn = match opts.connect().await {
        Ok(c) => c,
        Err(e) => return locked(&e).then_some(why),
    };
    let r = sea_orm::sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await;
    let held = match r {
        Ok(_) => {
            let _ = sea_orm::sqlx::query("ROLLBACK").execute(&mut conn).await;
            false
        }
        Err(e) => locked(&e),
    };
    let _ = conn.close().await;
    held.then_some(why)
}

/// A database URL with its password hidden, for logs and errors.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..s], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// Applies pending migrations and creates the built-in roles.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    use anyhow::Context;
    if let Err(e) = migrations::Migrator::up(db, None).await {
        let why = write_failure(&e);
        if why != "database unavailable" {
            anyhow::bail!("applying migrations: {why} ({e})");
        }
        return Err(e).context("applying migrations");
    }
    app::access::service::ensure_builtin_roles(db)
        .await
        .map_err(|e| anyhow::anyhow!("creating roles: {e}"))?;
    Ok(())
}

async fn healthz() -> &'static str {
    "ok"
}

/// Ready only when the database takes writes: a read-only file or a lock another process holds
/// would otherwise pass a read check while every write fails.
async fn readyz(State(st): State<AppState>) -> impl IntoResponse {
    match can_write(&st.ctx.db).await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            let why = write_failure(&e);
            tracing::error!(error = %e, why, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, why)
        }
    }
}

/// Starts a write and takes it back: a delete that matches nothing, in a transaction that is
/// rolled back, still needs the database's write lock (SQLite) or a writable session.
pub async fn can_write(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
    txn.execute_unprepared("DELETE FROM login_attempts WHERE 1 = 0").await?;
    txn.rollback().await
}

/// What a failed write check means, in words for operators.
pub fn write_failure(e: &sea_orm::DbErr) -> &'static str {
    let s = e.to_string().to_ascii_lowercase();
    if s.contains("readonly") || s.contains("read-only") || s.contains("read only") {
        "database is read-only"
    } else if s.contains("locked") || s.contains("busy") {
        "database is locked by another process"
    } else {
        "database unavailable"
    }
}

/// Refuses to start with a data key that cannot open the ID numbers already stored: a server
/// with the wrong key would otherwise write records nobody can read back.
pub async fn check_data_key(db: &DatabaseConnection, key: &app::shared::sealed::DataKey) -> anyhow::Result<()> {
    use app::db::entities::persons;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let sample = persons::Entity::find()
        .filter(persons::Column::IdCipher.is_not_null())
        .one(db)
        .await?;
    if let Some(sealed) = sample.and_then(|p| p.id_cipher) {
        key.open(&sealed).map_err(|e| {
            anyhow::anyhow!("the data key cannot open stored ID numbers ({e}); set LINLI_DATA_KEY to the key this database was written with")
        })?;
    }
    Ok(())
}

pub fn runtime_config(a: &config::ServeArgs, data_key: app::shared::sealed::DataKey) -> anyhow::Result<RuntimeConfig> {
    let public_url = if a.public_url.trim().is_empty() {
        format!("http://{}", a.addr)
    } else {
        a.public_url.trim().trim_end_matches('/').to_string()
    };
    let provider: Option<std::sync::Arc<dyn app::payments::provider::PaymentProvider>> = if a
        .stripe_secret_key
        .trim()
        .is_empty()
    {
        None
    } else {
        if a.stripe_webhook_secret.iter().all(|s| s.trim().is_empty()) {
            anyhow::bail!("LINLI_STRIPE_SECRET_KEY is set but LINLI_STRIPE_WEBHOOK_SECRET is not: payments could never be confirmed");
        }
        let p = app::payments::stripe::StripeProvider::new(
            a.stripe_secret_key.trim(),
            a.stripe_webhook_secret.iter().map(|s| s.trim().to_string()).collect(),
            Some(a.stripe_api_base.trim()),
        )
        .map_err(|e| anyhow::anyhow!("Stripe client: {e}"))?;
        Some(std::sync::Arc::new(p))
    };
    let vapid = if a.vapid_private_key.trim().is_empty() {
        app::notify::vapid::Vapid::load_or_create(&a.common.data_dir)?
    } else {
        app::notify::vapid::Vapid::from_base64(a.vapid_private_key.trim())?
    };
    let vapid_public = vapid.public_key_b64url();
    let push = app::notify::push::PushSender::new(vapid, &a.push_contact, Duration::from_secs(10));
    let email: Option<Arc<dyn app::notify::channel::Channel>> = if a.smtp_url.trim().is_empty() {
        None
    } else {
        use anyhow::Context as _;
        let c = app::notify::channel::SmtpChannel::from_url(&a.smtp_url, &a.mail_from, Duration::from_secs(30))
            .context("LINLI_SMTP_URL / LINLI_MAIL_FROM")?;
        Some(Arc::new(c))
    };
    let sms = app::notify::channel::sms_from_config(&a.sms_provider)?;
    let files = if a.s3_bucket.trim().is_empty() {
        app::files::store::Storage::local(a.common.data_dir.join("uploads"))?
    } else {
        use anyhow::Context as _;
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        app::files::store::Storage::s3(app::files::store::S3Config {
            bucket: a.s3_bucket.trim().to_string(),
            endpoint: opt(&a.s3_endpoint),
            region: a.s3_region.trim().to_string(),
            access_key_id: a.s3_access_key_id.trim().to_string(),
            secret_access_key: a.s3_secret_access_key.trim().to_string(),
            allow_http: a.s3_allow_http,
            path_style: a.s3_path_style,
        })
        .context("LINLI_S3_BUCKET / LINLI_S3_ENDPOINT / LINLI_S3_REGION")?
    };
    tracing::info!(store = files.label(), "uploaded photos are kept in this store");
    Ok(RuntimeConfig {
        public_url,
        secure_cookies: a.secure_cookies,
        session_idle_minutes: a.session_idle_minutes,
        session_absolute_hours: a.session_absolute_hours,
        max_failures_per_account: a.login_max_failures,
        max_failures_per_ip: a.login_max_failures_per_ip,
        throttle_window_minutes: 15,
        data_key,
        parts: Default::default(),
    }
    .with(app::payments::provider::Online { provider })
    .with(app::access::verify::Texts(sms.clone().map(|c| {
        Arc::new(SmsTexts(c)) as Arc<dyn app::access::verify::TextSender>
    })))
    .with(app::notify::channel::Outbound {
        push: Some(Arc::new(push)),
        vapid_public,
        email,
        sms,
    })
    .with(files))
}

/// Verification codes go out through the SMS channel notices use.
pub struct SmsTexts(pub Arc<dyn app::notify::channel::Channel>);

#[async_trait::async_trait]
impl app::access::verify::TextSender for SmsTexts {
    async fn send_text(&self, phone: &str, body: &str) -> Result<(), String> {
        use app::notify::channel::{ChannelOutcome, OutMessage};
        let m = OutMessage {
            to: phone.to_string(),
            subject: String::new(),
            body: body.to_string(),
        };
        match self.0.send(&m).await {
            ChannelOutcome::Sent => Ok(()),
            ChannelOutcome::Retry(e) | ChannelOutcome::Rejected(e) => Err(e),
        }
    }
}

/// Starts this server's background work: the job queue's worker and every area's periodic
/// tasks, all registered in [`jobs::registry`].
pub fn spawn_background(
    ctx: AppCtx,
    reconcile_minutes: u64,
    worker: String,
    checkpoints: Option<anchor::Targets>,
) -> anyhow::Result<()> {
    let mut registry = jobs::registry(reconcile_minutes);
    if let Some(to) = checkpoints {
        registry.every("audit.checkpoint", anchor::EVERY, move |ctx| {
            let to = to.clone();
            async move {
                match anchor::write_all(&ctx, &to).await {
                    Ok(cp) => Ok(cp.map(|c| format!("audit checkpoint: {} rows, head {}", c.rows, c.head_id))),
                    Err(e) => {
                        tracing::error!(error = %e, "audit checkpoint not written");
                        Err(app::shared::error::AppError::Internal)
                    }
                }
            }
        });
    }
    if let Some(p) = registry.problems().first() {
        anyhow::bail!("background work is miswired: {p}");
    }
    app::jobs::spawn(ctx, Arc::new(registry), worker);
    Ok(())
}

/// Leptos options for a site folder. Each build's files are in `pkg/<hash>/` (the hash of its
/// WASM and CSS), named in `pkg/linli.hash` by the build.
pub fn leptos_options(site_root: &str) -> LeptosOptions {
    let hash = std::fs::read_to_string(std::path::Path::new(site_root).join("pkg").join("linli.hash"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let pkg_dir = if hash.is_empty() {
        "pkg".to_string()
    } else {
        format!("pkg/{hash}")
    };
    LeptosOptions::builder()
        .output_name("linli")
        .site_root(site_root)
        .site_pkg_dir(pkg_dir)
        .build()
}

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    // Generated once per process: generating sets a process-wide flag that parks any resource
    // first polled meanwhile (leptos-rs/leptos#4773), so a second router built while another
    // serves pages (as the tests do) could hang those pages forever.
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| generate_route_list(app::App)).clone();
    let ctx = state.ctx.clone();
    let api = Router::new()
        .merge(app::access::rest::router())
        .merge(app::audit::rest::router())
        .merge(app::estate::rest::router())
        .merge(app::billing::rest::router())
        .merge(app::payments::rest::router())
        .merge(app::notify::rest::router())
        .merge(app::files::rest::router())
        .merge(app::tickets::rest::router())
        .merge(app::engineering::rest::router())
        .merge(app::governance::rest::router())
        .merge(app::community::rest::router())
        .merge(app::amenities::rest::router())
        .merge(app::home::rest::router())
        .route("/openapi.json", get(openapi::document))
        // An unknown API path is a JSON 404, not the site's page.
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(axum::middleware::from_fn(layers::json_errors))
        .with_state(state.ctx.clone());
    let opts = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .nest("/api/v1", api)
        .merge(app::payments::rest::webhooks().with_state(state.ctx.clone()))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(ctx.clone());
                leptos::nonce::provide_nonce();
            },
            move || app::shell(opts.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell))
        .layer(axum::middleware::from_fn(layers::server_fn_status))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            layers::session_layer,
        ))
        .layer(axum::middleware::from_fn(layers::strip_hidden_text))
        .layer(axum::middleware::from_fn(layers::body_limit))
        .layer(axum::middleware::from_fn(layers::request_timeout))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            layers::security_headers,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(layers::panic_page))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
