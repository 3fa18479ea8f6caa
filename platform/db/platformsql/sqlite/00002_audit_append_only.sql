-- +goose Up
-- The trail is append-only: a row, once written, is never changed or
-- removed. SQLite has no roles to grant or revoke, so triggers refuse
-- UPDATE and DELETE (SQLite has no TRUNCATE; DELETE without WHERE fires the
-- row trigger too). Whoever can write the file can drop them, as on
-- PostgreSQL the owner can: they stop bugs and injected statements, and
-- taking them off is DDL that stands out.
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_events_no_delete;
DROP TRIGGER audit_events_no_update;
