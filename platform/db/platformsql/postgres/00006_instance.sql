-- +goose Up
-- One random id per database, written when it is created: with where the
-- database is (see db.Identity), it names the data this database holds in
-- caches that other deployments may share.
CREATE TABLE platform_instance (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    instance_id text NOT NULL
);
INSERT INTO platform_instance (instance_id) VALUES (gen_random_uuid()::text);

-- +goose Down
DROP TABLE platform_instance;
