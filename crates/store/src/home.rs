//! Figures for the home page, in one query.

use crate::{Exec, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct InstanceCounts {
    pub organisations: i64,
    pub teams: i64,
}

#[tracing::instrument(skip_all)]
pub async fn instance_counts<'c>(exec: impl Into<Exec<'c>>) -> Result<InstanceCounts, StoreError> {
    Ok(sql!(
        as InstanceCounts,
        fetch_one,
        exec,
        "SELECT (SELECT count(*) FROM organisations) AS organisations, \
                (SELECT count(*) FROM teams) AS teams"
    )?)
}
