-- +goose Up
-- Long-running operations (AIP-151), such as an import of 10,000 rows
-- (package platform/operation writes and reads them). The runner that
-- started one updates rows_done and heartbeat_at while it runs and writes
-- its final state, summary (ntm.operation.v1.ImportSummary) and error
-- (google.rpc.Status), both proto bytes, empty for none. Replicas sharing
-- the database fail an operation whose heartbeat stopped (its process
-- died), and ask the one running an operation to stop through
-- cancel_requested. seq orders the list, newest first.
CREATE TABLE operations (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    actor            TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    rows_done        BIGINT NOT NULL DEFAULT 0,
    rows_total       BIGINT NOT NULL DEFAULT 0,
    summary          BYTEA NOT NULL DEFAULT '',
    error            BYTEA NOT NULL DEFAULT '',
    cancel_requested BOOLEAN NOT NULL DEFAULT false,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    heartbeat_at     TIMESTAMPTZ NOT NULL
);
-- The sweeper looks for RUNNING rows with an old heartbeat; callers list
-- their own.
CREATE INDEX operations_state ON operations (state, heartbeat_at);
CREATE INDEX operations_actor ON operations (actor, seq);

-- +goose Down
DROP TABLE operations;
