-- Referrals with consent and a closed loop, and the consent register (issue 8 points 2, 3, 5;
-- ADR 0026). Kept column for column in step with ../sqlite/0027_referrals.sql.

-- A consent the person gave (or a representative for them), for one purpose: today a
-- referral to a partner (`referral_id` names it); the register on the person's page lists
-- them all. Withdrawn once and for all: a new consent is a new row.
CREATE TABLE consents (
    id                  UUID    NOT NULL PRIMARY KEY,
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    person_id           UUID    NOT NULL REFERENCES persons (id),
    purpose             TEXT    NOT NULL CHECK (purpose IN ('referral')),
    -- The partner the information goes to, as it was named when the consent was given.
    recipient           TEXT    NOT NULL,
    -- What the consent covers, as codes (`identity:name`, `domain:housing`, `document:ID`),
    -- one per line.
    scope               TEXT    NOT NULL DEFAULT '',
    given_by            TEXT    NOT NULL CHECK (given_by IN ('person', 'representative')),
    -- The representative's name (a guardian, a parent), when not the person.
    given_by_name       TEXT,
    method              TEXT    NOT NULL CHECK (method IN ('oral', 'written', 'signed_form')),
    given_on            DATE    NOT NULL,
    recorded_by         UUID REFERENCES users (id),
    withdrawn_at        TIMESTAMPTZ,
    withdrawn_by        UUID REFERENCES users (id),
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT  NOT NULL DEFAULT 1
);
CREATE INDEX consents_person_idx ON consents (organisation_id, person_id, created_at);

-- A referral of a case to a service of the partner directory. `partner_organisation_id` is
-- the organisation of this instance the service's partner was linked to when it was sent:
-- its inbox receives it.
CREATE TABLE referrals (
    id                       UUID    NOT NULL PRIMARY KEY,
    organisation_id          UUID    NOT NULL REFERENCES organisations (id),
    case_id                  UUID    NOT NULL REFERENCES cases (id),
    person_id                UUID    NOT NULL REFERENCES persons (id),
    service_id               UUID    NOT NULL REFERENCES partner_services (id),
    partner_organisation_id  UUID REFERENCES organisations (id),
    consent_id               UUID    NOT NULL REFERENCES consents (id),
    reason                   TEXT    NOT NULL,
    request                  TEXT    NOT NULL,
    urgency                  TEXT    NOT NULL CHECK (urgency IN ('normal', 'soon', 'urgent')),
    status                   TEXT    NOT NULL CHECK (status IN ('draft', 'sent', 'received',
                                 'accepted', 'declined', 'completed', 'no_show', 'revoked')),
    sent_at                  TIMESTAMPTZ,
    -- When the partner first answered (received, accepted or declined): the time to answer.
    answered_at              TIMESTAMPTZ,
    closed_at                TIMESTAMPTZ,
    created_by               UUID REFERENCES users (id),
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL,
    version                  BIGINT  NOT NULL DEFAULT 1
);
CREATE INDEX referrals_case_idx ON referrals (organisation_id, case_id, created_at);
CREATE INDEX referrals_inbox_idx ON referrals (partner_organisation_id, status, sent_at);
CREATE INDEX referrals_service_idx ON referrals (service_id, sent_at);
CREATE INDEX referrals_consent_idx ON referrals (consent_id);

-- What is shared, item by item: an identity field, an assessment domain, a document. Never a
-- note: there is no kind for it.
CREATE TABLE referral_items (
    referral_id              UUID    NOT NULL REFERENCES referrals (id),
    kind                     TEXT    NOT NULL CHECK (kind IN ('identity', 'domain', 'document')),
    item                     TEXT    NOT NULL,
    PRIMARY KEY (referral_id, kind, item)
);

-- Every step of a referral: its status, when, by whom (a user of the sending or of the
-- receiving organisation), and the reason of a decline or the outcome of a completion.
CREATE TABLE referral_steps (
    id                       UUID    NOT NULL PRIMARY KEY,
    referral_id              UUID    NOT NULL REFERENCES referrals (id),
    status                   TEXT    NOT NULL,
    at                       TIMESTAMPTZ NOT NULL,
    by_user                  UUID REFERENCES users (id),
    -- 'sender' or 'partner': which side recorded it.
    side                     TEXT    NOT NULL CHECK (side IN ('sender', 'partner')),
    note                     TEXT
);
CREATE INDEX referral_steps_referral_idx ON referral_steps (referral_id, at);

-- A referral sent and not answered after this many days gets a task for the case's referent.
ALTER TABLE organisations ADD COLUMN reminder_referral_days BIGINT NOT NULL DEFAULT 10;
