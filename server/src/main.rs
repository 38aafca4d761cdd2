//! `linli`: serve, migrate, load the demo, administer accounts, verify the audit chain.
use anyhow::Context;
use app::db::AppCtx;
use clap::{Parser, Subcommand};
use server::config::{CommonArgs, ServeArgs};
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "linli",
    version,
    about = "Linli 邻里: property management and resident platform"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Option<Cmd>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the web app and API (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo community into an empty database.
    Demo,
    /// Account administration.
    Admin {
        #[command(subcommand)]
        cmd: AdminCmd,
    },
}

#[derive(Subcommand)]
enum AdminCmd {
    /// Create an account (a staff login name, or a resident's mobile number with --resident).
    CreateUser {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: Option<String>,
        /// The password; read from LINLI_NEW_PASSWORD when omitted (keeps it out of shell history).
        #[arg(long, env = "LINLI_NEW_PASSWORD")]
        password: String,
        #[arg(long)]
        resident: bool,
    },
    /// Set a new password and end the user's sessions.
    ResetPassword {
        #[arg(long)]
        login: String,
        #[arg(long, env = "LINLI_NEW_PASSWORD")]
        password: String,
    },
    /// Grant a role (code, e.g. `cashier`) over an org node (its code, e.g. `LL-HD-GHY`, or id).
    Grant {
        #[arg(long)]
        login: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        org: String,
    },
    /// Re-compute the audit hash chain and report the first broken row, if any.
    VerifyAudit,
    /// Re-walk an owners' assembly's ballot log, re-tally it and compare it with the ballots in
    /// force and the published result; exits 1 on any difference.
    VerifyVote {
        /// The meeting's id (as in `/community/assembly/ID`).
        id: i64,
    },
}

fn init_tracing(json: bool) {
    use tracing_subscriber::{fmt, EnvFilter};
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    if json {
        fmt().with_env_filter(filter).json().init();
    } else {
        fmt().with_env_filter(filter).init();
    }
}

async fn open(common: &CommonArgs, serve: &ServeArgs) -> anyhow::Result<AppCtx> {
    std::fs::create_dir_all(&common.data_dir)
        .with_context(|| format!("creating data directory {}", common.data_dir.display()))?;
    let db = server::connect(&common.database_url()).await?;
    server::migrate(&db).await?;
    let key = common.data_key()?;
    server::check_data_key(&db, &key).await?;
    Ok(AppCtx {
        db,
        cfg: Arc::new(server::runtime_config(serve, key)?),
    })
}

