//! Typed configuration: every setting is a flag with an environment variable and a default
//! that runs with no setup.
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LINLI_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: String,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Mark cookies Secure and send HSTS. Turn on when users reach Linli over HTTPS.
    #[arg(long, env = "LINLI_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
    /// Comma-separated IPs of reverse proxies whose X-Forwarded-For is believed.
    #[arg(long, env = "LINLI_TRUSTED_PROXIES", default_value = "", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,
    /// Minutes without a request after which a session ends.
    #[arg(long, env = "LINLI_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: i64,
    /// Hours after login after which a session ends however active.
    #[arg(long, env = "LINLI_SESSION_ABSOLUTE_HOURS", default_value_t = 12)]
    pub session_absolute_hours: i64,
    /// Failed logins per account within the window before it is throttled.
    #[arg(long, env = "LINLI_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: u64,
    /// Failed logins per client IP within the window before it is throttled.
    #[arg(long, env = "LINLI_LOGIN_MAX_FAILURES_PER_IP", default_value_t = 30)]
    pub login_max_failures_per_ip: u64,
    /// Where the built site (pkg/, static files) lives.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Stripe secret key (`sk_live_…`/`sk_test_…`). Without it online payment is off and the
    /// resident's page says so; the counter works either way.
    #[arg(long, env = "LINLI_STRIPE_SECRET_KEY", default_value = "", hide_env_values = true)]
    pub stripe_secret_key: String,
    /// The webhook endpoint's signing secrets (`whsec_…`), comma-separated, newest first: the
    /// old one stays accepted while a rotation is under way.
    #[arg(
        long,
        env = "LINLI_STRIPE_WEBHOOK_SECRET",
        default_value = "",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub stripe_webhook_secret: Vec<String>,
    /// Stripe's API address (tests and staging point it at a stand-in).
    #[arg(long, env = "LINLI_STRIPE_API_BASE", default_value = "")]
    pub stripe_api_base: String,
    /// The address residents reach Linli at; the provider sends them back there.
    #[arg(long, env = "LINLI_PUBLIC_URL", default_value = "")]
    pub public_url: String,
    /// A URL that receives a copy of every audit checkpoint as JSON (POST), kept where nobody
    /// with access to this machine can rewrite it. Empty: the data directory's file and the log only.
    #[arg(long, env = "LINLI_AUDIT_WEBHOOK_URL", default_value = "")]
    pub audit_webhook_url: String,
    /// Minutes between reconciliations with the provider's event list (0 = never).
    #[arg(long, env = "LINLI_RECONCILE_MINUTES", default_value_t = 10)]
    pub reconcile_minutes: u64,
    /// The VAPID private key for Web Push (base64url of the 32-byte P-256 scalar). Empty: the
    /// key in `$LINLI_DATA_DIR/vapid.pem`, made on first start. Every server of one
    /// installation needs the same key, or browsers' subscriptions stop working.
    #[arg(long, env = "LINLI_VAPID_PRIVATE_KEY", default_value = "", hide_env_values = true)]
    pub vapid_private_key: String,
    /// Where push services can reach the operators (`mailto:` or `https:`), sent in VAPID tokens.
    #[arg(long, env = "LINLI_PUSH_CONTACT", default_value = "mailto:ops@linli.invalid")]
    pub push_contact: String,
    /// SMTP relay for e-mail notices: `smtps://user:pass@smtp.example.com` (TLS, port 465),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), or plain `smtp://127.0.0.1:2525`
    /// (loopback only: a local relay or a test server). Empty: no e-mail.
    #[arg(long, env = "LINLI_SMTP_URL", default_value = "", hide_env_values = true)]
    pub smtp_url: String,
    /// The sender of e-mail notices.
    #[arg(long, env = "LINLI_MAIL_FROM", default_value = "邻里 <noreply@linli.invalid>")]
    pub mail_from: String,
    /// Text messages: empty = none; `log` = written to the log only (development; no SMS
    /// provider is built in yet).
    #[arg(long, env = "LINLI_SMS_PROVIDER", default_value = "")]
    pub sms_provider: String,
    /// S3-compatible bucket for uploaded photos (AWS S3, MinIO, Aliyun OSS, Tencent COS …).
    /// Empty: photos are kept in the folder `uploads` of the data directory.
    #[arg(long, env = "LINLI_S3_BUCKET", default_value = "")]
    pub s3_bucket: String,
    /// The bucket service's address (`https://minio.example.com:9000`). Empty: AWS S3 itself.
    #[arg(long, env = "LINLI_S3_ENDPOINT", default_value = "")]
    pub s3_endpoint: String,
    /// The bucket's region (services other than AWS mostly accept any).
    #[arg(long, env = "LINLI_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    /// Access key of an account that may read, write and delete in the bucket. Empty (with the
    /// secret): AWS's own sources (instance role, web identity).
    #[arg(long, env = "LINLI_S3_ACCESS_KEY_ID", default_value = "", hide_env_values = true)]
    pub s3_access_key_id: String,
    #[arg(long, env = "LINLI_S3_SECRET_ACCESS_KEY", default_value = "", hide_env_values = true)]
    pub s3_secret_access_key: String,
    /// Allow a plain `http://` endpoint (a MinIO on the same host or private network only).
    #[arg(long, env = "LINLI_S3_ALLOW_HTTP", default_value_t = false)]
    pub s3_allow_http: bool,
    /// Address the bucket as `endpoint/bucket` (MinIO and most compatible services); `false`:
    /// as `bucket.endpoint` (then the endpoint names the bucket too).
    #[arg(long, env = "LINLI_S3_PATH_STYLE", default_value_t = true, action = clap::ArgAction::Set)]
    pub s3_path_style: bool,
    /// Load the demo community into an empty database at start.
    #[arg(long, env = "LINLI_DEMO", default_value_t = false)]
    pub demo: bool,
}

