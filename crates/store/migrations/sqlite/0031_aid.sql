-- Aid requests, the organisation's aid catalogue and the commission (issue 10 points 1, 2, 3,
-- 6; ADR 0030). Kept column for column in step with ../postgres/0031_aid.sql.

-- The rules an organisation set for a type of its catalogue (the types themselves, their
-- labels and which are offered, are the `aid_type` value list). A type without a row has the
-- default rules of `domain::aid::default_rules`.
CREATE TABLE aid_types (
    organisation_id     BLOB    NOT NULL REFERENCES organisations (id),
    code                TEXT    NOT NULL,
    asks_amount         INTEGER NOT NULL,
    -- Document type codes the file needs, one per line.
    required_documents  TEXT    NOT NULL DEFAULT '',
    -- The most granted to one person for this type in a calendar year, in cents.
    max_cents_per_year  INTEGER,
    decided_by          TEXT    NOT NULL CHECK (decided_by IN ('commission', 'manager', 'worker')),
    -- Who that is, in the organisation's words.
    deciders            TEXT    NOT NULL DEFAULT '',
    updated_at          TEXT    NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (organisation_id, code)
) STRICT;

-- A session of the commission that decides aid: its agenda is the requests that name it.
CREATE TABLE aid_sessions (
    id                  BLOB    NOT NULL PRIMARY KEY,
    organisation_id     BLOB    NOT NULL REFERENCES organisations (id),
    title               TEXT    NOT NULL,
    held_on             TEXT    NOT NULL,
    -- The agenda and the minutes show references instead of names (the organisation's setting
    -- when the session was created).
    pseudonymised       INTEGER NOT NULL,
    -- When its decisions were recorded (the session is then closed).
    decided_at          TEXT,
    created_by          BLOB REFERENCES users (id),
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX aid_sessions_org_idx ON aid_sessions (organisation_id, held_on);

-- An aid request of a case's person. Amounts in cents.
CREATE TABLE aid_requests (
    id                  BLOB    NOT NULL PRIMARY KEY,
    organisation_id     BLOB    NOT NULL REFERENCES organisations (id),
    case_id             BLOB    NOT NULL REFERENCES cases (id),
    person_id           BLOB    NOT NULL REFERENCES persons (id),
    aid_type            TEXT    NOT NULL,
    requested_on        TEXT    NOT NULL,
    asked_cents         INTEGER,
    -- What the worker tells the deciders (and nothing else of the case).
    presentation        TEXT    NOT NULL DEFAULT '',
    status              TEXT    NOT NULL CHECK (status IN ('draft', 'awaiting_documents',
                            'under_review', 'in_committee', 'accepted', 'partly_accepted',
                            'refused', 'adjourned', 'paid', 'dismissed', 'closed_by_person')),
    session_id          BLOB REFERENCES aid_sessions (id),
    granted_cents       INTEGER,
    refusal_reason      TEXT,
    decision_comment    TEXT,
    decided_at          TEXT,
    decided_by          BLOB REFERENCES users (id),
    payment_method      TEXT,
    payee               TEXT CHECK (payee IN ('person', 'landlord', 'energy_supplier',
                            'water_supplier', 'other_creditor')),
    payee_name          TEXT,
    paid_on             TEXT,
    created_by          BLOB REFERENCES users (id),
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX aid_requests_case_idx ON aid_requests (organisation_id, case_id, created_at);
CREATE INDEX aid_requests_person_idx ON aid_requests (organisation_id, person_id, aid_type);
CREATE INDEX aid_requests_status_idx ON aid_requests (organisation_id, status, session_id);
CREATE INDEX aid_requests_session_idx ON aid_requests (session_id);

-- Every step of a request: its status, when, by whom, with the comment of a decision.
CREATE TABLE aid_steps (
    id                  BLOB    NOT NULL PRIMARY KEY,
    request_id          BLOB    NOT NULL REFERENCES aid_requests (id),
    status              TEXT    NOT NULL,
    at                  TEXT    NOT NULL,
    by_user             BLOB REFERENCES users (id),
    note                TEXT
) STRICT;
CREATE INDEX aid_steps_request_idx ON aid_steps (request_id, at);

-- Whether commission agendas show references instead of the persons' names.
ALTER TABLE organisations ADD COLUMN aid_pseudonymised_agenda INTEGER NOT NULL DEFAULT 0;

-- The timeline takes the aid requests' steps (kind 'aid'). SQLite cannot change a CHECK
-- constraint in place: the table is rebuilt as in 0017, the rows that point at entries (note
-- versions, drafts of corrections, filed voice notes) set aside and put back.
CREATE TEMP TABLE saved_entry_versions AS SELECT * FROM case_entry_versions;
DELETE FROM case_entry_versions;
CREATE TEMP TABLE saved_draft_entries AS
    SELECT id, entry_id FROM note_drafts WHERE entry_id IS NOT NULL;
UPDATE note_drafts SET entry_id = NULL WHERE entry_id IS NOT NULL;
CREATE TEMP TABLE saved_filed_voice_notes AS
    SELECT id, filed_entry_id FROM voice_notes WHERE filed_entry_id IS NOT NULL;
UPDATE voice_notes SET filed_entry_id = NULL WHERE filed_entry_id IS NOT NULL;

CREATE TABLE case_entries_rebuilt (
    id                BLOB    NOT NULL PRIMARY KEY,
    organisation_id   BLOB    NOT NULL REFERENCES organisations (id),
    case_id           BLOB    NOT NULL REFERENCES cases (id),
    kind              TEXT    NOT NULL CHECK (kind IN ('note', 'status', 'assessment', 'goal',
                          'step', 'victory', 'agreement', 'referents', 'follow_up',
                          'appointment', 'task', 'document', 'referral', 'aid')),
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
    closure_reason, deleted_at, deleted_by, delete_reason, created_at, updated_at, version,
    subject_id, summary, detail)
SELECT id, organisation_id, case_id, kind, occurred_at, author_id, note_type, duration_minutes,
    place, participants, confidentiality, body, status, closure_reason, deleted_at, deleted_by,
    delete_reason, created_at, updated_at, version, subject_id, summary, detail
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
UPDATE voice_notes SET filed_entry_id = (SELECT s.filed_entry_id FROM saved_filed_voice_notes s
    WHERE s.id = voice_notes.id) WHERE id IN (SELECT id FROM saved_filed_voice_notes);
DROP TABLE saved_entry_versions;
DROP TABLE saved_filed_voice_notes;
DROP TABLE saved_draft_entries;
