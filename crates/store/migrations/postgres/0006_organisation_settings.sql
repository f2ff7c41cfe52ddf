-- Organisation settings: second factor required, session timeouts, letterhead used by every
-- letter and PDF. Kept column for column in step with ../sqlite/0006_organisation_settings.sql.
ALTER TABLE organisations ADD COLUMN require_second_factor BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organisations ADD COLUMN session_idle_minutes BIGINT NOT NULL DEFAULT 30;
ALTER TABLE organisations ADD COLUMN session_absolute_hours BIGINT NOT NULL DEFAULT 12;
ALTER TABLE organisations ADD COLUMN letterhead_address TEXT;
ALTER TABLE organisations ADD COLUMN letterhead_signatory TEXT;
ALTER TABLE organisations ADD COLUMN letterhead_footer TEXT;
