-- Federation of referrals between instances (issue 8 point 4, ADR 0029).
-- Kept column for column in step with ../postgres/0030_federation.sql.

-- This instance's identity: its id in packages, the name its card shows, and its Ed25519 and
-- X25519 secret keys, sealed with a key derived from the instance's secret key (a copy of
-- the database alone signs nothing and opens nothing). One row.
CREATE TABLE federation_instance (
    id                  INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    instance_id         BLOB    NOT NULL,
    name                TEXT    NOT NULL,
    sealed_keys         BLOB    NOT NULL,
    created_at          TEXT    NOT NULL
) STRICT;

-- A partner instance, registered by an administrator from its card. Sending side: referrals
-- to services of the directory partner `partner_id` go to it. Receiving side: its packages
-- land in the inbox of `organisation_id`. `inbound_token_hash`: the SHA-256 of the token we
-- issued it; `outbound_token`: the token it issued us (a secret, never shown again nor logged).
CREATE TABLE federation_peers (
    id                  BLOB    NOT NULL PRIMARY KEY,
    instance_id         BLOB    NOT NULL UNIQUE,
    name                TEXT    NOT NULL,
    base_url            TEXT    NOT NULL,
    signing_key         BLOB    NOT NULL,
    encryption_key      BLOB    NOT NULL,
    partner_id          BLOB REFERENCES partner_organisations (id),
    organisation_id     BLOB REFERENCES organisations (id),
    inbound_token_hash  BLOB UNIQUE,
    outbound_token      TEXT,
    created_by          BLOB REFERENCES users (id),
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL
) STRICT;

-- Every package sent or received. Outgoing: its sealed body (to deliver, retry, download)
-- and its delivery state. Incoming: its id, so that a replay is refused. `subject_id` is
-- the referral it is about, on this instance (`referrals` when we sent it,
-- `federation_referrals` when we received it).
CREATE TABLE federation_packages (
    id                  BLOB    NOT NULL PRIMARY KEY,
    peer_id             BLOB    NOT NULL REFERENCES federation_peers (id),
    direction           TEXT    NOT NULL CHECK (direction IN ('out', 'in')),
    kind                TEXT    NOT NULL CHECK (kind IN ('referral', 'answer', 'withdrawal')),
    subject_id          BLOB    NOT NULL,
    state               TEXT    NOT NULL CHECK (state IN ('waiting', 'delivered', 'failed',
                            'received')),
    error               TEXT,
    body                TEXT,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL
) STRICT;
CREATE INDEX federation_packages_subject_idx ON federation_packages (subject_id, created_at);

-- A referral received from a peer, in the inbox of the receiving organisation. `content` is
-- the copy of what was shared (identity fields, domains, consent), as JSON; erased (NULL,
-- with its documents deleted) when the person withdraws their consent. What stays is what
-- the receiver's own law requires: the referral's existence, reason, request, its answers.
CREATE TABLE federation_referrals (
    id                  BLOB    NOT NULL PRIMARY KEY,
    organisation_id     BLOB    NOT NULL REFERENCES organisations (id),
    peer_id             BLOB    NOT NULL REFERENCES federation_peers (id),
    remote_referral_id  BLOB    NOT NULL,
    sender_organisation TEXT    NOT NULL,
    referent_name       TEXT    NOT NULL,
    referent_email      TEXT,
    service_name        TEXT    NOT NULL,
    reason              TEXT    NOT NULL,
    request             TEXT    NOT NULL,
    urgency             TEXT    NOT NULL CHECK (urgency IN ('normal', 'soon', 'urgent')),
    status              TEXT    NOT NULL CHECK (status IN ('sent', 'received', 'accepted',
                            'declined', 'completed', 'no_show', 'revoked')),
    note                TEXT,
    content             TEXT,
    erased_at           TEXT,
    received_at         TEXT    NOT NULL,
    first_opened_at     TEXT,
    updated_at          TEXT    NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    UNIQUE (peer_id, remote_referral_id)
) STRICT;
CREATE INDEX federation_referrals_inbox_idx ON federation_referrals (organisation_id, received_at);

-- The shared documents' content of a received referral, deleted with the consent.
CREATE TABLE federation_documents (
    id                  BLOB    NOT NULL PRIMARY KEY,
    referral_id         BLOB    NOT NULL REFERENCES federation_referrals (id),
    title               TEXT    NOT NULL,
    file_name           TEXT    NOT NULL,
    media_type          TEXT    NOT NULL,
    content             BLOB    NOT NULL
) STRICT;
CREATE INDEX federation_documents_referral_idx ON federation_documents (referral_id);
