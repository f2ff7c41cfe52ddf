-- Intake at the desk: visits recorded and routed to a team, and urgency flags on a person that
-- put them at the top of the team's queue until someone acknowledges them.
-- Kept column for column in step with ../sqlite/0011_intake.sql (a test compares them).
CREATE TABLE visits (
    id               UUID        NOT NULL PRIMARY KEY,
    organisation_id  UUID        NOT NULL REFERENCES organisations (id),
    person_id        UUID        NOT NULL REFERENCES persons (id),
    reason           TEXT        NOT NULL,
    -- appointment_requested, information_given, referral, other.
    outcome          TEXT        NOT NULL,
    team_id          UUID REFERENCES teams (id),
    note             TEXT,
    -- open until someone of the team takes it in hand.
    handled_at       TIMESTAMPTZ,
    handled_by       UUID REFERENCES users (id),
    created_by       UUID REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    version          BIGINT      NOT NULL DEFAULT 1
);
CREATE INDEX visits_person_idx ON visits (person_id, created_at);
CREATE INDEX visits_team_open_idx ON visits (organisation_id, team_id, handled_at);

CREATE TABLE urgency_flags (
    id                UUID        NOT NULL PRIMARY KEY,
    organisation_id   UUID        NOT NULL REFERENCES organisations (id),
    person_id         UUID        NOT NULL REFERENCES persons (id),
    -- The case it concerns, once cases exist (no foreign key yet).
    case_id           UUID,
    team_id           UUID REFERENCES teams (id),
    code              TEXT        NOT NULL,
    note              TEXT,
    -- raised, acknowledged, closed.
    status            TEXT        NOT NULL,
    raised_by         UUID REFERENCES users (id),
    raised_at         TIMESTAMPTZ NOT NULL,
    acknowledged_by   UUID REFERENCES users (id),
    acknowledged_at   TIMESTAMPTZ,
    review_date       DATE,
    closed_by         UUID REFERENCES users (id),
    closed_at         TIMESTAMPTZ,
    close_note        TEXT,
    updated_at        TIMESTAMPTZ NOT NULL,
    version           BIGINT      NOT NULL DEFAULT 1
);
CREATE INDEX urgency_flags_person_idx ON urgency_flags (person_id, status);
CREATE INDEX urgency_flags_team_idx ON urgency_flags (organisation_id, team_id, status);
