package server

import (
	"cmp"
	"slices"

	"github.com/ntmsuite/ntm/platform/date"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// levelTitle is a recognition level the catalog defines for a unit type,
// with its title in the words of the decisions.
type levelTitle struct {
	level registryv1.RecognitionLevel
	name  string
}

// levelsOf lists every level the catalog's sets of type t valid on or
// before asOf define, in the order of RecognitionLevel, so that a table of
// levels keeps its rows from one phase's set to the next and counts every
// recognition still in force from an earlier one, but shows no level of a
// phase yet to come. A level is titled as in applying (the set of the type
// that applies on the date; nil when none does) when that set defines it,
// else as in the latest set that does.
func (s *Server) levelsOf(t catalog.UnitType, asOf date.Date, applying *catalog.Set) []levelTitle {
	var sets []*catalog.Set
	for _, set := range s.catalog.Sets() {
		if set.UnitType == t && !asOf.Before(set.Valid.From) {
			sets = append(sets, set)
		}
	}
	slices.SortStableFunc(sets, func(a, b *catalog.Set) int { return a.Valid.From.Compare(b.Valid.From) })
	if applying != nil {
		sets = append(sets, applying) // titles from the last set win
	}
	titles := map[registryv1.RecognitionLevel]string{}
	for _, set := range sets {
		for _, l := range set.Levels {
			titles[levelToProto(l.Level)] = l.Name
		}
	}
	out := make([]levelTitle, 0, len(titles))
	for l, name := range titles {
		out = append(out, levelTitle{level: l, name: name})
	}
	slices.SortFunc(out, func(a, b levelTitle) int { return cmp.Compare(a.level, b.level) })
	return out
}

// setOn is the set of type t that applies in province on d; nil when none
// does (no district set after districts were abolished).
func (s *Server) setOn(d date.Date, province string, t catalog.UnitType) *catalog.Set {
	set, ok := s.catalog.SetFor(d, province, t)
	if !ok {
		return nil
	}
	return set
}

// tallyOf counts the units of type t recognised at each level on the date,
// from the registry's list: those it gives as current (the unit itself
// among them when it is of the type), and, in count mode reported, the
// former units it adds (communes become wards or merged away, districts
// abolished), which then join the denominator too: the way provincial
// reports write "103 communes (72%), including 4 that became wards and 2
// merged", or still count a town that completed the programme before
// districts were abolished. units is how many units of type t the unit
// has on the date, itself included when it is of the type.
func tallyOf(t registryv1.UnitType, recs []registryclient.Recognition, units int, levels []levelTitle) []*criteriav1.RecognitionTally {
	held := map[registryv1.RecognitionLevel]map[string]bool{}
	formerHeld := map[registryv1.RecognitionLevel]map[string]bool{}
	formerUnits := make(map[string]bool)
	for _, r := range recs {
		if r.UnitType != t {
			continue
		}
		add(held, r.Level, r.UnitCode)
		if r.Former {
			add(formerHeld, r.Level, r.UnitCode)
			formerUnits[r.UnitCode] = true
		}
	}
	return tally(levels, held, formerHeld, units+len(formerUnits))
}

func add(held map[registryv1.RecognitionLevel]map[string]bool, l registryv1.RecognitionLevel, code string) {
	if held[l] == nil {
		held[l] = map[string]bool{}
	}
	held[l][code] = true
}

// tally writes one row per level, even at zero, so that a table keeps its
// rows: the units holding it (of which former units) out of denominator.
func tally(levels []levelTitle, held, former map[registryv1.RecognitionLevel]map[string]bool, denominator int) []*criteriav1.RecognitionTally {
	out := make([]*criteriav1.RecognitionTally, len(levels))
	for i, l := range levels {
		t := &criteriav1.RecognitionTally{Level: l.level.String(), DisplayName: l.name, Units: int32(len(held[l.level])),
			FormerCommunes: int32(len(former[l.level])), Denominator: int32(denominator)}
		if denominator > 0 {
			t.Percent = round2(100 * float64(t.Units) / float64(denominator))
		}
		out[i] = t
	}
	return out
}
