//! (ssr) The durable job queue (table `jobs`): rows in `jobs`, claimed by one worker at a time with a single
//! guarded `UPDATE … RETURNING` (plus `FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers on
//! several servers never wait on each other), leased so a crashed worker's jobs are taken again,
//! retried with exponential backoff, and given up when they expire or run out of attempts.
use super::Registry;
use crate::db::entities::jobs;
use crate::db::AppCtx;
use crate::shared::error::AppError;
use chrono::{DateTime, Duration, SubsecRound, Utc};
use sea_orm::{prelude::*, sea_query::Expr, ActiveValue::Set, DbBackend, Statement};
use std::sync::Arc;

/// A job to run in the background.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: &'static str,
    pub payload: serde_json::Value,
    pub run_at: DateTime<Utc>,
    /// Given up (state `expired`) when not done by then.
    pub expires_at: Option<DateTime<Utc>>,
    pub max_attempts: i32,
}

impl NewJob {
    pub fn now(kind: &'static str, payload: serde_json::Value) -> NewJob {
        NewJob {
            kind,
            payload,
            run_at: now(),
            expires_at: None,
            max_attempts: 8,
        }
    }
}

/// How a job went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobResult {
    Done,
    /// Try again later (at least `after`, else the backoff).
    Retry {
        after: Option<std::time::Duration>,
        error: String,
    },
    /// Never try again.
    Failed(String),
}

/// A job's work done, or to be tried again after the backoff when it failed (the database was
/// busy or away): what most handlers answer.
impl<T> From<Result<T, AppError>> for JobResult {
    fn from(r: Result<T, AppError>) -> JobResult {
        match r {
            Ok(_) => JobResult::Done,
            Err(e) => JobResult::Retry {
                after: None,
                error: e.to_string(),
            },
        }
    }
}

/// Times in the queue are whole seconds, so SQLite's text timestamps compare in order.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}

fn model(j: &NewJob) -> jobs::ActiveModel {
    jobs::ActiveModel {
        kind: Set(j.kind.into()),
        payload: Set(j.payload.to_string()),
        run_at: Set(j.run_at.trunc_subsecs(0)),
        expires_at: Set(j.expires_at.map(|t| t.trunc_subsecs(0))),
        attempts: Set(0),
        max_attempts: Set(j.max_attempts),
        locked_until: Set(None),
        locked_by: Set(None),
        state: Set(JobState::Queued.into()),
        last_error: Set(None),
        created_at: Set(now()),
        done_at: Set(None),
        ..Default::default()
    }
}

crate::code_enum! {
    /// Where a job stands: queued (waiting, or leased to a worker) until done, failed or expired.
    pub enum JobState {
        Queued = "queued",
        Done = "done",
        /// Out of attempts, or refused by its handler.
        Failed = "failed",
        /// Its `expires_at` passed before it could run again.
        Expired = "expired",
    }
}

