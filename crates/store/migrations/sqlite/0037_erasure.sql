-- Erasure on request (issue 12 point 5, ADR 0036): the request stays as proof it was
-- answered, without its person: `person_id` becomes NULL when the person's file is erased,
-- and `erased_at` says when. SQLite cannot drop NOT NULL in place: the requests table is
-- rebuilt, and the exports table with it (it points at the requests).
-- Kept column for column in step with ../postgres/0037_erasure.sql.
CREATE TABLE subject_requests_rebuilt (
    id                  BLOB    NOT NULL PRIMARY KEY,
    organisation_id     BLOB    NOT NULL REFERENCES organisations (id),
    person_id           BLOB REFERENCES persons (id),
    kind                TEXT    NOT NULL CHECK (kind IN ('access', 'portability',
                            'rectification', 'erasure', 'restriction', 'objection')),
    received_on         TEXT    NOT NULL,
    extension_reason    TEXT,
    status              TEXT    NOT NULL DEFAULT 'open'
                            CHECK (status IN ('open', 'answered', 'refused')),
    answered_on         TEXT,
    answer_note         TEXT,
    handled_by          BLOB REFERENCES users (id),
    released_at         TEXT,
    released_by         BLOB REFERENCES users (id),
    created_by          BLOB REFERENCES users (id),
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    erased_at           TEXT,
    CHECK ((status = 'open') = (answered_on IS NULL)),
    CHECK ((person_id IS NULL) = (erased_at IS NOT NULL))
) STRICT;
INSERT INTO subject_requests_rebuilt (id, organisation_id, person_id, kind, received_on,
    extension_reason, status, answered_on, answer_note, handled_by, released_at, released_by,
    created_by, created_at, updated_at, version, erased_at)
SELECT id, organisation_id, person_id, kind, received_on, extension_reason, status,
    answered_on, answer_note, handled_by, released_at, released_by, created_by, created_at,
    updated_at, version, NULL
FROM subject_requests;

CREATE TABLE subject_request_exports_rebuilt (
    id                  BLOB    NOT NULL PRIMARY KEY,
    organisation_id     BLOB    NOT NULL REFERENCES organisations (id),
    request_id          BLOB    NOT NULL REFERENCES subject_requests_rebuilt (id),
    format              TEXT    NOT NULL CHECK (format IN ('json', 'pdf')),
    made_at             TEXT    NOT NULL,
    made_by             BLOB REFERENCES users (id)
) STRICT;
INSERT INTO subject_request_exports_rebuilt (id, organisation_id, request_id, format, made_at,
    made_by)
SELECT id, organisation_id, request_id, format, made_at, made_by FROM subject_request_exports;

DROP TABLE subject_request_exports;
DROP TABLE subject_requests;
-- Renaming updates the exports' reference to the requests' new name.
ALTER TABLE subject_requests_rebuilt RENAME TO subject_requests;
ALTER TABLE subject_request_exports_rebuilt RENAME TO subject_request_exports;
CREATE INDEX subject_requests_org_idx ON subject_requests (organisation_id, status, received_on);
CREATE INDEX subject_requests_person_idx ON subject_requests (organisation_id, person_id);
CREATE INDEX subject_request_exports_request_idx ON subject_request_exports (request_id);
