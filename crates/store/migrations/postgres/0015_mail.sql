-- E-mail of notifications: each user's choice per kind of notification (no row: in the app
-- only), and the e-mails sent, by the key of the job that sent them, so that a job run again
-- after a recorded send sends nothing (see docs/adr/0011-mail.md).
-- Kept column for column in step with ../sqlite/0015_mail.sql (a test compares them).
CREATE TABLE notification_preferences (
    user_id     UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT        NOT NULL,
    delivery    TEXT        NOT NULL CHECK (delivery IN ('in_app', 'email', 'digest')),
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, kind)
);
-- The digest job looks for the users who chose it.
CREATE INDEX notification_preferences_delivery_idx ON notification_preferences (delivery, user_id);

CREATE TABLE mail_deliveries (
    -- The job's kind and key: 'mail.notification' and the notification's id, or
    -- 'mail.digest_user' and 'user id@day'. Ids and dates only.
    kind        TEXT        NOT NULL,
    key         TEXT        NOT NULL,
    user_id     UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sent_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, key)
);
