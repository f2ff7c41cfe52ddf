-- Aid requests, the organisation's aid catalogue and the commission (issue 10 points 1, 2, 3,
-- 6; ADR 0030). Kept column for column in step with ../sqlite/0031_aid.sql.

-- The rules an organisation set for a type of its catalogue (the types themselves, their
-- labels and which are offered, are the `aid_type` value list). A type without a row has the
-- default rules of `domain::aid::default_rules`.
CREATE TABLE aid_types (
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    code                TEXT    NOT NULL,
    asks_amount         BOOLEAN NOT NULL,
    -- Document type codes the file needs, one per line.
    required_documents  TEXT    NOT NULL DEFAULT '',
    -- The most granted to one person for this type in a calendar year, in cents.
    max_cents_per_year  BIGINT,
    decided_by          TEXT    NOT NULL CHECK (decided_by IN ('commission', 'manager', 'worker')),
    -- Who that is, in the organisation's words.
    deciders            TEXT    NOT NULL DEFAULT '',
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT  NOT NULL DEFAULT 1,
    PRIMARY KEY (organisation_id, code)
);

-- A session of the commission that decides aid: its agenda is the requests that name it.
CREATE TABLE aid_sessions (
    id                  UUID    NOT NULL PRIMARY KEY,
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    title               TEXT    NOT NULL,
    held_on             DATE    NOT NULL,
    -- The agenda and the minutes show references instead of names (the organisation's setting
    -- when the session was created).
    pseudonymised       BOOLEAN NOT NULL,
    -- When its decisions were recorded (the session is then closed).
    decided_at          TIMESTAMPTZ,
    created_by          UUID REFERENCES users (id),
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT  NOT NULL DEFAULT 1
);
CREATE INDEX aid_sessions_org_idx ON aid_sessions (organisation_id, held_on);

-- An aid request of a case's person. Amounts in cents.
CREATE TABLE aid_requests (
    id                  UUID    NOT NULL PRIMARY KEY,
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    case_id             UUID    NOT NULL REFERENCES cases (id),
    person_id           UUID    NOT NULL REFERENCES persons (id),
    aid_type            TEXT    NOT NULL,
    requested_on        DATE    NOT NULL,
    asked_cents         BIGINT,
    -- What the worker tells the deciders (and nothing else of the case).
    presentation        TEXT    NOT NULL DEFAULT '',
    status              TEXT    NOT NULL CHECK (status IN ('draft', 'awaiting_documents',
                            'under_review', 'in_committee', 'accepted', 'partly_accepted',
                            'refused', 'adjourned', 'paid', 'dismissed', 'closed_by_person')),
    session_id          UUID REFERENCES aid_sessions (id),
    granted_cents       BIGINT,
    refusal_reason      TEXT,
    decision_comment    TEXT,
    decided_at          TIMESTAMPTZ,
    decided_by          UUID REFERENCES users (id),
    payment_method      TEXT,
    payee               TEXT CHECK (payee IN ('person', 'landlord', 'energy_supplier',
                            'water_supplier', 'other_creditor')),
    payee_name          TEXT,
    paid_on             DATE,
    created_by          UUID REFERENCES users (id),
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT  NOT NULL DEFAULT 1
);
CREATE INDEX aid_requests_case_idx ON aid_requests (organisation_id, case_id, created_at);
CREATE INDEX aid_requests_person_idx ON aid_requests (organisation_id, person_id, aid_type);
CREATE INDEX aid_requests_status_idx ON aid_requests (organisation_id, status, session_id);
CREATE INDEX aid_requests_session_idx ON aid_requests (session_id);

-- Every step of a request: its status, when, by whom, with the comment of a decision.
CREATE TABLE aid_steps (
    id                  UUID    NOT NULL PRIMARY KEY,
    request_id          UUID    NOT NULL REFERENCES aid_requests (id),
    status              TEXT    NOT NULL,
    at                  TIMESTAMPTZ NOT NULL,
    by_user             UUID REFERENCES users (id),
    note                TEXT
);
CREATE INDEX aid_steps_request_idx ON aid_steps (request_id, at);

-- Whether commission agendas show references instead of the persons' names.
ALTER TABLE organisations ADD COLUMN aid_pseudonymised_agenda BOOLEAN NOT NULL DEFAULT FALSE;

-- The timeline takes the aid requests' steps (kind 'aid').
ALTER TABLE case_entries DROP CONSTRAINT case_entries_kind_check;
ALTER TABLE case_entries ADD CONSTRAINT case_entries_kind_check CHECK (kind IN ('note',
    'status', 'assessment', 'goal', 'step', 'victory', 'agreement', 'referents', 'follow_up',
    'appointment', 'task', 'document', 'referral', 'aid'));
