//! The organisation's figures from day summaries (ADR 0043, issue 11 point 7).
//!
//! A figure that adds up day by day (contacts, appointments, documents, cases opened and
//! closed, closures, referrals, checks after closure and what held) is kept per organisation
//! and day in `stats_days`: what [`Source`]'s SQL, the dashboard's own, counts for that day.
//! Every write of a counted row marks its day dirty (triggers of migration 0045, in the
//! writing transaction); [`refresh`] recomputes the dirty days from the rows, then the
//! dashboard sums the whole days of its period and counts the two ragged ends (the hours
//! between the period's local bounds and the nearest UTC midnights) with the same SQL over the
//! rows. A day's summary is never adjusted by a delta: it is always what the SQL gives over
//! that day, so it cannot drift from the rows.
//!
//! Days are UTC dates of the instant a figure is keyed on, so a summary does not depend on the
//! organisation's time zone; figures kept by date (checks after closure, by `due_on`) use the
//! date itself and have no ragged ends.

use domain::OrganisationId;
use time::{Date, OffsetDateTime, Time};
use uuid::Uuid;

use super::{ACCEPTED, CONTACT, Count, DECLINED, ReferralCount, Span, seconds_between};
use crate::db::{Db, Engine};
use crate::sql::Arg;
use crate::{StoreError, Ts};

/// How one figure is computed from its rows: the dashboard's SQL for the organisation's scope,
/// with the column its day is taken from.
struct Source {
    figure: &'static str,
    /// The column the figure is keyed on: an instant, or a date when `by_date`.
    key: &'static str,
    by_date: bool,
    /// `FROM … WHERE …` for the organisation `$1`, without the key's range.
    from_where: String,
    code: String,
    code2: &'static str,
    ref_id: &'static str,
    /// `n` and `v1` to `v4`, each an aggregate.
    values: [String; 5],
    /// What the line is grouped by, the day aside.
    group: &'static str,
}

/// The families of figures: the unit of dirtiness (what a trigger marks) and of building.
/// `spans` counts the follow spans of [`SUBJECTS`], recomputed first.
/// `outcomes` counts the steps of [`super::steps`], recomputed first too.
const FAMILIES: [&str; 8] =
    ["contacts", "appointments", "documents", "cases", "referrals", "checks", "spans", "outcomes"];

/// The subjects whose distinct number is counted through follow spans: `stats_spans.kind` and
/// the column of `cases` naming the subject.
const SUBJECTS: [(&str, &str); 2] = [("person", "person_id"), ("household", "household_id")];

fn zero() -> String {
    "0".to_owned()
}