#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Folder for the SQLite file, uploads and generated keys.
    #[arg(long, env = "LINLI_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
    /// Database URL; defaults to a SQLite file in the data directory.
    /// `postgres://user:pass@host:5432/db` switches to PostgreSQL.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Master key (64 hex digits or base64 of 32 bytes) that encrypts personal data such as ID
    /// numbers. Unset: a key file `data.key` is created in the data directory on first start.
    /// Several servers sharing one database must all use the same key.
    #[arg(long, env = "LINLI_DATA_KEY", global = true, hide_env_values = true)]
    pub data_key: Option<String>,
    /// Log as JSON lines (for log collectors) instead of text.
    #[arg(long, env = "LINLI_LOG_JSON", default_value_t = false, global = true)]
    pub log_json: bool,
}

impl CommonArgs {
    /// The data key: from `LINLI_DATA_KEY`, else the key file in the data directory (created
    /// with owner-only permissions when missing).
    pub fn data_key(&self) -> anyhow::Result<app::shared::sealed::DataKey> {
        use anyhow::Context;
        use app::shared::sealed::DataKey;
        if let Some(k) = self.data_key.as_deref().filter(|k| !k.trim().is_empty()) {
            let master =
                DataKey::parse_master(k).context("LINLI_DATA_KEY must be 64 hex digits or base64 of 32 bytes")?;
            return Ok(DataKey::from_master(master));
        }
        let path = self.data_dir.join("data.key");
        match std::fs::read_to_string(&path) {
            Ok(s) => {
                let master = DataKey::parse_master(&s)
                    .with_context(|| format!("{} does not hold a 32-byte key", path.display()))?;
                Ok(DataKey::from_master(master))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let master = DataKey::random_master();
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
                use std::io::Write;
                opts.open(&path)
                    .and_then(|mut f| f.write_all(hex::encode(master).as_bytes()))
                    .with_context(|| format!("creating the data key file {}", path.display()))?;
                tracing::info!(path = %path.display(), "created a new data key; back it up with the database");
                Ok(DataKey::from_master(master))
            }
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(u) if !u.is_empty() => u.clone(),
            _ => format!("sqlite://{}?mode=rwc", self.data_dir.join("linli.db").display()),
        }
    }
}
