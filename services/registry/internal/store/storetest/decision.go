package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/registry/internal/store"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

const reformDay = "2025-07-01"

// seedTwoProvinces is seed plus province 20 > district 270 (communes 300,
// 301), with recognitions of 100 and 101 (province 19), 300 and 301
// (province 20).
func seedTwoProvinces(t *testing.T, s *store.Store) {
	t.Helper()
	seed(t, s)
	c := change(unit.KindCreate, "2008-01-01")
	c.Create = []unit.Spec{
		spec("20", "Tỉnh Bắc Kạn", unit.Province, ""),
		spec("270", "Huyện Ba Bể", unit.District, "20"),
		spec("300", "Xã Chu Hương", unit.Commune, "270"),
		spec("301", "Xã Mỹ Phương", unit.Commune, "270"),
	}
	apply(t, s, c)
	add(t, s, ask(communeSet, "100", unit.Standard, "2019-12-01", "QĐ 100"))
	add(t, s, ask(communeSet, "101", unit.Standard, "2018-06-01", "QĐ 101"))
	add(t, s, ask(communeSet, "300", unit.Standard, "2020-06-01", "QĐ 300"))
	add(t, s, ask(communeSet, "301", unit.Standard, "2020-06-01", "QĐ 301"))
}

// inDecision is a change of a decision: no number or date of its own.
func inDecision(i int, kind unit.Kind) unit.Change {
	field := fmt.Sprintf("decision.changes[%d].", i)
	return unit.Change{Kind: kind, Field: field, EffectiveField: field + "effective_date"}
}

// reform is the 2025 reorganisation of the two provinces as one decision:
// districts abolished, 101 merged into 100 under a new name, a commune
// created under the province, 301 merged into 300, province 20 merged into
// 19.
func reform() unit.MapDecision {
	abolish := inDecision(0, unit.KindAbolish)
	abolish.Abolish = &unit.Abolish{Codes: []string{"170", "171"}, ChildrenNewParent: "19"}
	merge := inDecision(1, unit.KindMerge)
	merge.Merge = &unit.Merge{Sources: []string{"100", "101"}, AbsorbingCode: "100", NewName: "Xã Võ Nhai"}
	create := inDecision(2, unit.KindCreate)
	create.Create = []unit.Spec{{Code: "150", Name: "Xã Thần Sa", Type: unit.Commune, ParentCode: "19", Field: "decision.changes[2].create.units[0]"}}
	abolish20 := inDecision(3, unit.KindAbolish)
	abolish20.Abolish = &unit.Abolish{Codes: []string{"270"}, ChildrenNewParent: "20"}
	merge20 := inDecision(4, unit.KindMerge)
	merge20.Merge = &unit.Merge{Sources: []string{"300", "301"}, AbsorbingCode: "300", NewName: "Xã Chu Hương Mới"}
	provinces := inDecision(5, unit.KindMerge)
	provinces.Merge = &unit.Merge{Sources: []string{"19", "20"}, AbsorbingCode: "19"}
	return unit.MapDecision{Number: "1656/NQ-UBTVQH15", Effective: d(reformDay), Note: "Sắp xếp đơn vị hành chính 2025", Field: "decision.",
		Changes: []unit.Change{abolish, merge, create, abolish20, merge20, provinces}}
}

