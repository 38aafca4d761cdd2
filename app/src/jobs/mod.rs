//! (ssr) Background work shared by every area: the durable queue ([`queue`], table `jobs`) and
//! the [`Registry`] that maps each job kind to its handler and lists the periodic tasks.
//!
//! This module names no business area. Each area keeps its handlers and periodic tasks in its
//! own `jobs.rs` with a `register(&mut Registry)`; the composition root (`server/src/jobs.rs`)
//! calls every area's `register` in one table and starts the worker and the tasks with
//! [`spawn`]. A job of a kind nobody registered fails (and is logged) instead of being dropped,
//! and the server's tests check that every kind an area enqueues is registered.
pub mod queue;

pub use queue::{enqueue, JobResult, NewJob};

use crate::db::entities::jobs;
use crate::db::AppCtx;
use crate::shared::error::AppError;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// A job handler's future.
pub type JobFuture = Pin<Box<dyn Future<Output = JobResult> + Send>>;
/// A periodic task's future: `Some(summary)` when it did something worth an info log line.
pub type TaskFuture = Pin<Box<dyn Future<Output = Result<Option<String>, AppError>> + Send>>;

type Handler = Arc<dyn Fn(AppCtx, serde_json::Value) -> JobFuture + Send + Sync>;
type Task = Arc<dyn Fn(AppCtx) -> TaskFuture + Send + Sync>;

/// A task every server runs on an interval. Tasks must be safe to run on several servers at
/// once (guarded updates, unique keys): app servers keep no state of their own.
#[derive(Clone)]
pub struct Periodic {
    pub name: &'static str,
    pub every: Duration,
    run: Task,
}

/// Job handlers by kind, and the periodic tasks.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: BTreeMap<&'static str, Handler>,
    periodic: Vec<Periodic>,
    /// Kinds or task names registered twice: a wiring mistake [`Registry::problems`] reports.
    twice: Vec<&'static str>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Runs jobs of `kind` with `f(ctx, payload)`.
    pub fn handle<F, Fut>(&mut self, kind: &'static str, f: F)
    where
        F: Fn(AppCtx, serde_json::Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = JobResult> + Send + 'static,
    {
        let h: Handler = Arc::new(move |ctx, payload| Box::pin(f(ctx, payload)));
        if self.handlers.insert(kind, h).is_some() {
            self.twice.push(kind);
        }
    }

    /// Runs `f(ctx)` every `every` (the first time right after start).
    pub fn every<F, Fut>(&mut self, name: &'static str, every: Duration, f: F)
    where
        F: Fn(AppCtx) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Option<String>, AppError>> + Send + 'static,
    {
        if self.periodic.iter().any(|p| p.name == name) {
            self.twice.push(name);
        }
        self.periodic.push(Periodic {
            name,
            every,
            run: Arc::new(move |ctx| Box::pin(f(ctx))),
        });
    }

    /// The job kinds that have a handler, in order.
    pub fn kinds(&self) -> Vec<&'static str> {
        self.handlers.keys().copied().collect()
    }

    pub fn periodic(&self) -> &[Periodic] {
        &self.periodic
    }

    /// Wiring mistakes: a kind or task registered twice (the later one would win silently).
    pub fn problems(&self) -> Vec<String> {
        self.twice
            .iter()
            .map(|k| format!("job kind or periodic task {k} is registered twice"))
            .collect()
    }

    /// Runs one claimed job by its kind.
    pub async fn dispatch(&self, ctx: AppCtx, job: &jobs::Model) -> JobResult {
        if job.expires_at.is_some_and(|e| e < queue::now()) {
            return JobResult::Failed("expired".into());
        }
        let payload: serde_json::Value = match serde_json::from_str(&job.payload) {
            Ok(v) => v,
            Err(e) => return JobResult::Failed(format!("payload: {e}")),
        };
        match self.handlers.get(job.kind.as_str()) {
            Some(h) => h(ctx, payload).await,
            None => JobResult::Failed(format!("unknown job kind {}", job.kind)),
        }
    }
}

/// Starts this server's background work: the queue worker and one loop per periodic task.
pub fn spawn(ctx: AppCtx, registry: Arc<Registry>, worker: String) {
    for p in registry.periodic().iter().cloned() {
        let ctx = ctx.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(p.every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match (p.run)(ctx.clone()).await {
                    Ok(Some(summary)) => tracing::info!(task = p.name, "{summary}"),
                    Ok(None) => tracing::debug!(task = p.name, "periodic task found nothing to do"),
                    Err(e) => tracing::warn!(task = p.name, error = %e, "periodic task failed"),
                }
            }
        });
    }
    queue::spawn_worker(ctx, registry, worker);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_or_task_registered_twice_is_reported() {
        let mut r = Registry::new();
        r.handle("a", |_, _| async { JobResult::Done });
        r.handle("b", |_, _| async { JobResult::Done });
        r.every("t", Duration::from_secs(1), |_| async { Ok(None) });
        assert!(r.problems().is_empty());
        assert_eq!(r.kinds(), vec!["a", "b"]);
        r.handle("a", |_, _| async { JobResult::Failed("second".into()) });
        r.every("t", Duration::from_secs(2), |_| async { Ok(None) });
        assert_eq!(r.problems().len(), 2, "{:?}", r.problems());
    }
}
