//! The organisation's outcome figures from steps (ADR 0043, migration 0047): the life
//! domains' first-versus-latest rating and the goals of the cases followed.
//!
//! For one case and one domain rated at least twice, "the latest rating up to D compared with
//! the first" changes only on the days of its ratings: each rating after the first starts a
//! step (improved, same, worsened) lasting until the next one. A goal is a step that never
//! ends. Each step starts no earlier than the local day its case opened, so a step counts on
//! D exactly when its case had opened by then. The figure for the period `[first, last]` is
//! the steps valid on `last` (day sums of starts less ends), less those of the cases closed
//! before `first` ([`read`]). A case's steps are computed here, in Rust, from its ratings and
//! goals ([`case_steps`]), when a trigger marked it.

use std::collections::BTreeMap;

use domain::OrganisationId;
use time::Date;
use uuid::Uuid;

use super::{DomainChange, Span};
use crate::db::{Db, Tx};
use crate::sql::Arg;
use crate::{StoreError, Ts};

/// One step as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    pub kind: &'static str,
    pub code: String,
    pub seq: i64,
    pub state: &'static str,
    pub eff_from: Date,
    pub to_day: Option<Date>,
    pub late: bool,
    pub closed_day: Option<Date>,
}

/// A rating as read: its domain, level and the order of its assessment.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct Rating {
    pub case_id: Uuid,
    pub organisation_id: Uuid,
    pub domain_code: String,
    pub need_level: i64,
    pub assessed_on: Date,
}

/// The steps of one case: `opened` and `closed` its local days, `ratings` of one case in the
/// order of its assessments (day, creation, id) and grouped by domain, `goals` the local days
/// its goals were set.
pub(crate) fn case_steps(
    opened: Date,
    closed: Option<Date>,
    ratings: &[Rating],
    goals: &[Date],
) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut by_domain: BTreeMap<&str, Vec<&Rating>> = BTreeMap::new();
    for r in ratings {
        by_domain.entry(r.domain_code.as_str()).or_default().push(r);
    }
    for (code, chain) in by_domain {
        let Some((first, later)) = chain.split_first() else { continue };
        let mut chain_steps = Vec::new();
        for (i, r) in later.iter().enumerate() {
            let to_day = later.get(i + 1).map(|n| n.assessed_on);
            let eff_from = r.assessed_on.max(opened);
            if to_day.is_some_and(|to| eff_from >= to) {
                continue;
            }
            let state = match r.need_level.cmp(&first.need_level) {
                std::cmp::Ordering::Less => "improved",
                std::cmp::Ordering::Equal => "same",
                std::cmp::Ordering::Greater => "worsened",
            };
            chain_steps.push(Step {
                kind: "domain",
                code: code.to_owned(),
                seq: i as i64,
                state,
                eff_from,
                to_day,
                late: false,
                closed_day: closed,
            });
        }
        // After the closing day only the last step can be valid, unless a step starts after
        // it: then the whole chain is read from the rows ("late").
        let late = match (closed, chain_steps.last()) {
            (Some(c), Some(last)) => last.eff_from > c,
            _ => false,
        };
        for mut s in chain_steps {
            s.late = late;
            steps.push(s);
        }
    }
    for (i, set) in goals.iter().enumerate() {
        let eff_from = (*set).max(opened);
        steps.push(Step {
            kind: "goal",
            code: String::new(),
            seq: i as i64,
            state: "goal",
            eff_from,
            to_day: None,
            late: closed.is_some_and(|c| eff_from > c),
            closed_day: closed,
        });
    }
    steps
}

/// How many cases are computed in one go.
const CHUNK: usize = 2_000;