fn sources(family: &str, engine: Engine) -> Vec<Source> {
    let postgres = engine == Engine::Postgres;
    match family {
        "contacts" => vec![Source {
            figure: "contacts",
            key: "e.occurred_at",
            by_date: false,
            from_where: format!(
                "FROM case_entries e WHERE e.organisation_id = $1 AND e.case_id IS NOT NULL \
                 AND {CONTACT}"
            ),
            code: "COALESCE(e.note_type, '')".to_owned(),
            code2: "''",
            ref_id: "NULL",
            values: [
                "count(*)".to_owned(),
                "COALESCE(sum(e.duration_minutes), 0)".to_owned(),
                "count(e.duration_minutes)".to_owned(),
                zero(),
                zero(),
            ],
            group: "COALESCE(e.note_type, '')",
        }],
        "appointments" => vec![Source {
            figure: "appointments",
            key: "a.starts_at",
            by_date: false,
            from_where: "FROM appointments a WHERE a.organisation_id = $1 \
                         AND a.case_id IS NOT NULL"
                .to_owned(),
            code: "a.status".to_owned(),
            code2: "''",
            ref_id: "NULL",
            values: ["count(*)".to_owned(), zero(), zero(), zero(), zero()],
            group: "a.status",
        }],
        "documents" => vec![Source {
            figure: "documents",
            key: "d.created_at",
            by_date: false,
            from_where: "FROM documents d WHERE d.organisation_id = $1 AND d.case_id IS NOT NULL"
                .to_owned(),
            code: "''".to_owned(),
            code2: "''",
            ref_id: "NULL",
            values: ["count(*)".to_owned(), zero(), zero(), zero(), zero()],
            group: "",
        }],
        "cases" => {
            let count = |figure, key, condition: &str, code: &str, group| Source {
                figure,
                key,
                by_date: false,
                from_where: format!("FROM cases c WHERE c.organisation_id = $1{condition}"),
                code: code.to_owned(),
                code2: "''",
                ref_id: "NULL",
                values: ["count(*)".to_owned(), zero(), zero(), zero(), zero()],
                group,
            };
            vec![
                count("opened", "c.opened_at", "", "''", ""),
                count("closed_at", "c.closed_at", " AND c.closed_at IS NOT NULL", "''", ""),
                count(
                    "closures",
                    "c.closed_at",
                    " AND c.status = 'closed' AND c.closed_at IS NOT NULL",
                    "COALESCE(c.closure_reason, '')",
                    "COALESCE(c.closure_reason, '')",
                ),
            ]
        }
        "referrals" => {
            let answer = seconds_between(postgres, "r.sent_at", "r.answered_at");
            vec![Source {
                figure: "referrals",
                key: "r.sent_at",
                by_date: false,
                from_where: "FROM referrals r WHERE r.organisation_id = $1 \
                             AND r.case_id IS NOT NULL AND r.sent_at IS NOT NULL"
                    .to_owned(),
                code: if postgres { "r.service_id::text" } else { "lower(hex(r.service_id))" }
                    .to_owned(),
                code2: "''",
                ref_id: "r.service_id",
                values: [
                    "count(*)".to_owned(),
                    format!("COALESCE(sum(CASE WHEN {ACCEPTED} THEN 1 ELSE 0 END), 0)"),
                    format!("COALESCE(sum(CASE WHEN {DECLINED} THEN 1 ELSE 0 END), 0)"),
                    "count(r.answered_at)".to_owned(),
                    format!("COALESCE(sum({answer}), 0)"),
                ],
                group: "r.service_id",
            }]
        }
        "checks" => vec![
            Source {
                figure: "checks",
                key: "k.due_on",
                by_date: true,
                from_where: "FROM case_follow_ups k WHERE k.organisation_id = $1 \
                             AND k.case_id IS NOT NULL"
                    .to_owned(),
                code: "k.status".to_owned(),
                code2: "''",
                ref_id: "NULL",
                values: [
                    "count(*)".to_owned(),
                    "count(CASE WHEN k.status = 'done' THEN k.wellbeing END)".to_owned(),
                    "COALESCE(sum(CASE WHEN k.status = 'done' THEN k.wellbeing END), 0)".to_owned(),
                    "count(CASE WHEN k.status = 'done' THEN k.power_to_act END)".to_owned(),
                    "COALESCE(sum(CASE WHEN k.status = 'done' THEN k.power_to_act END), 0)"
                        .to_owned(),
                ],
                group: "k.status",
            },
            Source {
                figure: "held",
                key: "k.due_on",
                by_date: true,
                from_where: "FROM case_follow_ups k JOIN case_follow_up_domains d \
                             ON d.follow_up_id = k.id WHERE k.organisation_id = $1 \
                             AND d.organisation_id = $1 AND k.case_id IS NOT NULL \
                             AND k.status = 'done'"
                    .to_owned(),
                code: "d.domain_code".to_owned(),
                code2: "d.outcome",
                ref_id: "NULL",
                values: ["count(*)".to_owned(), zero(), zero(), zero(), zero()],
                group: "d.domain_code, d.outcome",
            },
        ],
        "spans" => {
            let count = |figure, key, condition: &str| Source {
                figure,
                key,
                by_date: false,
                from_where: format!("FROM stats_spans s WHERE s.organisation_id = $1{condition}"),
                code: "s.kind".to_owned(),
                code2: "''",
                ref_id: "NULL",
                values: ["count(*)".to_owned(), zero(), zero(), zero(), zero()],
                group: "s.kind",
            };
            vec![
                count("span_open", "s.opened_at", ""),
                count("span_close", "s.closed_at", " AND s.closed_at IS NOT NULL"),
            ]
        }
        "outcomes" => {
            let count = |figure, key, condition: &str| Source {
                figure,
                key,
                by_date: true,
                from_where: format!(
                    "FROM stats_case_steps s WHERE s.organisation_id = $1{condition}"
                ),
                code: "s.code".to_owned(),
                code2: "s.state",
                ref_id: "NULL",
                values: ["count(*)".to_owned(), zero(), zero(), zero(), zero()],
                group: "s.code, s.state",
            };
            vec![
                count("step_start", "s.eff_from", ""),
                count("step_end", "s.to_day", " AND s.to_day IS NOT NULL"),
                count(
                    "step_closed",
                    "s.closed_day",
                    " AND s.to_day IS NULL AND s.late = 0 AND s.closed_day IS NOT NULL",
                ),
            ]
        }
        _ => vec![],
    }
}

