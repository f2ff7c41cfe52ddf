-- Invitations into an organisation, answered by the invitee (security review M1); the
-- organisation a user last worked in, chosen again at their next sign-in; sessions whose id
-- must change at their next page because the user's rights changed (review L7).
-- Kept column for column in step with ../postgres/0009_invitations_and_session_rotation.sql.

-- A manager's invitation of an account (new or existing) into their organisation, with the
-- role and teams offered. It opens nothing until the invitee accepts it: signed in, from their
-- account page, or, for an account created by the invitation, by choosing a password with its
-- link. `link_hash` is the SHA-256 of the link the manager hands over.
CREATE TABLE invitations (
    id               BLOB NOT NULL PRIMARY KEY,
    organisation_id  BLOB NOT NULL REFERENCES organisations (id),
    user_id          BLOB NOT NULL REFERENCES users (id),
    role             TEXT NOT NULL CHECK (role IN ('manager', 'worker', 'reception', 'supervisor', 'dpo', 'peer-mediator', 'partner')),
    -- The name the manager typed, shown to the organisation's managers while pending (never
    -- the account's own name, which would tell them the account existed).
    invited_name     TEXT NOT NULL,
    link_hash        BLOB NOT NULL,
    invited_by       BLOB REFERENCES users (id),
    created_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    answered_at      TEXT,
    answer           TEXT CHECK (answer IN ('accepted', 'declined', 'replaced', 'withdrawn')),
    CONSTRAINT invitations_link_hash_key UNIQUE (link_hash)
) STRICT;
CREATE INDEX invitations_user_idx ON invitations (user_id);
CREATE INDEX invitations_organisation_idx ON invitations (organisation_id);

CREATE TABLE invitation_teams (
    invitation_id  BLOB    NOT NULL REFERENCES invitations (id),
    team_id        BLOB    NOT NULL REFERENCES teams (id),
    supervises     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (invitation_id, team_id)
) STRICT;
CREATE INDEX invitation_teams_team_idx ON invitation_teams (team_id);

-- Set when the user switches organisation; used at sign-in while that membership is enabled.
ALTER TABLE users ADD COLUMN last_organisation_id BLOB REFERENCES organisations (id);

-- Set on a user's sessions when a manager changes their role or teams: the next page they open
-- moves the session to a new id.
ALTER TABLE sessions ADD COLUMN rotation_due INTEGER NOT NULL DEFAULT 0;
