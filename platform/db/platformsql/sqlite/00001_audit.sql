-- +goose Up
-- The audit trail every service keeps of its own writes (package
-- platform/audit writes and reads it). A row is written in the transaction
-- of the write it records, so a write and its row stand or fall together.
-- Rows are never updated or deleted. `at` is RFC 3339 UTC text, which sorts
-- and compares as time.
CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
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
CREATE INDEX audit_events_resource ON audit_events (resource, id);
CREATE INDEX audit_events_actor ON audit_events (actor, id);
CREATE INDEX audit_events_at ON audit_events (at);

-- +goose Down
DROP TABLE audit_events;
