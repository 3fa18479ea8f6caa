-- +goose Up
-- request_id is the id the service minted for the call; client_request_id
-- is the x-request-id the caller sent (the gateway's own id for REST
-- calls), kept apart so that no caller can write the trail's id. Rows
-- written before it have none.
ALTER TABLE audit_events ADD COLUMN client_request_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE audit_events DROP COLUMN client_request_id;
