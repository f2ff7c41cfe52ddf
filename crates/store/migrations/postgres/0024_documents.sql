-- Documents of a person, optionally of one of their cases (issue 9 point 3): the type (an
-- organisation list, DOMAIN.md §2.13), the name it is shown and downloaded under (cleaned),
-- the type of file sniffed from its bytes, an optional expiry date, the confidential flag.
-- The bytes are in the file store, encrypted, under `object_name`; `key_id` names the key
-- that encrypted them (what a key rotation leaves to re-encrypt).
-- Share links: a secret token (only its SHA-256 is kept), an expiry, a revocation, a count of
-- uses. Kept column for column in step with ../sqlite/0024_documents.sql.
CREATE TABLE documents (
    id               UUID    NOT NULL PRIMARY KEY,
    organisation_id  UUID    NOT NULL REFERENCES organisations (id),
    person_id        UUID    NOT NULL REFERENCES persons (id),
    case_id          UUID REFERENCES cases (id),
    type_code        TEXT    NOT NULL,
    file_name        TEXT    NOT NULL,
    file_type        TEXT    NOT NULL,
    size_bytes       BIGINT  NOT NULL,
    object_name      TEXT    NOT NULL,
    key_id           TEXT    NOT NULL,
    expires_on       DATE,
    confidential     BOOLEAN NOT NULL DEFAULT FALSE,
    uploaded_by      UUID REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    version          BIGINT  NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX documents_object_idx ON documents (object_name);
CREATE INDEX documents_person_idx ON documents (organisation_id, person_id, created_at);
CREATE INDEX documents_case_idx ON documents (case_id, created_at);
-- The expiry reminders look for documents expiring soon.
CREATE INDEX documents_expiry_idx ON documents (expires_on);

CREATE TABLE document_shares (
    id               UUID    NOT NULL PRIMARY KEY,
    organisation_id  UUID    NOT NULL REFERENCES organisations (id),
    document_id      UUID    NOT NULL REFERENCES documents (id),
    -- SHA-256 of the secret token, hex: the token itself is only in the link.
    token_hash       TEXT    NOT NULL,
    recipient        TEXT    NOT NULL CHECK (recipient IN ('person', 'partner')),
    -- Who the link was given to, as the worker wrote it (a partner's name).
    recipient_label  TEXT,
    expires_at       TIMESTAMPTZ NOT NULL,
    revoked_at       TIMESTAMPTZ,
    revoked_by       UUID REFERENCES users (id),
    use_count        BIGINT  NOT NULL DEFAULT 0,
    last_used_at     TIMESTAMPTZ,
    created_by       UUID REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    version          BIGINT  NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX document_shares_token_idx ON document_shares (token_hash);
CREATE INDEX document_shares_document_idx ON document_shares (document_id, created_at);
