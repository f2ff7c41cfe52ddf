-- Sign-in security: throttling of failed sign-ins (shared by every app server), the TOTP second
-- factor with recovery codes, and sign-ins waiting for their second factor.
-- Kept column for column in step with ../postgres/0004_sign_in_security.sql.

-- A counter per account and per client address. Keys are HMACs of the e-mail typed and of the
-- address, so the table holds no personal data in clear.
CREATE TABLE login_throttle (
    key                BLOB    NOT NULL PRIMARY KEY,
    window_started_at  TEXT    NOT NULL,
    attempts           INTEGER NOT NULL,
    blocked_until      TEXT
) STRICT;

-- The TOTP secret, encrypted with a key derived from the instance's secret key.
ALTER TABLE users ADD COLUMN totp_secret_encrypted TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at TEXT;
-- The last time step whose code was accepted: a code is never accepted twice.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;

CREATE TABLE recovery_codes (
    user_id     BLOB NOT NULL REFERENCES users (id),
    code_hash   BLOB NOT NULL,
    used_at     TEXT,
    PRIMARY KEY (user_id, code_hash)
) STRICT;

-- A correct password whose second factor is still to come; the id is the SHA-256 of the token
-- in a short-lived cookie.
CREATE TABLE pending_sign_ins (
    id          BLOB    NOT NULL PRIMARY KEY,
    user_id     BLOB    NOT NULL REFERENCES users (id),
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX pending_sign_ins_user_idx ON pending_sign_ins (user_id);
