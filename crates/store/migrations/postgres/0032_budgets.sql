-- Household budgets and debts (issue 10 point 4, ADR 0031): dated versions of a household's
-- monthly resources and charges, never overwritten, each with the composition it counted and
-- the figures computed when it was recorded (domain::budget); the household's debts.
-- Kept column for column in step with ../sqlite/0032_budgets.sql.
CREATE TABLE budgets (
    id                      UUID    NOT NULL PRIMARY KEY,
    organisation_id         UUID    NOT NULL REFERENCES organisations (id),
    household_id            UUID    NOT NULL REFERENCES households (id),
    budget_date             DATE    NOT NULL,
    resources_cents         BIGINT NOT NULL CHECK (resources_cents >= 0),
    charges_cents           BIGINT NOT NULL CHECK (charges_cents >= 0),
    -- Consumption units in hundredths (OECD-modified scale: 100, 50, 30, halved in shared
    -- custody).
    units                   BIGINT NOT NULL CHECK (units > 0),
    per_unit_daily_cents    BIGINT NOT NULL,
    day_divisor             BIGINT NOT NULL CHECK (day_divisor > 0),
    -- The organisation's threshold when the budget was recorded (none set: NULL).
    threshold_cents         BIGINT,
    note                    TEXT,
    created_by              UUID REFERENCES users (id),
    created_at              TIMESTAMPTZ    NOT NULL
);
CREATE INDEX budgets_household_idx ON budgets (organisation_id, household_id, budget_date);

-- The monthly amounts of a budget: resources (codes of the `resources` value list) and
-- charges (domain::budget::CHARGE_CATEGORIES), each saying whether it counted.
CREATE TABLE budget_lines (
    budget_id       UUID    NOT NULL REFERENCES budgets (id),
    position        BIGINT NOT NULL,
    side            TEXT    NOT NULL CHECK (side IN ('resource', 'charge')),
    category        TEXT    NOT NULL,
    label           TEXT,
    amount_cents    BIGINT NOT NULL CHECK (amount_cents >= 0),
    counts          BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (budget_id, position)
);

-- Who the budget counted, as of its date: adult (14+) or child, from the birth date or as the
-- worker said when there was none, and shared custody.
CREATE TABLE budget_members (
    budget_id       UUID    NOT NULL REFERENCES budgets (id),
    person_id       UUID    NOT NULL REFERENCES persons (id),
    band            TEXT    NOT NULL CHECK (band IN ('adult', 'child')),
    declared        BOOLEAN NOT NULL DEFAULT FALSE,
    shared_custody  BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (budget_id, person_id)
);

-- The household's debts: creditor, amount owed, repayment plan, over-indebtedness procedure.
CREATE TABLE debts (
    id                  UUID    NOT NULL PRIMARY KEY,
    organisation_id     UUID    NOT NULL REFERENCES organisations (id),
    household_id        UUID    NOT NULL REFERENCES households (id),
    creditor            TEXT    NOT NULL,
    amount_cents        BIGINT NOT NULL CHECK (amount_cents >= 0),
    monthly_cents       BIGINT CHECK (monthly_cents >= 0),
    plan                TEXT,
    procedure_status    TEXT    NOT NULL CHECK (procedure_status IN ('none',
                            'file_being_prepared', 'file_lodged', 'admissible', 'plan_agreed',
                            'imposed_measures', 'personal_recovery')),
    settled_on          DATE,
    created_by          UUID REFERENCES users (id),
    created_at          TIMESTAMPTZ    NOT NULL,
    updated_at          TIMESTAMPTZ    NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX debts_household_idx ON debts (organisation_id, household_id);

-- The organisation's threshold of reste à vivre per consumption unit per day (cents; none by
-- default) and the days a month counts for the daily figure.
ALTER TABLE organisations ADD COLUMN budget_threshold_cents BIGINT;
ALTER TABLE organisations ADD COLUMN budget_day_divisor BIGINT NOT NULL DEFAULT 30;
