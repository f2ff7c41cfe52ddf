-- Foundation: organisations and their teams.
-- Kept column for column in step with ../sqlite/0001_foundation.sql (a test compares them).
CREATE TABLE organisations (
    id          UUID        NOT NULL PRIMARY KEY,
    slug        TEXT        NOT NULL,
    name        TEXT        NOT NULL,
    time_zone   TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    version     BIGINT      NOT NULL DEFAULT 1,
    CONSTRAINT organisations_slug_key UNIQUE (slug)
);

CREATE TABLE teams (
    id               UUID        NOT NULL PRIMARY KEY,
    organisation_id  UUID        NOT NULL REFERENCES organisations (id),
    name             TEXT        NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    version          BIGINT      NOT NULL DEFAULT 1,
    CONSTRAINT teams_organisation_name_key UNIQUE (organisation_id, name)
);
