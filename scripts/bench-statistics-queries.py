#!/usr/bin/env python3
"""Times each aggregate query of the statistics dashboard alone (BENCHMARKS.md, "W5").

The organisation's scope only, over one year: the SQL texts of `store::statistics::activity`
and `outcomes` (crates/store/src/statistics.rs) written out for that scope — no team or
worker filter, the events read through their (organisation, date) indexes — plus the
workers' list the page builds (`store::statistics::workers`). The four figures of the plans'
query are also timed one by one (`plans.goals` …). Copied by hand from the code: when it
changes, this file must follow. The figures the page shows are printed with each query, so
the copy can be checked against `bench-data --time-raw-statistics` (cases followed,
contacts).

Parameters are bound, as the application binds them: `$1` the organisation, `$2` and `$3`
the period in UTC (the organisation's local year, Europe/Paris), `$4` and `$5` its first and
last local day (the domains' query names its last day `$4` in the code: here `$5`, the same
value).

  SQLite: LD_LIBRARY_PATH=DIR python3 scripts/bench-statistics-queries.py sqlite:///path.db
    DIR holding a libsqlite3.so.0 built from the amalgamation the binary links (libsqlite3-sys
    0.30.1 bundles 3.46.0; the system's is 3.40.1, whose planner may choose differently):
      gcc -O2 -shared -fPIC -DSQLITE_ENABLE_STAT4 -DSQLITE_DEFAULT_FOREIGN_KEYS=1 \
          -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_FTS5 -DSQLITE_USE_URI \
          ~/.cargo/registry/src/*/libsqlite3-sys-0.30.1/sqlite3/sqlite3.c -o DIR/libsqlite3.so.0
    The version used is printed. Each query is prepared once and run REPEAT times (default 5)
    on one connection (WAL, as the server opens it; statistics already gathered by bench-data).
  PostgreSQL: python3 scripts/bench-statistics-queries.py postgres://user@host/db
    through psql: PREPARE with typed parameters, EXECUTE REPEAT times under \\timing (server
    custom plans for the first five executions, as sqlx's unnamed statements get).
  EXPLAIN=1 prints each query's plan (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN
  (ANALYZE, BUFFERS) of one more execution). YEAR (default 2025), REPEAT, ONLY (names,
  space-separated) choose what runs.
Prints per query: min / median / max milliseconds and the rows of the last run.
"""
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import time
import zoneinfo

FOLLOWED = "c.opened_at < $3 AND (c.closed_at IS NULL OR c.closed_at >= $2)"
CLOSED = "c.status = 'closed' AND c.closed_at >= $2 AND c.closed_at < $3"
CONTACT = "e.kind = 'note' AND e.deleted_at IS NULL"
ACCEPTED = ("EXISTS (SELECT 1 FROM referral_steps st WHERE st.referral_id = r.id "
            "AND st.status = 'accepted')")
DECLINED = ("EXISTS (SELECT 1 FROM referral_steps st WHERE st.referral_id = r.id "
            "AND st.status = 'declined')")


def seconds_between(postgres, start, end):
    if postgres:
        return f"round(EXTRACT(EPOCH FROM ({end} - {start})))"
    return f"round((julianday({end}) - julianday({start})) * 86400.0)"


