-- Assessments (diagnostics) of a case: a dated set of ratings per life domain, the worker's
-- need level beside the person's own rating; the organisation's descriptions of the levels;
-- and the drafts of assessment forms being filled in.
-- Kept column for column in step with ../sqlite/0018_assessments.sql (a test compares them).
CREATE TABLE assessments (
    id                UUID    NOT NULL PRIMARY KEY,
    organisation_id   UUID    NOT NULL REFERENCES organisations (id),
    case_id           UUID    NOT NULL REFERENCES cases (id),
    -- The day of the interview, in the organisation's calendar (never in the future).
    assessed_on       DATE    NOT NULL,
    assessed_by       UUID REFERENCES users (id),
    -- Who last corrected it, if anyone.
    corrected_by      UUID REFERENCES users (id),
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    version           BIGINT  NOT NULL DEFAULT 1
);
CREATE INDEX assessments_case_idx ON assessments (case_id, assessed_on, id);

-- One life domain of an assessment. A domain left "not assessed" has no row. Levels are
-- 0 (no need) to 4 (critical); `person_level` is the person's own rating on the same scale.
-- Rewritten whole when the assessment is corrected (its `version` guards the change).
CREATE TABLE assessment_ratings (
    id                UUID    NOT NULL PRIMARY KEY,
    organisation_id   UUID    NOT NULL REFERENCES organisations (id),
    assessment_id     UUID    NOT NULL REFERENCES assessments (id),
    domain_code       TEXT    NOT NULL,
    need_level        BIGINT  CHECK (need_level BETWEEN 0 AND 4),
    person_level      BIGINT  CHECK (person_level BETWEEN 0 AND 4),
    person_words      TEXT,
    strengths         TEXT,
    priority          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    version           BIGINT  NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX assessment_ratings_domain_idx ON assessment_ratings (assessment_id, domain_code);

-- The organisation's own words for a need level: organisation-wide (`domain_code` empty) or
-- for one domain. Without a row, the default text of the message files is shown.
CREATE TABLE assessment_levels (
    id                UUID    NOT NULL PRIMARY KEY,
    organisation_id   UUID    NOT NULL REFERENCES organisations (id),
    domain_code       TEXT    NOT NULL DEFAULT '',
    level             BIGINT  NOT NULL CHECK (level BETWEEN 0 AND 4),
    label_fr          TEXT,
    label_en          TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    version           BIGINT  NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX assessment_levels_key_idx ON assessment_levels (organisation_id, domain_code, level);

-- What a worker typed in an assessment form and has not saved yet (kept on the server, as for
-- notes: shared office computers). One per user and form: `draft_key` is the case id for a new
-- assessment, `case id/assessment id` for a correction. `content` is the form as typed (JSON).
CREATE TABLE assessment_drafts (
    id                UUID    NOT NULL PRIMARY KEY,
    organisation_id   UUID    NOT NULL REFERENCES organisations (id),
    user_id           UUID    NOT NULL REFERENCES users (id),
    case_id           UUID    NOT NULL REFERENCES cases (id),
    assessment_id     UUID REFERENCES assessments (id),
    draft_key         TEXT    NOT NULL,
    content           TEXT    NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    version           BIGINT  NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX assessment_drafts_key_idx ON assessment_drafts (user_id, draft_key);
CREATE INDEX assessment_drafts_user_idx ON assessment_drafts (user_id, organisation_id, updated_at);
