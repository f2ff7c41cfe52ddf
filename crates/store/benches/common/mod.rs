//! What the store's benches share: figures from the environment, quantiles, and a scratch
//! database on either engine that is removed afterwards. Each bench uses part of it.
#![allow(dead_code)] // Each bench target compiles this module and uses only some of it.

use std::error::Error;

use sqlx::Connection;
use uuid::Uuid;

pub type BenchResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// Names a PostgreSQL server on which a bench makes, then drops, a fresh database.
pub const POSTGRES_VAR: &str = "PASSERELLE_BENCH_POSTGRES_URL";

pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The value at quantile `q` (nearest rank) of sorted samples.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

pub fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// Median and min – max of a few figures, one per round.
pub fn spread(v: &[f64]) -> (f64, f64, f64) {
    let s = sorted(v.to_vec());
    (quantile(&s, 0.5), s[0], s[s.len() - 1])
}

/// `postgres://host/db?x` → (`postgres://host`, `?x`).
pub fn split_postgres_url(url: &str) -> (&str, &str) {
    let (without_query, query) = match url.find('?') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    let authority_start = without_query.find("://").map_or(0, |i| i + 3);
    match without_query[authority_start..].find('/') {
        Some(i) => (&without_query[..authority_start + i], query),
        None => (without_query, query),
    }
}

async fn admin_execute(admin_url: &str, statement: &str) -> BenchResult<()> {
    let mut conn = sqlx::PgConnection::connect(admin_url).await?;
    sqlx::query(statement).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// What to remove once a bench is done.
pub enum Cleanup {
    /// A database the user named: kept.
    Keep,
    Folder(std::path::PathBuf),
    Database {
        admin_url: String,
        name: String,
    },
}

/// The database a bench runs on: its URL, what it is, what to remove afterwards.
pub struct Scratch {
    pub url: String,
    pub label: String,
    pub cleanup: Cleanup,
}

/// A fresh database for the bench `name`: on the PostgreSQL server [`POSTGRES_VAR`] names,
/// else a SQLite file in a folder of its own under the temporary folder.
pub async fn scratch(name: &str) -> BenchResult<Scratch> {
    let tag = format!("{}_{}", std::process::id(), Uuid::now_v7().simple());
    match std::env::var(POSTGRES_VAR).ok().filter(|v| !v.is_empty()) {
        Some(admin_url) => {
            let db = format!("passerelle_bench_{name}_{tag}");
            admin_execute(&admin_url, &format!("CREATE DATABASE {db}")).await?;
            let (base, query) = split_postgres_url(&admin_url);
            Ok(Scratch {
                url: format!("{base}/{db}{query}"),
                label: format!("PostgreSQL, fresh database {db}"),
                cleanup: Cleanup::Database { admin_url, name: db },
            })
        }
        None => {
            let dir = std::env::temp_dir().join(format!("passerelle-bench-{name}-{tag}"));
            std::fs::create_dir_all(&dir)?;
            let path = dir.join("bench.db");
            Ok(Scratch {
                url: format!("sqlite:{}", path.display()),
                label: format!("SQLite, {}", path.display()),
                cleanup: Cleanup::Folder(dir),
            })
        }
    }
}

pub async fn cleanup(cleanup: Cleanup) {
    let result = match &cleanup {
        Cleanup::Keep => Ok(()),
        Cleanup::Folder(dir) => std::fs::remove_dir_all(dir).map_err(Into::into),
        Cleanup::Database { admin_url, name } => {
            admin_execute(admin_url, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await
        }
    };
    if let Err(e) = result {
        eprintln!("cleanup failed: {e}");
    }
}
