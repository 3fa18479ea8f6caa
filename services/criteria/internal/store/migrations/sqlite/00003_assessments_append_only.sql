-- +goose Up
-- An assessment is written once: a correction is a new assessment, and
-- history stays as it was. The audit trail keeps each assessment's SHA-256
-- digests rather than a copy of its JSON columns, so the row itself must
-- not change: triggers refuse UPDATE and DELETE, as on the trail.
-- +goose StatementBegin
CREATE TRIGGER assessments_no_update BEFORE UPDATE ON assessments
BEGIN
    SELECT RAISE(ABORT, 'assessments are written once: UPDATE refused');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER assessments_no_delete BEFORE DELETE ON assessments
BEGIN
    SELECT RAISE(ABORT, 'assessments are written once: DELETE refused');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER assessments_no_delete;
DROP TRIGGER assessments_no_update;