/// Rewrites the steps of the cases marked in `stats_dirty_cases`, or of every case when `all`.
pub(crate) async fn rewrite(
    tx: &mut Tx,
    org: Uuid,
    zone: Option<&str>,
    all: bool,
) -> Result<(), StoreError> {
    if all {
        sql!(execute, &mut *tx, "DELETE FROM stats_case_steps WHERE organisation_id = $1", org)?;
        // Every case in the order of its primary key, the organisation checked here: SQLite
        // would otherwise read the cases through their organisation's index and sort them,
        // once a chunk.
        #[derive(sqlx::FromRow)]
        struct IdRow {
            id: Uuid,
            organisation_id: Uuid,
        }
        let mut after = Uuid::nil();
        loop {
            let rows: Vec<IdRow> = sql!(
                as IdRow,
                fetch_all,
                &mut *tx,
                "SELECT id, organisation_id FROM cases WHERE id > $1 ORDER BY id LIMIT $2",
                after,
                CHUNK as i64
            )?;
            let Some(last) = rows.last().map(|r| r.id) else { break };
            let ids: Vec<Uuid> =
                rows.into_iter().filter(|r| r.organisation_id == org).map(|r| r.id).collect();
            if !ids.is_empty() {
                write_cases(tx, org, zone, &ids, false).await?;
            }
            after = last;
        }
    } else {
        let ids: Vec<Uuid> = sql!(
            scalar Uuid,
            fetch_all,
            &mut *tx,
            "SELECT case_id FROM stats_dirty_cases WHERE organisation_id = $1 ORDER BY case_id",
            org
        )?;
        for chunk in ids.chunks(CHUNK) {
            write_cases(tx, org, zone, chunk, true).await?;
        }
    }
    sql!(execute, &mut *tx, "DELETE FROM stats_dirty_cases WHERE organisation_id = $1", org)?;
    Ok(())
}

