//! The statutory tables (issue 11 point 4, ADR 0038): the organisation's definitions, kept as
//! rows and seeded with [`domain::statistics_tables::defaults`] on first use, and their counts
//! for a scope and a period: one aggregate query a table over the persons followed (the
//! dashboard's rule), the codes mapped to the table's rows inside the query (`CASE … IN (…)`,
//! every code bound), so that a person with two resources of the same row counts once in it.

use domain::OrganisationId;
use domain::statistics::StatsScope;
use domain::statistics_tables::{Dimension, RowDef, RowKind, TableDef, born_by, defaults};
use uuid::Uuid;

use super::{FOLLOWED, Span, base_args, scope_filter};
use crate::sql::Arg;
use crate::{Db, Exec, StoreError, Ts};

/// A definition as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTable {
    pub id: Uuid,
    pub key: String,
    pub position: i64,
    pub version: i64,
    pub def: TableDef,
}

/// A table computed for a scope and a period: each row of [`TableDef::row_kinds`] with its
/// count, and the persons followed (the total; the rows' sum but for resources).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedTable {
    pub id: Uuid,
    pub key: String,
    pub def: TableDef,
    pub rows: Vec<(RowKind, i64)>,
    pub total: i64,
}

#[derive(sqlx::FromRow)]
struct TableRow {
    id: Uuid,
    key: String,
    position: i64,
    version: i64,
    title_fr: String,
    title_en: String,
    dimension: String,
    bands: String,
}

#[derive(sqlx::FromRow)]
struct RowRow {
    table_id: Uuid,
    label_fr: String,
    label_en: String,
    codes: String,
}

/// The organisation's definitions in order, as stored (none before the first use).
pub async fn stored<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
) -> Result<Vec<StoredTable>, StoreError> {
    let mut exec = exec.into();
    let tables: Vec<TableRow> = sql!(
        as TableRow,
        fetch_all,
        &mut exec,
        "SELECT id, key, position, version, title_fr, title_en, dimension, bands \
         FROM statistics_tables WHERE organisation_id = $1 ORDER BY position, id",
        organisation_id.as_uuid()
    )?;
    let rows: Vec<RowRow> = sql!(
        as RowRow,
        fetch_all,
        &mut exec,
        "SELECT r.table_id, r.label_fr, r.label_en, r.codes FROM statistics_table_rows r \
         JOIN statistics_tables t ON t.id = r.table_id WHERE t.organisation_id = $1 \
         ORDER BY r.table_id, r.position",
        organisation_id.as_uuid()
    )?;
    Ok(tables
        .into_iter()
        // A dimension this version does not know (a later one's) is left out, not guessed.
        .filter_map(|t| {
            let dimension = Dimension::parse(&t.dimension)?;
            let rows = rows
                .iter()
                .filter(|r| r.table_id == t.id)
                .map(|r| RowDef {
                    label_fr: r.label_fr.clone(),
                    label_en: r.label_en.clone(),
                    codes: r
                        .codes
                        .split(',')
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned)
                        .collect(),
                })
                .collect();
            let bands = t.bands.split(',').filter_map(|b| b.trim().parse().ok()).collect();
            Some(StoredTable {
                id: t.id,
                key: t.key,
                position: t.position,
                version: t.version,
                def: TableDef {
                    title_fr: t.title_fr,
                    title_en: t.title_en,
                    dimension,
                    bands,
                    rows,
                },
            })
        })
        .collect())
}

async fn write_rows(tx: &mut crate::Tx, id: Uuid, def: &TableDef) -> Result<(), StoreError> {
    sql!(execute, &mut *tx, "DELETE FROM statistics_table_rows WHERE table_id = $1", id)?;
    for (i, r) in def.rows.iter().enumerate() {
        sql!(
            execute,
            &mut *tx,
            "INSERT INTO statistics_table_rows (table_id, position, label_fr, label_en, codes) \
             VALUES ($1, $2, $3, $4, $5)",
            id,
            i as i64,
            r.label_fr.as_str(),
            r.label_en.as_str(),
            r.codes.join(",")
        )?;
    }
    Ok(())
}