async fn find_org(ctx: &AppCtx, key: &str) -> anyhow::Result<app::shared::ids::OrgId> {
    use app::db::entities::org_units;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let by_code = org_units::Entity::find()
        .filter(org_units::Column::Code.eq(key))
        .one(&ctx.db)
        .await?;
    if let Some(o) = by_code {
        return Ok(app::shared::ids::OrgId(o.id));
    }
    key.parse()
        .map_err(|_| anyhow::anyhow!("no org node with code or id {key}"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing(cli.serve.common.log_json);
    let common = cli.serve.common.clone();
    match cli.cmd.unwrap_or(Cmd::Serve) {
        Cmd::Serve => serve(cli.serve).await,
        Cmd::Migrate => {
            open(&common, &cli.serve).await?;
            println!("migrations applied");
            Ok(())
        }
        Cmd::Demo => {
            let ctx = open(&common, &cli.serve).await?;
            let n = server::demo::load(&ctx).await?;
            println!("demo loaded: {n} accounts, password {}", server::demo::DEMO_PASSWORD);
            Ok(())
        }
        Cmd::Admin { cmd } => {
            let ctx = open(&common, &cli.serve).await?;
            let err = |e: app::shared::error::AppError| anyhow::anyhow!("{}", e.localized("en"));
            match cmd {
                AdminCmd::CreateUser {
                    login,
                    name,
                    phone,
                    password,
                    resident,
                } => {
                    let kind = if resident {
                        app::access::model::UserKind::Resident
                    } else {
                        app::access::model::UserKind::Staff
                    };
                    let id = app::access::service::create_user_system(
                        &ctx,
                        &login,
                        phone.as_deref(),
                        &name,
                        &password,
                        kind,
                        true,
                    )
                    .await
                    .map_err(err)?;
                    println!("created user {login} (id {id})");
                }
                AdminCmd::ResetPassword { login, password } => {
                    app::access::service::reset_password_system(&ctx, &login, &password)
                        .await
                        .map_err(err)?;
                    println!("password reset for {login}; their sessions were ended");
                }
                AdminCmd::Grant { login, role, org } => {
                    let org = find_org(&ctx, &org).await?;
                    app::access::service::grant_system(&ctx, &login, &role, org)
                        .await
                        .map_err(err)?;
                    println!("granted {role} over org {org} to {login}");
                }
                AdminCmd::VerifyVote { id } => {
                    let v = app::governance::ballots::verify(&ctx.db, app::shared::ids::MeetingId(id))
                        .await
                        .map_err(err)?;
                    if v.problems.is_empty() {
                        println!(
                            "meeting {id}: ballot log intact, {} rows, head {}; the re-tally agrees",
                            v.rows, v.head
                        );
                    } else {
                        for p in &v.problems {
                            eprintln!("meeting {id}: {p}");
                        }
                        eprintln!("meeting {id}: {} difference(s) in {} rows", v.problems.len(), v.rows);
                        std::process::exit(1);
                    }
                }
                AdminCmd::VerifyAudit => {
                    match app::audit::service::verify(&ctx.db).await.map_err(err)? {
                        app::audit::model::ChainCheck::Intact { rows, head } => {
                            println!("audit chain intact: {rows} rows, head {head}")
                        }
                        app::audit::model::ChainCheck::Broken { row, reason } => {
                            eprintln!("audit chain BROKEN at row {row} ({reason})");
                            std::process::exit(1);
                        }
                    }
                    // The chain's tail is only as good as the checkpoints kept outside it.
                    let file = server::anchor::path(&common.data_dir);
                    let checkpoints = server::anchor::read(&file)?;
                    match app::audit::anchor::check(&ctx.db, &ctx.cfg.data_key, &checkpoints)
                        .await
                        .map_err(err)?
                    {
                        app::audit::anchor::Anchored::Agree(0) => {
                            println!(
                                "no checkpoints yet in {} (a server writes one every 10 minutes)",
                                file.display()
                            )
                        }
                        app::audit::anchor::Anchored::Agree(n) => {
                            let last = &checkpoints[n - 1];
                            println!(
                                "{n} checkpoints agree (newest {}: {} rows, head row {})",
                                last.at, last.rows, last.head_id
                            )
                        }
                        app::audit::anchor::Anchored::Disagree(why) => {
                            eprintln!("audit chain BROKEN: {why}");
                            std::process::exit(1);
                        }
                    }
                }
            }
            Ok(())
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let ctx = open(&args.common, &args).await?;
    if args.demo && !server::demo::is_loaded(&ctx).await? {
        let n = server::demo::load(&ctx).await?;
        tracing::info!(accounts = n, "demo community loaded");
    }
    let trusted = args
        .trusted_proxies
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim()
                .parse()
                .with_context(|| format!("LINLI_TRUSTED_PROXIES: {s} is not an IP address"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let state = server::AppState {
        leptos_options: server::leptos_options(&args.site_root),
        ctx: ctx.clone(),
        trusted_proxies: Arc::new(trusted),
    };
    let app = server::router(state);
    let audit_webhook = Some(args.audit_webhook_url.trim().to_string()).filter(|u| !u.is_empty());
    if let Some(u) = &audit_webhook {
        if !(u.starts_with("https://") || u.starts_with("http://")) || u.parse::<http::Uri>().is_err() {
            anyhow::bail!("LINLI_AUDIT_WEBHOOK_URL must be an http:// or https:// URL, not {u}");
        }
    }
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .with_context(|| format!("binding {}", args.addr))?;
    tracing::info!("Linli listening on http://{}", args.addr);
    // Background work starts once the port is ours: a second server that fails to bind
    // never runs jobs meanwhile.
    server::spawn_background(
        ctx,
        args.reconcile_minutes,
        format!("{}:{}", args.addr, std::process::id()),
        Some(server::anchor::Targets {
            file: server::anchor::path(&args.common.data_dir),
            webhook: audit_webhook,
        }),
    )?;
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .context("serving")?;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM: in-flight requests finish, new ones are refused.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
