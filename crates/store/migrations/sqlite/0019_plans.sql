-- The action plan of a case (issue 7 point 4): goals in the person's own words, linked to life
-- domains; steps under a goal (who does what by when); victories (small successes, in the
-- person's words); the person's agreement to the plan. Goals and steps carry `version` so that
-- two workers editing the same one never overwrite each other silently.
-- Kept column for column in step with ../postgres/0019_plans.sql (a test compares them).
CREATE TABLE plan_goals (
    id               BLOB    NOT NULL PRIMARY KEY,
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    case_id          BLOB    NOT NULL REFERENCES cases (id),
    -- The goal as the person says it (required), and the worker's reformulation if needed.
    person_words     TEXT    NOT NULL,
    worker_words     TEXT,
    status           TEXT    NOT NULL CHECK (status IN ('active', 'on_hold', 'achieved', 'abandoned')),
    -- The goals' order in the plan (the first is the person's first priority).
    position         INTEGER NOT NULL,
    created_by       BLOB REFERENCES users (id),
    updated_by       BLOB REFERENCES users (id),
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX plan_goals_case_idx ON plan_goals (case_id, position);

-- The life domains (DOMAIN.md §2.15 codes, an organisation list) a goal is about.
CREATE TABLE plan_goal_domains (
    goal_id          BLOB NOT NULL REFERENCES plan_goals (id),
    organisation_id  BLOB NOT NULL REFERENCES organisations (id),
    domain           TEXT NOT NULL,
    PRIMARY KEY (goal_id, domain)
) STRICT;
CREATE INDEX plan_goal_domains_domain_idx ON plan_goal_domains (organisation_id, domain);

CREATE TABLE plan_steps (
    id               BLOB    NOT NULL PRIMARY KEY,
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    case_id          BLOB    NOT NULL REFERENCES cases (id),
    goal_id          BLOB    NOT NULL REFERENCES plan_goals (id),
    action           TEXT    NOT NULL,
    -- Who does it: the person, the worker, or a partner (named or not).
    owner            TEXT    NOT NULL CHECK (owner IN ('person', 'worker', 'partner')),
    partner_name     TEXT,
    due_on           TEXT,
    -- DOMAIN.md §2.16.
    status           TEXT    NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'on_hold', 'abandoned', 'cancelled')),
    position         INTEGER NOT NULL,
    created_by       BLOB REFERENCES users (id),
    updated_by       BLOB REFERENCES users (id),
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX plan_steps_goal_idx ON plan_steps (goal_id, position);
-- The caseloads' overdue steps (slice d) look them up by case and due date.
CREATE INDEX plan_steps_due_idx ON plan_steps (case_id, status, due_on);

CREATE TABLE plan_victories (
    id               BLOB    NOT NULL PRIMARY KEY,
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    case_id          BLOB    NOT NULL REFERENCES cases (id),
    goal_id          BLOB REFERENCES plan_goals (id),
    occurred_on      TEXT    NOT NULL,
    person_words     TEXT    NOT NULL,
    recorded_by      BLOB REFERENCES users (id),
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX plan_victories_case_idx ON plan_victories (case_id, occurred_on, id);

-- Each time the person agrees to the plan (the latest counts; earlier ones stay as history).
CREATE TABLE plan_agreements (
    id               BLOB    NOT NULL PRIMARY KEY,
    organisation_id  BLOB    NOT NULL REFERENCES organisations (id),
    case_id          BLOB    NOT NULL REFERENCES cases (id),
    agreed_on        TEXT    NOT NULL,
    method           TEXT    NOT NULL CHECK (method IN ('signed_paper', 'signed_screen', 'oral')),
    recorded_by      BLOB REFERENCES users (id),
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX plan_agreements_case_idx ON plan_agreements (case_id, created_at, id);
