//! E-mail notices: a notice reaches the address the user saved, through a real SMTP
//! conversation with a small server started by the test; the message is read back with an
//! independent parser (RFC 2047 subject, transfer-encoded body). 4xx replies and unreachable
//! relays are retried, 5xx ones fail; muted categories and users without an address get no
//! e-mail; a bad address is refused naming the field.

use app::db::entities::jobs;
use app::db::RuntimeConfig;
use app::notify::channel::SmtpChannel;
use app::notify::model::Category;

use crate::common::*;
use app::jobs::queue;
use app::notify::service::{raise, Notice};
use axum::http::StatusCode;
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// What the SMTP server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Accept,
    /// `451` after the message: come back later.
    Later,
    /// `550` to the recipient: no such mailbox.
    Never,
}

#[derive(Debug, Clone)]
struct Mail {
    from: String,
    to: Vec<String>,
    data: String,
}

#[derive(Clone)]
struct Smtp {
    mode: Arc<Mutex<Mode>>,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl Smtp {
    fn set(&self, m: Mode) {
        *self.mode.lock().unwrap() = m;
    }
    fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}

/// The address inside `MAIL FROM:<a>` / `RCPT TO:<a>`.
fn angle(cmd: &str) -> String {
    let s = cmd.split_once('<').map_or("", |(_, r)| r);
    s.split('>').next().unwrap_or("").to_string()
}

/// Enough of RFC 5321 for one client: greeting, EHLO/HELO, MAIL, RCPT, DATA (dot-unstuffed),
/// RSET, NOOP, QUIT.
async fn session(sock: TcpStream, s: Smtp) -> std::io::Result<()> {
    let (r, mut w) = sock.into_split();
    let mut r = BufReader::new(r);
    w.write_all(b"220 fake.test ESMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::<String>::new());
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if r.read_until(b'\n', &mut buf).await? == 0 {
            return Ok(());
        }
        let cmd = String::from_utf8_lossy(&buf).trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        let mode = *s.mode.lock().unwrap();
        let reply: &str = if upper.starts_with("EHLO") {
            "250-fake.test\r\n250 8BITMIME"
        } else if upper.starts_with("HELO") {
            "250 fake.test"
        } else if upper.starts_with("MAIL FROM:") {
            from = angle(&cmd);
            to.clear();
            "250 2.1.0 OK"
        } else if upper.starts_with("RCPT TO:") {
            if mode == Mode::Never {
                "550 5.1.1 no such mailbox"
            } else {
                to.push(angle(&cmd));
                "250 2.1.5 OK"
            }
        } else if upper == "DATA" {
            w.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let mut data = String::new();
            loop {
                buf.clear();
                if r.read_until(b'\n', &mut buf).await? == 0 {
                    return Ok(());
                }
                let line = String::from_utf8_lossy(&buf).to_string();
                if line == ".\r\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            if mode == Mode::Later {
                "451 4.3.0 try again later"
            } else {
                s.mails.lock().unwrap().push(Mail {
                    from: from.clone(),
                    to: to.clone(),
                    data,
                });
                "250 2.0.0 queued"
            }
        } else if upper == "RSET" {
            from.clear();
            to.clear();
            "250 2.0.0 OK"
        } else if upper == "NOOP" {
            "250 2.0.0 OK"
        } else if upper == "QUIT" {
            w.write_all(b"221 2.0.0 bye\r\n").await?;
            return Ok(());
        } else {
            "502 5.5.2 not implemented"
        };
        w.write_all(format!("{reply}\r\n").as_bytes()).await?;
    }
}

async fn smtp_server() -> (String, Smtp) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let s = Smtp {
        mode: Arc::new(Mutex::new(Mode::Accept)),
        mails: Arc::default(),
    };
    let s2 = s.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = l.accept().await {
            tokio::spawn(session(sock, s2.clone()));
        }
    });
    (format!("smtp://{addr}"), s)
}

async fn world_mailing_to(url: &str) -> World {
    let ch = SmtpChannel::from_url(url, "邻里 <noreply@linli.invalid>", Duration::from_secs(5)).unwrap();
    world_with(
        RuntimeConfig {
            public_url: "https://linli.example".into(),
            ..Default::default()
        }
        .with(app::notify::channel::Outbound {
            email: Some(Arc::new(ch)),
            ..Default::default()
        }),
    )
    .await
}

