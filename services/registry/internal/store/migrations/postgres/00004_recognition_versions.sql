-- +goose Up
-- A recognition is changed in place when it is revoked: each change
-- increments the row's version, which clients see as the etag (AIP-154) and
-- send back so that a change made on a stale read is refused.
ALTER TABLE recognitions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE recognitions DROP COLUMN version;
