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

/// One of the organisation's stored changes with its version, for a page that edits them with
/// optimistic locking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOverride {
    pub change: Override,
    /// Starts at 1 and grows with every write; a value without a stored change is at 0.
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct VersionedRow {
    code: String,
    label_fr: Option<String>,
    label_en: Option<String>,
    hidden: bool,
    position: Option<i64>,
    version: i64,
}

/// The organisation's stored changes to one list, with their versions, by code.
#[tracing::instrument(skip_all)]
pub async fn for_list<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    list: ListName,
) -> Result<Vec<StoredOverride>, StoreError> {
    let rows: Vec<VersionedRow> = sql!(
        as VersionedRow,
        fetch_all,
        exec,
        "SELECT code, label_fr, label_en, hidden, position, version FROM list_values \
         WHERE organisation_id = $1 AND list = $2 ORDER BY code",
        organisation_id.as_uuid(),
        list.as_str(),
    )?;
    Ok(rows
        .into_iter()
        .map(|r| StoredOverride {
            change: Override {
                list,
                code: r.code,
                label_fr: r.label_fr,
                label_en: r.label_en,
                hidden: r.hidden,
                position: r.position,
            },
            version: r.version,
        })
        .collect())
}

/// Records the organisation's version of one value only if nobody changed it since it was
/// read at `expected` (0: no stored change yet, so this creates it, which is also how an
/// organisation's own value is added). `false` when it changed meanwhile (or, at 0, when the
/// code is already taken): nothing is written.
#[tracing::instrument(skip_all)]
pub async fn save_if_unchanged<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    o: &Override,
    expected: i64,
    now: Ts,
) -> Result<bool, StoreError> {
    let written = if expected == 0 {
        sql!(
            execute,
            exec,
            "INSERT INTO list_values (organisation_id, list, code, label_fr, label_en, hidden, \
             position, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1) \
             ON CONFLICT (organisation_id, list, code) DO NOTHING",
            organisation_id.as_uuid(),
            o.list.as_str(),
            o.code.as_str(),
            o.label_fr.as_deref(),
            o.label_en.as_deref(),
            o.hidden,
            o.position,
            now,
        )?
    } else {
        sql!(
            execute,
            exec,
            "UPDATE list_values SET label_fr = $4, label_en = $5, hidden = $6, position = $7, \
             updated_at = $8, version = version + 1 \
             WHERE organisation_id = $1 AND list = $2 AND code = $3 AND version = $9",
            organisation_id.as_uuid(),
            o.list.as_str(),
            o.code.as_str(),
            o.label_fr.as_deref(),
            o.label_en.as_deref(),
            o.hidden,
            o.position,
            now,
            expected,
        )?
    };
    Ok(written == 1)
}
