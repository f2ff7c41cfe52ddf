-- In-app notifications, created in the same transaction as their cause. They name records by
-- id; names are looked up when shown, so a notification outlives no erased data.
-- Kept column for column in step with ../sqlite/0007_notifications.sql.
CREATE TABLE notifications (
    id               UUID        NOT NULL PRIMARY KEY,
    user_id          UUID        NOT NULL REFERENCES users (id),
    organisation_id  UUID        REFERENCES organisations (id),
    kind             TEXT        NOT NULL,
    actor_user_id    UUID        REFERENCES users (id),
    subject_type     TEXT,
    subject_id       UUID,
    details          TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    read_at          TIMESTAMPTZ
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at, id);