def queries(postgres):
    ack = seconds_between(postgres, "f.raised_at", "f.acknowledged_at")
    answer = seconds_between(postgres, "r.sent_at", "r.answered_at")
    goals = (f"SELECT count(*) FROM plan_goals g JOIN cases c ON c.id = g.case_id "
             f"WHERE g.organisation_id = $1 AND c.organisation_id = $1 AND {FOLLOWED} "
             f"AND g.created_at < $3")
    achieved = ("SELECT count(DISTINCT e.subject_id) FROM case_entries e "
                "WHERE e.organisation_id = $1 AND e.case_id IS NOT NULL AND e.kind = 'goal' "
                "AND e.detail = 'achieved' AND e.occurred_at >= $2 AND e.occurred_at < $3")
    victories = ("SELECT count(*) FROM plan_victories v "
                 "WHERE v.organisation_id = $1 AND v.case_id IS NOT NULL "
                 "AND v.occurred_on >= $4 AND v.occurred_on <= $5")
    with_victory = ("SELECT count(DISTINCT v.case_id) FROM plan_victories v "
                    "WHERE v.organisation_id = $1 AND v.case_id IS NOT NULL "
                    "AND v.occurred_on >= $4 AND v.occurred_on <= $5")
    checks_where = ("k.organisation_id = $1 AND k.case_id IS NOT NULL "
                    "AND k.due_on >= $4 AND k.due_on <= $5")
    return [
        ("activity.cases",
         "SELECT count(*) AS followed, count(DISTINCT c.person_id) AS persons, "
         "count(DISTINCT c.household_id) AS households, "
         "CAST(COALESCE(sum(CASE WHEN c.opened_at >= $2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS opened, "
         f"CAST(COALESCE(sum(CASE WHEN {CLOSED} THEN 1 ELSE 0 END), 0) AS BIGINT) AS closed "
         f"FROM cases c WHERE c.organisation_id = $1 AND {FOLLOWED}"),
        ("activity.closures",
         "SELECT COALESCE(c.closure_reason, '') AS code, count(*) AS count FROM cases c "
         f"WHERE c.organisation_id = $1 AND {CLOSED} "
         "GROUP BY COALESCE(c.closure_reason, '') ORDER BY count(*) DESC, 1"),
        ("activity.contacts",
         "SELECT COALESCE(e.note_type, '') AS code, count(*) AS count, "
         "CAST(COALESCE(sum(e.duration_minutes), 0) AS BIGINT) AS minutes, "
         "count(e.duration_minutes) AS with_duration "
         "FROM case_entries e "
         f"WHERE e.organisation_id = $1 AND e.case_id IS NOT NULL AND {CONTACT} "
         "AND e.occurred_at >= $2 AND e.occurred_at < $3 "
         "GROUP BY COALESCE(e.note_type, '') ORDER BY count(*) DESC, 1"),
        ("activity.flags",
         "SELECT count(*) AS raised, count(f.acknowledged_at) AS acknowledged, "
         f"CAST(COALESCE(sum({ack}), 0) AS BIGINT) AS ack_seconds, "
         f"CAST(COALESCE(sum(CASE WHEN {ack} <= 86400 THEN 1 ELSE 0 END), 0) AS BIGINT) "
         "AS ack_within_day "
         "FROM urgency_flags f WHERE f.organisation_id = $1 "
         "AND f.raised_at >= $2 AND f.raised_at < $3 "
         "AND EXISTS (SELECT 1 FROM cases c WHERE c.organisation_id = $1 "
         f"AND c.person_id = f.person_id AND {FOLLOWED})"),
        ("activity.appointments",
         "SELECT a.status AS code, count(*) AS count "
         "FROM appointments a "
         "WHERE a.organisation_id = $1 AND a.case_id IS NOT NULL "
         "AND a.starts_at >= $2 AND a.starts_at < $3 "
         "GROUP BY a.status ORDER BY 1"),
        ("activity.referrals",
         "SELECT r.service_id, s.name AS service, p.name AS partner, count(*) AS sent, "
         f"CAST(COALESCE(sum(CASE WHEN {ACCEPTED} THEN 1 ELSE 0 END), 0) AS BIGINT) AS accepted, "
         f"CAST(COALESCE(sum(CASE WHEN {DECLINED} THEN 1 ELSE 0 END), 0) AS BIGINT) AS declined, "
         "count(r.answered_at) AS answered, "
         f"CAST(COALESCE(sum({answer}), 0) AS BIGINT) AS answer_seconds "
         "FROM referrals r "
         "JOIN partner_services s ON s.id = r.service_id "
         "JOIN partner_organisations p ON p.id = s.partner_id "
         "WHERE r.organisation_id = $1 AND r.case_id IS NOT NULL "
         "AND r.sent_at >= $2 AND r.sent_at < $3 "
         "GROUP BY r.service_id, s.name, p.name ORDER BY count(*) DESC, s.name, r.service_id"),
        ("activity.documents",
         "SELECT count(*) FROM documents d "
         "WHERE d.organisation_id = $1 AND d.case_id IS NOT NULL "
         "AND d.created_at >= $2 AND d.created_at < $3"),
        ("outcomes.domains",
         "WITH rated AS (SELECT a.case_id, r.domain_code, r.need_level, "
         "ROW_NUMBER() OVER (PARTITION BY a.case_id, r.domain_code "
         "ORDER BY a.assessed_on, a.created_at, a.id) AS first_n, "
         "ROW_NUMBER() OVER (PARTITION BY a.case_id, r.domain_code "
         "ORDER BY a.assessed_on DESC, a.created_at DESC, a.id DESC) AS last_n, "
         "count(*) OVER (PARTITION BY a.case_id, r.domain_code) AS n "
         "FROM assessments a JOIN assessment_ratings r ON r.assessment_id = a.id "
         "JOIN cases c ON c.id = a.case_id "
         f"WHERE a.organisation_id = $1 AND c.organisation_id = $1 AND {FOLLOWED} "
         "AND r.need_level IS NOT NULL AND a.assessed_on <= $5) "
         "SELECT f.domain_code AS code, count(*) AS cases, "
         "CAST(COALESCE(sum(CASE WHEN l.need_level < f.need_level THEN 1 ELSE 0 END), 0) AS BIGINT) AS improved, "
         "CAST(COALESCE(sum(CASE WHEN l.need_level = f.need_level THEN 1 ELSE 0 END), 0) AS BIGINT) AS same, "
         "CAST(COALESCE(sum(CASE WHEN l.need_level > f.need_level THEN 1 ELSE 0 END), 0) AS BIGINT) AS worsened "
         "FROM rated f JOIN rated l ON l.case_id = f.case_id AND l.domain_code = f.domain_code "
         "AND l.last_n = 1 "
         "WHERE f.first_n = 1 AND f.n >= 2 GROUP BY f.domain_code ORDER BY f.domain_code"),
        ("outcomes.plans",
         f"SELECT ({goals}) AS goals, ({achieved}) AS achieved, ({victories}) AS victories, "
         f"({with_victory}) AS cases_with_victory"),
        ("plans.goals", goals),
        ("plans.achieved", achieved),
        ("plans.victories", victories),
        ("plans.cases_with_victory", with_victory),
        ("outcomes.checks",
         "SELECT count(*) AS due, "
         "CAST(COALESCE(sum(CASE WHEN k.status = 'done' THEN 1 ELSE 0 END), 0) AS BIGINT) AS done, "
         "CAST(COALESCE(sum(CASE WHEN k.status = 'missed' THEN 1 ELSE 0 END), 0) AS BIGINT) AS missed, "
         "count(CASE WHEN k.status = 'done' THEN k.wellbeing END) AS wellbeing_n, "
         "CAST(COALESCE(sum(CASE WHEN k.status = 'done' THEN k.wellbeing END), 0) AS BIGINT) AS wellbeing_sum, "
         "count(CASE WHEN k.status = 'done' THEN k.power_to_act END) AS power_n, "
         "CAST(COALESCE(sum(CASE WHEN k.status = 'done' THEN k.power_to_act END), 0) AS BIGINT) AS power_sum "
         f"FROM case_follow_ups k WHERE {checks_where}"),
        ("outcomes.held",
         "SELECT d.domain_code, d.outcome, count(*) AS count "
         "FROM case_follow_up_domains d JOIN case_follow_ups k ON k.id = d.follow_up_id "
         f"WHERE d.organisation_id = $1 AND k.status = 'done' AND {checks_where} "
         "GROUP BY d.domain_code, d.outcome ORDER BY d.domain_code, d.outcome"),
        ("page.workers",
         "SELECT u.id, u.display_name FROM users u WHERE u.id IN ( "
         "SELECT m.user_id FROM memberships m WHERE m.organisation_id = $1 AND m.role = 'worker' "
         "UNION SELECT c.referent_id FROM cases c WHERE c.organisation_id = $1 "
         "AND c.referent_id IS NOT NULL) ORDER BY u.display_name, u.id"),
    ]