/// Rewrites the follow spans and gaps of the subjects of `kind` marked in
/// `stats_dirty_subjects`, or of every subject when `all`: the union of their cases' follow
/// intervals (`[opened_at, closed_at]`, open-ended while not closed), overlapping or touching
/// ones merged, and the gaps between them.
async fn rewrite_spans(
    tx: &mut crate::db::Tx,
    engine: Engine,
    org: Uuid,
    kind: &str,
    column: &str,
    all: bool,
) -> Result<(), StoreError> {
    // Only the marked subjects, unless `all`: the condition on `column`.
    let marked = |column: &str| {
        if all {
            String::new()
        } else {
            format!(
                " AND {column} IN (SELECT subject_id FROM stats_dirty_subjects \
                 WHERE organisation_id = $1 AND kind = $2)"
            )
        }
    };
    for table in ["stats_gaps", "stats_spans"] {
        let sql = format!(
            "DELETE FROM {table} WHERE organisation_id = $1 AND kind = $2{}",
            marked("subject_id")
        );
        sql!(dyn execute, &mut *tx, &sql, vec![Arg::Uuid(org), Arg::Text(kind.to_owned())])?;
    }
    let case_marked = marked(&format!("c.{column}"));
    let never = match engine {
        Engine::Postgres => "'infinity'::timestamptz",
        Engine::Sqlite => "'9999-12-31T23:59:59.999999Z'",
    };
    // `reach`: how far the subject's earlier cases go; a case opened after it starts a span.
    let sql = format!(
        "WITH ordered AS (SELECT c.{column} AS subject_id, c.id, c.opened_at, c.closed_at, \
         max(COALESCE(c.closed_at, {never})) OVER (PARTITION BY c.{column} \
         ORDER BY c.opened_at, c.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach \
         FROM cases c WHERE c.organisation_id = $1 AND c.{column} IS NOT NULL{case_marked}), \
         islands AS (SELECT subject_id, opened_at, closed_at, \
         sum(CASE WHEN reach IS NULL OR opened_at > reach THEN 1 ELSE 0 END) \
         OVER (PARTITION BY subject_id ORDER BY opened_at, id ROWS UNBOUNDED PRECEDING) AS island \
         FROM ordered) \
         INSERT INTO stats_spans (organisation_id, kind, subject_id, opened_at, closed_at) \
         SELECT $1, $2, subject_id, min(opened_at), \
         CASE WHEN count(closed_at) = count(*) THEN max(closed_at) END \
         FROM islands GROUP BY subject_id, island"
    );
    sql!(dyn execute, &mut *tx, &sql, vec![Arg::Uuid(org), Arg::Text(kind.to_owned())])?;
    let spans_marked = marked("s.subject_id");
    let sql = format!(
        "INSERT INTO stats_gaps (organisation_id, kind, subject_id, gap_start, gap_end) \
         SELECT $1, $2, subject_id, closed_at, next_opened FROM (SELECT s.subject_id, \
         s.closed_at, lead(s.opened_at) OVER (PARTITION BY s.subject_id ORDER BY s.opened_at) \
         AS next_opened FROM stats_spans s WHERE s.organisation_id = $1 AND s.kind = $2\
         {spans_marked}) g WHERE next_opened IS NOT NULL"
    );
    sql!(dyn execute, &mut *tx, &sql, vec![Arg::Uuid(org), Arg::Text(kind.to_owned())])?;
    Ok(())
}

/// The UTC date of an instant column, in the engine's SQL.
fn utc_day(engine: Engine, column: &str) -> String {
    match engine {
        Engine::Postgres => format!("stats_utc_day({column})"),
        Engine::Sqlite => format!("substr({column}, 1, 10)"),
    }
}

impl Source {
    fn day(&self, engine: Engine) -> String {
        if self.by_date { self.key.to_owned() } else { utc_day(engine, self.key) }
    }

    /// `{prefix}` and what the line is grouped by, the day aside; nothing when there is none.
    fn grouped(&self, prefix: &str) -> String {
        if self.group.is_empty() { String::new() } else { format!("{prefix}{}", self.group) }
    }

