-- Domiciliation (élection de domicile, issue 10 point 5, ADR 0032): the postal address the
-- organisation gives a person without a stable home, from its start to its end, with the
-- renewal due date; the mail received for them and when they collected it.
-- Kept column for column in step with ../sqlite/0033_domiciliations.sql.
CREATE TABLE domiciliations (
    id                  UUID    NOT NULL PRIMARY KEY,
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    person_id           UUID    NOT NULL REFERENCES persons (id),
    start_date          DATE    NOT NULL,
    renewal_due         DATE    NOT NULL,
    end_date            DATE,
    end_reason          TEXT CHECK (end_reason IN ('not_renewed', 'stable_address', 'no_contact',
                            'person_request', 'moved_away', 'other')),
    created_by          UUID REFERENCES users (id),
    created_at          TIMESTAMPTZ    NOT NULL,
    updated_at          TIMESTAMPTZ    NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1,
    CHECK ((end_date IS NULL) = (end_reason IS NULL))
);
CREATE INDEX domiciliations_person_idx ON domiciliations (organisation_id, person_id);
CREATE INDEX domiciliations_renewal_idx ON domiciliations (organisation_id, renewal_due)
    WHERE end_date IS NULL;

-- Mail received for a domiciled person; collected_on NULL while it waits at the desk.
CREATE TABLE domiciliation_mail (
    id                  UUID    NOT NULL PRIMARY KEY,
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    domiciliation_id    UUID    NOT NULL REFERENCES domiciliations (id),
    received_on         DATE    NOT NULL,
    kind                TEXT    NOT NULL CHECK (kind IN ('letter', 'registered', 'official',
                            'parcel', 'other')),
    sender              TEXT,
    collected_on        DATE,
    registered_by       UUID REFERENCES users (id),
    created_at          TIMESTAMPTZ    NOT NULL,
    updated_at          TIMESTAMPTZ    NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX domiciliation_mail_received_idx ON domiciliation_mail (organisation_id, received_on);
CREATE INDEX domiciliation_mail_domiciliation_idx ON domiciliation_mail (domiciliation_id);
