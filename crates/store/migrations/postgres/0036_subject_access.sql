-- Data-subject requests (issue 12 point 4, ADR 0035): what the person asked (access,
-- portability, rectification, erasure, restriction, objection), when it was received, the
-- extension with its reason, the answer and who gave it; the release of the export once the
-- DPO reviewed what may name third parties; every export made, logged on its request.
-- Kept column for column in step with ../sqlite/0036_subject_access.sql.
CREATE TABLE subject_requests (
    id                  UUID    NOT NULL PRIMARY KEY,
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    person_id           UUID    NOT NULL REFERENCES persons (id),
    kind                TEXT    NOT NULL CHECK (kind IN ('access', 'portability',
                            'rectification', 'erasure', 'restriction', 'objection')),
    received_on         DATE    NOT NULL,
    extension_reason    TEXT,
    status              TEXT    NOT NULL DEFAULT 'open'
                            CHECK (status IN ('open', 'answered', 'refused')),
    answered_on         DATE,
    answer_note         TEXT,
    handled_by          UUID REFERENCES users (id),
    released_at         TIMESTAMPTZ,
    released_by         UUID REFERENCES users (id),
    created_by          UUID REFERENCES users (id),
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT  NOT NULL DEFAULT 1,
    CHECK ((status = 'open') = (answered_on IS NULL))
);
CREATE INDEX subject_requests_org_idx ON subject_requests (organisation_id, status, received_on);
CREATE INDEX subject_requests_person_idx ON subject_requests (organisation_id, person_id);

CREATE TABLE subject_request_exports (
    id                  UUID    NOT NULL PRIMARY KEY,
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    request_id          UUID    NOT NULL REFERENCES subject_requests (id),
    format              TEXT    NOT NULL CHECK (format IN ('json', 'pdf')),
    made_at             TIMESTAMPTZ NOT NULL,
    made_by             UUID REFERENCES users (id)
);
CREATE INDEX subject_request_exports_request_idx ON subject_request_exports (request_id);