    fn values(&self) -> String {
        let names = ["n", "v1", "v2", "v3", "v4"];
        let values =
            self.values.iter().zip(names).map(|(v, n)| format!("CAST({v} AS BIGINT) AS {n}"));
        values.collect::<Vec<_>>().join(", ")
    }

    /// The lines of the days `[$2, $3]` (dates) or of the instants `[$2, $3)`, or of every day
    /// when `whole`, written to `stats_days`.
    fn recompute_sql(&self, engine: Engine, whole: bool) -> String {
        let day = self.day(engine);
        let range = match (whole, self.by_date) {
            (true, _) => String::new(),
            (false, true) => format!(" AND {k} >= $2 AND {k} <= $3", k = self.key),
            (false, false) => format!(" AND {k} >= $2 AND {k} < $3", k = self.key),
        };
        let group = self.grouped(", ");
        format!(
            "INSERT INTO stats_days (organisation_id, figure, day, code, code2, ref_id, \
             n, v1, v2, v3, v4) \
             SELECT $1, '{figure}', {day}, {code}, {code2}, {ref_id}, {values} \
             {from_where}{range} GROUP BY {day}{group}",
            figure = self.figure,
            code = self.code,
            code2 = self.code2,
            ref_id = self.ref_id,
            values = self.values(),
            from_where = self.from_where,
        )
    }

    /// The figure's lines over the instants `[$from, $until)`, counted from the rows.
    fn rows_sql(&self, from: usize, until: usize) -> String {
        let group = self.grouped(" GROUP BY ");
        let vals = self.values();
        format!(
            "SELECT {code} AS code, {code2} AS code2, {ref_id} AS ref_id, {vals} \
             {from_where} AND {k} >= ${from} AND {k} < ${until}{group}",
            code = self.code,
            code2 = self.code2,
            ref_id = self.ref_id,
            from_where = self.from_where,
            k = self.key,
        )
    }
}

fn midnight(day: Date) -> Ts {
    Ts::from(day.with_time(Time::MIDNIGHT).assume_utc())
}

fn utc_date(ts: Ts) -> Date {
    OffsetDateTime::from(ts).date()
}