fn notice(category: Category, key: &str) -> Notice {
    Notice {
        category,
        title: "报修已派工".into(),
        body: "维修师傅王师傅将于今天下午 3 点上门，请留人在家。".into(),
        link: "/repair".into(),
        dedupe: Some(key.into()),
        ttl: chrono::Duration::hours(6),
        broadcast: None,
        replace: false,
        urgent: false,
    }
}

async fn set_email(w: &World, token: &str, email: &str, muted: serde_json::Value) -> crate::common::Resp {
    w.json(
        "PUT",
        "/api/v1/me/notify-prefs",
        Some(token),
        &json!({"muted": muted, "quiet_from": "00:00", "quiet_to": "00:00", "email": email}),
    )
    .await
}

async fn email_jobs(w: &World) -> Vec<jobs::Model> {
    jobs::Entity::find()
        .filter(jobs::Column::Kind.eq("email"))
        .all(&w.ctx.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_notice_is_mailed_with_its_chinese_title_text_and_link() {
    let (url, smtp) = smtp_server().await;
    let w = world_mailing_to(&url).await;
    w.resident("13900000001", "张三").await;
    let tok = w.token("13900000001").await;
    let r = set_email(&w, &tok, " zhang.san@example.com ", json!([])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["email"], "zhang.san@example.com");
    let user = authed(&w, "13900000001").await.user_id;
    assert_eq!(
        raise(&w.ctx.db, &[user], &notice(Category::Repairs, "t:1"))
            .await
            .unwrap(),
        1
    );
    // No devices: the e-mail is the only job.
    assert_eq!(jobs::Entity::find().count(&w.ctx.db).await.unwrap(), 1);
    assert_eq!(email_jobs(&w).await.len(), 1);
    assert_eq!(drain(&w).await, 1);
    let job = &email_jobs(&w).await[0];
    assert_eq!(job.state, "done", "{:?}", job.last_error);

    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert_eq!(m.from, "noreply@linli.invalid");
    assert_eq!(m.to, vec!["zhang.san@example.com".to_string()]);
    // Headers travel as ASCII: the subject is RFC 2047 encoded.
    let subject_line = m
        .data
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("subject:"))
        .expect("a Subject header");
    assert!(subject_line.is_ascii() && subject_line.contains("=?"), "{subject_line}");
    let msg = mail_parser::MessageParser::default()
        .parse(m.data.as_bytes())
        .expect("a parseable message");
    assert_eq!(msg.subject(), Some("报修已派工"));
    assert!(
        msg.message_id().is_some_and(|id| id.ends_with("@linli.invalid")),
        "{:?}",
        msg.message_id()
    );
    let from = msg.from().and_then(|a| a.first()).unwrap();
    assert_eq!(from.name(), Some("邻里"));
    assert_eq!(from.address(), Some("noreply@linli.invalid"));
    assert_eq!(
        msg.to().and_then(|a| a.first()).and_then(|a| a.address()),
        Some("zhang.san@example.com")
    );
    let text = msg.body_text(0).expect("a text body");
    assert!(
        text.contains("维修师傅王师傅将于今天下午 3 点上门，请留人在家。"),
        "{text}"
    );
    assert!(text.contains("https://linli.example/repair"), "{text}");
    assert!(text.contains("https://linli.example/me/notifications"), "{text}");

    // Raising it again sends nothing more; neither does running the queue again.
    assert_eq!(
        raise(&w.ctx.db, &[user], &notice(Category::Repairs, "t:1"))
            .await
            .unwrap(),
        0
    );
    assert_eq!(drain(&w).await, 0);
    assert_eq!(smtp.mails().len(), 1);
}

#[tokio::test]
async fn a_4xx_reply_is_retried_and_a_5xx_reply_fails() {
    let (url, smtp) = smtp_server().await;
    let w = world_mailing_to(&url).await;
    w.resident("13900000001", "张三").await;
    let tok = w.token("13900000001").await;
    assert_eq!(
        set_email(&w, &tok, "zhang.san@example.com", json!([])).await.status,
        StatusCode::OK
    );
    let user = authed(&w, "13900000001").await.user_id;

    smtp.set(Mode::Later);
    raise(&w.ctx.db, &[user], &notice(Category::Repairs, "t:1"))
        .await
        .unwrap();
    assert_eq!(drain(&w).await, 1);
    let job = email_jobs(&w).await.remove(0);
    assert_eq!(job.state, "queued", "451 is worth another try");
    assert_eq!(job.attempts, 1);
    assert!(
        job.last_error.as_deref().unwrap_or("").contains("451"),
        "{:?}",
        job.last_error
    );
    assert!(job.run_at > queue::now(), "waits for its backoff");
    assert_eq!(drain(&w).await, 0);

    // Later the relay refuses the mailbox for good.
    smtp.set(Mode::Never);
    jobs::Entity::update_many()
        .col_expr(jobs::Column::RunAt, Expr::value(queue::now()))
        .filter(jobs::Column::Id.eq(job.id))
        .exec(&w.ctx.db)
        .await
        .unwrap();
    assert_eq!(drain(&w).await, 1);
    let job = email_jobs(&w).await.remove(0);
    assert_eq!(job.state, "failed");
    assert_eq!(job.attempts, 2);
    assert!(
        job.last_error.as_deref().unwrap_or("").contains("550"),
        "{:?}",
        job.last_error
    );
    assert!(smtp.mails().is_empty());
}

#[tokio::test]
async fn an_unreachable_relay_is_retried() {
    // A port nobody listens on any more.
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    let w = world_mailing_to(&format!("smtp://{addr}")).await;
    w.resident("13900000001", "张三").await;
    let tok = w.token("13900000001").await;
    assert_eq!(
        set_email(&w, &tok, "zhang.san@example.com", json!([])).await.status,
        StatusCode::OK
    );
    let user = authed(&w, "13900000001").await.user_id;
    raise(&w.ctx.db, &[user], &notice(Category::Bills, "b:1"))
        .await
        .unwrap();
    assert_eq!(drain(&w).await, 1);
    let job = email_jobs(&w).await.remove(0);
    assert_eq!(job.state, "queued", "{:?}", job.last_error);
    assert_eq!(job.attempts, 1);
}

#[tokio::test]
async fn only_unmuted_categories_of_users_with_a_valid_address_are_mailed() {
    // No SMTP configured on this server.
    let w = world().await;
    w.resident("13900000001", "张三").await;
    w.resident("13900000002", "李四").await;
    let tok = w.token("13900000001").await;
    let zhang = authed(&w, "13900000001").await.user_id;
    let li = authed(&w, "13900000002").await.user_id;

    for bad in [
        "zhang.san",
        "zhang@",
        "a b@example.com",
        "x@example.com\r\nBcc: y@example.com",
    ] {
        let r = set_email(&w, &tok, bad, json!([])).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}: {}", r.body);
        assert_eq!(r.json()["error"]["field"], "email", "{}", r.body);
    }
    let r = set_email(&w, &tok, "zhang.san@example.com", json!(["repairs"])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = w.get("/api/v1/me/notify-prefs", Some(&tok)).await;
    assert_eq!(r.json()["email"], "zhang.san@example.com");

    // Muted category: inbox only. Li saved no address: inbox only.
    raise(&w.ctx.db, &[zhang, li], &notice(Category::Repairs, "t:1"))
        .await
        .unwrap();
    assert!(email_jobs(&w).await.is_empty());
    raise(&w.ctx.db, &[zhang, li], &notice(Category::Bills, "b:1"))
        .await
        .unwrap();
    let js = email_jobs(&w).await;
    assert_eq!(js.len(), 1, "only Zhang's bill notice");

    // Without SMTP the job fails and says why, once.
    assert_eq!(drain(&w).await, 1);
    let job = email_jobs(&w).await.remove(0);
    assert_eq!(job.state, "failed");
    assert_eq!(job.last_error.as_deref(), Some("email not configured"));

    // Clearing the address stops e-mail.
    let r = set_email(&w, &tok, "", json!([])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["email"], "");
    raise(&w.ctx.db, &[zhang], &notice(Category::Bills, "b:2"))
        .await
        .unwrap();
    assert_eq!(email_jobs(&w).await.len(), 1);
}
