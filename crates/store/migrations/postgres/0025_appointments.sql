-- Appointments and calendar feeds (issue 9, slice b). Kept column for column in step with
-- ../sqlite/0025_appointments.sql (a test compares them).

-- A slot in a worker's calendar: with a person (and their case) or an office-hour slot with
-- nobody yet. Weekly recurring slots are stored one row per occurrence sharing `series_id`,
-- so each may be moved or cancelled alone.
CREATE TABLE appointments (
    id                  UUID    NOT NULL PRIMARY KEY,
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    worker_id           UUID    NOT NULL REFERENCES users (id),
    person_id           UUID REFERENCES persons (id),
    case_id             UUID REFERENCES cases (id),
    series_id           UUID,
    starts_at           TIMESTAMPTZ NOT NULL,
    ends_at             TIMESTAMPTZ NOT NULL,
    place               TEXT    NOT NULL CHECK (place IN ('office', 'home_visit', 'partner',
                            'phone', 'video')),
    place_detail        TEXT,
    purpose             TEXT,
    status              TEXT    NOT NULL CHECK (status IN ('planned', 'done', 'missed',
                            'cancelled')),
    cancelled_by        TEXT CHECK (cancelled_by IN ('person', 'worker', 'organisation')),
    status_changed_at   TIMESTAMPTZ,
    status_changed_by   UUID REFERENCES users (id),
    created_by          UUID REFERENCES users (id),
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1,
    CHECK (ends_at > starts_at),
    CHECK ((status = 'cancelled') = (cancelled_by IS NOT NULL))
);
CREATE INDEX appointments_worker_idx ON appointments (organisation_id, worker_id, starts_at);
CREATE INDEX appointments_day_idx ON appointments (organisation_id, starts_at);
CREATE INDEX appointments_case_idx ON appointments (case_id, starts_at);

-- A worker's private iCalendar feed: a secret URL (only its SHA-256 is kept), revocable, that
-- shows initials only unless the worker chose names.
CREATE TABLE calendar_feeds (
    id                  UUID    NOT NULL PRIMARY KEY,
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    user_id             UUID    NOT NULL REFERENCES users (id),
    token_hash          BYTEA   NOT NULL UNIQUE,
    show_names          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at          TIMESTAMPTZ NOT NULL,
    revoked_at          TIMESTAMPTZ,
    last_used_at        TIMESTAMPTZ
);
CREATE INDEX calendar_feeds_user_idx ON calendar_feeds (organisation_id, user_id, revoked_at);