/// Recomputes the organisation's dirty days, and builds the families never built: after it,
/// `stats_days` says what the rows say, for every day.
#[tracing::instrument(skip_all)]
pub async fn refresh(db: &Db, organisation_id: OrganisationId) -> Result<(), StoreError> {
    let org = organisation_id.as_uuid();
    // Most reads find nothing to do: no write transaction for them.
    let (marked, built): (i64, i64) = sql!(
        as (i64, i64),
        fetch_one,
        db,
        "SELECT (SELECT count(*) FROM stats_dirty WHERE organisation_id = $1) \
         + (SELECT count(*) FROM stats_dirty_subjects WHERE organisation_id = $1) \
         + (SELECT count(*) FROM stats_dirty_cases WHERE organisation_id = $1), \
         (SELECT count(*) FROM stats_built WHERE organisation_id = $1)",
        org
    )?;
    if marked == 0 && built == FAMILIES.len() as i64 {
        return Ok(());
    }
    let engine = db.engine();
    let mut tx = db.begin_write().await?;
    if engine == Engine::Postgres {
        // The organisation's statistics lock, exclusively: writes that marked hold it shared
        // until they commit (migration 0047), so this waits for them, and the writes that
        // come meanwhile wait at their mark: every mark deleted below is of a committed
        // write whose rows are read. One recomputation at a time, too. (SQLite's write lock
        // does both there.)
        sql!(
            execute,
            &mut tx,
            "SELECT pg_advisory_xact_lock(hashtext('passerelle.stats.' || $1::text))",
            org
        )?;
    }
    let spans_built = is_built(&mut tx, org, "spans").await?;
    for (kind, column) in SUBJECTS {
        rewrite_spans(&mut tx, engine, org, kind, column, !spans_built).await?;
    }
    sql!(execute, &mut tx, "DELETE FROM stats_dirty_subjects WHERE organisation_id = $1", org)?;
    let outcomes_built = is_built(&mut tx, org, "outcomes").await?;
    let zone = super::steps::zone(&mut tx, org).await?;
    super::steps::rewrite(&mut tx, org, zone.as_deref(), !outcomes_built).await?;
    for family in FAMILIES {
        let sql = "SELECT day FROM stats_dirty WHERE organisation_id = $1 AND family = $2 \
                   ORDER BY day";
        let days: Vec<Date> = sql!(dyn as DayRow, fetch_all, &mut tx, sql, vec![
            Arg::Uuid(org),
            Arg::Text(family.to_owned())
        ])?
        .into_iter()
        .map(|r| r.day)
        .collect();
        let built = is_built(&mut tx, org, family).await?;
        let sources = sources(family, engine);
        if !built {
            for s in &sources {
                sql!(
                    execute,
                    &mut tx,
                    "DELETE FROM stats_days WHERE organisation_id = $1 AND figure = $2",
                    org,
                    s.figure
                )?;
                let sql = s.recompute_sql(engine, true);
                sql!(dyn execute, &mut tx, &sql, vec![Arg::Uuid(org)])?;
            }
            sql!(
                execute,
                &mut tx,
                "INSERT INTO stats_built (organisation_id, family, built_at) VALUES ($1, $2, $3)",
                org,
                family,
                Ts::now()
            )?;
        }
        for (first, last) in runs(&days) {
            if built {
                for s in &sources {
                    sql!(
                        execute,
                        &mut tx,
                        "DELETE FROM stats_days WHERE organisation_id = $1 AND figure = $2 \
                         AND day >= $3 AND day <= $4",
                        org,
                        s.figure,
                        first,
                        last
                    )?;
                    let (from, until) = if s.by_date {
                        (Arg::Date(first), Arg::Date(last))
                    } else {
                        (
                            Arg::Ts(midnight(first)),
                            Arg::Ts(midnight(last.next_day().unwrap_or(last))),
                        )
                    };
                    let sql = s.recompute_sql(engine, false);
                    sql!(dyn execute, &mut tx, &sql, vec![Arg::Uuid(org), from, until])?;
                }
            }
            // Only the days read above; no write could mark one since (the lock).
            sql!(
                execute,
                &mut tx,
                "DELETE FROM stats_dirty WHERE organisation_id = $1 AND family = $2 \
                 AND day >= $3 AND day <= $4",
                org,
                family,
                first,
                last
            )?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Whether `family` was computed whole once for the organisation.
async fn is_built(tx: &mut crate::db::Tx, org: Uuid, family: &str) -> Result<bool, StoreError> {
    let found: Option<i64> = sql!(
        scalar i64,
        fetch_optional,
        &mut *tx,
        "SELECT CAST(1 AS BIGINT) FROM stats_built WHERE organisation_id = $1 AND family = $2",
        org,
        family
    )?;
    Ok(found.is_some())
}

#[derive(sqlx::FromRow)]
struct DayRow {
    day: Date,
}

/// Consecutive days grouped: `[1, 2, 3, 7]` gives `(1, 3), (7, 7)`.
fn runs(days: &[Date]) -> Vec<(Date, Date)> {
    let mut out: Vec<(Date, Date)> = Vec::new();
    for &d in days {
        match out.last_mut() {
            Some((_, last)) if last.next_day() == Some(d) => *last = d,
            _ => out.push((d, d)),
        }
    }
    out
}

/// A period cut into the whole UTC days inside it and the two ragged ends.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cut {
    /// The whole days, `[first, until)`.
    pub first: Date,
    pub until: Date,
    /// The period's start, and the midnight of `first`: the head `[from, head_end)`.
    pub from: Ts,
    pub head_end: Ts,
    /// The midnight of `until`, and the period's end: the tail `[tail_start, end)`.
    pub tail_start: Ts,
    pub end: Ts,
}

/// The whole UTC days of `span`, `None` when there is not one.
pub(crate) fn cut(span: Span) -> Option<Cut> {
    let start = OffsetDateTime::from(span.from);
    let first =
        if start.time() == Time::MIDNIGHT { start.date() } else { start.date().next_day()? };
    let until = utc_date(span.until);
    (first < until).then(|| Cut {
        first,
        until,
        from: span.from,
        head_end: midnight(first),
        tail_start: midnight(until),
        end: span.until,
    })
}

/// One line summed over a period.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Line {
    code: String,
    code2: String,
    n: i64,
    v1: i64,
    v2: i64,
    v3: i64,
    v4: i64,
}

/// `SELECT code, code2, ref_id, n, v1…v4` of `figure`: the whole days' summaries and the rows
/// of the two ends, not yet added up. Arguments: `$1` organisation, `$2` first day, `$3` day
/// after the last, `$4`..`$7` the ends.
fn parts_sql(engine: Engine, family: &str, figure: &str) -> String {
    let source = sources(family, engine).into_iter().find(|s| s.figure == figure);
    let source = source.expect("every figure read has a source");
    format!(
        "SELECT code, code2, ref_id, n, v1, v2, v3, v4 FROM stats_days \
         WHERE organisation_id = $1 AND figure = '{figure}' AND day >= $2 AND day < $3 \
         UNION ALL {} UNION ALL {}",
        source.rows_sql(4, 5),
        source.rows_sql(6, 7)
    )
}

fn cut_args(org: Uuid, cut: &Cut) -> Vec<Arg> {
    vec![
        Arg::Uuid(org),
        Arg::Date(cut.first),
        Arg::Date(cut.until),
        Arg::Ts(cut.from),
        Arg::Ts(cut.head_end),
        Arg::Ts(cut.tail_start),
        Arg::Ts(cut.end),
    ]
}

/// The summed lines of `figure` over the cut period, in `order`.
async fn summed(
    db: &Db,
    org: Uuid,
    cut: &Cut,
    family: &str,
    figure: &str,
    order: &str,
) -> Result<Vec<Line>, StoreError> {
    let sql = format!(
        "SELECT code, code2, CAST(sum(n) AS BIGINT) AS n, CAST(sum(v1) AS BIGINT) AS v1, \
         CAST(sum(v2) AS BIGINT) AS v2, CAST(sum(v3) AS BIGINT) AS v3, \
         CAST(sum(v4) AS BIGINT) AS v4 FROM ({}) x GROUP BY code, code2 ORDER BY {order}",
        parts_sql(db.engine(), family, figure)
    );
    Ok(sql!(dyn as Line, fetch_all, db, &sql, cut_args(org, cut))?)
}

/// The figures of the organisation's activity that add up day by day, over a period with
/// at least one whole UTC day.
pub(crate) struct Additive {
    pub contacts: Vec<super::ContactCount>,
    pub appointments: Vec<Count>,
    pub documents: i64,
    pub closures: Vec<Count>,
    pub opened: i64,
    /// Cases opened before the period's end, and cases closed (any state) before its start.
    pub opened_before_end: i64,
    pub closed_before_start: i64,
    pub referrals: Vec<ReferralCount>,
}

pub(crate) async fn additive(
    db: &Db,
    organisation_id: OrganisationId,
    cut: &Cut,
) -> Result<Additive, StoreError> {
    let org = organisation_id.as_uuid();
    let engine = db.engine();
    let contacts = summed(db, org, cut, "contacts", "contacts", "3 DESC, 1")
        .await?
        .into_iter()
        .map(|l| super::ContactCount {
            code: l.code,
            count: l.n,
            minutes: l.v1,
            with_duration: l.v2,
        })
        .collect();
    let count = |l: Line| Count { code: l.code, count: l.n };
    let appointments = summed(db, org, cut, "appointments", "appointments", "1")
        .await?
        .into_iter()
        .map(count)
        .collect();
    let documents =
        summed(db, org, cut, "documents", "documents", "1").await?.iter().map(|l| l.n).sum();
    let closures = summed(db, org, cut, "cases", "closures", "3 DESC, 1")
        .await?
        .into_iter()
        .map(count)
        .collect();
    let opened = summed(db, org, cut, "cases", "opened", "1").await?.iter().map(|l| l.n).sum();
    let cases = "FROM cases c WHERE c.organisation_id = $1 AND $5 = ''";
    let opened_before_end =
        before(db, org, "opened", "", cases, "c.opened_at", cut.until, cut.end).await?;
    let start_day = utc_date(cut.from);
    let closed_before_start =
        before(db, org, "closed_at", "", cases, "c.closed_at", start_day, cut.from).await?;

    let sql = format!(
        "SELECT x.ref_id AS service_id, s.name AS service, p.name AS partner, \
         CAST(sum(x.n) AS BIGINT) AS sent, CAST(sum(x.v1) AS BIGINT) AS accepted, \
         CAST(sum(x.v2) AS BIGINT) AS declined, CAST(sum(x.v3) AS BIGINT) AS answered, \
         CAST(sum(x.v4) AS BIGINT) AS answer_seconds FROM ({}) x \
         JOIN partner_services s ON s.id = x.ref_id \
         JOIN partner_organisations p ON p.id = s.partner_id \
         GROUP BY x.ref_id, s.name, p.name ORDER BY sum(x.n) DESC, s.name, x.ref_id",
        parts_sql(engine, "referrals", "referrals")
    );
    let referrals: Vec<ReferralCount> =
        sql!(dyn as ReferralCount, fetch_all, db, &sql, cut_args(org, cut))?;
    Ok(Additive {
        contacts,
        appointments,
        documents,
        closures,
        opened,
        opened_before_end,
        closed_before_start,
        referrals,
    })
}

/// How many rows of `from_where` (organisation `$1`) have `column` (an instant) before
/// `end`: the days before `day` from their summaries (`figure`, `code`), the hours from
/// `day`'s midnight to `end` from the rows.
#[allow(clippy::too_many_arguments)]
async fn before(
    db: &Db,
    org: Uuid,
    figure: &str,
    code: &str,
    from_where: &str,
    column: &str,
    day: Date,
    end: Ts,
) -> Result<i64, StoreError> {
    let sql = format!(
        "SELECT CAST(COALESCE((SELECT sum(n) FROM stats_days WHERE organisation_id = $1 \
         AND figure = '{figure}' AND code = $5 AND day < $2), 0) AS BIGINT) + \
         (SELECT count(*) {from_where} AND {column} >= $3 AND {column} < $4)"
    );
    let args = vec![
        Arg::Uuid(org),
        Arg::Date(day),
        Arg::Ts(midnight(day)),
        Arg::Ts(end),
        Arg::Text(code.to_owned()),
    ];
    let (n,): (i64,) = sql!(dyn as (i64,), fetch_one, db, &sql, args)?;
    Ok(n)
}

/// How many persons (`kind` `person`) or households (`household`) have a case followed in the
/// period: the follow spans opened before its end, less those closed before its start, less
/// the gaps inside it (migration 0046 says why).
pub(crate) async fn followed_subjects(
    db: &Db,
    organisation_id: OrganisationId,
    cut: &Cut,
    kind: &str,
) -> Result<i64, StoreError> {
    let org = organisation_id.as_uuid();
    let spans = "FROM stats_spans s WHERE s.organisation_id = $1 AND s.kind = $5";
    let opened =
        before(db, org, "span_open", kind, spans, "s.opened_at", cut.until, cut.end).await?;
    let start_day = utc_date(cut.from);
    let closed =
        before(db, org, "span_close", kind, spans, "s.closed_at", start_day, cut.from).await?;
    let (gaps,): (i64,) = sql!(
        as (i64,),
        fetch_one,
        db,
        "SELECT count(*) FROM stats_gaps WHERE organisation_id = $1 AND kind = $2 \
         AND gap_start >= $3 AND gap_start < $4 AND gap_end < $4",
        org,
        kind,
        cut.from,
        cut.end
    )?;
    Ok(opened - closed - gaps)
}

/// The checks after closure due in `[first, last]` (local dates, no ends): by state with the
/// done checks' wellbeing and power to act; and per domain and outcome, what held.
pub(crate) async fn checks(
    db: &Db,
    organisation_id: OrganisationId,
    first: Date,
    last: Date,
) -> Result<(super::CheckCounts, Vec<(String, String, i64)>), StoreError> {
    let args = || vec![Arg::Uuid(organisation_id.as_uuid()), Arg::Date(first), Arg::Date(last)];
    let sql = "SELECT code, code2, CAST(sum(n) AS BIGINT) AS n, CAST(sum(v1) AS BIGINT) AS v1, \
               CAST(sum(v2) AS BIGINT) AS v2, CAST(sum(v3) AS BIGINT) AS v3, \
               CAST(sum(v4) AS BIGINT) AS v4 FROM stats_days WHERE organisation_id = $1 \
               AND figure = $4 AND day >= $2 AND day <= $3 GROUP BY code, code2 \
               ORDER BY code, code2";
    let mut a = args();
    a.push(Arg::Text("checks".to_owned()));
    let lines: Vec<Line> = sql!(dyn as Line, fetch_all, db, sql, a)?;
    let mut c = super::CheckCounts::default();
    for l in &lines {
        c.due += l.n;
        match l.code.as_str() {
            "done" => c.done += l.n,
            "missed" => c.missed += l.n,
            _ => {}
        }
        c.wellbeing_n += l.v1;
        c.wellbeing_sum += l.v2;
        c.power_n += l.v3;
        c.power_sum += l.v4;
    }
    let mut a = args();
    a.push(Arg::Text("held".to_owned()));
    let held: Vec<Line> = sql!(dyn as Line, fetch_all, db, sql, a)?;
    Ok((c, held.into_iter().map(|l| (l.code, l.code2, l.n)).collect()))
}

/// Everything a family's summaries hold for the organisation, against the same SQL run over
/// all its rows: the lines that differ (none when the summaries are exact). What
/// `passerelle statistics verify` and the tests check.
pub async fn verify(db: &Db, organisation_id: OrganisationId) -> Result<Vec<String>, StoreError> {
    refresh(db, organisation_id).await?;
    let org = organisation_id.as_uuid();
    let engine = db.engine();
    let mut problems = Vec::new();
    for family in FAMILIES {
        for s in sources(family, engine) {
            let day = s.day(engine);
            let group = s.grouped(", ");
            let rows = format!(
                "SELECT CAST({day} AS TEXT) AS day, {code} AS code, {code2} AS code2, {vals} \
                 {fw} GROUP BY {day}{group}",
                code = s.code,
                code2 = s.code2,
                vals = s.values(),
                fw = s.from_where,
            );
            let kept = format!(
                "SELECT CAST(day AS TEXT) AS day, code, code2, n, v1, v2, v3, v4 FROM stats_days \
                 WHERE organisation_id = $1 AND figure = '{}'",
                s.figure
            );
            // Each side computed once, then compared as sets (a correlated comparison would
            // compute the rows' side again for every summary line).
            for (left, right, what) in [(&rows, &kept, "missing from"), (&kept, &rows, "not in")] {
                let sql = format!(
                    "SELECT day, code, code2 FROM ({left} EXCEPT {right}) d ORDER BY day, code, code2"
                );
                let missing: Vec<(String, String, String)> = sql!(dyn as (String, String, String), fetch_all, db, &sql, vec![Arg::Uuid(org)])?;
                problems.extend(missing.into_iter().map(|(day, code, code2)| {
                    format!("{}: {day} {code} {code2} {what} the summaries", s.figure)
                }));
            }
        }
    }
    Ok(problems)
}

/// Forgets every summary of the organisation: the next read computes them again from the rows.
pub async fn rebuild(db: &Db, organisation_id: OrganisationId) -> Result<(), StoreError> {
    let org = organisation_id.as_uuid();
    let mut tx = db.begin_write().await?;
    for table in ["stats_days", "stats_built"] {
        let sql = format!("DELETE FROM {table} WHERE organisation_id = $1");
        sql!(dyn execute, &mut tx, &sql, vec![Arg::Uuid(org)])?;
    }
    tx.commit().await?;
    refresh(db, organisation_id).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn consecutive_days_make_one_run() {
        let days = [
            date!(2025 - 01 - 30),
            date!(2025 - 01 - 31),
            date!(2025 - 02 - 01),
            date!(2025 - 02 - 05),
        ];
        assert_eq!(
            runs(&days),
            vec![
                (date!(2025 - 01 - 30), date!(2025 - 02 - 01)),
                (date!(2025 - 02 - 05), date!(2025 - 02 - 05))
            ]
        );
        assert!(runs(&[]).is_empty());
    }

    #[test]
    fn a_paris_year_is_its_whole_utc_days_and_two_ends() {
        // 2025 in Paris: from 2024-12-31T23:00Z to 2025-12-31T23:00Z.
        let span = Span {
            from: Ts::from(datetime!(2024-12-31 23:00 UTC)),
            until: Ts::from(datetime!(2025-12-31 23:00 UTC)),
        };
        let c = cut(span).unwrap();
        assert_eq!((c.first, c.until), (date!(2025 - 01 - 01), date!(2025 - 12 - 31)));
        assert_eq!(c.head_end, Ts::from(datetime!(2025-01-01 00:00 UTC)));
        assert_eq!(c.tail_start, Ts::from(datetime!(2025-12-31 00:00 UTC)));
        // A UTC year has empty ends.
        let utc = Span {
            from: Ts::from(datetime!(2025-01-01 00:00 UTC)),
            until: Ts::from(datetime!(2026-01-01 00:00 UTC)),
        };
        let c = cut(utc).unwrap();
        assert_eq!((c.first, c.until), (date!(2025 - 01 - 01), date!(2026 - 01 - 01)));
        assert_eq!(c.from, c.head_end);
        assert_eq!(c.tail_start, c.end);
        // Less than a whole day: no cut, the rows are read.
        let short = Span {
            from: Ts::from(datetime!(2025-03-01 10:00 UTC)),
            until: Ts::from(datetime!(2025-03-02 09:00 UTC)),
        };
        assert!(cut(short).is_none());
    }
}
