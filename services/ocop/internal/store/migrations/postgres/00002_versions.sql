-- +goose Up
-- Registrations (reviewed again when a dossier is completed) and
-- certificates (ended by a later one or a revocation) are changed in place:
-- each change increments the row's version, which clients see as the etag
-- (AIP-154) and send back so that a change made on a stale read is refused
-- rather than silently overwriting another.
ALTER TABLE registrations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE certificates ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE certificates DROP COLUMN version;
ALTER TABLE registrations DROP COLUMN version;
