-- +goose Up
-- One random id per database, written when it is created: with where the
-- database is (see db.Identity), it names the data this database holds in
-- caches that other deployments may share.
CREATE TABLE platform_instance (
    only_row    INTEGER PRIMARY KEY CHECK (only_row = 1),
    instance_id TEXT NOT NULL
);
INSERT INTO platform_instance (only_row, instance_id) VALUES (1, lower(hex(randomblob(16))));

-- +goose Down
DROP TABLE platform_instance;
