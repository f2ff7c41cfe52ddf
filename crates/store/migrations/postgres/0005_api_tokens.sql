-- API tokens: a user's credential for /api/v1, acting through one of their memberships with
-- at most its rights, narrowed by scopes. Only the SHA-256 of a token is kept: a copy of this
-- table opens nothing.
-- Kept column for column in step with ../sqlite/0005_api_tokens.sql (a test compares them).
CREATE TABLE api_tokens (
    id               UUID        NOT NULL PRIMARY KEY,
    user_id          UUID        NOT NULL REFERENCES users (id),
    -- The organisation of the membership the token acts through.
    organisation_id  UUID        NOT NULL REFERENCES organisations (id),
    -- What the user calls it ("nightly export").
    name             TEXT        NOT NULL,
    token_hash       BYTEA       NOT NULL,
    -- Comma-separated scope codes (domain::api_tokens::Scope), e.g. "persons:read,cases:read".
    scopes           TEXT        NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    expires_at       TIMESTAMPTZ NOT NULL,
    last_used_at     TIMESTAMPTZ,
    revoked_at       TIMESTAMPTZ,
    -- Who created it: the user on their page, NULL from the command line.
    created_by       UUID        REFERENCES users (id),
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash),
    -- A token exists only through a membership of its user in that organisation.
    CONSTRAINT api_tokens_membership_fkey FOREIGN KEY (user_id, organisation_id)
        REFERENCES memberships (user_id, organisation_id)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);
