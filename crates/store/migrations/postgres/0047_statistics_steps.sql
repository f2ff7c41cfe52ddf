-- The outcomes of the cases followed over a period, from steps (ADR 0043): the life domains'
-- first-versus-latest rating and the goals of the cases followed.
-- Kept column for column in step with ../sqlite/0047_statistics_steps.sql (a test compares
-- them), which says how the steps give the figures.
CREATE TABLE stats_case_steps (
    organisation_id  UUID    NOT NULL REFERENCES organisations (id),
    case_id          UUID    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('domain', 'goal')),
    code             TEXT    NOT NULL,
    seq              BIGINT  NOT NULL,
    state            TEXT    NOT NULL,
    eff_from         DATE    NOT NULL,
    to_day           DATE,
    late             BIGINT  NOT NULL,
    closed_day       DATE,
    PRIMARY KEY (case_id, kind, code, seq)
);
CREATE INDEX stats_case_steps_late_idx ON stats_case_steps (organisation_id, closed_day)
    WHERE late = 1;

CREATE TABLE stats_dirty_cases (
    organisation_id  UUID    NOT NULL REFERENCES organisations (id),
    case_id          UUID    NOT NULL,
    PRIMARY KEY (organisation_id, case_id)
);

-- A write that marks holds its organisation's statistics lock in shared mode until it
-- commits; a dashboard recomputing the marks takes it exclusively (`days::refresh`): it waits
-- for the writes that marked and have not committed, and the writes that come meanwhile wait
-- for it, so every mark it deletes is of a committed write whose rows it read. Per
-- organisation (0045 and 0046 locked the whole table from the reader's side: one
-- organisation's dashboard held back the writes of all).
CREATE FUNCTION stats_lock_shared(org UUID) RETURNS void AS $$
    SELECT pg_advisory_xact_lock_shared(hashtext('passerelle.stats.' || org::text));
$$ LANGUAGE sql;

CREATE OR REPLACE FUNCTION stats_mark(org UUID, fam TEXT, d DATE) RETURNS void AS $$
BEGIN
    IF d IS NOT NULL THEN
        PERFORM stats_lock_shared(org);
        INSERT INTO stats_dirty (organisation_id, family, day) VALUES (org, fam, d)
        ON CONFLICT (organisation_id, family, day) DO NOTHING;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION stats_mark_subject(org UUID, k TEXT, s UUID) RETURNS void AS $$
BEGIN
    IF s IS NOT NULL THEN
        PERFORM stats_lock_shared(org);
        INSERT INTO stats_dirty_subjects (organisation_id, kind, subject_id) VALUES (org, k, s)
        ON CONFLICT (organisation_id, kind, subject_id) DO NOTHING;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION stats_mark_case(org UUID, c UUID) RETURNS void AS $$
BEGIN
    IF c IS NOT NULL THEN
        PERFORM stats_lock_shared(org);
        INSERT INTO stats_dirty_cases (organisation_id, case_id) VALUES (org, c)
        ON CONFLICT (organisation_id, case_id) DO NOTHING;
    END IF;
END;
$$ LANGUAGE plpgsql;

-- Assessments, plan goals: their case. Ratings: their assessment's case.
CREATE FUNCTION stats_steps_case_mark() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM stats_mark_case(OLD.organisation_id, OLD.case_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM stats_mark_case(NEW.organisation_id, NEW.case_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stats_steps_assessments AFTER INSERT OR UPDATE OR DELETE ON assessments
    FOR EACH ROW EXECUTE FUNCTION stats_steps_case_mark();
CREATE TRIGGER stats_steps_goals AFTER INSERT OR DELETE OR UPDATE OF created_at, case_id, organisation_id
    ON plan_goals FOR EACH ROW EXECUTE FUNCTION stats_steps_case_mark();

CREATE FUNCTION stats_steps_ratings_mark() RETURNS trigger AS $$
DECLARE
    a RECORD;
BEGIN
    FOR a IN SELECT organisation_id, case_id FROM assessments WHERE id IN (
        CASE WHEN TG_OP <> 'INSERT' THEN OLD.assessment_id END,
        CASE WHEN TG_OP <> 'DELETE' THEN NEW.assessment_id END)
    LOOP
        PERFORM stats_mark_case(a.organisation_id, a.case_id);
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stats_steps_ratings AFTER INSERT OR UPDATE OR DELETE ON assessment_ratings
    FOR EACH ROW EXECUTE FUNCTION stats_steps_ratings_mark();

CREATE FUNCTION stats_steps_cases_mark() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.opened_at IS NOT DISTINCT FROM NEW.opened_at
        AND OLD.closed_at IS NOT DISTINCT FROM NEW.closed_at
        AND OLD.organisation_id IS NOT DISTINCT FROM NEW.organisation_id THEN
        RETURN NULL;
    END IF;
    PERFORM stats_mark_case(OLD.organisation_id, OLD.id);
    IF TG_OP = 'UPDATE' THEN
        PERFORM stats_mark_case(NEW.organisation_id, NEW.id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stats_steps_cases AFTER UPDATE OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION stats_steps_cases_mark();

-- Local days change with the time zone: every step is computed again.
CREATE FUNCTION stats_steps_time_zone() RETURNS trigger AS $$
BEGIN
    IF OLD.time_zone IS DISTINCT FROM NEW.time_zone THEN
        DELETE FROM stats_built WHERE organisation_id = NEW.id AND family = 'outcomes';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stats_steps_time_zone AFTER UPDATE OF time_zone ON organisations
    FOR EACH ROW EXECUTE FUNCTION stats_steps_time_zone();

CREATE FUNCTION stats_case_steps_mark() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM stats_mark(OLD.organisation_id, 'outcomes', OLD.eff_from);
        PERFORM stats_mark(OLD.organisation_id, 'outcomes', OLD.to_day);
        PERFORM stats_mark(OLD.organisation_id, 'outcomes', OLD.closed_day);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM stats_mark(NEW.organisation_id, 'outcomes', NEW.eff_from);
        PERFORM stats_mark(NEW.organisation_id, 'outcomes', NEW.to_day);
        PERFORM stats_mark(NEW.organisation_id, 'outcomes', NEW.closed_day);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stats_case_steps AFTER INSERT OR UPDATE OR DELETE ON stats_case_steps
    FOR EACH ROW EXECUTE FUNCTION stats_case_steps_mark();
