-- Files uploaded for an import, kept between the dry run and the confirmation so that the user
-- does not send them twice. Deleted once imported, cancelled, or an hour after the upload.
-- Kept column for column in step with ../postgres/0012_import_uploads.sql (a test compares them).
CREATE TABLE import_uploads (
    id               BLOB    NOT NULL PRIMARY KEY,
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    -- Only the user who uploaded the file reads it back.
    user_id          BLOB    NOT NULL REFERENCES users (id),
    file_name        TEXT    NOT NULL,
    content          BLOB    NOT NULL,
    created_at       TEXT    NOT NULL
) STRICT;
CREATE INDEX import_uploads_created_idx ON import_uploads (created_at);
