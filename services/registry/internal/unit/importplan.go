package unit

import (
	"cmp"
	"slices"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
)

// ImportRow is one unit of an import: a unit and its first day.
type ImportRow struct {
	Spec Spec
	From date.Date
}

// ImportPlan is what an import writes: one create change per first day,
// oldest first, of the rows without a refusal, each with its plan.
type ImportPlan struct {
	Changes []Change
	Plans   []Plan
	// Refused holds each row's refusal (a *fault.Error naming the field at
	// fault, in the row's Spec.Field), nil for a row that is planned.
	Refused []error
}

// Clean reports an import without a refused row.
func (p ImportPlan) Clean() bool {
	return !slices.ContainsFunc(p.Refused, func(err error) bool { return err != nil })
}

// PlanImport checks every row of an import against the map in st, as the
// create change of its day would, and says what to write. Each row is
// checked on its own, so that every bad row is reported, not the first:
// oldest first and parents before children, each seeing the units of the
// rows before it that passed (a row under a refused parent is refused in
// turn). An error that is no refusal (the store failing) ends it.
func PlanImport(rows []ImportRow, decision string, st State) (ImportPlan, error) {
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(rows[a].From.String(), rows[b].From.String()), rows[a].Spec.Type.rank()-rows[b].Spec.Type.rank())
	})
	seen := &importedState{State: st, created: map[string]Version{}}
	out := ImportPlan{Refused: make([]error, len(rows))}
	byDay := map[date.Date]int{} // first day → index in out.Changes
	for _, i := range order {
		r := rows[i]
		c := Change{Kind: KindCreate, DecisionNumber: decision, Effective: r.From, EffectiveField: "units", Note: "imported",
			Create: []Spec{r.Spec}}
		plan, err := PlanChange(c, seen)
		if _, refused := fault.As(err); refused {
			out.Refused[i] = err
			continue
		}
		if err != nil {
			return ImportPlan{}, err
		}
		v := plan.Open[0]
		seen.created[v.Code] = v
		at, ok := byDay[r.From]
		if !ok {
			at = len(out.Changes)
			byDay[r.From] = at
			c.Create = nil
			out.Changes, out.Plans = append(out.Changes, c), append(out.Plans, Plan{})
		}
		out.Changes[at].Create = append(out.Changes[at].Create, r.Spec)
		out.Plans[at].Open = append(out.Plans[at].Open, v)
	}
	return out, nil
}

// importedState is the map with the units an import's earlier rows
// create. A create reads only the versions of its unit and its parent.
type importedState struct {
	State
	created map[string]Version
}

// Versions of a unit an earlier row creates are that row's alone: no
// stored version overlaps it (the row would have been refused), and rows
// come in date order, so every later row asks about days it covers. The
// store is not asked again, as a file's communes all ask for their
// district.
func (s *importedState) Versions(code string) ([]Version, error) {
	if v, ok := s.created[code]; ok {
		return []Version{v}, nil
	}
	return s.State.Versions(code)
}
