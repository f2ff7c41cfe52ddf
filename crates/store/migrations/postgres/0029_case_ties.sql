-- The ties around the person of a case, for its coordination view (issue 8 point 6, ADR 0028):
-- family, friends, neighbours, community, professionals and services involved, each with the
-- strength of the tie as the person describes it.
-- Kept column for column in step with ../sqlite/0029_case_ties.sql.
CREATE TABLE case_ties (
    id                  UUID    NOT NULL PRIMARY KEY,
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    case_id             UUID    NOT NULL REFERENCES cases (id),
    kind                TEXT    NOT NULL CHECK (kind IN ('family', 'friend', 'neighbour',
                            'community', 'professional', 'service')),
    label               TEXT    NOT NULL,
    strength            TEXT    NOT NULL CHECK (strength IN ('strong', 'moderate', 'weak',
                            'stressful')),
    note                TEXT,
    created_by          UUID REFERENCES users (id),
    created_at          TIMESTAMPTZ NOT NULL,
    updated_by          UUID REFERENCES users (id),
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX case_ties_case_idx ON case_ties (organisation_id, case_id, created_at);
