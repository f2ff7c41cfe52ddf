-- Tasks and reminders (issue 9, slice a). Kept column for column in step with
-- ../sqlite/0022_tasks.sql (a test compares them).

-- A to-do of one person (the assignee): typed by someone (kind 'manual', with a title), or
-- created by the system about one record (`source_id`: a follow-up check, an urgency flag, an
-- assessment...; no title: the page says what the kind means). A system task exists once per
-- kind, source and assignee; the system closes it (status 'done', `closed_by` NULL) when its
-- reason is gone.
CREATE TABLE tasks (
    id                  UUID    NOT NULL PRIMARY KEY,
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    kind                TEXT    NOT NULL CHECK (kind IN ('manual', 'follow_up_due',
                            'flag_unacknowledged', 'assessment_old', 'document_expiring',
                            'referral_unanswered')),
    source_id           UUID,
    title               TEXT,
    details             TEXT,
    case_id             UUID REFERENCES cases (id),
    person_id           UUID REFERENCES persons (id),
    assignee_id         UUID    NOT NULL REFERENCES users (id),
    -- NULL: the system.
    created_by          UUID REFERENCES users (id),
    due_on              DATE,
    status              TEXT    NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
    closed_at           TIMESTAMPTZ,
    -- NULL with a closed status: closed by the system.
    closed_by           UUID REFERENCES users (id),
    -- When the assignee was last reminded of it (the day's notification of tasks due).
    reminded_on         DATE,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1,
    CHECK ((kind = 'manual') = (title IS NOT NULL)),
    CHECK ((kind = 'manual') = (source_id IS NULL))
);
CREATE UNIQUE INDEX tasks_source_idx ON tasks (organisation_id, kind, source_id, assignee_id)
    WHERE source_id IS NOT NULL;
CREATE INDEX tasks_assignee_idx ON tasks (organisation_id, assignee_id, status, due_on);
CREATE INDEX tasks_author_idx ON tasks (organisation_id, created_by, status);
CREATE INDEX tasks_case_idx ON tasks (case_id, status);

-- The organisation's reminder settings: an urgency flag not acknowledged after this many
-- hours becomes a task; an open case whose latest assessment is older than this many months
-- gets one.
ALTER TABLE organisations ADD COLUMN reminder_flag_hours BIGINT NOT NULL DEFAULT 24;
ALTER TABLE organisations ADD COLUMN reminder_assessment_months BIGINT NOT NULL DEFAULT 6;
