-- Persons and households, the search terms that find them, their history of changes, and the
-- organisation's own version of the value lists (hide, relabel, extend).
-- Kept column for column in step with ../sqlite/0008_persons.sql (a test compares them).
CREATE TABLE persons (
    id                     UUID        NOT NULL PRIMARY KEY,
    organisation_id        UUID        NOT NULL REFERENCES organisations (id),
    birth_name             TEXT,
    used_name              TEXT,
    first_names            TEXT,
    birth_date             DATE,
    birth_place            TEXT,
    sex                    TEXT,
    nationality            TEXT,
    residence_status       TEXT,
    languages              TEXT,
    interpreter_needed     BOOLEAN     NOT NULL DEFAULT FALSE,
    -- One number a line, as typed; the search terms hold their normalised form.
    phones                 TEXT,
    email                  TEXT,
    address_line1          TEXT,
    address_line2          TEXT,
    postcode               TEXT,
    town                   TEXT,
    country                TEXT,
    benefit_office_number  TEXT,
    employment_service_id  TEXT,
    housing_situation      TEXT,
    family_situation       TEXT,
    protection_measure     TEXT,
    protector_name         TEXT,
    protector_contact      TEXT,
    protection_start       DATE,
    protection_review      DATE,
    own_words              TEXT,
    -- Set when a manager merged this record into another one (kept so the merge can be undone).
    merged_into_id         UUID REFERENCES persons (id),
    created_by             UUID REFERENCES users (id),
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL,
    version                BIGINT      NOT NULL DEFAULT 1,
    CHECK (birth_name IS NOT NULL OR used_name IS NOT NULL OR first_names IS NOT NULL)
);
CREATE INDEX persons_organisation_idx ON persons (organisation_id, id);

-- Resources and benefits, with a monthly amount when known.
CREATE TABLE person_resources (
    person_id     UUID        NOT NULL REFERENCES persons (id),
    code          TEXT        NOT NULL,
    amount_cents  BIGINT,
    PRIMARY KEY (person_id, code)
);

-- Every saved version of a person's record: the history, and what a stale form is compared to.
CREATE TABLE person_revisions (
    person_id   UUID        NOT NULL REFERENCES persons (id),
    version     BIGINT      NOT NULL,
    snapshot    TEXT        NOT NULL,
    changed_by  UUID REFERENCES users (id),
    changed_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, version)
);

-- Search terms (domain::search::person_terms), rewritten in the transaction that changes the
-- person. kind 0: a word, a date, a phone or a number; kind 1: a name word with one letter
-- less, for typo tolerance.
CREATE TABLE person_terms (
    organisation_id  UUID        NOT NULL REFERENCES organisations (id),
    person_id        UUID        NOT NULL REFERENCES persons (id),
    -- Byte order, as SQLite compares: a prefix is a range of the index.
    term             TEXT        COLLATE "C" NOT NULL,
    kind             BIGINT      NOT NULL,
    PRIMARY KEY (person_id, term, kind)
);
CREATE INDEX person_terms_lookup_idx ON person_terms (organisation_id, term, kind);

CREATE TABLE households (
    id                   UUID        NOT NULL PRIMARY KEY,
    organisation_id      UUID        NOT NULL REFERENCES organisations (id),
    name                 TEXT,
    created_by           UUID REFERENCES users (id),
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    version              BIGINT      NOT NULL DEFAULT 1
);
CREATE INDEX households_organisation_idx ON households (organisation_id, id);

-- Who lived in a household, from when to when: a person's household history is never erased.
CREATE TABLE household_members (
    id             UUID        NOT NULL PRIMARY KEY,
    household_id   UUID        NOT NULL REFERENCES households (id),
    person_id      UUID        NOT NULL REFERENCES persons (id),
    -- Relationship to the household's reference person ("self" for that person).
    relationship   TEXT        NOT NULL,
    from_date      DATE,
    to_date        DATE,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    version        BIGINT      NOT NULL DEFAULT 1
);
CREATE INDEX household_members_household_idx ON household_members (household_id);
CREATE INDEX household_members_person_idx ON household_members (person_id);

-- An organisation's changes to a default value list (domain::lists): a default hidden or
-- relabelled, or a value of its own.
CREATE TABLE list_values (
    organisation_id  UUID        NOT NULL REFERENCES organisations (id),
    list             TEXT        NOT NULL,
    code             TEXT        NOT NULL,
    label_fr         TEXT,
    label_en         TEXT,
    hidden           BOOLEAN     NOT NULL DEFAULT FALSE,
    position         BIGINT,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    version          BIGINT      NOT NULL DEFAULT 1,
    PRIMARY KEY (organisation_id, list, code)
);
