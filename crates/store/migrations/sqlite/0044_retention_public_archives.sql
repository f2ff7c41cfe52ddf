-- A minor's file is sorted with the public archives before retention may remove anything
-- (Code du patrimoine L.211-4, ADR 0042): the line records what the archives service did —
-- took the file (transferred) or authorised its elimination — with their reference, the day,
-- and who recorded it. All empty until recorded; set together (the store writes them so).
ALTER TABLE retention_reviews ADD COLUMN archives_step TEXT
    CHECK (archives_step IN ('transferred', 'elimination_authorised'));
ALTER TABLE retention_reviews ADD COLUMN archives_reference TEXT;
ALTER TABLE retention_reviews ADD COLUMN archives_on TEXT;
ALTER TABLE retention_reviews ADD COLUMN archives_by BLOB REFERENCES users (id);
ALTER TABLE retention_reviews ADD COLUMN archives_recorded_at TEXT;

-- Access logs kept beyond the CNIL's twelve months need the DPO's written reason (ADR 0040).
ALTER TABLE retention_settings ADD COLUMN audit_reason TEXT;
