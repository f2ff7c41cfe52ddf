-- Access-log retention (issue 12 point 2, ADR 0040): events older than the organisation's
-- access-log period are purged, and an anchor takes their place at the start of the chain. It
-- holds the hash of the last event of its range, so verification goes on from there; the
-- digest of the events the range keeps (erasures, decisions…), their counts and dates. The
-- same values are repeated in the `audit_purged` event appended with the anchor, so the
-- anchor is itself under the chain.
-- Kept column for column in step with ../sqlite/0040_audit_anchors.sql.
CREATE TABLE audit_anchors (
    id            UUID        NOT NULL PRIMARY KEY,
    chain_id      UUID        NOT NULL,
    -- The range covered, both ends included.
    from_seq      BIGINT      NOT NULL,
    through_seq   BIGINT      NOT NULL,
    -- The hash of the event at `through_seq`, as it was before the purge.
    through_hash  TEXT        NOT NULL,
    purged        BIGINT      NOT NULL,
    kept          BIGINT      NOT NULL,
    kept_digest   TEXT        NOT NULL,
    -- The dates of the first and last events purged (NULL when none was).
    first_at      TIMESTAMPTZ,
    last_at       TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    CHECK (from_seq >= 1 AND through_seq >= from_seq),
    CONSTRAINT audit_anchors_chain_through_key UNIQUE (chain_id, through_seq)
);

CREATE TRIGGER audit_anchors_no_update BEFORE UPDATE ON audit_anchors
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change('audit anchors are append-only');
CREATE TRIGGER audit_anchors_no_delete BEFORE DELETE ON audit_anchors
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change('audit anchors are append-only');
CREATE TRIGGER audit_anchors_no_truncate BEFORE TRUNCATE ON audit_anchors
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change('audit anchors are append-only');

-- An event may now be deleted, but only under an anchor covering it: the dedicated path of
-- 0003's promise. Anything else is still refused.
CREATE FUNCTION audit_refuse_unanchored_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM audit_anchors a WHERE a.chain_id = OLD.chain_id
                   AND OLD.seq BETWEEN a.from_seq AND a.through_seq) THEN
        RAISE EXCEPTION 'audit events are append-only';
    END IF;
    RETURN OLD;
END;
$$;
DROP TRIGGER audit_events_no_delete ON audit_events;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_unanchored_delete();
