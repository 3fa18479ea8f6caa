-- +goose Up
-- Long-running operations (AIP-151), such as an import of 10,000 rows
-- (package platform/operation writes and reads them). The runner that
-- started one updates rows_done and heartbeat_at while it runs and writes
-- its final state, summary (ntm.operation.v1.ImportSummary) and error
-- (google.rpc.Status), both proto bytes, empty for none. Replicas sharing
-- the database fail an operation whose heartbeat stopped (its process
-- died), and ask the one running an operation to stop through
-- cancel_requested. seq orders the list, newest first. Times are
-- fixed-width RFC 3339 UTC text, which sorts and compares as time.
CREATE TABLE operations (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    actor            TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    rows_done        INTEGER NOT NULL DEFAULT 0,
    rows_total       INTEGER NOT NULL DEFAULT 0,
    summary          BLOB NOT NULL DEFAULT x'',
    error            BLOB NOT NULL DEFAULT x'',
    cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    heartbeat_at     TEXT NOT NULL
);
-- The sweeper looks for RUNNING rows with an old heartbeat; callers list
-- their own.
CREATE INDEX operations_state ON operations (state, heartbeat_at);
CREATE INDEX operations_actor ON operations (actor, seq);

-- +goose Down
DROP TABLE operations;
