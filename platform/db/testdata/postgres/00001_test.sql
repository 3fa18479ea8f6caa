-- +goose Up
CREATE TABLE item (
    id   bigint PRIMARY KEY,
    name text NOT NULL UNIQUE
);

-- +goose Down
DROP TABLE item;
