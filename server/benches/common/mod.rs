//! What the benchmarks share: a fresh database (a SQLite file, or a new PostgreSQL database
//! when a URL is given) and percentiles.
#![allow(dead_code)]
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::time::Duration;

pub async fn open(url: Option<&str>) -> DatabaseConnection {
    let db = match url {
        Some(base) => {
            let admin = server::connect(base).await.expect("connect PostgreSQL");
            let name = format!("linli_bench_{}", std::process::id());
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                .await
                .unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            let i = base.rfind('/').expect("a database path in the URL");
            server::connect(&format!("{}/{name}", &base[..i])).await.unwrap()
        }
        None => {
            let dir = std::env::temp_dir().join(format!("linli-bench-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            server::connect(&format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()))
                .await
                .unwrap()
        }
    };
    server::migrate(&db).await.unwrap();
    db
}

/// The `p` percentile (0–1) of `v`, in milliseconds.
pub fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1000.0
}
