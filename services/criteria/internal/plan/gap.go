package plan

import (
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
)

// Gap is what a unit misses of a set on its latest assessment on or before
// a date ("còn thiếu"), computed, never typed.
type Gap struct {
	// Assessment names the assessment read and AssessedOn its date; both
	// are empty when the unit had none under the set.
	Assessment string
	AssessedOn date.Date
	Met, Count int
	// Missing are the criteria not met, in set order: every criterion when
	// the unit was not assessed.
	Missing []Criterion
}

// Criterion is a criterion of the set, by code and name.
type Criterion struct {
	Code, Name string
}

// Assessed is the assessment a gap is read from, with the statuses decided
// when it was recorded.
type Assessed struct {
	Name     string
	On       date.Date
	Criteria []scoring.CriterionResult
}

// GapOf is what a unit misses of set on a (nil: not assessed under it).
// Only Met counts: a criterion "basically met" is reported, not met, as in
// the aggregates. A criterion of the set the assessment holds no status for
// (a province replaced the set's criteria since) is missing too, so Met and
// the missing always add up to the set's criteria.
func GapOf(set *catalog.Set, a *Assessed) Gap {
	g := Gap{Count: len(set.Criteria)}
	met := map[string]bool{}
	if a != nil {
		g.Assessment, g.AssessedOn = a.Name, a.On
		for _, c := range a.Criteria {
			met[c.Code] = c.Status == scoring.Met
		}
	}
	for _, c := range set.Criteria {
		if met[c.Code] {
			g.Met++
			continue
		}
		g.Missing = append(g.Missing, Criterion{Code: c.Code, Name: c.Name})
	}
	return g
}