def period(year):
    zone = zoneinfo.ZoneInfo("Europe/Paris")
    start = dt.datetime(year, 1, 1, tzinfo=zone).astimezone(dt.timezone.utc)
    end = dt.datetime(year + 1, 1, 1, tzinfo=zone).astimezone(dt.timezone.utc)
    return start, end, dt.date(year, 1, 1), dt.date(year, 12, 31)


def shown(rows, limit=6):
    out = []
    for r in rows[:limit]:
        out.append("(" + ", ".join(x.hex() if isinstance(x, bytes) else str(x) for x in r) + ")")
    more = f" … {len(rows)} rows" if len(rows) > limit else ""
    return " ".join(out) + more


def report(name, times, rows):
    # The contacts' total is what the benchmark checks against the page.
    total = f"total {sum(int(r[1]) for r in rows)}: " if name == "activity.contacts" else ""
    print(f"{name:26} min {min(times):9.1f}  median {statistics.median(times):9.1f}  "
          f"max {max(times):9.1f} ms  | {total}{shown(rows)}", flush=True)


def run_sqlite(url, qs, repeat, explain, year):
    import sqlite3
    path = re.sub(r"^sqlite:(//)?", "", url).split("?")[0]
    print(f"SQLite {sqlite3.sqlite_version}, {path}")
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    org = db.execute("SELECT id FROM organisations WHERE slug = 'banc-essai'").fetchone()[0]
    start, end, first, last = period(year)
    fmt = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    params = {"1": org, "2": fmt(start), "3": fmt(end), "4": first.isoformat(),
              "5": last.isoformat()}
    print(f"period {params['2']} .. {params['3']}, days {params['4']} .. {params['5']}")
    for name, sql in qs:
        used = {k: v for k, v in params.items() if f"${k}" in sql}
        if explain:
            for row in db.execute("EXPLAIN QUERY PLAN " + sql, used):
                print(f"  plan {name}: {row[1]:>3} {row[3]}")
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            rows = db.execute(sql, used).fetchall()
            times.append((time.perf_counter() - t) * 1000)
        report(name, times, rows)


