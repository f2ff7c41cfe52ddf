-- The organisation's statistics from day summaries (ADR 0043, issue 11 point 7).
-- Kept column for column in step with ../postgres/0045_statistics_days.sql (a test compares them).
--
-- `stats_days` holds, per organisation, figure family and day, what the dashboard's SQL
-- counts for that day: the contacts of each type, the appointments of each state, the
-- referrals sent to each service… A day is the UTC date of the instant a figure is keyed on
-- (`occurred_at`, `starts_at`…), or the date itself for figures kept by date (checks after
-- closure, by `due_on`). A day's rows are recomputed from the rows they count, by the same
-- SQL as the dashboard's, never adjusted by hand.
--
-- Every write of a counted row marks its day (old and new) "dirty", by the triggers below,
-- in the transaction that writes it; the dashboard recomputes the dirty days before it reads
-- (`store::statistics::days::refresh`). A family never computed (`stats_built` has no row)
-- is computed whole at its first read.
CREATE TABLE stats_days (
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    figure           TEXT    NOT NULL,
    day              TEXT    NOT NULL,
    code             TEXT    NOT NULL,
    code2            TEXT    NOT NULL,
    -- The record a line is about when it is one (a referral's partner service).
    ref_id           BLOB,
    n                INTEGER NOT NULL,
    v1               INTEGER NOT NULL,
    v2               INTEGER NOT NULL,
    v3               INTEGER NOT NULL,
    v4               INTEGER NOT NULL,
    PRIMARY KEY (organisation_id, figure, day, code, code2)
) STRICT, WITHOUT ROWID;

CREATE TABLE stats_dirty (
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    family           TEXT    NOT NULL,
    day              TEXT    NOT NULL,
    PRIMARY KEY (organisation_id, family, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE stats_built (
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    family           TEXT    NOT NULL,
    built_at         TEXT    NOT NULL,
    PRIMARY KEY (organisation_id, family)
) STRICT;

-- The cases' own dates, for counting the cases opened before a day (the cases followed).
CREATE INDEX cases_opened_idx ON cases (organisation_id, opened_at);

-- Contacts: the notes of the timeline.
CREATE TRIGGER stats_case_entries_insert AFTER INSERT ON case_entries WHEN NEW.kind = 'note'
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    VALUES (NEW.organisation_id, 'contacts', substr(NEW.occurred_at, 1, 10)) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_case_entries_update AFTER UPDATE ON case_entries
WHEN OLD.kind = 'note' OR NEW.kind = 'note'
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    VALUES (OLD.organisation_id, 'contacts', substr(OLD.occurred_at, 1, 10)),
           (NEW.organisation_id, 'contacts', substr(NEW.occurred_at, 1, 10)) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_case_entries_delete AFTER DELETE ON case_entries WHEN OLD.kind = 'note'
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    VALUES (OLD.organisation_id, 'contacts', substr(OLD.occurred_at, 1, 10)) ON CONFLICT DO NOTHING;
END;

-- Appointments, by the day they start.
CREATE TRIGGER stats_appointments_insert AFTER INSERT ON appointments
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    VALUES (NEW.organisation_id, 'appointments', substr(NEW.starts_at, 1, 10)) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_appointments_update AFTER UPDATE ON appointments
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    VALUES (OLD.organisation_id, 'appointments', substr(OLD.starts_at, 1, 10)),
           (NEW.organisation_id, 'appointments', substr(NEW.starts_at, 1, 10)) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_appointments_delete AFTER DELETE ON appointments
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    VALUES (OLD.organisation_id, 'appointments', substr(OLD.starts_at, 1, 10)) ON CONFLICT DO NOTHING;
END;

-- Documents, by the day they were filed.
CREATE TRIGGER stats_documents_insert AFTER INSERT ON documents
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    VALUES (NEW.organisation_id, 'documents', substr(NEW.created_at, 1, 10)) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_documents_update AFTER UPDATE ON documents
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    VALUES (OLD.organisation_id, 'documents', substr(OLD.created_at, 1, 10)),
           (NEW.organisation_id, 'documents', substr(NEW.created_at, 1, 10)) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_documents_delete AFTER DELETE ON documents
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    VALUES (OLD.organisation_id, 'documents', substr(OLD.created_at, 1, 10)) ON CONFLICT DO NOTHING;
END;

-- Cases, by the day they opened and the day they closed.
CREATE TRIGGER stats_cases_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    SELECT NEW.organisation_id, 'cases', d FROM (
        SELECT substr(NEW.opened_at, 1, 10) AS d
        UNION SELECT substr(NEW.closed_at, 1, 10)) WHERE d IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_cases_update AFTER UPDATE ON cases
WHEN OLD.opened_at IS NOT NEW.opened_at OR OLD.closed_at IS NOT NEW.closed_at
    OR OLD.status IS NOT NEW.status OR OLD.closure_reason IS NOT NEW.closure_reason
    OR OLD.organisation_id IS NOT NEW.organisation_id
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    SELECT o, 'cases', d FROM (
        SELECT OLD.organisation_id AS o, substr(OLD.opened_at, 1, 10) AS d
        UNION SELECT OLD.organisation_id, substr(OLD.closed_at, 1, 10)
        UNION SELECT NEW.organisation_id, substr(NEW.opened_at, 1, 10)
        UNION SELECT NEW.organisation_id, substr(NEW.closed_at, 1, 10)) WHERE d IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_cases_delete AFTER DELETE ON cases
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    SELECT OLD.organisation_id, 'cases', d FROM (
        SELECT substr(OLD.opened_at, 1, 10) AS d
        UNION SELECT substr(OLD.closed_at, 1, 10)) WHERE d IS NOT NULL
    ON CONFLICT DO NOTHING;
END;

-- Referrals, by the day they were sent; a partner's answer changes its referral's day.
CREATE TRIGGER stats_referrals_insert AFTER INSERT ON referrals WHEN NEW.sent_at IS NOT NULL
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    VALUES (NEW.organisation_id, 'referrals', substr(NEW.sent_at, 1, 10)) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_referrals_update AFTER UPDATE ON referrals
WHEN OLD.sent_at IS NOT NULL OR NEW.sent_at IS NOT NULL
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    SELECT o, 'referrals', d FROM (
        SELECT OLD.organisation_id AS o, substr(OLD.sent_at, 1, 10) AS d
        UNION SELECT NEW.organisation_id, substr(NEW.sent_at, 1, 10)) WHERE d IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_referrals_delete AFTER DELETE ON referrals WHEN OLD.sent_at IS NOT NULL
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    VALUES (OLD.organisation_id, 'referrals', substr(OLD.sent_at, 1, 10)) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_referral_steps_insert AFTER INSERT ON referral_steps
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    SELECT r.organisation_id, 'referrals', substr(r.sent_at, 1, 10) FROM referrals r
    WHERE r.id = NEW.referral_id AND r.sent_at IS NOT NULL ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_referral_steps_update AFTER UPDATE ON referral_steps
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    SELECT r.organisation_id, 'referrals', substr(r.sent_at, 1, 10) FROM referrals r
    WHERE r.id IN (OLD.referral_id, NEW.referral_id) AND r.sent_at IS NOT NULL ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_referral_steps_delete AFTER DELETE ON referral_steps
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    SELECT r.organisation_id, 'referrals', substr(r.sent_at, 1, 10) FROM referrals r
    WHERE r.id = OLD.referral_id AND r.sent_at IS NOT NULL ON CONFLICT DO NOTHING;
END;

-- Checks after closure, by the day they fall due; what held, by its check's day.
CREATE TRIGGER stats_case_follow_ups_insert AFTER INSERT ON case_follow_ups
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    VALUES (NEW.organisation_id, 'checks', NEW.due_on) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_case_follow_ups_update AFTER UPDATE ON case_follow_ups
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    VALUES (OLD.organisation_id, 'checks', OLD.due_on),
           (NEW.organisation_id, 'checks', NEW.due_on) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_case_follow_ups_delete AFTER DELETE ON case_follow_ups
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    VALUES (OLD.organisation_id, 'checks', OLD.due_on) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_case_follow_up_domains_insert AFTER INSERT ON case_follow_up_domains
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    SELECT k.organisation_id, 'checks', k.due_on FROM case_follow_ups k
    WHERE k.id = NEW.follow_up_id ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_case_follow_up_domains_update AFTER UPDATE ON case_follow_up_domains
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    SELECT k.organisation_id, 'checks', k.due_on FROM case_follow_ups k
    WHERE k.id IN (OLD.follow_up_id, NEW.follow_up_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_case_follow_up_domains_delete AFTER DELETE ON case_follow_up_domains
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    SELECT k.organisation_id, 'checks', k.due_on FROM case_follow_ups k
    WHERE k.id = OLD.follow_up_id ON CONFLICT DO NOTHING;
END;
