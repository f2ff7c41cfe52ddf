-- Reminders of appointments sent to the person (issue 9 point 1, ADR 0027): how the person
-- asked to be reminded (chosen at booking, with their agreement), and what became of each
-- reminder, once per appointment and start time (a moved appointment is reminded again).
-- Ids, codes and dates only: the number or address is read from the person's record when the
-- reminder goes out, the message is not kept.
-- Kept column for column in step with ../sqlite/0028_appointment_reminders.sql.
ALTER TABLE appointments ADD COLUMN remind_by TEXT CHECK (remind_by IN ('sms', 'email'));
-- The language the message is written in (a tag of the app's languages: fr, en).
ALTER TABLE appointments ADD COLUMN remind_locale TEXT;

CREATE TABLE appointment_reminders (
    appointment_id   UUID    NOT NULL REFERENCES appointments (id),
    starts_at        TIMESTAMPTZ NOT NULL,
    organisation_id  UUID    NOT NULL REFERENCES organisations (id),
    channel          TEXT    NOT NULL CHECK (channel IN ('sms', 'email')),
    outcome          TEXT    NOT NULL CHECK (outcome IN ('sent', 'not_configured', 'no_address')),
    recorded_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (appointment_id, starts_at)
);
-- The periodic job looks for planned appointments soon to start that want a reminder.
CREATE INDEX appointments_remind_idx ON appointments (starts_at) WHERE remind_by IS NOT NULL;
