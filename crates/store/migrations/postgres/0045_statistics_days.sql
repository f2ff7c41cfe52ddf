-- The organisation's statistics from day summaries (ADR 0043, issue 11 point 7).
-- Kept column for column in step with ../sqlite/0045_statistics_days.sql (a test compares them).
--
-- `stats_days` holds, per organisation, figure family and day, what the dashboard's SQL
-- counts for that day. A day is the UTC date of the instant a figure is keyed on, or the date
-- itself for figures kept by date (checks after closure, by `due_on`). A day's rows are
-- recomputed from the rows they count, by the same SQL as the dashboard's.
--
-- Every write of a counted row marks its day (old and new) "dirty", by the triggers below,
-- in the transaction that writes it; the dashboard recomputes the dirty days before it reads
-- (`store::statistics::days::refresh`). The dashboard locks `stats_dirty` against writes
-- (SHARE ROW EXCLUSIVE) while it recomputes: it waits for the writes that marked a day and
-- have not committed yet, and the writes that come while it works wait for it, so no
-- recomputation misses a committed write.
CREATE TABLE stats_days (
    organisation_id  UUID    NOT NULL REFERENCES organisations (id),
    figure           TEXT    NOT NULL,
    day              DATE    NOT NULL,
    code             TEXT    NOT NULL,
    code2            TEXT    NOT NULL,
    ref_id           UUID,
    n                BIGINT  NOT NULL,
    v1               BIGINT  NOT NULL,
    v2               BIGINT  NOT NULL,
    v3               BIGINT  NOT NULL,
    v4               BIGINT  NOT NULL,
    PRIMARY KEY (organisation_id, figure, day, code, code2)
);

CREATE TABLE stats_dirty (
    organisation_id  UUID    NOT NULL REFERENCES organisations (id),
    family           TEXT    NOT NULL,
    day              DATE    NOT NULL,
    PRIMARY KEY (organisation_id, family, day)
);

CREATE TABLE stats_built (
    organisation_id  UUID        NOT NULL REFERENCES organisations (id),
    family           TEXT        NOT NULL,
    built_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organisation_id, family)
);

CREATE INDEX cases_opened_idx ON cases (organisation_id, opened_at);

-- Marks a day dirty; NULL days (a referral not sent, a case not closed) are no day.
CREATE FUNCTION stats_mark(org UUID, fam TEXT, d DATE) RETURNS void AS $$
BEGIN
    IF d IS NOT NULL THEN
        INSERT INTO stats_dirty (organisation_id, family, day) VALUES (org, fam, d)
        ON CONFLICT (organisation_id, family, day) DO NOTHING;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION stats_utc_day(t TIMESTAMPTZ) RETURNS DATE AS $$
    SELECT (t AT TIME ZONE 'UTC')::date;
$$ LANGUAGE sql IMMUTABLE;

-- One function per table: the days of the old row and of the new one.
CREATE FUNCTION stats_case_entries_mark() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.kind = 'note' THEN
        PERFORM stats_mark(OLD.organisation_id, 'contacts', stats_utc_day(OLD.occurred_at));
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.kind = 'note' THEN
        PERFORM stats_mark(NEW.organisation_id, 'contacts', stats_utc_day(NEW.occurred_at));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stats_case_entries AFTER INSERT OR UPDATE OR DELETE ON case_entries
    FOR EACH ROW EXECUTE FUNCTION stats_case_entries_mark();

CREATE FUNCTION stats_appointments_mark() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM stats_mark(OLD.organisation_id, 'appointments', stats_utc_day(OLD.starts_at));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM stats_mark(NEW.organisation_id, 'appointments', stats_utc_day(NEW.starts_at));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stats_appointments AFTER INSERT OR UPDATE OR DELETE ON appointments
    FOR EACH ROW EXECUTE FUNCTION stats_appointments_mark();

CREATE FUNCTION stats_documents_mark() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM stats_mark(OLD.organisation_id, 'documents', stats_utc_day(OLD.created_at));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM stats_mark(NEW.organisation_id, 'documents', stats_utc_day(NEW.created_at));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stats_documents AFTER INSERT OR UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION stats_documents_mark();

CREATE FUNCTION stats_cases_mark() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.opened_at IS NOT DISTINCT FROM NEW.opened_at
        AND OLD.closed_at IS NOT DISTINCT FROM NEW.closed_at
        AND OLD.status IS NOT DISTINCT FROM NEW.status
        AND OLD.closure_reason IS NOT DISTINCT FROM NEW.closure_reason
        AND OLD.organisation_id IS NOT DISTINCT FROM NEW.organisation_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM stats_mark(OLD.organisation_id, 'cases', stats_utc_day(OLD.opened_at));
        PERFORM stats_mark(OLD.organisation_id, 'cases', stats_utc_day(OLD.closed_at));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM stats_mark(NEW.organisation_id, 'cases', stats_utc_day(NEW.opened_at));
        PERFORM stats_mark(NEW.organisation_id, 'cases', stats_utc_day(NEW.closed_at));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stats_cases AFTER INSERT OR UPDATE OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION stats_cases_mark();

CREATE FUNCTION stats_referrals_mark() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM stats_mark(OLD.organisation_id, 'referrals', stats_utc_day(OLD.sent_at));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM stats_mark(NEW.organisation_id, 'referrals', stats_utc_day(NEW.sent_at));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stats_referrals AFTER INSERT OR UPDATE OR DELETE ON referrals
    FOR EACH ROW EXECUTE FUNCTION stats_referrals_mark();

CREATE FUNCTION stats_referral_steps_mark() RETURNS trigger AS $$
DECLARE
    r RECORD;
BEGIN
    FOR r IN SELECT organisation_id, sent_at FROM referrals WHERE id IN (
        CASE WHEN TG_OP <> 'INSERT' THEN OLD.referral_id END,
        CASE WHEN TG_OP <> 'DELETE' THEN NEW.referral_id END)
    LOOP
        PERFORM stats_mark(r.organisation_id, 'referrals', stats_utc_day(r.sent_at));
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stats_referral_steps AFTER INSERT OR UPDATE OR DELETE ON referral_steps
    FOR EACH ROW EXECUTE FUNCTION stats_referral_steps_mark();

CREATE FUNCTION stats_case_follow_ups_mark() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM stats_mark(OLD.organisation_id, 'checks', OLD.due_on);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM stats_mark(NEW.organisation_id, 'checks', NEW.due_on);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stats_case_follow_ups AFTER INSERT OR UPDATE OR DELETE ON case_follow_ups
    FOR EACH ROW EXECUTE FUNCTION stats_case_follow_ups_mark();

CREATE FUNCTION stats_case_follow_up_domains_mark() RETURNS trigger AS $$
DECLARE
    k RECORD;
BEGIN
    FOR k IN SELECT organisation_id, due_on FROM case_follow_ups WHERE id IN (
        CASE WHEN TG_OP <> 'INSERT' THEN OLD.follow_up_id END,
        CASE WHEN TG_OP <> 'DELETE' THEN NEW.follow_up_id END)
    LOOP
        PERFORM stats_mark(k.organisation_id, 'checks', k.due_on);
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stats_case_follow_up_domains AFTER INSERT OR UPDATE OR DELETE ON case_follow_up_domains
    FOR EACH ROW EXECUTE FUNCTION stats_case_follow_up_domains_mark();
