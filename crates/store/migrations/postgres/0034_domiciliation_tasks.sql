-- Two more kinds of system task (ADR 0032, issue 10 point 5): an election of domicile whose
-- renewal falls due, and mail waiting too long at the desk.
-- Kept in step with ../sqlite/0034_domiciliation_tasks.sql.
ALTER TABLE tasks DROP CONSTRAINT tasks_kind_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_kind_check CHECK (kind IN ('manual', 'follow_up_due',
    'flag_unacknowledged', 'assessment_old', 'document_expiring', 'referral_unanswered',
    'domiciliation_renewal', 'domiciliation_mail_waiting'));

-- Mail waiting longer than this many days at the desk gives a task.
ALTER TABLE organisations ADD COLUMN reminder_mail_days BIGINT NOT NULL DEFAULT 15;
