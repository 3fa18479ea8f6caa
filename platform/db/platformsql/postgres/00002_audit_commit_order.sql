-- +goose Up
-- Pages of the trail are read by id (keyset paging, and the gateway's
-- cursors). On PostgreSQL an identity is taken at INSERT but seen at
-- COMMIT, so a long transaction could commit an id below a page already
-- served and the reader would never see it. Each transaction that writes
-- audit rows therefore takes one lock before its first row and keeps it
-- until it ends: ids are seen in the order they are given, and `at` (now
-- the time of the row, not of the transaction's start) follows them.
-- Writes of one service then finish their auditing one at a time; an
-- office's writes are few, and SQLite serialises its writers anyway.
-- +goose StatementBegin
CREATE FUNCTION audit_events_in_commit_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(TG_TABLE_SCHEMA || '.audit_events'));
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_in_commit_order BEFORE INSERT ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_in_commit_order();
ALTER TABLE audit_events ALTER COLUMN at SET DEFAULT clock_timestamp();

-- +goose Down
ALTER TABLE audit_events ALTER COLUMN at SET DEFAULT now();
DROP TRIGGER audit_events_in_commit_order ON audit_events;
DROP FUNCTION audit_events_in_commit_order();
