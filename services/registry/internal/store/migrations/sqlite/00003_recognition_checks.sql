-- +goose Up
-- A recognition is checked against its criteria set when it is recorded, and
-- the check is kept with it: the assessment its criteria came from, what was
-- unmet, the units condition of district and province levels, the reason
-- given for recognising a unit that fell short, and the unit's type on the
-- effective date (a commune that later became a ward was recognised as a
-- commune). Columns are added with defaults so that recorded decisions stay.
ALTER TABLE recognitions ADD COLUMN override_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE recognitions ADD COLUMN unit_type TEXT NOT NULL DEFAULT '';
ALTER TABLE recognitions ADD COLUMN check_assessment TEXT NOT NULL DEFAULT '';
ALTER TABLE recognitions ADD COLUMN check_assessed_on TEXT;
ALTER TABLE recognitions ADD COLUMN check_criteria_met INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recognitions ADD COLUMN check_criteria_count INTEGER NOT NULL DEFAULT 0;
-- A JSON array of "code name" strings.
ALTER TABLE recognitions ADD COLUMN check_unmet_criteria TEXT NOT NULL DEFAULT '[]';
ALTER TABLE recognitions ADD COLUMN check_units_at_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recognitions ADD COLUMN check_units_counted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recognitions ADD COLUMN check_units_min_percent INTEGER NOT NULL DEFAULT 0;
-- Decisions recorded before were only of units that existed on their date.
UPDATE recognitions SET unit_type = COALESCE((SELECT v.type FROM unit_versions v
    WHERE v.code = recognitions.unit_code AND v.valid_from <= recognitions.effective_date
      AND (v.valid_to IS NULL OR v.valid_to > recognitions.effective_date)), '');
-- Retries and the one-in-force rule look a unit's recognitions up by level.
CREATE INDEX recognitions_unit_level ON recognitions (unit_code, level);

-- +goose Down
DROP INDEX recognitions_unit_level;
ALTER TABLE recognitions DROP COLUMN check_units_min_percent;
ALTER TABLE recognitions DROP COLUMN check_units_counted;
ALTER TABLE recognitions DROP COLUMN check_units_at_level;
ALTER TABLE recognitions DROP COLUMN check_unmet_criteria;
ALTER TABLE recognitions DROP COLUMN check_criteria_count;
ALTER TABLE recognitions DROP COLUMN check_criteria_met;
ALTER TABLE recognitions DROP COLUMN check_assessed_on;
ALTER TABLE recognitions DROP COLUMN check_assessment;
ALTER TABLE recognitions DROP COLUMN unit_type;
ALTER TABLE recognitions DROP COLUMN override_reason;
