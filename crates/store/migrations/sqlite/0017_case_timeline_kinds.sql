-- The timeline takes every event of a case, not only notes and status changes: assessments,
-- plan changes, victories, referent changes, follow-up checks, and (later issues) appointments,
-- tasks, documents and referrals. Each such entry points at its record (`subject_id`), keeps a
-- short text as it was when it happened (`summary`, e.g. a goal in the person's words) and
-- says what happened to the record (`detail`, e.g. 'added', 'achieved').
-- Kept column for column in step with ../postgres/0017_case_timeline_kinds.sql.
--
-- SQLite cannot change a CHECK constraint in place, and sqlx runs this file in a transaction
-- with foreign keys enforced, so the table is rebuilt without ever leaving a reference dangling:
-- the rows that point at entries are set aside, the table is rebuilt, and they are put back.
CREATE TEMP TABLE saved_entry_versions AS SELECT * FROM case_entry_versions;
DELETE FROM case_entry_versions;
CREATE TEMP TABLE saved_draft_entries AS
    SELECT id, entry_id FROM note_drafts WHERE entry_id IS NOT NULL;
UPDATE note_drafts SET entry_id = NULL WHERE entry_id IS NOT NULL;

CREATE TABLE case_entries_rebuilt (
    id                BLOB    NOT NULL PRIMARY KEY,
    organisation_id   BLOB    NOT NULL REFERENCES organisations (id),
    case_id           BLOB    NOT NULL REFERENCES cases (id),
    kind              TEXT    NOT NULL CHECK (kind IN ('note', 'status', 'assessment', 'goal',
                          'step', 'victory', 'agreement', 'referents', 'follow_up',
                          'appointment', 'task', 'document', 'referral')),
    -- When it happened (a note's date as typed, in UTC), the timeline's order.
    occurred_at       TEXT    NOT NULL,
    author_id         BLOB REFERENCES users (id),
    note_type         TEXT,
    duration_minutes  INTEGER,
    place             TEXT,
    participants      TEXT,
    confidentiality   TEXT    NOT NULL DEFAULT 'normal' CHECK (confidentiality IN ('normal', 'referents', 'author')),
    body              TEXT,
    status            TEXT,
    closure_reason    TEXT,
    -- A deleted note is a tombstone: its content is emptied, who, when and why stay.
    deleted_at        TEXT,
    deleted_by        BLOB REFERENCES users (id),
    delete_reason     TEXT,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    -- The record an event is about (an assessment, a goal, a step…); none for notes and
    -- status changes, which are their own record.
    subject_id        BLOB,
    -- A short text of the record as it was then (a goal's words, a step's action).
    summary           TEXT,
    -- What happened to the record: a code of the kind's own ('added', 'changed', 'achieved'…).
    detail            TEXT
) STRICT;
INSERT INTO case_entries_rebuilt (id, organisation_id, case_id, kind, occurred_at, author_id,
    note_type, duration_minutes, place, participants, confidentiality, body, status,
    closure_reason, deleted_at, deleted_by, delete_reason, created_at, updated_at, version)
SELECT id, organisation_id, case_id, kind, occurred_at, author_id, note_type, duration_minutes,
    place, participants, confidentiality, body, status, closure_reason, deleted_at, deleted_by,
    delete_reason, created_at, updated_at, version
FROM case_entries;
DROP TABLE case_entries;
ALTER TABLE case_entries_rebuilt RENAME TO case_entries;
CREATE INDEX case_entries_timeline_idx ON case_entries (case_id, occurred_at, id);
CREATE INDEX case_entries_type_idx ON case_entries (case_id, note_type, occurred_at, id);
CREATE INDEX case_entries_kind_idx ON case_entries (case_id, kind, occurred_at, id);
CREATE INDEX case_entries_subject_idx ON case_entries (subject_id) WHERE subject_id IS NOT NULL;

INSERT INTO case_entry_versions SELECT * FROM saved_entry_versions;
UPDATE note_drafts SET entry_id = (SELECT s.entry_id FROM saved_draft_entries s WHERE s.id = note_drafts.id)
    WHERE id IN (SELECT id FROM saved_draft_entries);
DROP TABLE saved_entry_versions;
DROP TABLE saved_draft_entries;
