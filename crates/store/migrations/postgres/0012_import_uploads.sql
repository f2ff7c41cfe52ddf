-- Files uploaded for an import, kept between the dry run and the confirmation so that the user
-- does not send them twice. Deleted once imported, cancelled, or an hour after the upload.
-- Kept column for column in step with ../sqlite/0012_import_uploads.sql (a test compares them).
CREATE TABLE import_uploads (
    id               UUID        NOT NULL PRIMARY KEY,
    organisation_id  UUID        NOT NULL REFERENCES organisations (id),
    -- Only the user who uploaded the file reads it back.
    user_id          UUID        NOT NULL REFERENCES users (id),
    file_name        TEXT        NOT NULL,
    content          BYTEA       NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX import_uploads_created_idx ON import_uploads (created_at);
