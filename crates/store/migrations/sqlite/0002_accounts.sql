-- Accounts: users, their memberships of organisations (one role each) and teams, sessions
-- kept in the database (several app servers share them), one-time links.
-- Kept column for column in step with ../postgres/0002_accounts.sql (a test compares them).
CREATE TABLE users (
    id                  BLOB    NOT NULL PRIMARY KEY,
    email               TEXT    NOT NULL,
    display_name        TEXT    NOT NULL,
    -- NULL until the user sets a password through a one-time link.
    password_hash       TEXT,
    instance_admin      INTEGER NOT NULL DEFAULT 0,
    preferred_locale    TEXT,
    disabled_at         TEXT,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    last_login_at       TEXT,
    password_changed_at TEXT,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT users_email_key UNIQUE (email)
) STRICT;

CREATE TABLE memberships (
    id               BLOB    NOT NULL PRIMARY KEY,
    user_id          BLOB    NOT NULL REFERENCES users (id),
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    role             TEXT    NOT NULL CHECK (role IN ('manager', 'worker', 'reception', 'supervisor', 'dpo', 'peer-mediator', 'partner')),
    disabled_at      TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT memberships_user_organisation_key UNIQUE (user_id, organisation_id)
) STRICT;
CREATE INDEX memberships_organisation_idx ON memberships (organisation_id);

CREATE TABLE membership_teams (
    membership_id  BLOB    NOT NULL REFERENCES memberships (id),
    team_id        BLOB    NOT NULL REFERENCES teams (id),
    supervises     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (membership_id, team_id)
) STRICT;
CREATE INDEX membership_teams_team_idx ON membership_teams (team_id);

-- The id is the SHA-256 of the cookie's token: a copy of this table opens no session.
CREATE TABLE sessions (
    id                      BLOB NOT NULL PRIMARY KEY,
    user_id                 BLOB NOT NULL REFERENCES users (id),
    active_organisation_id  BLOB REFERENCES organisations (id),
    created_at              TEXT NOT NULL,
    last_seen_at            TEXT NOT NULL,
    expires_at              TEXT NOT NULL,
    device                  TEXT NOT NULL,
    -- Failed sign-in attempts since the previous sign-in, told to the user once signed in.
    failed_logins_before    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE one_time_tokens (
    id          BLOB NOT NULL PRIMARY KEY,
    user_id     BLOB NOT NULL REFERENCES users (id),
    purpose     TEXT NOT NULL CHECK (purpose IN ('set_password', 'reset_password')),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
) STRICT;
CREATE INDEX one_time_tokens_user_idx ON one_time_tokens (user_id);
