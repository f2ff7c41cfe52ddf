-- Referents and caseloads, reassignment, follow-up checks after closure (issue 7, slice d).
-- Kept column for column in step with ../sqlite/0020_case_referents.sql (a test compares them).

-- A temporary delegation of a case's referent (a long absence): while it runs the delegate is
-- the case's referent (`cases.referent_id`), so every access rule follows it; when `ends_at`
-- comes, a periodic job gives the case back to `absent_referent_id` and sets `ended_at`. Any
-- other change of referent ends it too (`end_reason` 'replaced').
CREATE TABLE case_delegations (
    id                  UUID NOT NULL PRIMARY KEY,
    organisation_id     UUID NOT NULL REFERENCES organisations (id),
    case_id             UUID NOT NULL REFERENCES cases (id),
    absent_referent_id  UUID NOT NULL REFERENCES users (id),
    delegate_id         UUID NOT NULL REFERENCES users (id),
    -- The delegate was a co-referent before: they are one again when the case goes back.
    delegate_was_co_referent BOOLEAN NOT NULL DEFAULT FALSE,
    starts_at           TIMESTAMPTZ NOT NULL,
    ends_at             TIMESTAMPTZ NOT NULL,
    ended_at            TIMESTAMPTZ,
    -- 'returned' (ended by itself, the case went back), 'replaced' (another change of referent).
    end_reason          TEXT CHECK (end_reason IN ('returned', 'replaced')),
    created_by          UUID REFERENCES users (id),
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX case_delegations_case_idx ON case_delegations (case_id, ended_at);
CREATE INDEX case_delegations_due_idx ON case_delegations (ends_at) WHERE ended_at IS NULL;

-- Follow-up checks after a case is closed (3, 6 and 12 months by default): when done, the
-- person's wellbeing and power to act (0-10), in plain columns for the statistics.
CREATE TABLE case_follow_ups (
    id                  UUID NOT NULL PRIMARY KEY,
    organisation_id     UUID NOT NULL REFERENCES organisations (id),
    case_id             UUID NOT NULL REFERENCES cases (id),
    due_on              DATE    NOT NULL,
    status              TEXT    NOT NULL CHECK (status IN ('scheduled', 'done', 'missed')),
    done_on             DATE,
    wellbeing           BIGINT CHECK (wellbeing BETWEEN 0 AND 10),
    power_to_act        BIGINT CHECK (power_to_act BETWEEN 0 AND 10),
    recorded_by         UUID REFERENCES users (id),
    created_by          UUID REFERENCES users (id),
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX case_follow_ups_case_idx ON case_follow_ups (case_id, due_on);
CREATE INDEX case_follow_ups_due_idx ON case_follow_ups (organisation_id, status, due_on);

-- Per life domain of a done check: whether the change held.
CREATE TABLE case_follow_up_domains (
    id                  UUID NOT NULL PRIMARY KEY,
    organisation_id     UUID NOT NULL REFERENCES organisations (id),
    follow_up_id        UUID NOT NULL REFERENCES case_follow_ups (id),
    domain_code         TEXT    NOT NULL,
    outcome             TEXT    NOT NULL CHECK (outcome IN ('held', 'partly', 'not_held')),
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX case_follow_up_domains_idx ON case_follow_up_domains (follow_up_id, domain_code);
