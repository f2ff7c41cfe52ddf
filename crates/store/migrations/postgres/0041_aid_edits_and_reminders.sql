-- Issue 10, the last gaps (ADR 0030, section of 2026-11-27): an aid request waiting for
-- documents longer than the organisation allows gives its case's referent a task. One more
-- kind of system task, every existing kind kept.
-- Kept in step with ../sqlite/0041_aid_edits_and_reminders.sql.
ALTER TABLE tasks DROP CONSTRAINT tasks_kind_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_kind_check CHECK (kind IN ('manual', 'follow_up_due',
    'flag_unacknowledged', 'assessment_old', 'document_expiring', 'referral_unanswered',
    'domiciliation_renewal', 'domiciliation_mail_waiting', 'aid_awaiting_documents'));

-- A request waiting for documents longer than this many days gives a task.
ALTER TABLE organisations ADD COLUMN reminder_aid_days BIGINT NOT NULL DEFAULT 15;
