//! Audit checkpoints kept outside the database: every [`EVERY`] this server signs the audit
//! chain's head ([`app::audit::anchor`]) and appends it to `audit-checkpoints.jsonl` in its
//! data directory and to its log. `linli admin verify-audit` checks the chain against them, so
//! deleting the newest rows, or rewriting rows and every later hash, no longer passes.
//! With `LINLI_AUDIT_WEBHOOK_URL` set, each checkpoint is also posted there as JSON, so a copy
//! lives where nobody with access to this machine can rewrite it.
use app::audit::anchor::{self, Checkpoint};
use app::db::AppCtx;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const FILE: &str = "audit-checkpoints.jsonl";
/// How long the webhook may take to take a checkpoint.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);
pub const EVERY: Duration = Duration::from_secs(10 * 60);

/// Where this server keeps its checkpoints.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE)
}

/// The checkpoints in `file`, oldest first (none when it does not exist yet). Errors on a line
/// that is not a checkpoint: a damaged file is reported, not skipped.
pub fn read(file: &Path) -> anyhow::Result<Vec<Checkpoint>> {
    use anyhow::Context as _;
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(e).with_context(|| format!("reading {}", file.display())),
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).with_context(|| format!("{} line {}: not a checkpoint", file.display(), i + 1))
        })
        .collect()
}

/// Takes a checkpoint and appends it to `file` and the log, unless the chain has not moved since
/// the last one there. Returns what it wrote.
pub async fn write(ctx: &AppCtx, file: &Path) -> anyhow::Result<Option<Checkpoint>> {
    use anyhow::Context as _;
    let cp = anchor::take(&ctx.db, &ctx.cfg.data_key)
        .await
        .map_err(|e| anyhow::anyhow!("taking an audit checkpoint: {e}"))?;
    let last = read(file).ok().and_then(|v| v.into_iter().last());
    if last.is_some_and(|l| l.head_id == cp.head_id && l.head_hash == cp.head_hash) {
        return Ok(None);
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .with_context(|| format!("opening {}", file.display()))?;
    writeln!(f, "{}", serde_json::to_string(&cp)?).with_context(|| format!("writing {}", file.display()))?;
    f.sync_data().ok();
    tracing::info!(rows = cp.rows, head_id = cp.head_id, head_hash = %cp.head_hash, at = %cp.at, sig = %cp.sig, "audit checkpoint");
    Ok(Some(cp))
}

/// Posts `cp` as JSON to `url` (`http://` or `https://`); any answer but 2xx is an error. The
/// file and the log already hold the checkpoint, so a failure here is reported, not fatal.
pub async fn post(url: &str, cp: &Checkpoint) -> anyhow::Result<()> {
    use http_body_util::Full;
    use hyper_util::client::legacy::{connect::HttpConnector, Client};
    use hyper_util::rt::TokioExecutor;
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(WEBHOOK_TIMEOUT));
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    let client: Client<_, Full<axum::body::Bytes>> = Client::builder(TokioExecutor::new()).build(connector);
    let req = http::Request::post(url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::USER_AGENT, "linli-audit-checkpoint")
        .body(Full::new(serde_json::to_vec(cp)?.into()))?;
    let res = tokio::time::timeout(WEBHOOK_TIMEOUT, client.request(req))
        .await
        .map_err(|_| anyhow::anyhow!("no answer within {} s", WEBHOOK_TIMEOUT.as_secs()))??;
    if !res.status().is_success() {
        anyhow::bail!("the webhook answered {}", res.status());
    }
    Ok(())
}

/// Where checkpoints go: the file in the data directory, and a webhook when configured.
#[derive(Clone, Debug)]
pub struct Targets {
    pub file: PathBuf,
    pub webhook: Option<String>,
}

/// [`write`], then the webhook copy of a new checkpoint. A webhook that fails is logged (the
/// next checkpoint is sent again in full, so nothing is lost but the interval).
pub async fn write_all(ctx: &AppCtx, to: &Targets) -> anyhow::Result<Option<Checkpoint>> {
    let cp = write(ctx, &to.file).await?;
    if let (Some(cp), Some(url)) = (&cp, &to.webhook) {
        if let Err(e) = post(url, cp).await {
            tracing::warn!(error = %e, "audit checkpoint not copied to the webhook");
        }
    }
    Ok(cp)
}
