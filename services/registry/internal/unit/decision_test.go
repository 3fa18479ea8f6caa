package unit

import (
	"slices"
	"testing"

	"github.com/ntmsuite/ntm/platform/fault"
)

func TestCheckAloneNamesMissingNumberAndDate(t *testing.T) {
	c := Change{Kind: KindRename, Field: "unit_change.", EffectiveField: "unit_change.effective_date", Rename: &Rename{Code: "100", NewName: "X"}}
	f, ok := fault.As(CheckAlone(c))
	if !ok || f.Kind != fault.KindInvalid {
		t.Fatalf("CheckAlone(no number, no date) = %v, want InvalidArgument", f)
	}
	var fields []string
	for _, v := range f.Violations {
		fields = append(fields, v.Field)
	}
	if want := []string{"unit_change.decision_number", "unit_change.effective_date"}; !slices.Equal(fields, want) {
		t.Fatalf("fields = %v, want %v", fields, want)
	}
	c.DecisionNumber, c.Effective = "1/NQ", d("2025-07-01")
	if err := CheckAlone(c); err != nil {
		t.Fatalf("CheckAlone(complete) = %v", err)
	}
	c.DecisionNumber = "  "
	if f, _ := fault.As(CheckAlone(c)); f == nil || f.Violations[0].Field != "unit_change.decision_number" {
		t.Fatalf("CheckAlone(blank number) = %v", f)
	}
}

func inDecision(i int, c Change) Change {
	c.Field = "decision.changes[" + string(rune('0'+i)) + "]."
	c.EffectiveField = c.Field + "effective_date"
	return c
}

func TestResolveGivesChangesTheDecisionsNumberAndDate(t *testing.T) {
	dec := MapDecision{Number: "1656/NQ", Effective: d("2025-07-01"), Field: "decision.", Changes: []Change{
		inDecision(0, Change{Kind: KindRename}),
		inDecision(1, Change{Kind: KindRename, DecisionNumber: "1656/NQ", Effective: d("2025-07-01")}),
	}}
	cs, err := dec.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		if c.DecisionNumber != "1656/NQ" || c.Effective != d("2025-07-01") {
			t.Errorf("change %d = %s on %s, want the decision's", i, c.DecisionNumber, c.Effective)
		}
	}
	for _, tc := range []struct {
		c     Change
		field string
	}{
		{Change{Kind: KindRename, Effective: d("2025-06-30")}, "decision.changes[3].effective_date"},
		{Change{Kind: KindRename, DecisionNumber: "76/NQ"}, "decision.changes[3].decision_number"},
	} {
		bad := dec
		bad.Changes = append(slices.Clone(dec.Changes), Change{Kind: KindRename}, inDecision(3, tc.c))
		bad.Changes[2] = inDecision(2, bad.Changes[2])
		_, err := bad.Resolve()
		if f, ok := fault.As(err); !ok || f.Kind != fault.KindInvalid || f.Violations[0].Field != tc.field {
			t.Errorf("Resolve with %+v = %v, want InvalidArgument on %s", tc.c, err, tc.field)
		}
	}
	for _, tc := range []struct {
		dec   MapDecision
		field string
	}{
		{MapDecision{Effective: d("2025-07-01"), Field: "decision.", Changes: dec.Changes}, "decision.decision_number"},
		{MapDecision{Number: "1", Field: "decision.", Changes: dec.Changes}, "decision.effective_date"},
		{MapDecision{Number: "1", Effective: d("2025-07-01"), Field: "decision."}, "decision.changes"},
	} {
		_, err := tc.dec.Resolve()
		if f, ok := fault.As(err); !ok || f.Violations[0].Field != tc.field {
			t.Errorf("Resolve = %v, want InvalidArgument on %s", err, tc.field)
		}
	}
}

