-- +goose Up
-- The programme's plans: registrations of units to reach a level in a year,
-- targets of a unit for a year or a phase, estimates of year-end results.
-- Each has one row per key (the UNIQUE below): a retry of a create finds the
-- first row instead of adding a copy. Rows are written once. Periods are
-- "2021" or "2021-2025", whose text order is also their order in time.

-- unit_type is the unit's type on registered_on; set_code is the set units of
-- that type are measured under in year (the one in force on its last day, else
-- the last one in force during it); gap_json is what the unit missed of
-- set_code on registered_on. Both are worked out when recorded. unit_path is
-- the unit and its ancestors up to its province on registered_on, the unit
-- first, each code between slashes ("/06002/170/19/"): the registration is in
-- the list of each of them, found by unit_path LIKE '%/170/%' whatever the
-- map became since.
CREATE TABLE registrations (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_code       TEXT NOT NULL,
    unit_type       TEXT NOT NULL,
    unit_path       TEXT NOT NULL,
    level           TEXT NOT NULL,
    year            INTEGER NOT NULL,
    registered_on   DATE NOT NULL,
    decision_number TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    set_code        TEXT NOT NULL,
    gap_json        TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (unit_code, level, year),
    CHECK (unit_code <> '' AND unit_type <> '' AND level <> '' AND set_code <> ''),
    CHECK (substr(unit_path, 1, length(unit_code) + 2) = '/' || unit_code || '/' AND substr(unit_path, length(unit_path), 1) = '/'),
    CHECK (year >= extract(year FROM registered_on))
);
-- ListRegistrations: a year's registrations by unit, walked in list order
-- and filtered by unit_path (a match anywhere in the text, which no index serves).
CREATE INDEX registrations_year ON registrations (year, unit_code, id);

CREATE TABLE targets (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_code       TEXT NOT NULL,
    period          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    value           DOUBLE PRECISION NOT NULL,
    decision_number TEXT NOT NULL DEFAULT '',
    decided_on      DATE,
    note            TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (unit_code, period, kind),
    CHECK (unit_code <> '' AND period <> '' AND kind <> ''),
    CHECK (value >= 0)
);

-- A later estimate of a kind supersedes the earlier ones from its date on.
CREATE TABLE estimates (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_code    TEXT NOT NULL,
    year         INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    estimated_on DATE NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (unit_code, year, kind, estimated_on),
    CHECK (unit_code <> '' AND kind <> ''),
    CHECK (value >= 0),
    CHECK (estimated_on <= make_date(year, 12, 31))
);

-- +goose Down
DROP TABLE estimates;
DROP TABLE targets;
DROP TABLE registrations;
