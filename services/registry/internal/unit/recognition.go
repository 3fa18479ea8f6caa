package unit

import (
	"fmt"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
)

// Level is the level a unit is recognised at. Values match the proto enum.
type Level int

const (
	Standard  Level = iota + 1 // đạt chuẩn nông thôn mới
	Advanced                   // nông thôn mới nâng cao
	Model                      // nông thôn mới kiểu mẫu
	Modern                     // nông thôn mới hiện đại (2026-2030 pilot)
	Completed                  // hoàn thành nhiệm vụ xây dựng nông thôn mới (towns, provincial cities, provinces)
)

var levelNames = map[Level]string{Standard: "STANDARD", Advanced: "ADVANCED", Model: "MODEL", Modern: "MODERN", Completed: "COMPLETED"}

func (l Level) String() string {
	if n, ok := levelNames[l]; ok {
		return n
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

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
	// OverrideReason says why the unit was recognised although Check found
	// it short; empty when it was not.
	OverrideReason string
	// Check is what the decision was checked against on its effective date.
	Check Check
	// UnitType is the unit's type on the effective date.
	UnitType Type
	// Version is 1 when recorded and counts its changes since (a
	// revocation); its etag (etag.Of) lets a change be refused if the
	// recognition changed since it was read.
	Version int64
}

// Check is what a recognition was checked against on its effective date,
// kept with it so that the decision can be read as it was taken.
type Check struct {
	// Assessment is the unit's latest assessment under the set on or before
	// the date (units/{code}/assessments/{id}); empty when there was none.
	Assessment    string
	AssessedOn    date.Date
	CriteriaMet   int
	CriteriaCount int
	// Unmet lists the criteria not met, as "code name" ("10 Thu nhập").
	Unmet []string
	// The units condition of district and province levels: how many of the
	// units under the unit of the type the level asks for held one of its
	// levels, and the share asked (0 when the level asks none).
	UnitsAtLevel    int
	UnitsCounted    int
	UnitsMinPercent int
}

// Name is the recognition's resource name, units/{code}/recognitions/{id}.
func (r Recognition) Name() string { return fmt.Sprintf("units/%s/recognitions/%d", r.UnitCode, r.ID) }

// InForceOn reports whether the recognition holds on d.
func (r Recognition) InForceOn(d date.Date) bool { return r.Valid.Contains(d) }

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
