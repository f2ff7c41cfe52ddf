-- The ties around the person of a case, for its coordination view (issue 8 point 6, ADR 0028):
-- family, friends, neighbours, community, professionals and services involved, each with the
-- strength of the tie as the person describes it.
-- Kept column for column in step with ../postgres/0029_case_ties.sql.
CREATE TABLE case_ties (
    id                  BLOB    NOT NULL PRIMARY KEY,
    organisation_id     BLOB    NOT NULL REFERENCES organisations (id),
    case_id             BLOB    NOT NULL REFERENCES cases (id),
    kind                TEXT    NOT NULL CHECK (kind IN ('family', 'friend', 'neighbour',
                            'community', 'professional', 'service')),
    label               TEXT    NOT NULL,
    strength            TEXT    NOT NULL CHECK (strength IN ('strong', 'moderate', 'weak',
                            'stressful')),
    note                TEXT,
    created_by          BLOB REFERENCES users (id),
    created_at          TEXT    NOT NULL,
    updated_by          BLOB REFERENCES users (id),
    updated_at          TEXT    NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX case_ties_case_idx ON case_ties (organisation_id, case_id, created_at);
