-- The annual activity report's narrative sections (issue 11 point 4, ADR 0039): for an
-- organisation, a year and a section (introduction, highlights…), the text its managers wrote
-- to go with the figures. `version` refuses a stale save (someone else saved meanwhile).
-- Kept column for column in step with ../sqlite/0039_report_narratives.sql.
CREATE TABLE report_narratives (
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    year                BIGINT  NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    section             TEXT    NOT NULL,
    body                TEXT    NOT NULL,
    version             BIGINT  NOT NULL DEFAULT 1,
    updated_by          UUID REFERENCES users (id),
    updated_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organisation_id, year, section)
);