// The 2025 reform on one day, as one decision: the map, its counts, the
// lineage and the recognitions of former communes follow, before and after.
func testDecisionReform(t *testing.T, s *store.Store) {
	seedTwoProvinces(t, s)
	ctx := context.Background()
	got, err := s.ApplyDecision(ctx, reform())
	if err != nil {
		t.Fatalf("ApplyDecision: %v", err)
	}
	if got.ID == 0 || got.CreatedAt.IsZero() || len(got.Applied) != 6 || len(got.Changes) != 6 {
		t.Fatalf("ApplyDecision = %+v", got)
	}
	for i, c := range got.Changes {
		if c.DecisionNumber != "1656/NQ-UBTVQH15" || c.Effective != d(reformDay) {
			t.Errorf("change %d recorded as %s on %s, want the decision's", i, c.DecisionNumber, c.Effective)
		}
		if i > 0 && got.Applied[i].ID <= got.Applied[i-1].ID {
			t.Errorf("changes recorded out of order: %+v", got.Applied)
		}
	}
	if l := got.Applied[1].Links; !slices.Equal(l, []unit.Link{{From: "101", To: "100"}}) {
		t.Errorf("merge links = %v", l)
	}

	for _, tc := range []struct {
		q    store.ListQuery
		want []string
	}{
		{store.ListQuery{Parent: "19", Type: unit.Commune, AsOf: d("2025-06-30")}, []string{"100", "101", "102", "103", "200"}},
		{store.ListQuery{Parent: "20", Type: unit.Commune, AsOf: d("2025-06-30")}, []string{"300", "301"}},
		{store.ListQuery{Parent: "19", AsOf: d(reformDay)}, []string{"100", "102", "103", "150", "200", "300"}},
		{store.ListQuery{AsOf: d(reformDay)}, []string{"19"}},
		{store.ListQuery{AsOf: d("2025-06-30")}, []string{"19", "20"}},
		{store.ListQuery{Parent: "100", AsOf: d(reformDay)}, []string{"1000"}},
	} {
		if got := list(t, s, tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("ListUnits(parent=%q type=%v as_of=%s) = %v, want %v", tc.q.Parent, tc.q.Type, tc.q.AsOf, got, tc.want)
		}
	}
	for _, tc := range []struct {
		code, day, name, parent string
	}{
		{"100", "2025-06-30", "Xã La Hiên", "170"},
		{"100", reformDay, "Xã Võ Nhai", "19"},
		{"300", "2025-06-30", "Xã Chu Hương", "270"},
		{"300", reformDay, "Xã Chu Hương Mới", "19"},
	} {
		v, err := s.UnitAt(ctx, tc.code, d(tc.day))
		if err != nil || v.Name != tc.name || v.ParentCode != tc.parent {
			t.Errorf("UnitAt(%s, %s) = %+v, %v; want %s under %s", tc.code, tc.day, v, err, tc.name, tc.parent)
		}
	}
	// A unit the decision changed twice has one version from the day.
	for code, want := range map[string]int{"100": 2, "101": 1, "300": 2, "301": 1, "150": 1, "19": 1, "20": 1} {
		if vs, err := s.Versions(ctx, code); err != nil || len(vs) != want {
			t.Errorf("Versions(%s) = %+v, %v; want %d", code, vs, err, want)
		}
	}

	for _, tc := range []struct {
		parent, day string
		want        []store.TypeCount
	}{
		{"19", "2025-06-30", []store.TypeCount{{Type: unit.District, Units: 2}, {Type: unit.Commune, Units: 5}, {Type: unit.Village, Units: 1}}},
		{"20", "2025-06-30", []store.TypeCount{{Type: unit.District, Units: 1}, {Type: unit.Commune, Units: 2}}},
		{"19", reformDay, []store.TypeCount{{Type: unit.Commune, Units: 6}, {Type: unit.Village, Units: 1}}},
		{"", reformDay, []store.TypeCount{{Type: unit.Province, Units: 1}, {Type: unit.Commune, Units: 6}, {Type: unit.Village, Units: 1}}},
	} {
		if got, err := s.CountUnits(ctx, tc.parent, d(tc.day)); err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("CountUnits(%q, %s) = %v, %v; want %v", tc.parent, tc.day, got, err, tc.want)
		}
	}

	preds, _, err := s.Lineage(ctx, "19")
	if err != nil {
		t.Fatal(err)
	}
	var links []string
	for _, l := range preds {
		if l.DecisionNumber != "1656/NQ-UBTVQH15" || l.Effective != d(reformDay) {
			t.Errorf("link %+v is not of the decision", l)
		}
		links = append(links, fmt.Sprintf("%s>%s %s", l.From, l.To, l.Kind))
	}
	slices.Sort(links)
	if want := []string{"170>19 abolish", "171>19 abolish", "20>19 merge", "270>20 abolish"}; !slices.Equal(links, want) {
		t.Errorf("predecessors of 19 = %v, want %v", links, want)
	}
	if _, succs, err := s.Lineage(ctx, "101"); err != nil || len(succs) != 1 || succs[0].To != "100" || succs[0].Kind != unit.KindMerge {
		t.Errorf("successors of 101 = %+v, %v; want 100 by the merge", succs, err)
	}

	laHien := row{"100", "Xã La Hiên", unit.Commune, false, false}
	lauThuong := row{"101", "Xã Lâu Thượng", unit.Commune, false, false}
	for _, tc := range []struct {
		q    store.RecognitionsQuery
		want []row
	}{
		{store.RecognitionsQuery{Parent: "19", AsOf: d("2020-12-31"), IncludeFormer: true}, []row{laHien, lauThuong}},
		{store.RecognitionsQuery{Parent: "20", AsOf: d("2020-12-31"), IncludeFormer: true}, []row{
			{"300", "Xã Chu Hương", unit.Commune, false, false}, {"301", "Xã Mỹ Phương", unit.Commune, false, false}}},
		// After: 100 under its new name, 101 a former commune named as on its
		// last day, 300 now in province 19, and 301, a former commune of the
		// province 19 absorbed.
		{store.RecognitionsQuery{Parent: "19", AsOf: d("2026-01-01"), IncludeFormer: true}, []row{
			{"100", "Xã Võ Nhai", unit.Commune, false, false}, {"300", "Xã Chu Hương Mới", unit.Commune, false, false},
			{"101", "Xã Lâu Thượng", 0, true, true}, {"301", "Xã Mỹ Phương", 0, true, true}}},
		{store.RecognitionsQuery{Parent: "19", AsOf: d("2026-01-01")}, []row{
			{"100", "Xã Võ Nhai", unit.Commune, false, false}, {"300", "Xã Chu Hương Mới", unit.Commune, false, false}}},
		{store.RecognitionsQuery{Parent: "170", AsOf: d("2026-01-01"), IncludeFormer: true}, []row{{"101", "Xã Lâu Thượng", 0, true, true}}},
		{store.RecognitionsQuery{Parent: "20", AsOf: d("2026-01-01"), IncludeFormer: true}, []row{{"301", "Xã Mỹ Phương", 0, true, true}}},
		// A commune merged into another is not under it.
		{store.RecognitionsQuery{Parent: "100", AsOf: d("2026-01-01"), IncludeFormer: true}, []row{{"100", "Xã Võ Nhai", unit.Commune, false, false}}},
	} {
		if got := rowsOf(under(t, s, tc.q)); !slices.Equal(got, tc.want) {
			t.Errorf("RecognitionsUnder(%s, %s) = %v, want %v", tc.q.Parent, tc.q.AsOf, got, tc.want)
		}
	}
}

