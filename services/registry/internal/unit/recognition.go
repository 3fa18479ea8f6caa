package unit

import (
	"fmt"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
)

// Level is the level a unit is recognised at. Values match the proto enum.
type Level int

const (
	Standard Level = iota + 1 // đạt chuẩn nông thôn mới
	Advanced                  // nông thôn mới nâng cao
	Model                     // nông thôn mới kiểu mẫu
	Modern                    // nông thôn mới hiện đại (2026-2030 pilot)
)

var levelNames = map[Level]string{Standard: "STANDARD", Advanced: "ADVANCED", Model: "MODEL", Modern: "MODERN"}

func (l Level) String() string { return levelNames[l] }

// ParseLevel reads a level name as stored ("ADVANCED").
func ParseLevel(s string) (Level, bool) {
	for l, n := range levelNames {
		if n == s {
			return l, true
		}
	}
	return 0, false
}

// Recognition is a recognition decision for one unit, in force over Valid
// (Valid.To is the revocation date, zero while in force). It belongs to the
// unit that earned it: a merger neither moves nor ends it; the unit's end does.
type Recognition struct {
	ID             int64
	UnitCode       string
	Level          Level
	DecisionNumber string
	Valid          date.Range
	CriteriaSet    string
	Year           int
	RevocationNo   string
}

// Name is the recognition's resource name, units/{code}/recognitions/{id}.
func (r Recognition) Name() string { return fmt.Sprintf("units/%s/recognitions/%d", r.UnitCode, r.ID) }

// CheckRecognition checks a new recognition against the unit's version on its
// effective date: only communes and villages are recognised with the commune
// and village sets.
func CheckRecognition(r Recognition, unitOnDate Version, exists bool) error {
	if _, ok := levelNames[r.Level]; !ok {
		return fault.Invalid("recognition.level", "must be one of STANDARD, ADVANCED, MODEL, MODERN")
	}
	if !exists {
		return fault.Invalid("unit_code", "unit %s does not exist on %s", r.UnitCode, r.Valid.From)
	}
	if unitOnDate.Type != Commune && unitOnDate.Type != Village {
		return fault.Invalid("unit_code", "unit %s is a %s on %s; only communes and villages are recognised", r.UnitCode, unitOnDate.Type, r.Valid.From)
	}
	return nil
}

// CheckRevocation checks that a recognition can be revoked from day on.
func CheckRevocation(r Recognition, day date.Date) error {
	if !r.Valid.To.IsZero() {
		return fault.Precondition("RECOGNITION_REVOKED", "recognition", r.UnitCode,
			"the recognition was already revoked from %s", r.Valid.To)
	}
	if !day.After(r.Valid.From) {
		return fault.Invalid("revoked_on", "must be after the recognition's effective date %s", r.Valid.From)
	}
	return nil
}
