-- +goose Up
-- A decision of many changes on one day (the 2025 reorganisation), recorded
-- in one transaction, and its changes in the order they applied. A change
-- recorded alone belongs to none.
CREATE TABLE decisions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    decision_number TEXT NOT NULL,
    effective_date  DATE NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE decision_changes (
    decision_id BIGINT NOT NULL REFERENCES decisions (id),
    position    INTEGER NOT NULL,
    change_id   BIGINT NOT NULL UNIQUE REFERENCES unit_changes (id),
    PRIMARY KEY (decision_id, position)
);

-- +goose Down
DROP TABLE decision_changes;
DROP TABLE decisions;
