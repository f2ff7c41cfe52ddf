-- The audit log: who did what, to which record, when, from where and why. One hash chain per
-- organisation, and one for the instance (chain_id = the nil UUID); see domain::audit.
-- Kept column for column in step with ../sqlite/0003_audit.sql (a test compares them).
CREATE TABLE audit_events (
    id               UUID        NOT NULL PRIMARY KEY,
    chain_id         UUID        NOT NULL,
    seq              BIGINT      NOT NULL,
    organisation_id  UUID        REFERENCES organisations (id),
    actor_user_id    UUID        REFERENCES users (id),
    -- A stable snake_case code (domain::audit::AuditAction).
    action           TEXT        NOT NULL,
    subject_type     TEXT,
    subject_id       UUID,
    -- The hash covers its fixed-width UTC text form (store::Ts::canonical).
    occurred_at      TIMESTAMPTZ NOT NULL,
    client_addr      TEXT,
    request_id       TEXT,
    reason           TEXT,
    -- A small JSON object of non-personal values (role names, counts), as hashed. TEXT, not
    -- JSONB: JSONB would reorder keys and the stored text would no longer match its hash.
    details          TEXT,
    prev_hash        TEXT        NOT NULL,
    hash             TEXT        NOT NULL,
    CONSTRAINT audit_events_chain_seq_key UNIQUE (chain_id, seq)
);
-- The DPO's searches, newest first: by organisation, by actor, by record.
CREATE INDEX audit_events_organisation_idx ON audit_events (organisation_id, occurred_at, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id, occurred_at, id);
CREATE INDEX audit_events_subject_idx ON audit_events (subject_id);

-- The head of each chain. Appends lock this row, so a chain's events get seq 1, 2, 3… with
-- no gap, and the head lets verification notice events removed from the end of a chain.
CREATE TABLE audit_chains (
    chain_id   UUID   NOT NULL PRIMARY KEY,
    last_seq   BIGINT NOT NULL,
    last_hash  TEXT   NOT NULL
);

-- Events are never changed or removed by the application. Retention will later remove old
-- events through a dedicated path that is itself audited and disables nothing silently; it
-- will not go around these triggers. Disabling them needs the table's owner, and whatever is
-- changed without them is caught by `passerelle audit verify`.
-- The message is the trigger's argument.
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END;
$$;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change('audit events are append-only');
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change('audit events are append-only');
-- TRUNCATE fires no row trigger.
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change('audit events are append-only');
CREATE TRIGGER audit_chains_no_delete BEFORE DELETE ON audit_chains
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change('audit chains are append-only');
CREATE TRIGGER audit_chains_no_truncate BEFORE TRUNCATE ON audit_chains
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change('audit chains are append-only');
