-- The count under which figures leaving the team are suppressed (issue 11 point 5, ADR 0037):
-- 5 by default, an organisation may ask more (5 to 50, checked by the settings form).
-- Kept in step with ../postgres/0043_statistics_threshold.sql.
ALTER TABLE organisations ADD COLUMN statistics_threshold INTEGER NOT NULL DEFAULT 5;