// The same changes recorded apart on one day are refused, whichever comes
// first: the reproductions of the 2025 reform before decisions.
func testSameDayChangesApart(t *testing.T, s *store.Store) {
	seed(t, s)
	abolish := change(unit.KindAbolish, reformDay)
	abolish.Abolish = &unit.Abolish{Codes: []string{"170", "171"}, ChildrenNewParent: "19"}
	merge := change(unit.KindMerge, reformDay)
	merge.Merge = &unit.Merge{Sources: []string{"100", "101"}, AbsorbingCode: "100", NewName: "Xã Võ Nhai"}
	apply(t, s, abolish)
	_, err := s.ApplyChanges(context.Background(), []unit.Change{merge})
	if f, ok := fault.As(err); !ok || f.Reason != "UNIT_CHANGED_SAME_DAY" {
		t.Fatalf("merge after the abolition, apart: %v, want UNIT_CHANGED_SAME_DAY", err)
	}
}

// A decision with a bad change writes nothing; so does one whose change
// names another date. The same decision without it is then recorded whole.
func testDecisionAllOrNothing(t *testing.T, s *store.Store) {
	seedTwoProvinces(t, s)
	ctx := context.Background()
	bad := reform()
	rename := inDecision(6, unit.KindRename)
	rename.Rename = &unit.Rename{Code: "999", NewName: "Xã Không Có"}
	bad.Changes = append(bad.Changes, rename)
	otherDay := reform()
	otherDay.Changes[3].Effective = d("2025-06-30")
	// The second abolition sees the districts the first one ended.
	twice := reform()
	again := inDecision(1, unit.KindAbolish)
	again.Abolish = twice.Changes[0].Abolish
	twice.Changes = []unit.Change{twice.Changes[0], again}
	for field, dec := range map[string]unit.MapDecision{
		"decision.changes[6].rename.code":      bad,
		"decision.changes[3].effective_date":   otherDay,
		"decision.changes[1].abolish.codes[0]": twice,
	} {
		_, err := s.ApplyDecision(ctx, dec)
		if f, ok := fault.As(err); !ok || f.Kind != fault.KindInvalid || f.Violations[0].Field != field {
			t.Errorf("ApplyDecision = %v, want InvalidArgument on %s", err, field)
		}
	}
	if got := list(t, s, store.ListQuery{Parent: "19", AsOf: d(reformDay)}); !slices.Equal(got, []string{"170", "171"}) {
		t.Fatalf("after refused decisions, province 19 has %v", got)
	}
	if _, succs, err := s.Lineage(ctx, "101"); err != nil || len(succs) != 0 {
		t.Fatalf("after refused decisions, 101 has successors %v, %v", succs, err)
	}
	if _, err := s.ApplyDecision(ctx, reform()); err != nil {
		t.Fatalf("the decision without its bad change: %v", err)
	}
}
