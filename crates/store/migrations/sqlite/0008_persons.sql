-- Persons and households, the search terms that find them, their history of changes, and the
-- organisation's own version of the value lists (hide, relabel, extend).
-- Kept column for column in step with ../postgres/0008_persons.sql (a test compares them).
CREATE TABLE persons (
    id                     BLOB    NOT NULL PRIMARY KEY,
    organisation_id        BLOB    NOT NULL REFERENCES organisations (id),
    birth_name             TEXT,
    used_name              TEXT,
    first_names            TEXT,
    birth_date             TEXT,
    birth_place            TEXT,
    sex                    TEXT,
    nationality            TEXT,
    residence_status       TEXT,
    languages              TEXT,
    interpreter_needed     INTEGER NOT NULL DEFAULT 0,
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
    protection_start       TEXT,
    protection_review      TEXT,
    own_words              TEXT,
    -- Set when a manager merged this record into another one (kept so the merge can be undone).
    merged_into_id         BLOB REFERENCES persons (id),
    created_by             BLOB REFERENCES users (id),
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL,
    version                INTEGER NOT NULL DEFAULT 1,
    CHECK (birth_name IS NOT NULL OR used_name IS NOT NULL OR first_names IS NOT NULL)
) STRICT;
CREATE INDEX persons_organisation_idx ON persons (organisation_id, id);

-- Resources and benefits, with a monthly amount when known.
CREATE TABLE person_resources (
    person_id     BLOB    NOT NULL REFERENCES persons (id),
    code          TEXT    NOT NULL,
    amount_cents  INTEGER,
    PRIMARY KEY (person_id, code)
) STRICT;

-- Every saved version of a person's record: the history, and what a stale form is compared to.
CREATE TABLE person_revisions (
    person_id   BLOB    NOT NULL REFERENCES persons (id),
    version     INTEGER NOT NULL,
    snapshot    TEXT    NOT NULL,
    changed_by  BLOB REFERENCES users (id),
    changed_at  TEXT    NOT NULL,
    PRIMARY KEY (person_id, version)
) STRICT;

-- Search terms (domain::search::person_terms), rewritten in the transaction that changes the
-- person. kind 0: a word, a date, a phone or a number; kind 1: a name word with one letter
-- less, for typo tolerance.
CREATE TABLE person_terms (
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    person_id        BLOB    NOT NULL REFERENCES persons (id),
    term             TEXT    NOT NULL,
    kind             INTEGER NOT NULL,
    PRIMARY KEY (person_id, term, kind)
) STRICT;
CREATE INDEX person_terms_lookup_idx ON person_terms (organisation_id, term, kind);

CREATE TABLE households (
    id                   BLOB    NOT NULL PRIMARY KEY,
    organisation_id      BLOB    NOT NULL REFERENCES organisations (id),
    name                 TEXT,
    created_by           BLOB REFERENCES users (id),
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX households_organisation_idx ON households (organisation_id, id);

-- Who lived in a household, from when to when: a person's household history is never erased.
CREATE TABLE household_members (
    id             BLOB    NOT NULL PRIMARY KEY,
    household_id   BLOB    NOT NULL REFERENCES households (id),
    person_id      BLOB    NOT NULL REFERENCES persons (id),
    -- Relationship to the household's reference person ("self" for that person).
    relationship   TEXT    NOT NULL,
    from_date      TEXT,
    to_date        TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX household_members_household_idx ON household_members (household_id);
CREATE INDEX household_members_person_idx ON household_members (person_id);

-- An organisation's changes to a default value list (domain::lists): a default hidden or
-- relabelled, or a value of its own.
CREATE TABLE list_values (
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    list             TEXT    NOT NULL,
    code             TEXT    NOT NULL,
    label_fr         TEXT,
    label_en         TEXT,
    hidden           INTEGER NOT NULL DEFAULT 0,
    position         INTEGER,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (organisation_id, list, code)
) STRICT;
