-- Intake at the desk: visits recorded and routed to a team, and urgency flags on a person that
-- put them at the top of the team's queue until someone acknowledges them.
-- Kept column for column in step with ../postgres/0011_intake.sql (a test compares them).
CREATE TABLE visits (
    id               BLOB    NOT NULL PRIMARY KEY,
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    person_id        BLOB    NOT NULL REFERENCES persons (id),
    reason           TEXT    NOT NULL,
    -- appointment_requested, information_given, referral, other.
    outcome          TEXT    NOT NULL,
    team_id          BLOB REFERENCES teams (id),
    note             TEXT,
    -- open until someone of the team takes it in hand.
    handled_at       TEXT,
    handled_by       BLOB REFERENCES users (id),
    created_by       BLOB REFERENCES users (id),
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX visits_person_idx ON visits (person_id, created_at);
CREATE INDEX visits_team_open_idx ON visits (organisation_id, team_id, handled_at);

CREATE TABLE urgency_flags (
    id                BLOB    NOT NULL PRIMARY KEY,
    organisation_id   BLOB    NOT NULL REFERENCES organisations (id),
    person_id         BLOB    NOT NULL REFERENCES persons (id),
    -- The case it concerns, once cases exist (no foreign key yet).
    case_id           BLOB,
    team_id           BLOB REFERENCES teams (id),
    code              TEXT    NOT NULL,
    note              TEXT,
    -- raised, acknowledged, closed.
    status            TEXT    NOT NULL,
    raised_by         BLOB REFERENCES users (id),
    raised_at         TEXT    NOT NULL,
    acknowledged_by   BLOB REFERENCES users (id),
    acknowledged_at   TEXT,
    review_date       TEXT,
    closed_by         BLOB REFERENCES users (id),
    closed_at         TEXT,
    close_note        TEXT,
    updated_at        TEXT    NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX urgency_flags_person_idx ON urgency_flags (person_id, status);
CREATE INDEX urgency_flags_team_idx ON urgency_flags (organisation_id, team_id, status);
