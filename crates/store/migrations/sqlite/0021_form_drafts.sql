-- What a user had typed in a form when their session was about to end, kept on the server
-- (never in the browser: office computers are shared) until they come back to the same page,
-- which takes it back once. One per user and page; the page is an address of ids only.
-- Kept column for column in step with ../postgres/0021_form_drafts.sql.
CREATE TABLE form_drafts (
    id               BLOB    NOT NULL PRIMARY KEY,
    user_id          BLOB    NOT NULL REFERENCES users (id),
    -- The organisation the user worked in then (none for an instance administrator's page).
    organisation_id  BLOB REFERENCES organisations (id),
    path             TEXT    NOT NULL,
    -- The fields as typed, a JSON array of [form index, name, value, checked].
    fields           TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE UNIQUE INDEX form_drafts_user_path_idx ON form_drafts (user_id, path);
