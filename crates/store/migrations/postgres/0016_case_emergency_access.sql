-- Break-the-glass on cases (issue 4 point 7): a worker or supervisor who may not open a case
-- reads it for 24 hours after giving a reason; the grant, its audit event and the notification
-- of the case's referents are written in one transaction.
-- Kept column for column in step with ../sqlite/0016_case_emergency_access.sql (a test compares them).
CREATE TABLE case_emergency_access (
    id               UUID        NOT NULL PRIMARY KEY,
    organisation_id  UUID        NOT NULL REFERENCES organisations (id),
    case_id          UUID        NOT NULL REFERENCES cases (id),
    user_id          UUID        NOT NULL REFERENCES users (id),
    reason           TEXT        NOT NULL,
    granted_at       TIMESTAMPTZ NOT NULL,
    expires_at       TIMESTAMPTZ NOT NULL
);
-- The case page looks for the reader's active grant.
CREATE INDEX case_emergency_access_lookup_idx ON case_emergency_access (case_id, user_id, expires_at);
