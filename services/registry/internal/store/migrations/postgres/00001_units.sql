-- +goose Up
-- Every decision that changed the map; versions and lineage point back to it.
CREATE TABLE unit_changes (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT NOT NULL,
    decision_number TEXT NOT NULL,
    effective_date  DATE NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per version of a unit, valid over [valid_from, valid_to).
-- A version is only ever closed, never edited.
CREATE TABLE unit_versions (
    code          TEXT NOT NULL,
    valid_from    DATE NOT NULL,
    valid_to      DATE,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL,
    parent_code   TEXT,
    region        TEXT NOT NULL DEFAULT '',
    commune_group TEXT NOT NULL DEFAULT '',
    change_id     BIGINT NOT NULL REFERENCES unit_changes (id),
    PRIMARY KEY (code, valid_from),
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
-- At most one open version per code: two racing changes cannot both open one.
CREATE UNIQUE INDEX unit_versions_one_open ON unit_versions (code) WHERE valid_to IS NULL;
CREATE INDEX unit_versions_parent ON unit_versions (parent_code, valid_from);
CREATE INDEX unit_versions_type ON unit_versions (type, valid_from);

CREATE TABLE unit_lineage (
    change_id BIGINT NOT NULL REFERENCES unit_changes (id),
    from_code TEXT NOT NULL,
    to_code   TEXT NOT NULL,
    PRIMARY KEY (change_id, from_code, to_code)
);
CREATE INDEX unit_lineage_from ON unit_lineage (from_code);
CREATE INDEX unit_lineage_to ON unit_lineage (to_code);

-- +goose Down
DROP TABLE unit_lineage;
DROP TABLE unit_versions;
DROP TABLE unit_changes;
