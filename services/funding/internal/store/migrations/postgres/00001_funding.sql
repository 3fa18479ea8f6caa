-- +goose Up
-- Plans (allocations): what a unit may spend from one funding source on one
-- purpose in a budget year. Money is whole VND; goods given in kind (cement)
-- are thousandths of the source's unit, so both add up exactly. Whether the
-- unit, source and purpose exist is decided by the service (registry,
-- catalog) before a row is written. Rows are written once: an id named in
-- `plans/{id}` always means the same allocation.
CREATE TABLE plans (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year            INTEGER NOT NULL,
    unit_code       TEXT NOT NULL,
    source          TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    amount_vnd      BIGINT NOT NULL,
    quantity_milli  BIGINT NOT NULL,
    allocated_on    DATE NOT NULL,
    decision_number TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (unit_code <> '' AND source <> '' AND purpose <> ''),
    CHECK (year BETWEEN 2010 AND 2100),
    CHECK (amount_vnd >= 0),
    CHECK (quantity_milli >= 0)
);
-- Listing the plans of a set of communes page by page (by id), and summing
-- them over a range of years.
CREATE INDEX plans_unit ON plans (unit_code, id);
CREATE INDEX plans_unit_year ON plans (unit_code, year);

-- Disbursements: dated actuals against one plan. The unit is the plan's
-- (read through the join), so it cannot disagree with it. overrun_reason is
-- the justification the service demanded when the plan was exceeded.
CREATE TABLE disbursements (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id        BIGINT NOT NULL REFERENCES plans (id),
    disbursed_on   DATE NOT NULL,
    amount_vnd     BIGINT NOT NULL,
    quantity_milli BIGINT NOT NULL,
    overrun_reason TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (amount_vnd >= 0),
    CHECK (quantity_milli >= 0)
);
-- A plan's disbursements, summed up to a date or over a window.
CREATE INDEX disbursements_plan_date ON disbursements (plan_id, disbursed_on);

-- +goose Down
DROP TABLE disbursements;
DROP TABLE plans;