// twoProvinces is world plus province 20 with district 270 (communes 300, 301).
func twoProvinces(t *testing.T) *memState {
	m := world(t)
	mustApply(t, m, Change{Kind: KindCreate, Effective: d("2008-01-01"), Create: []Spec{
		spec("20", "Tỉnh Bắc Kạn", Province, ""),
		spec("270", "Huyện Ba Bể", District, "20"),
		spec("300", "Xã Chu Hương", Commune, "270"),
		spec("301", "Xã Mỹ Phương", Commune, "270"),
	}})
	return m
}

// decide plans and applies cs in order as one decision, as the store does.
func decide(t *testing.T, m *memState, cs ...Change) {
	t.Helper()
	var ids []int64
	for i, c := range cs {
		c = inDecision(i, c)
		p, err := PlanInDecision(c, m, ids)
		if err != nil {
			t.Fatalf("change %d (%s): %v", i, c.Kind, err)
		}
		ids = append(ids, m.apply(p))
	}
}

const reformDay = "2025-07-01"

func abolish(parent string, codes ...string) Change {
	return Change{Kind: KindAbolish, Effective: d(reformDay), Abolish: &Abolish{Codes: codes, ChildrenNewParent: parent}}
}

func mergeInto(code, name string, sources ...string) Change {
	return Change{Kind: KindMerge, Effective: d(reformDay), Merge: &Merge{Sources: sources, AbsorbingCode: code, NewName: name}}
}

// Reproductions: a merger keeping a commune's code under a new name and the
// abolition of its district, recorded as separate changes on one day, are
// refused in either order; so is a commune created under a district
// abolished the same day.
func TestSameDayChangesApartAreRefused(t *testing.T) {
	create := Change{Kind: KindCreate, Effective: d(reformDay), Create: []Spec{spec("150", "Xã Mới", Commune, "170")}}
	for name, cs := range map[string][]Change{
		"abolish then merge":  {abolish("19", "170", "171"), mergeInto("100", "Xã Võ Nhai", "100", "101")},
		"merge then abolish":  {mergeInto("100", "Xã Võ Nhai", "100", "101"), abolish("19", "170", "171")},
		"create then abolish": {create, abolish("19", "170", "171")},
	} {
		m := world(t)
		mustApply(t, m, cs[0])
		if f := planErr(t, m, cs[1]); f.Reason != "UNIT_CHANGED_SAME_DAY" {
			t.Errorf("%s apart: %+v, want UNIT_CHANGED_SAME_DAY", name, f)
		}
	}
}

func TestReformInOneDecision(t *testing.T) {
	for name, cs := range map[string][]Change{
		"abolish first": {
			abolish("19", "170", "171"),
			mergeInto("100", "Xã Võ Nhai", "100", "101"),
			{Kind: KindCreate, Effective: d(reformDay), Create: []Spec{spec("150", "Xã Thần Sa", Commune, "19")}},
			abolish("20", "270"),
			mergeInto("19", "Tỉnh Thái Nguyên mới", "19", "20"),
		},
		"merge first": {
			mergeInto("100", "Xã Võ Nhai", "100", "101"),
			{Kind: KindCreate, Effective: d(reformDay), Create: []Spec{spec("150", "Xã Thần Sa", Commune, "170")}},
			abolish("19", "170", "171"),
			mergeInto("19", "Tỉnh Thái Nguyên mới", "19", "20"),
			abolish("19", "270"),
		},
	} {
		t.Run(name, func(t *testing.T) {
			m := twoProvinces(t)
			decide(t, m, cs...)
			if got := childrenCodes(m, "19", reformDay); !slices.Equal(got, []string{"100", "102", "150", "200", "300", "301"}) {
				t.Errorf("province 19 on the day = %v", got)
			}
			if got := childrenCodes(m, "19", "2025-06-30"); !slices.Equal(got, []string{"170", "171"}) {
				t.Errorf("province 19 the day before = %v", got)
			}
			// One version per unit from the day: the decision's steps leave no trace in validity.
			for code, want := range map[string]int{"100": 2, "101": 1, "150": 1, "300": 2, "20": 1, "170": 1, "19": 2} {
				if n := len(m.versions[code]); n != want {
					t.Errorf("unit %s has %d versions %+v, want %d", code, n, m.versions[code], want)
				}
			}
			if v := at(t, m, "100", reformDay); v.Name != "Xã Võ Nhai" || v.ParentCode != "19" {
				t.Errorf("absorbing commune = %+v", v)
			}
			if v := at(t, m, "100", "2025-06-30"); v.Name != "Xã La Hiên" || v.ParentCode != "170" {
				t.Errorf("absorbing commune the day before = %+v", v)
			}
			if v := at(t, m, "1000", reformDay); v.ParentCode != "100" {
				t.Errorf("village = %+v", v)
			}
			for _, gone := range []string{"101", "170", "171", "270", "20"} {
				if v, ok := At(m.versions[gone], d(reformDay)); ok {
					t.Errorf("unit %s still exists: %+v", gone, v)
				}
				if _, ok := At(m.versions[gone], d("2025-06-30")); !ok {
					t.Errorf("unit %s lost its past", gone)
				}
			}
		})
	}
}

