-- A minor's file is sorted with the public archives before retention may remove anything
-- (Code du patrimoine L.211-4, ADR 0042): the line records what the archives service did —
-- took the file (transferred) or authorised its elimination — with their reference, the day,
-- and who recorded it. All empty until recorded; set together.
ALTER TABLE retention_reviews
    ADD COLUMN archives_step TEXT CHECK (archives_step IN ('transferred', 'elimination_authorised')),
    ADD COLUMN archives_reference TEXT,
    ADD COLUMN archives_on DATE,
    ADD COLUMN archives_by UUID REFERENCES users (id),
    ADD COLUMN archives_recorded_at TIMESTAMPTZ,
    -- The reference may go (anonymisation blanks typed text); the answer and its day stay.
    ADD CONSTRAINT retention_reviews_archives_together CHECK (
        (archives_step IS NULL) = (archives_on IS NULL)
        AND (archives_step IS NULL) = (archives_recorded_at IS NULL));

-- Access logs kept beyond the CNIL's twelve months need the DPO's written reason (ADR 0040).
ALTER TABLE retention_settings ADD COLUMN audit_reason TEXT;
