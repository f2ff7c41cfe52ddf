-- Retention (issue 12 point 2, ADR 0034): each organisation's settings, the review list of the
-- persons whose file falls due with the decision taken on each, and the files to delete from
-- the file store once the anonymisation that unlinked them has committed.
-- Kept column for column in step with ../sqlite/0035_retention.sql.
CREATE TABLE retention_settings (
    organisation_id     UUID    NOT NULL PRIMARY KEY REFERENCES organisations (id),
    case_months         INTEGER NOT NULL CHECK (case_months BETWEEN 1 AND 120),
    minor_months        INTEGER NOT NULL CHECK (minor_months BETWEEN 1 AND 120),
    audit_months        INTEGER NOT NULL CHECK (audit_months BETWEEN 6 AND 36),
    after_due           TEXT    NOT NULL CHECK (after_due IN ('anonymise', 'archive')),
    grace_days          INTEGER NOT NULL CHECK (grace_days BETWEEN 0 AND 365),
    updated_by          UUID REFERENCES users (id),
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT  NOT NULL DEFAULT 1
);

-- One line per person whose file fell due; kept after it ran, with its outcome.
CREATE TABLE retention_reviews (
    id                  UUID    NOT NULL PRIMARY KEY,
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    person_id           UUID    NOT NULL UNIQUE REFERENCES persons (id),
    last_contact_on     DATE    NOT NULL,
    due_on              DATE    NOT NULL,
    minor               BOOLEAN NOT NULL DEFAULT FALSE,
    decision            TEXT    NOT NULL CHECK (decision IN ('pending', 'approved', 'postponed', 'held')),
    until_on            DATE,
    reason              TEXT,
    decided_by          UUID REFERENCES users (id),
    decided_at          TIMESTAMPTZ,
    outcome             TEXT CHECK (outcome IN ('anonymised', 'archived')),
    processed_at        TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT  NOT NULL DEFAULT 1,
    CHECK ((decision = 'postponed') = (until_on IS NOT NULL)),
    CHECK ((outcome IS NULL) = (processed_at IS NULL))
);
CREATE INDEX retention_reviews_list_idx ON retention_reviews (organisation_id, due_on, id);

-- Objects of the file store unlinked by a committed anonymisation, deleted by the next run.
CREATE TABLE retention_file_deletions (
    object_name         TEXT    NOT NULL PRIMARY KEY,
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    recorded_at         TIMESTAMPTZ NOT NULL
);
