package store

import (
	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// unitRecord is a unit version as the audit trail keeps it: in the API's
// terms (the type by name, dates as YYYY-MM-DD), so the trail reads alike
// whatever the Go types become.
type unitRecord struct {
	Code         string `json:"code"`
	DisplayName  string `json:"display_name"`
	Type         string `json:"type"`
	ParentCode   string `json:"parent_code,omitempty"`
	Region       string `json:"region,omitempty"`
	CommuneGroup string `json:"commune_group,omitempty"`
	ValidFrom    string `json:"valid_from"`
	ValidTo      string `json:"valid_to,omitempty"`
	// ChangeID is the recorded change that opened the version (unitChanges/{id}).
	ChangeID int64 `json:"change_id"`
}

func unitRecordOf(v unit.Version) unitRecord {
	return unitRecord{Code: v.Code, DisplayName: v.Name, Type: v.Type.String(), ParentCode: v.ParentCode,
		Region: v.Region, CommuneGroup: v.CommuneGroup, ValidFrom: v.Valid.From.String(), ValidTo: v.Valid.To.String(),
		ChangeID: v.ChangeID}
}

// unitAudit is one audit change per unit that change id wrote, given the
// versions it closed (as stored once closed; withdrawn ones valid to their
// first day) and opened: a new unit has nothing before; a replaced one goes
// from its closed version, as it stood open, to its successor; an ended one
// from open to closed, or to nothing when its version was withdrawn (see
// unit.Close).
func unitAudit(id int64, closed, opened []unit.Version) []audit.Change {
	replaced := make(map[string]unit.Version, len(closed))
	for _, v := range closed {
		replaced[v.Code] = v
	}
	out := make([]audit.Change, 0, len(opened)+len(closed))
	for _, v := range opened {
		v.ChangeID = id
		c := audit.Change{Resource: "units/" + v.Code, Unit: v.Code, After: unitRecordOf(v)}
		if old, ok := replaced[v.Code]; ok {
			c.Before = unitRecordOf(stillOpen(old))
			delete(replaced, v.Code)
		}
		out = append(out, c)
	}
	for _, v := range closed {
		if _, ended := replaced[v.Code]; !ended {
			continue
		}
		c := audit.Change{Resource: "units/" + v.Code, Unit: v.Code, Before: unitRecordOf(stillOpen(v))}
		if v.Valid.To != v.Valid.From {
			c.After = unitRecordOf(v)
		}
		out = append(out, c)
	}
	return out
}

// stillOpen is a closed version as it was before the change closed it.
func stillOpen(v unit.Version) unit.Version {
	v.Valid.To = date.Date{}
	return v
}

// recognitionRecord is a recognition as the audit trail keeps it, in the
// API's terms.
type recognitionRecord struct {
	UnitCode           string `json:"unit_code"`
	Level              string `json:"level"`
	DecisionNumber     string `json:"decision_number"`
	EffectiveDate      string `json:"effective_date"`
	CriteriaSet        string `json:"criteria_set,omitempty"`
	Year               int    `json:"year,omitempty"`
	RevokedOn          string `json:"revoked_on,omitempty"`
	RevocationDecision string `json:"revocation_decision,omitempty"`
	OverrideReason     string `json:"override_reason,omitempty"`
	UnitType           string `json:"unit_type,omitempty"`
	// Check is what the decision was checked against; absent on records
	// made before recognitions were checked.
	Check *checkRecord `json:"check,omitempty"`
}

// checkRecord is a recognition's check as the audit trail keeps it.
type checkRecord struct {
	Assessment      string   `json:"assessment,omitempty"`
	AssessedOn      string   `json:"assessed_on,omitempty"`
	CriteriaMet     int      `json:"criteria_met"`
	CriteriaCount   int      `json:"criteria_count"`
	UnmetCriteria   []string `json:"unmet_criteria,omitempty"`
	UnitsAtLevel    int      `json:"units_at_level,omitempty"`
	UnitsCounted    int      `json:"units_counted,omitempty"`
	UnitsMinPercent int      `json:"units_min_percent,omitempty"`
}

// recognitionAudit is the audit change of a recognition written as after;
// before is nil for a new one.
func recognitionAudit(before *unit.Recognition, after unit.Recognition) audit.Change {
	c := audit.Change{Resource: after.Name(), Unit: after.UnitCode, After: recognitionRecordOf(after)}
	if before != nil {
		c.Before = recognitionRecordOf(*before)
	}
	return c
}

func recognitionRecordOf(r unit.Recognition) recognitionRecord {
	out := recognitionRecord{UnitCode: r.UnitCode, Level: r.Level.String(), DecisionNumber: r.DecisionNumber,
		EffectiveDate: r.Valid.From.String(), CriteriaSet: r.CriteriaSet, Year: r.Year,
		RevokedOn: r.Valid.To.String(), RevocationDecision: r.RevocationNo, OverrideReason: r.OverrideReason}
	if r.UnitType.Valid() {
		out.UnitType = r.UnitType.String()
	}
	if c := r.Check; c.CriteriaCount > 0 {
		out.Check = &checkRecord{Assessment: c.Assessment, AssessedOn: c.AssessedOn.String(), CriteriaMet: c.CriteriaMet,
			CriteriaCount: c.CriteriaCount, UnmetCriteria: c.Unmet, UnitsAtLevel: c.UnitsAtLevel, UnitsCounted: c.UnitsCounted,
			UnitsMinPercent: c.UnitsMinPercent}
	}
	return out
}
