-- +goose Up
-- The audit trail every service keeps of its own writes (package
-- platform/audit writes and reads it). A row is written in the transaction
-- of the write it records, so a write and its row stand or fall together.
-- Rows are never updated or deleted.
CREATE TABLE audit_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor       TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    actor_unit  TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    method      TEXT NOT NULL,
    resource    TEXT NOT NULL,
    unit_code   TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json  TEXT NOT NULL,
    CHECK (resource <> '')
);
-- An admin asks for one resource's history, one actor's writes, or a period.
CREATE INDEX audit_events_resource ON audit_events (resource, id);
CREATE INDEX audit_events_actor ON audit_events (actor, id);
CREATE INDEX audit_events_at ON audit_events (at);

-- +goose Down
DROP TABLE audit_events;
