-- Issue 10, the last gaps (ADR 0030, section of 2026-11-27): an aid request waiting for
-- documents longer than the organisation allows gives its case's referent a task. One more
-- kind of system task, every existing kind kept; SQLite cannot change a CHECK: the table is
-- rebuilt (nothing references tasks) with its indexes, as 0034 did.
-- Kept in step with ../postgres/0041_aid_edits_and_reminders.sql.
CREATE TABLE tasks_rebuilt (
    id                  BLOB    NOT NULL PRIMARY KEY,
    organisation_id     BLOB    NOT NULL REFERENCES organisations (id),
    kind                TEXT    NOT NULL CHECK (kind IN ('manual', 'follow_up_due',
                            'flag_unacknowledged', 'assessment_old', 'document_expiring',
                            'referral_unanswered', 'domiciliation_renewal',
                            'domiciliation_mail_waiting', 'aid_awaiting_documents')),
    source_id           BLOB,
    title               TEXT,
    details             TEXT,
    case_id             BLOB REFERENCES cases (id),
    person_id           BLOB REFERENCES persons (id),
    assignee_id         BLOB    NOT NULL REFERENCES users (id),
    -- NULL: the system.
    created_by          BLOB REFERENCES users (id),
    due_on              TEXT,
    status              TEXT    NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
    closed_at           TEXT,
    -- NULL with a closed status: closed by the system.
    closed_by           BLOB REFERENCES users (id),
    -- When the assignee was last reminded of it (the day's notification of tasks due).
    reminded_on         TEXT,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    CHECK ((kind = 'manual') = (title IS NOT NULL)),
    CHECK ((kind = 'manual') = (source_id IS NULL))
) STRICT;
INSERT INTO tasks_rebuilt (id, organisation_id, kind, source_id, title, details, case_id,
    person_id, assignee_id, created_by, due_on, status, closed_at, closed_by, reminded_on,
    created_at, updated_at, version)
SELECT id, organisation_id, kind, source_id, title, details, case_id, person_id, assignee_id,
    created_by, due_on, status, closed_at, closed_by, reminded_on, created_at, updated_at, version
FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_rebuilt RENAME TO tasks;
CREATE UNIQUE INDEX tasks_source_idx ON tasks (organisation_id, kind, source_id, assignee_id)
    WHERE source_id IS NOT NULL;
CREATE INDEX tasks_assignee_idx ON tasks (organisation_id, assignee_id, status, due_on);
CREATE INDEX tasks_author_idx ON tasks (organisation_id, created_by, status);
CREATE INDEX tasks_case_idx ON tasks (case_id, status);

-- A request waiting for documents longer than this many days gives a task.
ALTER TABLE organisations ADD COLUMN reminder_aid_days INTEGER NOT NULL DEFAULT 15;