fn bands_column(def: &TableDef) -> String {
    def.bands.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

/// Adds a table after the others, with `key` (a default's, or none: its id). `false` when
/// `key` is taken already (a default seeded meanwhile).
async fn insert(
    tx: &mut crate::Tx,
    organisation_id: OrganisationId,
    key: Option<&str>,
    def: &TableDef,
    now: Ts,
) -> Result<Option<Uuid>, StoreError> {
    let id = Uuid::now_v7();
    let key = key.map_or_else(|| id.to_string(), str::to_owned);
    let written = sql!(
        execute,
        &mut *tx,
        "INSERT INTO statistics_tables (id, organisation_id, key, position, title_fr, title_en, \
         dimension, bands, created_at, updated_at, version) \
         SELECT $1, $2, $3, COALESCE(max(position), 0) + 1, $4, $5, $6, $7, $8, $8, 1 \
         FROM statistics_tables WHERE organisation_id = $2 \
         ON CONFLICT (organisation_id, key) DO NOTHING",
        id,
        organisation_id.as_uuid(),
        key,
        def.title_fr.as_str(),
        def.title_en.as_str(),
        def.dimension.as_str(),
        bands_column(def),
        now
    )?;
    if written == 0 {
        return Ok(None);
    }
    write_rows(tx, id, def).await?;
    Ok(Some(id))
}

/// The organisation's definitions, the defaults written first if it has none yet.
pub async fn definitions(
    db: &Db,
    organisation_id: OrganisationId,
    now: Ts,
) -> Result<Vec<StoredTable>, StoreError> {
    let tables = stored(db, organisation_id).await?;
    if !tables.is_empty() {
        return Ok(tables);
    }
    let mut tx = db.begin_write().await?;
    if stored(&mut tx, organisation_id).await?.is_empty() {
        for (key, def) in defaults() {
            insert(&mut tx, organisation_id, Some(key), &def, now).await?;
        }
    }
    tx.commit().await?;
    stored(db, organisation_id).await
}

/// Adds a table of the manager's after the others.
pub async fn add(
    tx: &mut crate::Tx,
    organisation_id: OrganisationId,
    def: &TableDef,
    now: Ts,
) -> Result<Uuid, StoreError> {
    insert(tx, organisation_id, None, def, now).await?.ok_or(StoreError::Duplicate { field: "key" })
}

/// Replaces a table's definition if it is still at `version`; `false` when someone changed
/// or removed it meanwhile (nothing is written: the form says so, not overwritten).
pub async fn save_if_unchanged(
    tx: &mut crate::Tx,
    organisation_id: OrganisationId,
    id: Uuid,
    version: i64,
    def: &TableDef,
    now: Ts,
) -> Result<bool, StoreError> {
    let written = sql!(
        execute,
        &mut *tx,
        "UPDATE statistics_tables SET title_fr = $3, title_en = $4, dimension = $5, bands = $6, \
         updated_at = $7, version = version + 1 \
         WHERE organisation_id = $1 AND id = $2 AND version = $8",
        organisation_id.as_uuid(),
        id,
        def.title_fr.as_str(),
        def.title_en.as_str(),
        def.dimension.as_str(),
        bands_column(def),
        now,
        version
    )?;
    if written == 0 {
        return Ok(false);
    }
    write_rows(tx, id, def).await?;
    Ok(true)
}

/// Removes a table if it is still at `version`; `false` otherwise.
pub async fn remove_if_unchanged(
    tx: &mut crate::Tx,
    organisation_id: OrganisationId,
    id: Uuid,
    version: i64,
) -> Result<bool, StoreError> {
    let found: Option<Uuid> = sql!(
        scalar Uuid,
        fetch_optional,
        &mut *tx,
        "SELECT id FROM statistics_tables WHERE organisation_id = $1 AND id = $2 AND version = $3",
        organisation_id.as_uuid(),
        id,
        version
    )?;
    if found.is_none() {
        return Ok(false);
    }
    sql!(execute, &mut *tx, "DELETE FROM statistics_table_rows WHERE table_id = $1", id)?;
    sql!(execute, &mut *tx, "DELETE FROM statistics_tables WHERE id = $1", id)?;
    Ok(true)
}

/// The persons followed in the period in the scope: `p` a person of the organisation with a
/// case followed (the dashboard's "persons" figure).
fn persons_followed(filter: &str) -> String {
    format!(
        "p.organisation_id = $1 AND EXISTS (SELECT 1 FROM cases c WHERE c.organisation_id = $1 \
         AND c.person_id = p.id AND {FOLLOWED}{filter})"
    )
}

/// Index of a row in [`TableDef::row_kinds`] as the SQL gives it: `n` a defined row or a band
/// (youngest first), −1 other, −2 not recorded.
fn row_index(def: &TableDef, sql_row: i64) -> usize {
    let kinds = def.row_kinds();
    let wanted = match sql_row {
        -2 => RowKind::NotRecorded,
        -1 => RowKind::Other,
        n => return n as usize,
    };
    kinds.iter().position(|k| *k == wanted).unwrap_or(0)
}

/// `CASE … END` giving the row of a person (−1 other, −2 not recorded), and the `FROM` its
/// column comes from; the codes and cut-off dates bound in `args`.
fn row_case(def: &TableDef, last_day: time::Date, args: &mut Vec<Arg>) -> (String, &'static str) {
    let mut case = String::from("CASE");
    let (column, from) = match def.dimension {
        Dimension::AgeBand => {
            case.push_str(" WHEN p.birth_date IS NULL THEN -2");
            // Oldest band first: at least `edge` years old on the last day.
            for (i, edge) in def.bands.iter().enumerate().rev() {
                args.push(Arg::Date(born_by(last_day, *edge)));
                case.push_str(&format!(" WHEN p.birth_date <= ${} THEN {}", args.len(), i + 1));
            }
            case.push_str(" ELSE 0 END");
            return (case, "persons p");
        }
        Dimension::HouseholdType => ("p.family_situation", "persons p"),
        Dimension::Housing => ("p.housing_situation", "persons p"),
        Dimension::Sex => ("p.sex", "persons p"),
        Dimension::Resources => {
            ("r.code", "persons p LEFT JOIN person_resources r ON r.person_id = p.id")
        }
        Dimension::OrientationSource => ("c.orientation_source", ""),
    };
    case.push_str(&format!(" WHEN {column} IS NULL OR {column} = '' THEN -2"));
    for (i, row) in def.rows.iter().enumerate() {
        let marks: Vec<String> = row
            .codes
            .iter()
            .map(|code| {
                args.push(Arg::Text(code.clone()));
                format!("${}", args.len())
            })
            .collect();
        if !marks.is_empty() {
            case.push_str(&format!(" WHEN {column} IN ({}) THEN {i}", marks.join(", ")));
        }
    }
    case.push_str(" ELSE -1 END");
    (case, from)
}

/// Counts one table over the persons followed in `span` (whose last local day is `last_day`).
pub async fn compute<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    scope: &StatsScope,
    span: Span,
    last_day: time::Date,
    table: &StoredTable,
) -> Result<ComputedTable, StoreError> {
    let mut exec = exec.into();
    let def = &table.def;
    let mut args = base_args(organisation_id, span);
    let filter = scope_filter(scope, &mut args);
    let (case, from) = row_case(def, last_day, &mut args);
    let sql = if def.dimension == Dimension::OrientationSource {
        // The origin is a case's (a request's): this table counts the cases followed.
        format!(
            "SELECT CAST({case} AS BIGINT) AS row_n, count(*) AS count FROM cases c \
             WHERE c.organisation_id = $1 AND {FOLLOWED}{filter} GROUP BY 1"
        )
    } else {
        format!(
            "SELECT CAST({case} AS BIGINT) AS row_n, count(DISTINCT p.id) AS count FROM {from} \
             WHERE {} GROUP BY 1",
            persons_followed(&filter)
        )
    };
    let counted: Vec<(i64, i64)> = sql!(dyn as (i64, i64), fetch_all, &mut exec, &sql, args)?;
    let kinds = def.row_kinds();
    let mut rows: Vec<(RowKind, i64)> = kinds.iter().map(|k| (*k, 0)).collect();
    for (row, count) in counted {
        rows[row_index(def, row).min(kinds.len() - 1)].1 += count;
    }
    let total = if def.dimension.several_a_person() {
        let mut args = base_args(organisation_id, span);
        let filter = scope_filter(scope, &mut args);
        let sql = format!("SELECT count(*) FROM persons p WHERE {}", persons_followed(&filter));
        sql!(dyn as (i64,), fetch_one, &mut exec, &sql, args)?.0
    } else {
        rows.iter().map(|(_, n)| n).sum()
    };
    Ok(ComputedTable { id: table.id, key: table.key.clone(), def: def.clone(), rows, total })
}

