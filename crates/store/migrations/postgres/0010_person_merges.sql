-- Duplicates: the pairs someone confirmed are different persons, and merges (which can be
-- undone: the merged record stays, pointing at the one kept).
-- Kept column for column in step with ../sqlite/0010_person_merges.sql (a test compares them).
CREATE TABLE person_distinct (
    organisation_id  UUID        NOT NULL REFERENCES organisations (id),
    person_id        UUID        NOT NULL REFERENCES persons (id),
    other_id         UUID        NOT NULL REFERENCES persons (id),
    decided_by       UUID REFERENCES users (id),
    decided_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, other_id)
);

CREATE TABLE person_merges (
    id                      UUID        NOT NULL PRIMARY KEY,
    organisation_id         UUID        NOT NULL REFERENCES organisations (id),
    survivor_id             UUID        NOT NULL REFERENCES persons (id),
    merged_id               UUID        NOT NULL REFERENCES persons (id),
    -- The kept record's version before and after the merge, and its form before: undo
    -- restores the fields the merge changed, unless someone changed them since.
    survivor_version_before BIGINT      NOT NULL,
    survivor_version_after  BIGINT      NOT NULL,
    survivor_before         TEXT        NOT NULL,
    survivor_after          TEXT        NOT NULL,
    -- Records that had been merged into the merged one, now pointing at the kept one.
    repointed               TEXT        NOT NULL,
    merged_by               UUID REFERENCES users (id),
    merged_at               TIMESTAMPTZ NOT NULL,
    undone_by               UUID REFERENCES users (id),
    undone_at               TIMESTAMPTZ,
    version                 BIGINT      NOT NULL DEFAULT 1
);
CREATE INDEX person_merges_survivor_idx ON person_merges (survivor_id);
CREATE INDEX person_merges_merged_idx ON person_merges (merged_id);
