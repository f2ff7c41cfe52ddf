-- Duplicates: the pairs someone confirmed are different persons, and merges (which can be
-- undone: the merged record stays, pointing at the one kept).
-- Kept column for column in step with ../postgres/0010_person_merges.sql (a test compares them).
CREATE TABLE person_distinct (
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    person_id        BLOB    NOT NULL REFERENCES persons (id),
    other_id         BLOB    NOT NULL REFERENCES persons (id),
    decided_by       BLOB REFERENCES users (id),
    decided_at       TEXT    NOT NULL,
    PRIMARY KEY (person_id, other_id)
) STRICT;

CREATE TABLE person_merges (
    id                      BLOB    NOT NULL PRIMARY KEY,
    organisation_id         BLOB    NOT NULL REFERENCES organisations (id),
    survivor_id             BLOB    NOT NULL REFERENCES persons (id),
    merged_id               BLOB    NOT NULL REFERENCES persons (id),
    -- The kept record's version before and after the merge, and its form before: undo
    -- restores the fields the merge changed, unless someone changed them since.
    survivor_version_before INTEGER NOT NULL,
    survivor_version_after  INTEGER NOT NULL,
    survivor_before         TEXT    NOT NULL,
    survivor_after          TEXT    NOT NULL,
    -- Records that had been merged into the merged one, now pointing at the kept one.
    repointed               TEXT    NOT NULL,
    merged_by               BLOB REFERENCES users (id),
    merged_at               TEXT    NOT NULL,
    undone_by               BLOB REFERENCES users (id),
    undone_at               TEXT,
    version                 INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX person_merges_survivor_idx ON person_merges (survivor_id);
CREATE INDEX person_merges_merged_idx ON person_merges (merged_id);
