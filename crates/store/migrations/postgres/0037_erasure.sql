-- Erasure on request (issue 12 point 5, ADR 0036): the request stays as proof it was
-- answered, without its person: `person_id` becomes NULL when the person's file is erased,
-- and `erased_at` says when.
-- Kept column for column in step with ../sqlite/0037_erasure.sql.
ALTER TABLE subject_requests ALTER COLUMN person_id DROP NOT NULL;
ALTER TABLE subject_requests ADD COLUMN erased_at TIMESTAMPTZ;
ALTER TABLE subject_requests ADD CONSTRAINT subject_requests_erased_check
    CHECK ((person_id IS NULL) = (erased_at IS NOT NULL));
