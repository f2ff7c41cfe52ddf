-- API tokens: a user's credential for /api/v1, acting through one of their memberships with
-- at most its rights, narrowed by scopes. Only the SHA-256 of a token is kept: a copy of this
-- table opens nothing.
-- Kept column for column in step with ../postgres/0005_api_tokens.sql (a test compares them).
CREATE TABLE api_tokens (
    id               BLOB NOT NULL PRIMARY KEY,
    user_id          BLOB NOT NULL REFERENCES users (id),
    -- The organisation of the membership the token acts through.
    organisation_id  BLOB NOT NULL REFERENCES organisations (id),
    -- What the user calls it ("nightly export").
    name             TEXT NOT NULL,
    token_hash       BLOB NOT NULL,
    -- Comma-separated scope codes (domain::api_tokens::Scope), e.g. "persons:read,cases:read".
    scopes           TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    last_used_at     TEXT,
    revoked_at       TEXT,
    -- Who created it: the user on their page, NULL from the command line.
    created_by       BLOB REFERENCES users (id),
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash),
    -- A token exists only through a membership of its user in that organisation.
    CONSTRAINT api_tokens_membership_fkey FOREIGN KEY (user_id, organisation_id)
        REFERENCES memberships (user_id, organisation_id)
) STRICT;
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);
