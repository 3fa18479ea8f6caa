-- +goose Up
-- One row per assessment of a unit under a criteria set, written once. The
-- score is stored as it was decided (result_json), so history is never
-- re-scored when a catalog's thresholds change. statuses repeats the
-- criteria's statuses, one character each in set order (M met, B basically
-- met, N not met), with met_count, so aggregates over thousands of communes
-- read two small columns instead of decoding JSON. Dates are ISO text so text
-- order is date order. AUTOINCREMENT: ids are never reused, because a higher
-- id means recorded later and breaks ties between same-day assessments.
CREATE TABLE assessments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_code     TEXT NOT NULL,
    assessed_on   TEXT NOT NULL,
    set_code      TEXT NOT NULL,
    author        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    evidence_ref  TEXT NOT NULL DEFAULT '',
    values_json   TEXT NOT NULL,
    verdicts_json TEXT NOT NULL,
    result_json   TEXT NOT NULL,
    statuses      TEXT NOT NULL,
    met_count     INTEGER NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (unit_code <> '' AND set_code <> ''),
    CHECK (statuses NOT GLOB '*[^MBN]*'),
    CHECK (met_count >= 0 AND met_count <= length(statuses))
);
-- Latest and LatestStates: one unit's rows under a set, newest last. It holds
-- statuses and met_count too, so LatestStates never reads the wide rows.
CREATE INDEX assessments_latest ON assessments (set_code, unit_code, assessed_on, id, statuses, met_count);
-- List: one unit's rows over every set.
CREATE INDEX assessments_unit ON assessments (unit_code, assessed_on, id);

-- +goose Down
DROP TABLE assessments;
