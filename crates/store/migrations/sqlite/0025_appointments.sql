-- Appointments and calendar feeds (issue 9, slice b). Kept column for column in step with
-- ../postgres/0025_appointments.sql (a test compares them).

-- A slot in a worker's calendar: with a person (and their case) or an office-hour slot with
-- nobody yet. Weekly recurring slots are stored one row per occurrence sharing `series_id`,
-- so each may be moved or cancelled alone.
CREATE TABLE appointments (
    id                  BLOB    NOT NULL PRIMARY KEY,
    organisation_id     BLOB    NOT NULL REFERENCES organisations (id),
    worker_id           BLOB    NOT NULL REFERENCES users (id),
    person_id           BLOB REFERENCES persons (id),
    case_id             BLOB REFERENCES cases (id),
    series_id           BLOB,
    starts_at           TEXT    NOT NULL,
    ends_at             TEXT    NOT NULL,
    place               TEXT    NOT NULL CHECK (place IN ('office', 'home_visit', 'partner',
                            'phone', 'video')),
    place_detail        TEXT,
    purpose             TEXT,
    status              TEXT    NOT NULL CHECK (status IN ('planned', 'done', 'missed',
                            'cancelled')),
    cancelled_by        TEXT CHECK (cancelled_by IN ('person', 'worker', 'organisation')),
    status_changed_at   TEXT,
    status_changed_by   BLOB REFERENCES users (id),
    created_by          BLOB REFERENCES users (id),
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    CHECK (ends_at > starts_at),
    CHECK ((status = 'cancelled') = (cancelled_by IS NOT NULL))
) STRICT;
CREATE INDEX appointments_worker_idx ON appointments (organisation_id, worker_id, starts_at);
CREATE INDEX appointments_day_idx ON appointments (organisation_id, starts_at);
CREATE INDEX appointments_case_idx ON appointments (case_id, starts_at);

-- A worker's private iCalendar feed: a secret URL (only its SHA-256 is kept), revocable, that
-- shows initials only unless the worker chose names.
CREATE TABLE calendar_feeds (
    id                  BLOB    NOT NULL PRIMARY KEY,
    organisation_id     BLOB    NOT NULL REFERENCES organisations (id),
    user_id             BLOB    NOT NULL REFERENCES users (id),
    token_hash          BLOB    NOT NULL UNIQUE,
    show_names          INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT    NOT NULL,
    revoked_at          TEXT,
    last_used_at        TEXT
) STRICT;
CREATE INDEX calendar_feeds_user_idx ON calendar_feeds (organisation_id, user_id, revoked_at);
