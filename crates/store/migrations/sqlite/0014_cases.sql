-- Cases (accompagnements), their timeline of notes and status changes, the earlier versions
-- of corrected notes, and the drafts of notes being written.
-- Kept column for column in step with ../postgres/0014_cases.sql (a test compares them).
CREATE TABLE cases (
    id                  BLOB    NOT NULL PRIMARY KEY,
    organisation_id     BLOB    NOT NULL REFERENCES organisations (id),
    person_id           BLOB    NOT NULL REFERENCES persons (id),
    household_id        BLOB REFERENCES households (id),
    team_id             BLOB    NOT NULL REFERENCES teams (id),
    -- Nullable: a referent who leaves is replaced later (reassignment, slice d).
    referent_id         BLOB REFERENCES users (id),
    reason              TEXT    NOT NULL,
    orientation_source  TEXT,
    -- open, paused, closed.
    status              TEXT    NOT NULL CHECK (status IN ('open', 'paused', 'closed')),
    opened_at           TEXT    NOT NULL,
    closed_at           TEXT,
    closure_reason      TEXT,
    created_by          BLOB REFERENCES users (id),
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX cases_person_idx ON cases (organisation_id, person_id);
CREATE INDEX cases_team_idx ON cases (organisation_id, team_id, status);
CREATE INDEX cases_referent_idx ON cases (referent_id, status);

CREATE TABLE case_co_referents (
    case_id   BLOB NOT NULL REFERENCES cases (id),
    user_id   BLOB NOT NULL REFERENCES users (id),
    PRIMARY KEY (case_id, user_id)
) STRICT;
CREATE INDEX case_co_referents_user_idx ON case_co_referents (user_id);

-- One row per timeline entry: a note (kind 'note') or a change of status (kind 'status').
-- Later features (assessments, plans, appointments) add their kinds here, pointing at their
-- records, so the timeline stays one keyset-paginated query.
CREATE TABLE case_entries (
    id                BLOB    NOT NULL PRIMARY KEY,
    organisation_id   BLOB    NOT NULL REFERENCES organisations (id),
    case_id           BLOB    NOT NULL REFERENCES cases (id),
    kind              TEXT    NOT NULL CHECK (kind IN ('note', 'status')),
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
    version           INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX case_entries_timeline_idx ON case_entries (case_id, occurred_at, id);
CREATE INDEX case_entries_type_idx ON case_entries (case_id, note_type, occurred_at, id);

-- The content a note had before each correction.
CREATE TABLE case_entry_versions (
    id                BLOB    NOT NULL PRIMARY KEY,
    entry_id          BLOB    NOT NULL REFERENCES case_entries (id),
    version           INTEGER NOT NULL,
    occurred_at       TEXT    NOT NULL,
    note_type         TEXT,
    duration_minutes  INTEGER,
    place             TEXT,
    participants      TEXT,
    confidentiality   TEXT    NOT NULL,
    body              TEXT,
    written_by        BLOB REFERENCES users (id),
    written_at        TEXT    NOT NULL,
    replaced_at       TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX case_entry_versions_entry_idx ON case_entry_versions (entry_id, version);

-- What a worker typed in a note form and has not saved yet, kept on the server (shared office
-- computers: never in the browser). One per user and form: `draft_key` is the case id for a
-- new note, `case id/entry id` for a correction. Fields are kept as typed, valid or not.
CREATE TABLE note_drafts (
    id                BLOB    NOT NULL PRIMARY KEY,
    organisation_id   BLOB    NOT NULL REFERENCES organisations (id),
    user_id           BLOB    NOT NULL REFERENCES users (id),
    case_id           BLOB    NOT NULL REFERENCES cases (id),
    entry_id          BLOB REFERENCES case_entries (id),
    draft_key         TEXT    NOT NULL,
    typed_date        TEXT    NOT NULL,
    typed_time        TEXT    NOT NULL,
    duration          TEXT    NOT NULL,
    place             TEXT    NOT NULL,
    participants      TEXT    NOT NULL,
    note_type         TEXT    NOT NULL,
    confidentiality   TEXT    NOT NULL,
    body              TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX note_drafts_key_idx ON note_drafts (user_id, draft_key);
CREATE INDEX note_drafts_user_idx ON note_drafts (user_id, organisation_id, updated_at);