fn marks(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

fn local_day(ts: Ts, zone: Option<&str>) -> Date {
    crate::ts::utc_to_local(ts, zone).date()
}

/// Computes and writes the steps of `ids` (cases of the organisation; an id no longer a case
/// leaves no step), their old steps deleted first when `replace`.
async fn write_cases(
    tx: &mut Tx,
    org: Uuid,
    zone: Option<&str>,
    ids: &[Uuid],
    replace: bool,
) -> Result<(), StoreError> {
    // Each read by the ids' own indexes, the organisation compared here (as the rows' SQL
    // requires of the case, the assessment and the goal): a condition on it would lead SQLite
    // to the organisation's index, a pass over all its rows.
    let only_ids = || ids.iter().map(|id| Arg::Uuid(*id)).collect::<Vec<_>>();
    let list = marks(1, ids.len());
    if replace {
        let sql = format!("DELETE FROM stats_case_steps WHERE case_id IN ({list})");
        sql!(dyn execute, &mut *tx, &sql, only_ids())?;
    }
    #[derive(sqlx::FromRow)]
    struct CaseRow {
        id: Uuid,
        organisation_id: Uuid,
        opened_at: Ts,
        closed_at: Option<Ts>,
    }
    let sql =
        format!("SELECT id, organisation_id, opened_at, closed_at FROM cases WHERE id IN ({list})");
    let mut cases: Vec<CaseRow> = sql!(dyn as CaseRow, fetch_all, &mut *tx, &sql, only_ids())?;
    cases.retain(|c| c.organisation_id == org);
    let sql = format!(
        "SELECT a.case_id, a.organisation_id, r.domain_code, \
         CAST(r.need_level AS BIGINT) AS need_level, a.assessed_on \
         FROM assessments a JOIN assessment_ratings r ON r.assessment_id = a.id \
         WHERE a.case_id IN ({list}) AND r.need_level IS NOT NULL \
         ORDER BY a.case_id, r.domain_code, a.assessed_on, a.created_at, a.id"
    );
    let mut ratings: Vec<Rating> = sql!(dyn as Rating, fetch_all, &mut *tx, &sql, only_ids())?;
    ratings.retain(|r| r.organisation_id == org);
    #[derive(sqlx::FromRow)]
    struct GoalRow {
        case_id: Uuid,
        organisation_id: Uuid,
        created_at: Ts,
    }
    let sql = format!(
        "SELECT case_id, organisation_id, created_at FROM plan_goals \
         WHERE case_id IN ({list}) ORDER BY case_id, created_at, id"
    );
    let mut goals: Vec<GoalRow> = sql!(dyn as GoalRow, fetch_all, &mut *tx, &sql, only_ids())?;
    goals.retain(|g| g.organisation_id == org);

    let mut ratings_of: BTreeMap<Uuid, Vec<Rating>> = BTreeMap::new();
    for r in ratings {
        ratings_of.entry(r.case_id).or_default().push(r);
    }
    let mut goals_of: BTreeMap<Uuid, Vec<Date>> = BTreeMap::new();
    for g in goals {
        goals_of.entry(g.case_id).or_default().push(local_day(g.created_at, zone));
    }
    let mut rows: Vec<(Uuid, Step)> = Vec::new();
    for c in cases {
        let opened = local_day(c.opened_at, zone);
        let closed = c.closed_at.map(|t| local_day(t, zone));
        let ratings = ratings_of.remove(&c.id).unwrap_or_default();
        let goals = goals_of.remove(&c.id).unwrap_or_default();
        rows.extend(case_steps(opened, closed, &ratings, &goals).into_iter().map(|s| (c.id, s)));
    }
    for batch in rows.chunks(100) {
        let mut args = vec![Arg::Uuid(org)];
        let mut values = Vec::new();
        for (case_id, s) in batch {
            let at = args.len() + 1;
            values.push(format!("($1, {})", marks(at, 9)));
            args.push(Arg::Uuid(*case_id));
            args.push(Arg::Text(s.kind.to_owned()));
            args.push(Arg::Text(s.code.clone()));
            args.push(Arg::Int(s.seq));
            args.push(Arg::Text(s.state.to_owned()));
            args.push(Arg::Date(s.eff_from));
            args.push(Arg::MaybeDate(s.to_day));
            args.push(Arg::Int(i64::from(s.late)));
            args.push(Arg::MaybeDate(s.closed_day));
        }
        let sql = format!(
            "INSERT INTO stats_case_steps (organisation_id, case_id, kind, code, seq, state, \
             eff_from, to_day, late, closed_day) VALUES {}",
            values.join(", ")
        );
        sql!(dyn execute, &mut *tx, &sql, args)?;
    }
    Ok(())
}

/// Whether `span` is exactly the local days `first` to `last` in `zone`: the steps are kept by
/// local day, so only such a period is read from them.
pub fn aligned(span: Span, first: Date, last: Date, zone: Option<&str>) -> bool {
    let local = |ts: Ts| crate::ts::utc_to_local(ts, zone);
    let whole_minute = |ts: Ts| {
        let t = ts.get();
        t.second() == 0 && t.nanosecond() == 0
    };
    let midnight = time::Time::MIDNIGHT;
    whole_minute(span.from)
        && whole_minute(span.until)
        && local(span.from) == first.with_time(midnight)
        && last.next_day().is_some_and(|d| local(span.until) == d.with_time(midnight))
}

/// The domains' change and the goals of the cases followed over `[first, last]`, from the
/// steps (their days refreshed by the caller).
pub(crate) async fn read(
    db: &Db,
    organisation_id: OrganisationId,
    first: Date,
    last: Date,
) -> Result<(Vec<DomainChange>, i64), StoreError> {
    #[derive(sqlx::FromRow)]
    struct Line {
        code: String,
        code2: String,
        n: i64,
    }
    let sql = "SELECT code, code2, CAST(sum(n) AS BIGINT) AS n FROM ( \
         SELECT code, code2, n FROM stats_days WHERE organisation_id = $1 \
         AND figure = 'step_start' AND day <= $3 \
         UNION ALL SELECT code, code2, -n FROM stats_days WHERE organisation_id = $1 \
         AND figure = 'step_end' AND day <= $3 \
         UNION ALL SELECT code, code2, -n FROM stats_days WHERE organisation_id = $1 \
         AND figure = 'step_closed' AND day < $2 \
         UNION ALL SELECT s.code, s.state, -count(*) FROM stats_case_steps s \
         WHERE s.organisation_id = $1 AND s.late = 1 AND s.closed_day < $2 \
         AND s.eff_from <= $3 AND (s.to_day IS NULL OR s.to_day > $3) \
         GROUP BY s.code, s.state) x GROUP BY code, code2 ORDER BY code, code2";
    let lines: Vec<Line> = sql!(
        dyn as Line,
        fetch_all,
        db,
        sql,
        vec![Arg::Uuid(organisation_id.as_uuid()), Arg::Date(first), Arg::Date(last)]
    )?;
    let mut goals = 0;
    let mut domains: Vec<DomainChange> = Vec::new();
    for l in lines {
        if l.code2 == "goal" {
            goals += l.n;
            continue;
        }
        if l.n == 0 {
            continue;
        }
        if domains.last().is_none_or(|d| d.code != l.code) {
            domains.push(DomainChange {
                code: l.code.clone(),
                cases: 0,
                improved: 0,
                same: 0,
                worsened: 0,
            });
        }
        let d = domains.last_mut().expect("pushed above");
        d.cases += l.n;
        match l.code2.as_str() {
            "improved" => d.improved += l.n,
            "same" => d.same += l.n,
            _ => d.worsened += l.n,
        }
    }
    Ok((domains, goals))
}

/// The organisation's time zone, as the dashboard turns its dates into instants.
pub(crate) async fn zone(
    db: impl Into<crate::Exec<'_>>,
    org: Uuid,
) -> Result<Option<String>, StoreError> {
    Ok(sql!(
        scalar String,
        fetch_optional,
        db,
        "SELECT time_zone FROM organisations WHERE id = $1",
        org
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn rating(domain: &str, level: i64, on: Date) -> Rating {
        Rating {
            case_id: Uuid::nil(),
            organisation_id: Uuid::nil(),
            domain_code: domain.to_owned(),
            need_level: level,
            assessed_on: on,
        }
    }

    #[test]
    fn each_later_rating_starts_a_step_compared_with_the_first() {
        let ratings = [
            rating("housing", 3, date!(2025 - 01 - 10)),
            rating("housing", 2, date!(2025 - 03 - 01)),
            rating("housing", 4, date!(2025 - 06 - 01)),
            rating("income", 2, date!(2025 - 02 - 01)),
        ];
        let steps = case_steps(date!(2025 - 01 - 05), None, &ratings, &[]);
        let housing: Vec<_> =
            steps.iter().map(|s| (s.code.as_str(), s.state, s.eff_from, s.to_day)).collect();
        assert_eq!(
            housing,
            vec![
                ("housing", "improved", date!(2025 - 03 - 01), Some(date!(2025 - 06 - 01))),
                ("housing", "worsened", date!(2025 - 06 - 01), None),
            ]
        );
        // One rating of income: no comparison, no step.
    }

    #[test]
    fn a_step_starts_no_earlier_than_the_case_opened_and_a_rating_after_closing_is_late() {
        let ratings = [
            rating("health", 2, date!(2024 - 11 - 01)),
            rating("health", 2, date!(2024 - 12 - 01)),
            rating("health", 1, date!(2025 - 02 - 01)),
        ];
        // Opened 2025-01-15: the "same" step would start before; it starts on opening.
        let steps = case_steps(date!(2025 - 01 - 15), Some(date!(2025 - 01 - 31)), &ratings, &[]);
        assert_eq!(steps[0].eff_from, date!(2025 - 01 - 15));
        assert_eq!(steps[1].state, "improved");
        // The last rating is after the closing day: the chain is late.
        assert!(steps.iter().all(|s| s.late));
        // A step ending before the case opened is no step.
        let steps = case_steps(date!(2025 - 03 - 01), None, &ratings, &[]);
        assert_eq!(steps.len(), 1);
        // Goals: from the later of their day and the opening; late when set after closing.
        let steps = case_steps(
            date!(2025 - 01 - 15),
            Some(date!(2025 - 02 - 15)),
            &[],
            &[date!(2025 - 01 - 01), date!(2025 - 03 - 01)],
        );
        assert_eq!((steps[0].eff_from, steps[0].late), (date!(2025 - 01 - 15), false));
        assert_eq!((steps[1].eff_from, steps[1].late), (date!(2025 - 03 - 01), true));
    }
}
