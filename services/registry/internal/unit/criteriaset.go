package unit

import "github.com/ntmsuite/ntm/platform/date"

// CriteriaSet is a criteria set as the criteria service publishes it: the
// facts of the catalog a recognition is decided on. The registry holds no
// catalog of its own; every condition here is the criteria service's data.
type CriteriaSet struct {
	Code string
	// UnitType is the type of unit the set assesses.
	UnitType Type
	Valid    date.Range
	// ProvinceCode is the province that issued a variant; empty for a national set.
	ProvinceCode string
	// Criteria are the set's criteria as "code name" ("10 Thu nhập"), in
	// the set's order.
	Criteria []string
	Levels   []LevelRule
}

// LevelRule is what a set asks of one recognition level.
type LevelRule struct {
	Level Level
	// Requires: one of these levels must be in force on the recognition's
	// date; empty asks none.
	Requires []Level
	// The units condition: at least UnitsMinPercent percent of the units of
	// UnitsType under the unit must hold one of UnitsLevels; 0 asks nothing.
	UnitsType       Type
	UnitsLevels     []Level
	UnitsMinPercent int
}

// Rule returns the set's rule for level l.
func (s CriteriaSet) Rule(l Level) (LevelRule, bool) {
	for _, r := range s.Levels {
		if r.Level == l {
			return r, true
		}
	}
	return LevelRule{}, false
}

// Score is a unit's latest assessment under a set on or before a date.
type Score struct {
	Assessment    string // units/{code}/assessments/{id}
	AssessedOn    date.Date
	CriteriaMet   int
	CriteriaCount int
	// Unmet lists the criteria not met (basically met counts as not met), as "code name".
	Unmet []string
}

// Subject is the unit a recognition is asked for, on its effective date.
type Subject struct {
	Version Version
	// Exists is false when the unit does not exist on the date.
	Exists bool
	// ProvinceCode is the province the unit lies in on the date (its own
	// code for a province): a provincial set is that province's alone.
	ProvinceCode string
}

// UnitsTally counts, for a level's units condition, the units under the
// subject on the date of the type the level asks for, and how many of them
// held one of its levels.
type UnitsTally struct {
	AtLevel, Counted int
}