/// Every statutory table of the organisation (seeded with the defaults on first use) counted
/// for `scope` and `span`, whose local days end with `last_day`: one query a table. What the
/// statistics page, the export and the annual report show.
pub async fn all_tables(
    db: &Db,
    organisation_id: OrganisationId,
    scope: &StatsScope,
    span: Span,
    last_day: time::Date,
    now: Ts,
) -> Result<Vec<ComputedTable>, StoreError> {
    let mut out = Vec::new();
    for table in definitions(db, organisation_id, now).await? {
        out.push(compute(db, organisation_id, scope, span, last_day, &table).await?);
    }
    Ok(out)
}

/// The condition on a case `c` (followed, of the scope) that its person falls in row `row` of
/// `def`, for the drill-down; arguments appended to `args`.
pub(super) fn row_predicate(
    def: &TableDef,
    row: usize,
    last_day: time::Date,
    args: &mut Vec<Arg>,
) -> String {
    let kinds = def.row_kinds();
    let wanted: i64 = match kinds.get(row) {
        Some(RowKind::Other) => -1,
        Some(RowKind::NotRecorded) => -2,
        Some(_) => row as i64,
        None => return "1 = 0".to_owned(),
    };
    let (case, from) = row_case(def, last_day, args);
    args.push(Arg::Int(wanted));
    let n = args.len();
    match def.dimension {
        Dimension::OrientationSource => format!("{FOLLOWED} AND {case} = ${n}"),
        _ => format!(
            "{FOLLOWED} AND EXISTS (SELECT 1 FROM {from} WHERE p.id = c.person_id \
             AND {case} = ${n})"
        ),
    }
}

/// The cases behind row `row` of a table: the cases followed of the scope whose person falls
/// in the row (a person with two cases followed brings both), or, for the origin of the
/// request, the cases counted. At most [`super::BEHIND_MAX`], and how many in all.
#[allow(clippy::too_many_arguments)]
pub async fn cases_behind_row<'c>(
    exec: impl Into<Exec<'c>>,
    organisation_id: OrganisationId,
    scope: &StatsScope,
    span: Span,
    last_day: time::Date,
    def: &TableDef,
    row: usize,
    viewer: domain::UserId,
) -> Result<(Vec<super::CaseBehind>, i64), StoreError> {
    let mut args = base_args(organisation_id, span);
    let filter = scope_filter(scope, &mut args);
    let predicate = row_predicate(def, row, last_day, &mut args);
    super::cases_matching(exec, &filter, &predicate, args, viewer, super::BEHIND_MAX).await
}
