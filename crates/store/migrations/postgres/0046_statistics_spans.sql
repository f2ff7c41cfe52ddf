-- The persons and households followed over a period, from follow spans (ADR 0043).
-- Kept column for column in step with ../sqlite/0046_statistics_spans.sql (a test compares
-- them), which says how the spans and gaps give the distinct persons and households.
CREATE TABLE stats_spans (
    organisation_id  UUID        NOT NULL REFERENCES organisations (id),
    kind             TEXT        NOT NULL CHECK (kind IN ('person', 'household')),
    subject_id       UUID        NOT NULL,
    opened_at        TIMESTAMPTZ NOT NULL,
    closed_at        TIMESTAMPTZ,
    PRIMARY KEY (organisation_id, kind, subject_id, opened_at)
);
CREATE INDEX stats_spans_opened_idx ON stats_spans (organisation_id, kind, opened_at);
CREATE INDEX stats_spans_closed_idx ON stats_spans (organisation_id, kind, closed_at);

CREATE TABLE stats_gaps (
    organisation_id  UUID        NOT NULL REFERENCES organisations (id),
    kind             TEXT        NOT NULL CHECK (kind IN ('person', 'household')),
    subject_id       UUID        NOT NULL,
    gap_start        TIMESTAMPTZ NOT NULL,
    gap_end          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organisation_id, kind, subject_id, gap_start)
);
CREATE INDEX stats_gaps_start_idx ON stats_gaps (organisation_id, kind, gap_start, gap_end);

CREATE TABLE stats_dirty_subjects (
    organisation_id  UUID        NOT NULL REFERENCES organisations (id),
    kind             TEXT        NOT NULL CHECK (kind IN ('person', 'household')),
    subject_id       UUID        NOT NULL,
    PRIMARY KEY (organisation_id, kind, subject_id)
);

-- A case closes after it opens (the application never writes otherwise). NOT VALID: rows
-- written before are not checked, new and changed ones are.
ALTER TABLE cases ADD CONSTRAINT cases_closed_after_opened
    CHECK (closed_at IS NULL OR closed_at >= opened_at) NOT VALID;

CREATE FUNCTION stats_mark_subject(org UUID, k TEXT, s UUID) RETURNS void AS $$
BEGIN
    IF s IS NOT NULL THEN
        INSERT INTO stats_dirty_subjects (organisation_id, kind, subject_id) VALUES (org, k, s)
        ON CONFLICT (organisation_id, kind, subject_id) DO NOTHING;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION stats_subjects_cases_mark() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.opened_at IS NOT DISTINCT FROM NEW.opened_at
        AND OLD.closed_at IS NOT DISTINCT FROM NEW.closed_at
        AND OLD.person_id IS NOT DISTINCT FROM NEW.person_id
        AND OLD.household_id IS NOT DISTINCT FROM NEW.household_id
        AND OLD.organisation_id IS NOT DISTINCT FROM NEW.organisation_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM stats_mark_subject(OLD.organisation_id, 'person', OLD.person_id);
        PERFORM stats_mark_subject(OLD.organisation_id, 'household', OLD.household_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM stats_mark_subject(NEW.organisation_id, 'person', NEW.person_id);
        PERFORM stats_mark_subject(NEW.organisation_id, 'household', NEW.household_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stats_subjects_cases AFTER INSERT OR UPDATE OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION stats_subjects_cases_mark();

CREATE FUNCTION stats_spans_mark() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM stats_mark(OLD.organisation_id, 'spans', stats_utc_day(OLD.opened_at));
        PERFORM stats_mark(OLD.organisation_id, 'spans', stats_utc_day(OLD.closed_at));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM stats_mark(NEW.organisation_id, 'spans', stats_utc_day(NEW.opened_at));
        PERFORM stats_mark(NEW.organisation_id, 'spans', stats_utc_day(NEW.closed_at));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stats_spans AFTER INSERT OR UPDATE OR DELETE ON stats_spans
    FOR EACH ROW EXECUTE FUNCTION stats_spans_mark();
