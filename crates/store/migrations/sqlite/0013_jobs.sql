-- Background jobs: rows claimed by the app servers' workers (see docs/adr/0008-jobs.md), and
-- the schedule of periodic jobs, so that every server agrees when one is due.
-- Kept column for column in step with ../postgres/0013_jobs.sql (a test compares them).
CREATE TABLE jobs (
    id            BLOB    NOT NULL PRIMARY KEY,
    kind          TEXT    NOT NULL,
    -- What makes the job idempotent: the handler does its work at most once per key. Never
    -- personal data (ids, dates), since the admin page shows it.
    key           TEXT    NOT NULL,
    -- JSON, read by the handler of the kind.
    payload       TEXT    NOT NULL,
    state         TEXT    NOT NULL
                  CHECK (state IN ('queued', 'running', 'done', 'failed', 'dead', 'cancelled')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL,
    -- Not before: the first attempt's time, then each retry's.
    run_at        TEXT    NOT NULL,
    -- The worker that holds the job, and until when; another may take it after.
    locked_by     TEXT,
    locked_until  TEXT,
    -- Why the last attempt failed, without personal data.
    last_error    TEXT,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    finished_at   TEXT
) STRICT;
-- One pending job per kind and key: enqueueing it again while it waits does nothing.
CREATE UNIQUE INDEX jobs_pending_key_idx ON jobs (kind, key)
    WHERE state IN ('queued', 'running', 'failed');
-- What a worker looks for: due jobs and expired leases.
CREATE INDEX jobs_due_idx ON jobs (state, run_at);
-- The admin page: one state, newest first, page after page.
CREATE INDEX jobs_state_id_idx ON jobs (state, id);

CREATE TABLE job_schedules (
    -- The periodic job's name (its kind).
    name             TEXT    NOT NULL PRIMARY KEY,
    every_minutes    INTEGER NOT NULL CHECK (every_minutes > 0),
    -- Whoever moves this forward (conditionally on its old value) enqueues the period's job.
    next_run_at      TEXT    NOT NULL,
    last_enqueued_at TEXT,
    updated_at       TEXT    NOT NULL
) STRICT;
