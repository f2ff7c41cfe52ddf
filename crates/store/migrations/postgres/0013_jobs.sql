-- Background jobs: rows claimed by the app servers' workers (see docs/adr/0008-jobs.md), and
-- the schedule of periodic jobs, so that every server agrees when one is due.
-- Kept column for column in step with ../sqlite/0013_jobs.sql (a test compares them).
CREATE TABLE jobs (
    id            UUID        NOT NULL PRIMARY KEY,
    kind          TEXT        NOT NULL,
    -- What makes the job idempotent: the handler does its work at most once per key. Never
    -- personal data (ids, dates), since the admin page shows it.
    key           TEXT        NOT NULL,
    -- JSON, read by the handler of the kind (TEXT as on SQLite: the database never looks in).
    payload       TEXT        NOT NULL,
    state         TEXT        NOT NULL
                  CHECK (state IN ('queued', 'running', 'done', 'failed', 'dead', 'cancelled')),
    attempts      BIGINT      NOT NULL DEFAULT 0,
    max_attempts  BIGINT      NOT NULL,
    -- Not before: the first attempt's time, then each retry's.
    run_at        TIMESTAMPTZ NOT NULL,
    -- The worker that holds the job, and until when; another may take it after.
    locked_by     TEXT,
    locked_until  TIMESTAMPTZ,
    -- Why the last attempt failed, without personal data.
    last_error    TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ
);
-- One pending job per kind and key: enqueueing it again while it waits does nothing.
CREATE UNIQUE INDEX jobs_pending_key_idx ON jobs (kind, key)
    WHERE state IN ('queued', 'running', 'failed');
-- What a worker looks for: due jobs and expired leases.
CREATE INDEX jobs_due_idx ON jobs (state, run_at);
-- The admin page: one state, newest first, page after page.
CREATE INDEX jobs_state_id_idx ON jobs (state, id);

CREATE TABLE job_schedules (
    -- The periodic job's name (its kind).
    name             TEXT        NOT NULL PRIMARY KEY,
    every_minutes    BIGINT      NOT NULL CHECK (every_minutes > 0),
    -- Whoever moves this forward (conditionally on its old value) enqueues the period's job.
    next_run_at      TIMESTAMPTZ NOT NULL,
    last_enqueued_at TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL
);
