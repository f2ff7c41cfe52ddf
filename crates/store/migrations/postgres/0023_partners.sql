-- The partner directory (issue 8 point 1, ADR 0018): partner organisations and their services,
-- shared by every organisation of the instance (no organisation_id: directory data is not
-- personal data), each change attributed (created_by / updated_by) and versioned for
-- optimistic locking. Private contacts and notes belong to the organisation that wrote them.
-- Referrals (a later slice) will point at partner_services.id.
-- Kept column for column in step with ../sqlite/0023_partners.sql.
CREATE TABLE partner_organisations (
    id                       UUID NOT NULL PRIMARY KEY,
    -- Where an imported entry came from ("hsds:ID", "di:SOURCE:ID", "csv:KEY"): re-importing
    -- the same file updates the entry instead of adding a second one.
    source_key               TEXT,
    name                     TEXT    NOT NULL,
    -- A stable code of domain::partners::PartnerKind.
    kind                     TEXT    NOT NULL,
    description              TEXT    NOT NULL DEFAULT '',
    website                  TEXT    NOT NULL DEFAULT '',
    phone                    TEXT    NOT NULL DEFAULT '',
    email                    TEXT    NOT NULL DEFAULT '',
    address                  TEXT    NOT NULL DEFAULT '',
    postal_code              TEXT    NOT NULL DEFAULT '',
    city                     TEXT    NOT NULL DEFAULT '',
    -- The organisation hosted on this instance that this entry is, when there is one
    -- (referrals to it will arrive in Passerelle itself).
    linked_organisation_id   UUID REFERENCES organisations (id),
    -- Folded words (domain::search::words) of the name and description, and of the place.
    search_text              TEXT    NOT NULL DEFAULT '',
    area_text                TEXT    NOT NULL DEFAULT '',
    created_by               UUID REFERENCES users (id),
    updated_by               UUID REFERENCES users (id),
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL,
    version                  BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX partner_organisations_source_key_idx ON partner_organisations (source_key);
CREATE INDEX partner_organisations_name_idx ON partner_organisations (name);

CREATE TABLE partner_services (
    id                       UUID NOT NULL PRIMARY KEY,
    partner_id               UUID NOT NULL REFERENCES partner_organisations (id),
    source_key               TEXT,
    name                     TEXT    NOT NULL,
    description              TEXT    NOT NULL DEFAULT '',
    eligibility              TEXT    NOT NULL DEFAULT '',
    area_served              TEXT    NOT NULL DEFAULT '',
    address                  TEXT    NOT NULL DEFAULT '',
    postal_code              TEXT    NOT NULL DEFAULT '',
    city                     TEXT    NOT NULL DEFAULT '',
    phone                    TEXT    NOT NULL DEFAULT '',
    email                    TEXT    NOT NULL DEFAULT '',
    website                  TEXT    NOT NULL DEFAULT '',
    hours                    TEXT    NOT NULL DEFAULT '',
    languages                TEXT    NOT NULL DEFAULT '',
    contacts                 TEXT    NOT NULL DEFAULT '',
    how_to_refer             TEXT    NOT NULL DEFAULT '',
    search_text              TEXT    NOT NULL DEFAULT '',
    area_text                TEXT    NOT NULL DEFAULT '',
    created_by               UUID REFERENCES users (id),
    updated_by               UUID REFERENCES users (id),
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL,
    version                  BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX partner_services_source_key_idx ON partner_services (source_key);
CREATE INDEX partner_services_partner_idx ON partner_services (partner_id);

-- The life domains (ListName::LifeDomain codes) a service answers: the "need" of a search.
CREATE TABLE partner_service_domains (
    service_id               UUID NOT NULL REFERENCES partner_services (id),
    domain_code              TEXT    NOT NULL,
    PRIMARY KEY (service_id, domain_code)
);
CREATE INDEX partner_service_domains_code_idx ON partner_service_domains (domain_code);

-- What one organisation keeps for itself about a partner: direct contacts, notes. Only that
-- organisation reads it.
CREATE TABLE partner_private_notes (
    id                       UUID NOT NULL PRIMARY KEY,
    partner_id               UUID NOT NULL REFERENCES partner_organisations (id),
    organisation_id          UUID NOT NULL REFERENCES organisations (id),
    contacts                 TEXT    NOT NULL DEFAULT '',
    notes                    TEXT    NOT NULL DEFAULT '',
    created_by               UUID REFERENCES users (id),
    updated_by               UUID REFERENCES users (id),
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL,
    version                  BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX partner_private_notes_partner_org_idx
    ON partner_private_notes (partner_id, organisation_id);

-- A directory file kept between its preview and the confirmation (one hour at most), readable
-- only by the user who sent it.
CREATE TABLE partner_import_uploads (
    id                       UUID NOT NULL PRIMARY KEY,
    user_id                  UUID NOT NULL REFERENCES users (id),
    file_name                TEXT    NOT NULL,
    format                   TEXT    NOT NULL,
    content                  BYTEA NOT NULL,
    created_at               TIMESTAMPTZ NOT NULL
);
CREATE INDEX partner_import_uploads_user_idx ON partner_import_uploads (user_id);