/// Queues jobs (inside the caller's transaction, so they exist exactly when its change does).
pub async fn enqueue<C: ConnectionTrait>(c: &C, js: &[NewJob]) -> Result<(), AppError> {
    for chunk in js.chunks(500) {
        jobs::Entity::insert_many(chunk.iter().map(model).collect::<Vec<_>>())
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

/// Claims up to `n` due jobs for `worker` for `lease`; each job is claimed by one worker.
pub async fn claim(
    db: &DatabaseConnection,
    worker: &str,
    n: u64,
    lease: Duration,
) -> Result<Vec<jobs::Model>, AppError> {
    let t = now();
    let backend = db.get_database_backend();
    let (skip, p) = match backend {
        DbBackend::Postgres => (" FOR UPDATE SKIP LOCKED", "$"),
        _ => ("", "?"),
    };
    let sql = format!(
        "UPDATE jobs SET locked_until = {p}1, locked_by = {p}2, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM jobs WHERE state = '{queued}' AND run_at <= {p}3 \
           AND (locked_until IS NULL OR locked_until < {p}3) ORDER BY run_at, id LIMIT {n}{skip}) \
         AND state = '{queued}' AND (locked_until IS NULL OR locked_until < {p}3) RETURNING *",
        queued = JobState::Queued.code()
    );
    let stmt = Statement::from_sql_and_values(backend, sql, [(t + lease).into(), worker.into(), t.into()]);
    Ok(jobs::Entity::find().from_raw_sql(stmt).all(db).await?)
}

/// Backoff before attempt `attempts + 1`: 30 s doubling, at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    let secs = 30i64.saturating_mul(1i64 << attempts.clamp(1, 8).saturating_sub(1));
    Duration::seconds(secs.min(3_600))
}

/// Records how a claimed job went. Only the worker holding it may.
pub async fn settle(db: &DatabaseConnection, job: &jobs::Model, worker: &str, r: &JobResult) -> Result<(), AppError> {
    let t = now();
    let mut q = jobs::Entity::update_many()
        .filter(jobs::Column::Id.eq(job.id))
        .filter(jobs::Column::LockedBy.eq(worker))
        .col_expr(jobs::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None));
    q = match r {
        JobResult::Done => q
            .col_expr(jobs::Column::State, Expr::value(JobState::Done))
            .col_expr(jobs::Column::DoneAt, Expr::value(t)),
        JobResult::Failed(e) => q
            .col_expr(jobs::Column::State, Expr::value(JobState::Failed))
            .col_expr(jobs::Column::DoneAt, Expr::value(t))
            .col_expr(
                jobs::Column::LastError,
                Expr::value(e.chars().take(500).collect::<String>()),
            ),
        JobResult::Retry { after, error } => {
            let wait = backoff(job.attempts).max(after.and_then(|a| Duration::from_std(a).ok()).unwrap_or_default());
            let next = t + wait;
            let (state, done) = if job.attempts >= job.max_attempts {
                (JobState::Failed, Some(t))
            } else if job.expires_at.is_some_and(|e| e < next) {
                (JobState::Expired, Some(t))
            } else {
                (JobState::Queued, None)
            };
            q.col_expr(jobs::Column::State, Expr::value(state))
                .col_expr(jobs::Column::RunAt, Expr::value(next))
                .col_expr(jobs::Column::DoneAt, Expr::value(done))
                .col_expr(
                    jobs::Column::LastError,
                    Expr::value(error.chars().take(500).collect::<String>()),
                )
        }
    };
    q.exec(db).await?;
    Ok(())
}

/// Claims a batch and runs it concurrently; returns how many jobs ran.
pub async fn run_once(ctx: &AppCtx, registry: &Arc<Registry>, worker: &str, batch: u64) -> Result<usize, AppError> {
    let claimed = claim(&ctx.db, worker, batch, Duration::seconds(120)).await?;
    let n = claimed.len();
    let mut set = tokio::task::JoinSet::new();
    for job in claimed {
        let ctx = ctx.clone();
        let registry = registry.clone();
        let worker = worker.to_string();
        set.spawn(async move {
            let r = registry.dispatch(ctx.clone(), &job).await;
            if let JobResult::Failed(e) | JobResult::Retry { error: e, .. } = &r {
                tracing::warn!(job = job.id, kind = %job.kind, error = %e, "job did not finish");
            }
            if let Err(e) = settle(&ctx.db, &job, &worker, &r).await {
                // The lease runs out and another worker takes it again.
                tracing::error!(job = job.id, error = %e, "could not record a job's outcome");
            }
        });
    }
    while set.join_next().await.is_some() {}
    Ok(n)
}

/// Runs jobs until the process ends: a batch at a time, resting when the queue is empty.
pub fn spawn_worker(ctx: AppCtx, registry: Arc<Registry>, worker: String) {
    tokio::spawn(async move {
        loop {
            match run_once(&ctx, &registry, &worker, 64).await {
                Ok(0) => tokio::time::sleep(std::time::Duration::from_millis(500)).await,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "job queue unavailable");
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_an_hour() {
        let s: Vec<i64> = (1..=9).map(|a| backoff(a).num_seconds()).collect();
        assert_eq!(s, vec![30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(0).num_seconds(), 30);
    }
}
