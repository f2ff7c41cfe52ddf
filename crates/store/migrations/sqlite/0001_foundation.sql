-- Foundation: organisations and their teams.
-- Kept column for column in step with ../postgres/0001_foundation.sql (a test compares them).
CREATE TABLE organisations (
    id          BLOB    NOT NULL PRIMARY KEY,
    slug        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    time_zone   TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT organisations_slug_key UNIQUE (slug)
) STRICT;

CREATE TABLE teams (
    id               BLOB    NOT NULL PRIMARY KEY,
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    name             TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT teams_organisation_name_key UNIQUE (organisation_id, name)
) STRICT;
