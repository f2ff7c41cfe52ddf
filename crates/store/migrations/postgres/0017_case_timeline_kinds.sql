-- The timeline takes every event of a case, not only notes and status changes: assessments,
-- plan changes, victories, referent changes, follow-up checks, and (later issues) appointments,
-- tasks, documents and referrals. Each such entry points at its record (`subject_id`), keeps a
-- short text as it was when it happened (`summary`, e.g. a goal in the person's words) and
-- says what happened to the record (`detail`, e.g. 'added', 'achieved').
-- Kept column for column in step with ../sqlite/0017_case_timeline_kinds.sql.
ALTER TABLE case_entries DROP CONSTRAINT case_entries_kind_check;
ALTER TABLE case_entries ADD CONSTRAINT case_entries_kind_check CHECK (kind IN ('note',
    'status', 'assessment', 'goal', 'step', 'victory', 'agreement', 'referents', 'follow_up',
    'appointment', 'task', 'document', 'referral'));
-- The record an event is about (an assessment, a goal, a step…); none for notes and status
-- changes, which are their own record.
ALTER TABLE case_entries ADD COLUMN subject_id UUID;
-- A short text of the record as it was then (a goal's words, a step's action).
ALTER TABLE case_entries ADD COLUMN summary TEXT;
-- What happened to the record: a code of the kind's own ('added', 'changed', 'achieved'…).
ALTER TABLE case_entries ADD COLUMN detail TEXT;
CREATE INDEX case_entries_kind_idx ON case_entries (case_id, kind, occurred_at, id);
CREATE INDEX case_entries_subject_idx ON case_entries (subject_id) WHERE subject_id IS NOT NULL;
