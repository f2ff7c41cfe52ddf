-- Access-log retention (issue 12 point 2, ADR 0040): events older than the organisation's
-- access-log period are purged, and an anchor takes their place at the start of the chain. It
-- holds the hash of the last event of its range, so verification goes on from there; the
-- digest of the events the range keeps (erasures, decisions…), their counts and dates. The
-- same values are repeated in the `audit_purged` event appended with the anchor, so the
-- anchor is itself under the chain.
-- Kept column for column in step with ../postgres/0040_audit_anchors.sql.
CREATE TABLE audit_anchors (
    id            BLOB    NOT NULL PRIMARY KEY,
    chain_id      BLOB    NOT NULL,
    -- The range covered, both ends included.
    from_seq      INTEGER NOT NULL,
    through_seq   INTEGER NOT NULL,
    -- The hash of the event at `through_seq`, as it was before the purge.
    through_hash  TEXT    NOT NULL,
    purged        INTEGER NOT NULL,
    kept          INTEGER NOT NULL,
    kept_digest   TEXT    NOT NULL,
    -- The dates of the first and last events purged (NULL when none was).
    first_at      TEXT,
    last_at       TEXT,
    created_at    TEXT    NOT NULL,
    CHECK (from_seq >= 1 AND through_seq >= from_seq),
    CONSTRAINT audit_anchors_chain_through_key UNIQUE (chain_id, through_seq)
) STRICT;

CREATE TRIGGER audit_anchors_no_update BEFORE UPDATE ON audit_anchors
BEGIN
    SELECT RAISE(ABORT, 'audit anchors are append-only');
END;

CREATE TRIGGER audit_anchors_no_delete BEFORE DELETE ON audit_anchors
BEGIN
    SELECT RAISE(ABORT, 'audit anchors are append-only');
END;

-- An event may now be deleted, but only under an anchor covering it: the dedicated path of
-- 0003's promise. Anything else is still refused.
DROP TRIGGER audit_events_no_delete;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
WHEN NOT EXISTS (SELECT 1 FROM audit_anchors a WHERE a.chain_id = OLD.chain_id
                 AND OLD.seq BETWEEN a.from_seq AND a.through_seq)
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
