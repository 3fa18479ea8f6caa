-- +goose Up
-- Request ids (AIP-155 request_id, or the Idempotency-Key header) a caller
-- sent with a method, and the answer it got (package platform/idempotency
-- writes and reads them): a retry with the same id gets that answer again
-- instead of writing twice. A row is 'pending' while its first call runs
-- and 'done' with the response (proto bytes, empty while pending) and the
-- response headers (JSON) once it succeeded; a failed call leaves no row. Rows older than
-- the retention are deleted by later inserts.
CREATE TABLE idempotency_keys (
    caller           TEXT NOT NULL,
    method           TEXT NOT NULL,
    request_id       TEXT NOT NULL,
    request_hash     TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('pending', 'done')),
    response         BYTEA NOT NULL DEFAULT '',
    response_headers TEXT NOT NULL DEFAULT '{}',
    created_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (caller, method, request_id)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
