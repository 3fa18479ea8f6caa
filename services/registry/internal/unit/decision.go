package unit

import (
	"strings"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
)

// MapDecision is one decision (nghị quyết) that changes the map in many ways on
// one day, like the 2025 reorganisation: districts abolished, communes merged
// into the code of one of them under a new name, communes created under the
// province, provinces merged. Its changes apply in order, each seeing the map
// the earlier ones left, and are written all together or not at all.
type MapDecision struct {
	ID        int64 // set when stored
	Number    string
	Effective date.Date
	Note      string
	Changes   []Change
	// Field is the request path of the decision ("decision."), prefixed to
	// the names of its own bad fields; each change has its own Field.
	Field string
}

// CheckAlone refuses a change recorded on its own without a decision number
// or an effective date: only a change inside a Decision may leave them out,
// as it takes the decision's.
func CheckAlone(c Change) error {
	var vs []fault.Violation
	if strings.TrimSpace(c.DecisionNumber) == "" {
		vs = append(vs, fault.Violation{Field: c.Field + "decision_number", Description: "is required"})
	}
	if c.Effective.IsZero() {
		vs = append(vs, fault.Violation{Field: c.EffectiveField, Description: "is required"})
	}
	if len(vs) > 0 {
		return fault.Invalids(vs...)
	}
	return nil
}

// Resolve returns the decision's changes in order, each with the decision's
// number and date: a change that leaves them empty takes them, and one that
// names another number or date is refused naming its field, since a decision
// is of one number and one day.
func (d MapDecision) Resolve() ([]Change, error) {
	if strings.TrimSpace(d.Number) == "" {
		return nil, fault.Invalid(d.Field+"decision_number", "is required")
	}
	if d.Effective.IsZero() {
		return nil, fault.Invalid(d.Field+"effective_date", "is required")
	}
	if len(d.Changes) == 0 {
		return nil, fault.Invalid(d.Field+"changes", "must list at least one change")
	}
	out := make([]Change, len(d.Changes))
	for i, c := range d.Changes {
		switch {
		case c.DecisionNumber != "" && c.DecisionNumber != d.Number:
			return nil, fault.Invalid(c.Field+"decision_number", "is %q; a change of decision %s takes its number (leave it empty)",
				c.DecisionNumber, d.Number)
		case !c.Effective.IsZero() && c.Effective != d.Effective:
			return nil, fault.Invalid(c.EffectiveField, "is %s; a change of decision %s applies on its date %s (leave it empty)",
				c.Effective, d.Number, d.Effective)
		}
		c.DecisionNumber, c.Effective = d.Number, d.Effective
		out[i] = c
	}
	return out, nil
}
