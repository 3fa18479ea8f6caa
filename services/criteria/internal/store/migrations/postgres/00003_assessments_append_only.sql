-- +goose Up
-- An assessment is written once: a correction is a new assessment, and
-- history stays as it was. The audit trail keeps each assessment's SHA-256
-- digests rather than a copy of its JSON columns, so the row itself must
-- not change: triggers refuse UPDATE, DELETE and TRUNCATE, as on the trail
-- (platform migration audit_append_only), for any role that does not first
-- drop them.
-- +goose StatementBegin
CREATE FUNCTION assessments_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'assessments are written once: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER assessments_no_update_delete BEFORE UPDATE OR DELETE ON assessments
    FOR EACH ROW EXECUTE FUNCTION assessments_append_only();
CREATE TRIGGER assessments_no_truncate BEFORE TRUNCATE ON assessments
    FOR EACH STATEMENT EXECUTE FUNCTION assessments_append_only();

-- +goose Down
DROP TRIGGER assessments_no_truncate ON assessments;
DROP TRIGGER assessments_no_update_delete ON assessments;
DROP FUNCTION assessments_append_only();
