-- The outcomes of the cases followed over a period, from steps (ADR 0043): the life domains'
-- first-versus-latest rating and the goals of the cases followed.
-- Kept column for column in step with ../postgres/0047_statistics_steps.sql (a test compares them).
--
-- For one case, the comparison of a domain's latest rating with its first, as of a day D, is
-- a step function of D: each rating after the first starts a step (improved, same, worsened)
-- that lasts until the next rating. A goal is a step that never ends. `stats_case_steps` holds
-- them, each starting no earlier than the local day the case opened (`eff_from`): a step
-- counts on D exactly when its case was opened by then. The figure of a period [first, D] is
-- then the steps valid on D (day sums of starts less ends), less those of the cases closed
-- before `first`: for a chain whose last step starts by the closing day, only the last step
-- can be valid after it (day sums by closing day, `step_closed`); the others ("late": a rating
-- dated after the closing) are read from this table. Days are the organisation's local dates
-- (a change of its time zone rebuilds them). A case's steps are recomputed from its ratings
-- and goals when they or the case's dates change: the triggers below mark the case, the
-- dashboard recomputes the marked cases before it reads.
CREATE TABLE stats_case_steps (
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    case_id          BLOB    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('domain', 'goal')),
    code             TEXT    NOT NULL,
    seq              INTEGER NOT NULL,
    state            TEXT    NOT NULL,
    eff_from         TEXT    NOT NULL,
    to_day           TEXT,
    late             INTEGER NOT NULL,
    closed_day       TEXT,
    PRIMARY KEY (case_id, kind, code, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX stats_case_steps_late_idx ON stats_case_steps (organisation_id, closed_day)
    WHERE late = 1;

CREATE TABLE stats_dirty_cases (
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    case_id          BLOB    NOT NULL,
    PRIMARY KEY (organisation_id, case_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER stats_steps_assessments_insert AFTER INSERT ON assessments
BEGIN
    INSERT INTO stats_dirty_cases (organisation_id, case_id)
    VALUES (NEW.organisation_id, NEW.case_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_steps_assessments_update AFTER UPDATE ON assessments
BEGIN
    INSERT INTO stats_dirty_cases (organisation_id, case_id)
    VALUES (OLD.organisation_id, OLD.case_id), (NEW.organisation_id, NEW.case_id)
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_steps_assessments_delete AFTER DELETE ON assessments
BEGIN
    INSERT INTO stats_dirty_cases (organisation_id, case_id)
    VALUES (OLD.organisation_id, OLD.case_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_steps_ratings_insert AFTER INSERT ON assessment_ratings
BEGIN
    INSERT INTO stats_dirty_cases (organisation_id, case_id)
    SELECT a.organisation_id, a.case_id FROM assessments a WHERE a.id = NEW.assessment_id
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_steps_ratings_update AFTER UPDATE ON assessment_ratings
BEGIN
    INSERT INTO stats_dirty_cases (organisation_id, case_id)
    SELECT a.organisation_id, a.case_id FROM assessments a
    WHERE a.id IN (OLD.assessment_id, NEW.assessment_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_steps_ratings_delete AFTER DELETE ON assessment_ratings
BEGIN
    INSERT INTO stats_dirty_cases (organisation_id, case_id)
    SELECT a.organisation_id, a.case_id FROM assessments a WHERE a.id = OLD.assessment_id
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_steps_goals_insert AFTER INSERT ON plan_goals
BEGIN
    INSERT INTO stats_dirty_cases (organisation_id, case_id)
    VALUES (NEW.organisation_id, NEW.case_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_steps_goals_update AFTER UPDATE ON plan_goals
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.case_id IS NOT NEW.case_id
    OR OLD.organisation_id IS NOT NEW.organisation_id
BEGIN
    INSERT INTO stats_dirty_cases (organisation_id, case_id)
    VALUES (OLD.organisation_id, OLD.case_id), (NEW.organisation_id, NEW.case_id)
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_steps_goals_delete AFTER DELETE ON plan_goals
BEGIN
    INSERT INTO stats_dirty_cases (organisation_id, case_id)
    VALUES (OLD.organisation_id, OLD.case_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_steps_cases_update AFTER UPDATE ON cases
WHEN OLD.opened_at IS NOT NEW.opened_at OR OLD.closed_at IS NOT NEW.closed_at
    OR OLD.organisation_id IS NOT NEW.organisation_id
BEGIN
    INSERT INTO stats_dirty_cases (organisation_id, case_id)
    VALUES (OLD.organisation_id, OLD.id), (NEW.organisation_id, NEW.id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_steps_cases_delete AFTER DELETE ON cases
BEGIN
    INSERT INTO stats_dirty_cases (organisation_id, case_id)
    VALUES (OLD.organisation_id, OLD.id) ON CONFLICT DO NOTHING;
END;
-- Local days change with the time zone: every step is computed again.
CREATE TRIGGER stats_steps_time_zone AFTER UPDATE OF time_zone ON organisations
WHEN OLD.time_zone IS NOT NEW.time_zone
BEGIN
    DELETE FROM stats_built WHERE organisation_id = NEW.id AND family = 'outcomes';
END;

CREATE TRIGGER stats_case_steps_insert AFTER INSERT ON stats_case_steps
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    SELECT NEW.organisation_id, 'outcomes', d FROM (
        SELECT NEW.eff_from AS d UNION SELECT NEW.to_day UNION SELECT NEW.closed_day)
    WHERE d IS NOT NULL ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER stats_case_steps_delete AFTER DELETE ON stats_case_steps
BEGIN
    INSERT INTO stats_dirty (organisation_id, family, day)
    SELECT OLD.organisation_id, 'outcomes', d FROM (
        SELECT OLD.eff_from AS d UNION SELECT OLD.to_day UNION SELECT OLD.closed_day)
    WHERE d IS NOT NULL ON CONFLICT DO NOTHING;
END;