def run_postgres(url, qs, repeat, explain, year):
    psql = ["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
    org = subprocess.run(psql + ["-c", "SELECT id FROM organisations WHERE slug = 'banc-essai'"],
                         check=True, capture_output=True, text=True).stdout.strip()
    version = subprocess.run(psql + ["-c", "SHOW server_version"], check=True,
                             capture_output=True, text=True).stdout.strip()
    start, end, first, last = period(year)
    print(f"PostgreSQL {version}; period {start.isoformat()} .. {end.isoformat()}")
    types = {"1": "uuid", "2": "timestamptz", "3": "timestamptz", "4": "date", "5": "date"}
    values = {"1": f"'{org}'", "2": f"'{start.isoformat()}'", "3": f"'{end.isoformat()}'",
              "4": f"'{first.isoformat()}'", "5": f"'{last.isoformat()}'"}
    for i, (name, sql) in enumerate(qs):
        # PREPARE numbers parameters by position: renumber the ones this text uses.
        used = sorted({k for k in types if f"${k}" in sql}, key=int)
        text = sql
        for n, k in enumerate(used, 1):
            text = text.replace(f"${k}", f"$__{n}")
        text = text.replace("$__", "$")
        args = ", ".join(values[k] for k in used)
        script = [f"PREPARE q{i} ({', '.join(types[k] for k in used)}) AS {text};", "\\timing on"]
        script += [f"EXECUTE q{i} ({args});"] * repeat
        if explain:
            script += ["\\timing off", f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE q{i} ({args});"]
        out = subprocess.run(psql, input="\n".join(script) + "\n", check=True,
                             capture_output=True, text=True).stdout
        times = [float(m) for m in re.findall(r"^Time: ([0-9.]+) ms", out, re.M)]
        lines = [ln for ln in out.splitlines() if ln and not ln.startswith("Time:")]
        plan_at = next((n for n, ln in enumerate(lines) if " (cost=" in ln), len(lines))
        result = lines[:plan_at]
        per_run = max(1, len(result) // max(1, repeat))
        report(name, times, [tuple(r.split("|")) for r in result[-per_run:]])
        for ln in lines[plan_at:]:
            print(f"  plan {name}: {ln}")


def main():
    url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PASSERELLE_DATABASE_URL", "")
    postgres = url.startswith("postgres")
    qs = queries(postgres)
    only = os.environ.get("ONLY", "").split()
    if only:
        qs = [q for q in qs if q[0] in only]
    repeat = int(os.environ.get("REPEAT", "5"))
    explain = os.environ.get("EXPLAIN", "0") == "1"
    year = int(os.environ.get("YEAR", "2025"))
    with open("/proc/loadavg") as f:
        print(f"load average before: {f.read().split()[0]}")
    (run_postgres if postgres else run_sqlite)(url, qs, repeat, explain, year)
    with open("/proc/loadavg") as f:
        print(f"load average after: {f.read().split()[0]}")


if __name__ == "__main__":
    main()
