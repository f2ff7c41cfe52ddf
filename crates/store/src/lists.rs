//! An organisation's changes to the default value lists (see `domain::lists`).

use domain::OrganisationId;
use domain::lists::{ListName, Lists, Override};

use crate::{Exec, StoreError, Ts};

#[derive(sqlx::FromRow)]
struct Row {
    list: String,
    code: String,
    label_fr: Option<String>,
    label_en: Option<String>,
    hidden: bool,
    position: Option<i64>,
}

/// The lists as the organisation sees them. Rows naming a list this version does not know are
/// skipped (a newer version wrote them).
#[tracing::instrument(skip_all)]
pub async fn for_organisation<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<Lists, StoreError> {
    let rows: Vec<Row> = sql!(
        as Row,
        fetch_all,
        exec,
        "SELECT list, code, label_fr, label_en, hidden, position FROM list_values \
         WHERE organisation_id = $1 ORDER BY list, code",
        organisation_id.as_uuid(),
    )?;
    Ok(Lists::new(
        rows.into_iter()
            .filter_map(|r| {
                Some(Override {
                    list: ListName::parse(&r.list)?,
                    code: r.code,
                    label_fr: r.label_fr,
                    label_en: r.label_en,
                    hidden: r.hidden,
                    position: r.position,
                })
            })
            .collect(),
    ))
}

/// Records the organisation's version of one value (hide, relabel, move or add it).
#[tracing::instrument(skip_all)]
pub async fn save<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    o: &Override,
    now: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "INSERT INTO list_values (organisation_id, list, code, label_fr, label_en, hidden, \
         position, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1) \
         ON CONFLICT (organisation_id, list, code) DO UPDATE SET label_fr = $4, label_en = $5, \
         hidden = $6, position = $7, updated_at = $8, version = list_values.version + 1",
        organisation_id.as_uuid(),
        o.list.as_str(),
        o.code.as_str(),
        o.label_fr.as_deref(),
        o.label_en.as_deref(),
        o.hidden,
        o.position,
        now,
    )?;
    Ok(())
}
