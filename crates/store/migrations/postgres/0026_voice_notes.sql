-- Voice notes after home visits (issue 9 point 4, ADR 0024): a recording of a case by its
-- author (a worker who writes the case's notes), stored encrypted in the file store under
-- `object_name` like documents (`key_id` names the key); its transcription's status and the
-- transcript (the draft of a note the author corrects and files); the note filed from it; and
-- when the recording was deleted (after filing unless kept, or by hand): the row stays for the
-- timeline. Kept column for column in step with ../sqlite/0026_voice_notes.sql.
CREATE TABLE voice_notes (
    id               UUID    NOT NULL PRIMARY KEY,
    organisation_id  UUID    NOT NULL REFERENCES organisations (id),
    person_id        UUID    NOT NULL REFERENCES persons (id),
    case_id          UUID    NOT NULL REFERENCES cases (id),
    author_id        UUID    NOT NULL REFERENCES users (id),
    note_type        TEXT    NOT NULL,
    file_type        TEXT    NOT NULL,
    size_bytes       BIGINT  NOT NULL,
    object_name      TEXT    NOT NULL,
    key_id           TEXT    NOT NULL,
    language         TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('waiting', 'transcribing', 'ready',
                         'failed', 'manual', 'filed', 'deleted')),
    transcript       TEXT,
    keep_recording   BOOLEAN NOT NULL DEFAULT FALSE,
    filed_entry_id   UUID REFERENCES case_entries (id),
    filed_at         TIMESTAMPTZ,
    audio_deleted_at TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    version          BIGINT  NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX voice_notes_object_idx ON voice_notes (object_name);
CREATE INDEX voice_notes_case_idx ON voice_notes (case_id, created_at);
-- "My day" lists the author's unfinished voice notes.
CREATE INDEX voice_notes_author_idx ON voice_notes (organisation_id, author_id, status);