// A decision cannot change a unit that another decision changed that day,
// nor end a unit twice.
func TestDecisionKeepsTheRulesAcrossDecisions(t *testing.T) {
	m := world(t)
	mustApply(t, m, Change{Kind: KindRename, Effective: d(reformDay), Rename: &Rename{Code: "100", NewName: "Xã A"}})
	_, err := PlanInDecision(inDecision(0, mergeInto("100", "", "100", "101")), m, nil)
	if f, ok := fault.As(err); !ok || f.Reason != "UNIT_CHANGED_SAME_DAY" {
		t.Fatalf("merge of a unit renamed by another decision = %v, want UNIT_CHANGED_SAME_DAY", err)
	}

	m = world(t)
	var ids []int64
	p, err := PlanInDecision(inDecision(0, mergeInto("100", "", "100", "101")), m, ids)
	if err != nil {
		t.Fatal(err)
	}
	ids = append(ids, m.apply(p))
	_, err = PlanInDecision(inDecision(1, mergeInto("102", "", "102", "101")), m, ids)
	if f, ok := fault.As(err); !ok || f.Kind != fault.KindInvalid || f.Violations[0].Field != "decision.changes[1].merge.source_codes[1]" {
		t.Fatalf("merge of a unit merged away earlier in the decision = %v, want InvalidArgument on its source", err)
	}
}

// A unit the decision creates cannot also end that day: it would never
// have existed.
func TestDecisionCannotEndAUnitItCreates(t *testing.T) {
	m := world(t)
	create := Change{Kind: KindCreate, Effective: d(reformDay), Create: []Spec{spec("150", "Xã Mới", Commune, "170")}}
	p, err := PlanInDecision(inDecision(0, create), m, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{m.apply(p)}
	for field, c := range map[string]Change{
		"decision.changes[1].merge.source_codes[0]": mergeInto("100", "", "150", "100"),
		"decision.changes[1].abolish.codes[0]":      {Kind: KindAbolish, Effective: d(reformDay), Abolish: &Abolish{Codes: []string{"150"}}},
		"decision.changes[1].split.source_code": {Kind: KindSplit, Effective: d(reformDay),
			Split: &Split{Source: "150", NewUnits: []Spec{spec("151", "Xã Mới A", Commune, "170")}}},
	} {
		_, err := PlanInDecision(inDecision(1, c), m, ids)
		if f, ok := fault.As(err); !ok || f.Kind != fault.KindInvalid || f.Violations[0].Field != field {
			t.Errorf("%s of a unit the decision created = %v, want InvalidArgument on %s", c.Kind, err, field)
		}
	}
	// Changing it otherwise is one more thing the decision says of it.
	_, err = PlanInDecision(inDecision(1, Change{Kind: KindRename, Effective: d(reformDay), Rename: &Rename{Code: "150", NewName: "Xã Mới Hơn"}}), m, ids)
	if err != nil {
		t.Errorf("rename of a unit the decision created: %v", err)
	}
}
