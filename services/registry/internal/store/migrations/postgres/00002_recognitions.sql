-- +goose Up
-- Recognition decisions (công nhận) and their revocation (thu hồi). A row is
-- written once and only its revocation is recorded later.
CREATE TABLE recognitions (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_code           TEXT NOT NULL,
    level               TEXT NOT NULL,
    decision_number     TEXT NOT NULL,
    effective_date      DATE NOT NULL,
    criteria_set        TEXT NOT NULL DEFAULT '',
    year                INTEGER NOT NULL DEFAULT 0,
    revoked_on          DATE,
    revocation_decision TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (revoked_on IS NULL OR revoked_on > effective_date)
);
CREATE INDEX recognitions_unit ON recognitions (unit_code, effective_date);
CREATE INDEX recognitions_effective ON recognitions (effective_date);

-- +goose Down
DROP TABLE recognitions;
