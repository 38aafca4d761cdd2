//! Every area's background work in one table: job handlers by kind and periodic tasks. An
//! area that gains background work adds one line here (and its `jobs.rs`); nothing else
//! names a job kind's handler.
use app::jobs::Registry;

/// The registry this server runs. `reconcile_minutes` = 0 turns payment reconciliation off.
pub fn registry(reconcile_minutes: u64) -> Registry {
    let mut r = Registry::new();
    app::notify::jobs::register(&mut r);
    app::files::jobs::register(&mut r);
    app::billing::jobs::register(&mut r);
    app::payments::jobs::register(&mut r, reconcile_minutes);
    app::tickets::jobs::register(&mut r);
    app::engineering::jobs::register(&mut r);
    app::governance::jobs::register(&mut r);
    app::community::jobs::register(&mut r);
    app::amenities::jobs::register(&mut r);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every job kind the app enqueues (a `pub const …: &str` in an area's `jobs.rs`) has a
    /// handler, nothing is registered twice, and every kind literal passed to `NewJob` is
    /// one of those constants: an unhandled kind fails here, not silently at run time.
    #[test]
    fn every_job_kind_the_app_enqueues_has_one_handler() {
        let r = registry(10);
        assert!(r.problems().is_empty(), "{:?}", r.problems());
        let kinds = r.kinds();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
        let mut declared = Vec::new();
        let mut literal_uses = Vec::new();
        for entry in walk(&src) {
            let text = std::fs::read_to_string(&entry).unwrap();
            let is_jobs_file = entry.file_name().is_some_and(|n| n == "jobs.rs");
            let lines: Vec<&str> = text.lines().map(str::trim).collect();
            for (i, t) in lines.iter().enumerate() {
                if is_jobs_file && t.starts_with("pub const ") && t.contains(": &str = \"") {
                    let kind = t.split('"').nth(1).unwrap_or_default().to_string();
                    declared.push((entry.display().to_string(), kind));
                }
                let literal_kind = t.contains("NewJob::now(\"")
                    || (t.ends_with("NewJob {") && lines.get(i + 1).is_some_and(|n| n.starts_with("kind: \"")));
                if literal_kind && !entry.starts_with(src.join("jobs")) {
                    literal_uses.push(format!("{}:{}: {t}", entry.display(), i + 1));
                }
            }
        }
        assert!(
            declared.len() >= 4,
            "found the job kinds declared in the areas' jobs.rs: {declared:?}"
        );
        for (file, kind) in &declared {
            assert!(
                kinds.contains(&kind.as_str()),
                "{file} declares job kind {kind} but no handler is registered for it"
            );
        }
        assert!(
            literal_uses.is_empty(),
            "enqueue job kinds through their constant: {literal_uses:?}"
        );
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
        out
    }
}
