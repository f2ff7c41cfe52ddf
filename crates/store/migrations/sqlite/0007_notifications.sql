-- In-app notifications, created in the same transaction as their cause. They name records by
-- id; names are looked up when shown, so a notification outlives no erased data.
-- Kept column for column in step with ../postgres/0007_notifications.sql.
CREATE TABLE notifications (
    id               BLOB NOT NULL PRIMARY KEY,
    user_id          BLOB NOT NULL REFERENCES users (id),
    organisation_id  BLOB REFERENCES organisations (id),
    kind             TEXT NOT NULL,
    actor_user_id    BLOB REFERENCES users (id),
    subject_type     TEXT,
    subject_id       BLOB,
    details          TEXT,
    created_at       TEXT NOT NULL,
    read_at          TEXT
) STRICT;
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at, id);
