-- Sign-in security: throttling of failed sign-ins (shared by every app server), the TOTP second
-- factor with recovery codes, and sign-ins waiting for their second factor.
-- Kept column for column in step with ../sqlite/0004_sign_in_security.sql.

-- A counter per account and per client address. Keys are HMACs of the e-mail typed and of the
-- address, so the table holds no personal data in clear.
CREATE TABLE login_throttle (
    key                BYTEA       NOT NULL PRIMARY KEY,
    window_started_at  TIMESTAMPTZ NOT NULL,
    attempts           BIGINT      NOT NULL,
    blocked_until      TIMESTAMPTZ
);

-- The TOTP secret, encrypted with a key derived from the instance's secret key.
ALTER TABLE users ADD COLUMN totp_secret_encrypted TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at TIMESTAMPTZ;
-- The last time step whose code was accepted: a code is never accepted twice.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

CREATE TABLE recovery_codes (
    user_id     UUID        NOT NULL REFERENCES users (id),
    code_hash   BYTEA       NOT NULL,
    used_at     TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);

-- A correct password whose second factor is still to come; the id is the SHA-256 of the token
-- in a short-lived cookie.
CREATE TABLE pending_sign_ins (
    id          BYTEA       NOT NULL PRIMARY KEY,
    user_id     UUID        NOT NULL REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    attempts    BIGINT      NOT NULL DEFAULT 0
);
CREATE INDEX pending_sign_ins_user_idx ON pending_sign_ins (user_id);
