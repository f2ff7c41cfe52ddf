-- The persons and households followed over a period, from follow spans (ADR 0043).
-- Kept column for column in step with ../postgres/0046_statistics_spans.sql (a test compares them).
--
-- A person is followed in a period when one of their cases is: opened before its end and not
-- closed before its start. `stats_spans` holds, per person (and per household), the union of
-- their cases' follow intervals, overlapping or touching ones merged; `stats_gaps` the gaps
-- between two spans of the same subject. Then the persons followed in [F, U) are the spans
-- opened before U, less the spans closed before F, less the gaps lying inside [F, U) (a
-- person counted once per span meeting the period, consecutive spans met together exactly
-- when the gap between them is inside it): day sums and a short index range, however many
-- persons. A subject's spans are recomputed from their cases when one of them changes: the
-- triggers below mark the subject, the dashboard recomputes the marked subjects before it
-- reads (`store::statistics::days::refresh`), and the spans' own triggers mark the days of
-- the span counts (`stats_days`, family 'spans').
CREATE TABLE stats_spans (
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('person', 'household')),
    subject_id       BLOB    NOT NULL,
    opened_at        TEXT    NOT NULL,
    closed_at        TEXT,
    PRIMARY KEY (organisation_id, kind, subject_id, opened_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX stats_spans_opened_idx ON stats_spans (organisation_id, kind, opened_at);
CREATE INDEX stats_spans_closed_idx ON stats_spans (organisation_id, kind, closed_at);

CREATE TABLE stats_gaps (
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('person', 'household')),
    subject_id       BLOB    NOT NULL,
    gap_start        TEXT    NOT NULL,
    gap_end          TEXT    NOT NULL,
    PRIMARY KEY (organisation_id, kind, subject_id, gap_start)
) STRICT, WITHOUT ROWID;
CREATE INDEX stats_gaps_start_idx ON stats_gaps (organisation_id, kind, gap_start, gap_end);

CREATE TABLE stats_dirty_subjects (
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('person', 'household')),
    subject_id       BLOB    NOT NULL,
    PRIMARY KEY (organisation_id, kind, subject_id)
) STRICT, WITHOUT ROWID;

-- A case closes after it opens: the follow spans, and the cases followed counted from the
-- days, rely on it. The application never writes otherwise; this keeps any other writer out.
CREATE TRIGGER cases_closed_after_opened_insert BEFORE INSERT ON cases
WHEN NEW.closed_at IS NOT NULL AND NEW.closed_at < NEW.opened_at
BEGIN
    SELECT RAISE(ABORT, 'a case cannot close before it opens');
END;
CREATE TRIGGER cases_closed_after_opened_update BEFORE UPDATE ON cases
WHEN NEW.closed_at IS NOT NULL AND NEW.closed_at < NEW.opened_at
BEGIN
    SELECT RAISE(ABORT, 'a case cannot close before it opens');
END;

CREATE TRIGGER stats_subjects_cases_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO stats_dirty_subjects (organisation_id, kind, subject_id)
    SELECT NEW.organisation_id, k, s FROM (
        SELECT 'person' AS k, NEW.person_id AS s
        UNION SELECT 'household', NEW.household_id) WHERE s IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_subjects_cases_update AFTER UPDATE ON cases
WHEN OLD.opened_at IS NOT NEW.opened_at OR OLD.closed_at IS NOT NEW.closed_at
    OR OLD.person_id IS NOT NEW.person_id OR OLD.household_id IS NOT NEW.household_id
    OR OLD.organisation_id IS NOT NEW.organisation_id
BEGIN
    INSERT INTO stats_dirty_subjects (organisation_id, kind, subject_id)
    SELECT o, k, s FROM (
        SELECT OLD.organisation_id AS o, 'person' AS k, OLD.person_id AS s
        UNION SELECT OLD.organisation_id, 'household', OLD.household_id
        UNION SELECT NEW.organisation_id, 'person', NEW.person_id
        UNION SELECT NEW.organisation_id, 'household', NEW.household_id) WHERE s IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_subjects_cases_delete AFTER DELETE ON cases
BEGIN
    INSERT INTO stats_dirty_subjects (organisation_id, kind, subject_id)
    SELECT OLD.organisation_id, k, s FROM (
        SELECT 'person' AS k, OLD.person_id AS s
        UNION SELECT 'household', OLD.household_id) WHERE s IS NOT NULL
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER stats_spans_insert AFTER INSERT ON stats_spans
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    SELECT NEW.organisation_id, 'spans', d FROM (
        SELECT substr(NEW.opened_at, 1, 10) AS d
        UNION SELECT substr(NEW.closed_at, 1, 10)) WHERE d IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_spans_delete AFTER DELETE ON stats_spans
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    SELECT OLD.organisation_id, 'spans', d FROM (
        SELECT substr(OLD.opened_at, 1, 10) AS d
        UNION SELECT substr(OLD.closed_at, 1, 10)) WHERE d IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
