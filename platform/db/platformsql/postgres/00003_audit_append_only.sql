-- +goose Up
-- The trail is append-only: a row, once written, is never changed or
-- removed. Grants cannot say so here, because in the simple deployments
-- (`ntm up --postgres-url`, one role per database) the migrations and the
-- running service connect as the same role, which owns the table and so
-- may do anything to it. A trigger refuses UPDATE, DELETE and TRUNCATE for
-- every role that does not first drop or disable it: a bug, an injected
-- statement or a hand-typed fix in psql cannot rewrite history, and taking
-- the guard off is itself DDL that stands out. A deployment with a separate
-- owner role can add REVOKE on top.
-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
-- A row trigger does not fire for TRUNCATE, which removes rows without
-- visiting them; it needs a statement trigger of its own.
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- +goose Down
DROP TRIGGER audit_events_no_truncate ON audit_events;
DROP TRIGGER audit_events_no_update_delete ON audit_events;
DROP FUNCTION audit_events_append_only();
