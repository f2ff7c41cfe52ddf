-- Indexes for the statistics dashboard (issue 11 point 7, BENCHMARKS.md "W5"): each figure of an
-- organisation's year reads the events of the period by their organisation and date, instead
-- of every case's history. The contacts' index holds what the contacts figure reads (type,
-- minutes, case), so the notes themselves are not read; it covers only the notes not deleted,
-- which are the contacts. Goals achieved read the timeline's goal events.
-- Kept in step with ../sqlite/0042_statistics_indexes.sql.
CREATE INDEX case_entries_contacts_idx ON case_entries
    (organisation_id, occurred_at, note_type, duration_minutes, case_id)
    WHERE kind = 'note' AND deleted_at IS NULL;
CREATE INDEX case_entries_goals_idx ON case_entries (organisation_id, occurred_at)
    WHERE kind = 'goal';
CREATE INDEX cases_closed_idx ON cases (organisation_id, closed_at);
CREATE INDEX referrals_sent_idx ON referrals (organisation_id, sent_at);
CREATE INDEX documents_created_idx ON documents (organisation_id, created_at, case_id);
CREATE INDEX urgency_flags_raised_idx ON urgency_flags (organisation_id, raised_at);
CREATE INDEX case_follow_ups_org_due_idx ON case_follow_ups (organisation_id, due_on);
CREATE INDEX plan_victories_org_idx ON plan_victories (organisation_id, occurred_on);
