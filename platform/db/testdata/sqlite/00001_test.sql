-- +goose Up
CREATE TABLE item (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- +goose Down
DROP TABLE item;
