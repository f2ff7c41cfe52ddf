-- The statutory tables' definitions (issue 11 point 4, ADR 0038): each organisation's tables,
-- seeded with the defaults of domain::statistics_tables on first use (by `key`), edited by a
-- manager without code. A table's rows group codes of a value list under the funder's labels.
-- Kept column for column in step with ../sqlite/0038_statistics_tables.sql.
CREATE TABLE statistics_tables (
    id               UUID    NOT NULL PRIMARY KEY,
    organisation_id  UUID    NOT NULL REFERENCES organisations (id),
    -- The default it was seeded from ('age', 'housing'…), or the id of one added by hand.
    key              TEXT    NOT NULL,
    position         BIGINT  NOT NULL,
    title_fr         TEXT    NOT NULL,
    title_en         TEXT    NOT NULL,
    dimension        TEXT    NOT NULL,
    -- Lower edges of the age bands after the first, comma-separated ('18,25,60').
    bands            TEXT    NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    version          BIGINT  NOT NULL DEFAULT 1,
    UNIQUE (organisation_id, key)
);

CREATE TABLE statistics_table_rows (
    table_id    UUID    NOT NULL REFERENCES statistics_tables (id) ON DELETE CASCADE,
    position    BIGINT  NOT NULL,
    label_fr    TEXT    NOT NULL,
    label_en    TEXT    NOT NULL,
    -- The codes the row groups, comma-separated.
    codes       TEXT    NOT NULL,
    PRIMARY KEY (table_id, position)
);
