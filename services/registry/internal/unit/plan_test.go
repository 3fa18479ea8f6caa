package unit

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
)

// memState is an in-memory map that applies plans the way the store does.
type memState struct {
	versions map[string][]Version
	lastID   int64 // id of the last change applied
}

func (m *memState) Versions(code string) ([]Version, error) { return m.versions[code], nil }

func (m *memState) ChildrenAt(code string, d date.Date) ([]Version, error) {
	var out []Version
	for _, vs := range m.versions {
		if v, ok := At(vs, d); ok && v.ParentCode == code {
			out = append(out, v)
		}
	}
	return out, nil
}

func (m *memState) ChildrenFrom(code string, d date.Date) ([]Version, error) {
	var out []Version
	for _, vs := range m.versions {
		for _, v := range vs {
			if v.ParentCode == code && (v.Valid.To.IsZero() || v.Valid.To.After(d)) {
				out = append(out, v)
			}
		}
	}
	return out, nil
}

// apply writes p as the change with the next id and returns that id.
func (m *memState) apply(p Plan) int64 {
	m.lastID++
	for _, c := range p.Close {
		vs := m.versions[c.Code]
		for i := range vs {
			if vs[i].Valid.From != c.From {
				continue
			}
			if c.Withdraws() {
				m.versions[c.Code] = slices.Delete(vs, i, i+1)
				break
			}
			vs[i].Valid.To = c.To
		}
	}
	for _, v := range p.Open {
		v.ChangeID = m.lastID
		m.versions[v.Code] = append(m.versions[v.Code], v)
	}
	return m.lastID
}

var d = date.MustParse

func spec(code, name string, t Type, parent string) Spec {
	return Spec{Code: code, Name: name, Type: t, ParentCode: parent, Field: "unit_change.create.units[0]"}
}

// world: province 19 with district 170 (communes 100, 101, 102, villages under 100)
// and district 171 (commune 200), all from 2008-01-01.
func world(t *testing.T) *memState {
	t.Helper()
	m := &memState{versions: map[string][]Version{}}
	mustApply(t, m, Change{Kind: KindCreate, Effective: d("2008-01-01"), Create: []Spec{
		spec("1000", "Xóm Làng Lai", Village, "100"),
		spec("100", "Xã La Hiên", Commune, "170"),
		spec("101", "Xã Lâu Thượng", Commune, "170"),
		spec("102", "Xã Phú Thượng", Commune, "170"),
		spec("200", "Xã Phượng Tiến", Commune, "171"),
		spec("170", "Huyện Võ Nhai", District, "19"),
		spec("171", "Huyện Định Hóa", District, "19"),
		spec("19", "Tỉnh Thái Nguyên", Province, ""),
	}})
	return m
}

func mustApply(t *testing.T, m *memState, c Change) Plan {
	t.Helper()
	c.Field, c.EffectiveField = "unit_change.", "unit_change.effective_date"
	p, err := PlanChange(c, m)
	if err != nil {
		t.Fatalf("PlanChange(%s): %v", c.Kind, err)
	}
	m.apply(p)
	return p
}

func planErr(t *testing.T, m *memState, c Change) *fault.Error {
	t.Helper()
	c.Field, c.EffectiveField = "unit_change.", "unit_change.effective_date"
	_, err := PlanChange(c, m)
	f, ok := fault.As(err)
	if !ok {
		t.Fatalf("PlanChange(%s) error = %v, want a *fault.Error", c.Kind, err)
	}
	return f
}

func at(t *testing.T, m *memState, code, day string) Version {
	t.Helper()
	v, ok := At(m.versions[code], d(day))
	if !ok {
		t.Fatalf("unit %s does not exist on %s", code, day)
	}
	return v
}

func childrenCodes(m *memState, code, day string) []string {
	vs, _ := m.ChildrenAt(code, d(day))
	var out []string
	for _, v := range vs {
		out = append(out, v.Code)
	}
	slices.Sort(out)
	return out
}

func TestCreateOrdersParentsBeforeChildren(t *testing.T) {
	m := world(t)
	if got := childrenCodes(m, "170", "2020-01-01"); !slices.Equal(got, []string{"100", "101", "102"}) {
		t.Fatalf("children of 170 = %v", got)
	}
	if _, ok := At(m.versions["100"], d("2007-12-31")); ok {
		t.Fatal("unit exists before its valid_from")
	}
}

func TestCreateRejects(t *testing.T) {
	m := world(t)
	for _, tc := range []struct {
		name      string
		change    Change
		wantField string
		wantKind  fault.Kind
	}{
		{"unknown parent", Change{Kind: KindCreate, Effective: d("2020-01-01"), Create: []Spec{spec("300", "Xã Mới", Commune, "999")}},
			"unit_change.create.units[0].parent_code", fault.KindInvalid},
		{"parent not yet existing", Change{Kind: KindCreate, Effective: d("2000-01-01"), Create: []Spec{spec("300", "Xã Mới", Commune, "170")}},
			"unit_change.create.units[0].parent_code", fault.KindInvalid},
		{"overlapping validity", Change{Kind: KindCreate, Effective: d("2020-01-01"), Create: []Spec{spec("100", "Xã La Hiên", Commune, "170")}},
			"unit_change.create.units[0].code", fault.KindInvalid},
		{"village under a district", Change{Kind: KindCreate, Effective: d("2020-01-01"), Create: []Spec{spec("3000", "Xóm A", Village, "170")}},
			"unit_change.create.units[0].parent_code", fault.KindInvalid},
		{"province with parent", Change{Kind: KindCreate, Effective: d("2020-01-01"), Create: []Spec{spec("20", "Tỉnh B", Province, "19")}},
			"unit_change.create.units[0].parent_code", fault.KindInvalid},
		{"commune without parent", Change{Kind: KindCreate, Effective: d("2020-01-01"), Create: []Spec{spec("300", "Xã Mới", Commune, "")}},
			"unit_change.create.units[0].parent_code", fault.KindInvalid},
		{"missing date", Change{Kind: KindCreate, Create: []Spec{spec("300", "Xã Mới", Commune, "170")}},
			"unit_change.effective_date", fault.KindInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := planErr(t, m, tc.change)
			if f.Kind != tc.wantKind || len(f.Violations) == 0 || f.Violations[0].Field != tc.wantField {
				t.Fatalf("got %+v, want kind %d on field %s", f, tc.wantKind, tc.wantField)
			}
		})
	}
}

func TestReclassifyCommuneToWardKeepsHistory(t *testing.T) {
	m := world(t)
	mustApply(t, m, Change{Kind: KindReclassify, Effective: d("2022-04-01"),
		Reclassify: &Reclassify{Code: "101", NewType: Ward, NewName: "Phường Lâu Thượng"}})
	if v := at(t, m, "101", "2022-03-31"); v.Type != Commune || v.Name != "Xã Lâu Thượng" {
		t.Fatalf("before: %+v", v)
	}
	if v := at(t, m, "101", "2022-04-01"); v.Type != Ward || v.Name != "Phường Lâu Thượng" || v.ParentCode != "170" {
		t.Fatalf("after: %+v", v)
	}
	if n := len(m.versions["101"]); n != 2 {
		t.Fatalf("versions = %d, want 2", n)
	}
}

func TestReclassifyRejectsTypeThatDoesNotFit(t *testing.T) {
	m := world(t)
	f := planErr(t, m, Change{Kind: KindReclassify, Effective: d("2022-01-01"), Reclassify: &Reclassify{Code: "100", NewType: District}})
	if f.Kind != fault.KindInvalid || f.Violations[0].Field != "unit_change.reclassify.new_type" {
		t.Fatalf("got %+v", f)
	}
}

func TestMergeIntoNewUnitMovesVillages(t *testing.T) {
	m := world(t)
	p := mustApply(t, m, Change{Kind: KindMerge, Effective: d("2020-01-01"), Merge: &Merge{
		Sources: []string{"100", "101"}, NewUnit: &Spec{Code: "150", Name: "Xã La Hiên mới", Type: Commune, ParentCode: "170", Field: "unit_change.merge.new_unit"},
	}})
	if !slices.Equal(p.Links, []Link{{"100", "150"}, {"101", "150"}}) {
		t.Fatalf("links = %v", p.Links)
	}
	if _, ok := At(m.versions["100"], d("2020-01-01")); ok {
		t.Fatal("source still exists after the merge")
	}
	at(t, m, "100", "2019-12-31")
	if got := childrenCodes(m, "170", "2020-01-01"); !slices.Equal(got, []string{"102", "150"}) {
		t.Fatalf("children after = %v", got)
	}
	if got := childrenCodes(m, "170", "2019-12-31"); !slices.Equal(got, []string{"100", "101", "102"}) {
		t.Fatalf("children before = %v", got)
	}
	if v := at(t, m, "1000", "2020-01-01"); v.ParentCode != "150" {
		t.Fatalf("village parent after merge = %s, want 150", v.ParentCode)
	}
}

func TestMergeAbsorbingRenames(t *testing.T) {
	m := world(t)
	p := mustApply(t, m, Change{Kind: KindMerge, Effective: d("2020-01-01"), Merge: &Merge{
		Sources: []string{"101", "102"}, AbsorbingCode: "102", NewName: "Xã Phú Thượng mới"}})
	if !slices.Equal(p.Links, []Link{{"101", "102"}}) {
		t.Fatalf("links = %v", p.Links)
	}
	if v := at(t, m, "102", "2020-01-01"); v.Name != "Xã Phú Thượng mới" {
		t.Fatalf("absorbing unit = %+v", v)
	}
}

func TestMergeRejects(t *testing.T) {
	m := world(t)
	for _, tc := range []struct {
		name  string
		merge *Merge
		field string
	}{
		{"source missing on that date", &Merge{Sources: []string{"100", "999"}, AbsorbingCode: "100"}, "unit_change.merge.source_codes[1]"},
		{"absorbing not a source", &Merge{Sources: []string{"100", "101"}, AbsorbingCode: "102"}, "unit_change.merge.absorbing_code"},
		{"district with commune", &Merge{Sources: []string{"100", "171"}, AbsorbingCode: "100"}, "unit_change.merge.source_codes[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := planErr(t, m, Change{Kind: KindMerge, Effective: d("2020-01-01"), Merge: tc.merge})
			if f.Kind != fault.KindInvalid || f.Violations[0].Field != tc.field {
				t.Fatalf("got %+v, want invalid %s", f, tc.field)
			}
		})
	}
}

func TestAbolishDistrictsMovesCommunesToProvince(t *testing.T) {
	m := world(t)
	f := planErr(t, m, Change{Kind: KindAbolish, Effective: d("2025-07-01"), Abolish: &Abolish{Codes: []string{"170", "171"}}})
	if f.Kind != fault.KindPrecondition || f.Reason != "UNIT_HAS_CHILDREN" {
		t.Fatalf("abolish with children and no new parent: %+v", f)
	}
	p := mustApply(t, m, Change{Kind: KindAbolish, Effective: d("2025-07-01"), Abolish: &Abolish{Codes: []string{"170", "171"}, ChildrenNewParent: "19"}})
	// Figures of the districts roll up to the unit that takes their communes over.
	if !slices.Equal(p.Links, []Link{{"170", "19"}, {"171", "19"}}) {
		t.Fatalf("links = %v, want 170 -> 19 and 171 -> 19", p.Links)
	}
	if got := childrenCodes(m, "19", "2025-07-01"); !slices.Equal(got, []string{"100", "101", "102", "200"}) {
		t.Fatalf("province children after = %v", got)
	}
	if got := childrenCodes(m, "19", "2025-06-30"); !slices.Equal(got, []string{"170", "171"}) {
		t.Fatalf("province children before = %v", got)
	}
	if v := at(t, m, "1000", "2025-07-01"); v.ParentCode != "100" {
		t.Fatalf("villages keep their commune: %+v", v)
	}
}

func TestChangesMustBeInDateOrder(t *testing.T) {
	m := world(t)
	mustApply(t, m, Change{Kind: KindRename, Effective: d("2021-01-01"), Rename: &Rename{Code: "100", NewName: "Xã La Hiên A"}})
	for _, day := range []string{"2020-06-01", "2021-01-01"} {
		f := planErr(t, m, Change{Kind: KindRename, Effective: d(day), Rename: &Rename{Code: "100", NewName: "Xã B"}})
		if f.Kind != fault.KindPrecondition {
			t.Fatalf("rename on %s: %+v, want a precondition failure", day, f)
		}
	}
}

func TestChildCannotOutliveParent(t *testing.T) {
	m := world(t)
	mustApply(t, m, Change{Kind: KindAbolish, Effective: d("2025-07-01"), Abolish: &Abolish{Codes: []string{"170"}, ChildrenNewParent: "19"}})
	f := planErr(t, m, Change{Kind: KindCreate, Effective: d("2020-01-01"), Create: []Spec{spec("300", "Xã Muộn", Commune, "170")}})
	if f.Kind != fault.KindInvalid || !strings.Contains(f.Message, "outlive") {
		t.Fatalf("got %+v", f)
	}
}

func TestSplitAndTransfer(t *testing.T) {
	m := world(t)
	f := planErr(t, m, Change{Kind: KindSplit, Effective: d("2019-01-01"), Split: &Split{Source: "100", NewUnits: []Spec{spec("160", "Xã Tách", Commune, "170")}}})
	if f.Reason != "UNIT_HAS_CHILDREN" {
		t.Fatalf("split of a commune with villages that ends: %+v", f)
	}
	p := mustApply(t, m, Change{Kind: KindSplit, Effective: d("2019-01-01"), Split: &Split{Source: "100", SourceContinues: true,
		NewUnits: []Spec{spec("160", "Xã Tách", Commune, "170")}}})
	if !slices.Equal(p.Links, []Link{{"100", "160"}}) {
		t.Fatalf("links = %v", p.Links)
	}
	at(t, m, "100", "2019-01-01")
	mustApply(t, m, Change{Kind: KindTransfer, Effective: d("2020-01-01"), Transfer: &Transfer{Code: "160", NewParent: "171"}})
	if got := childrenCodes(m, "171", "2020-01-01"); !slices.Equal(got, []string{"160", "200"}) {
		t.Fatalf("children of 171 = %v", got)
	}
	f = planErr(t, m, Change{Kind: KindTransfer, Effective: d("2021-01-01"), Transfer: &Transfer{Code: "160", NewParent: "1000"}})
	if f.Kind != fault.KindInvalid || f.Violations[0].Field != "unit_change.transfer.new_parent_code" {
		t.Fatalf("commune under a village: %+v", f)
	}
}

func TestErrorsAreFaults(t *testing.T) {
	m := world(t)
	_, err := PlanChange(Change{Kind: "explode", Effective: d("2020-01-01")}, m)
	var f *fault.Error
	if !errors.As(err, &f) {
		t.Fatalf("unknown kind error = %v", err)
	}
}

func TestParentCannotEndBeforeLaterChildren(t *testing.T) {
	m := world(t)
	// A village placed under 101 in 2026, then 101 abolished earlier: refused.
	mustApply(t, m, Change{Kind: KindCreate, Effective: d("2026-06-01"), Create: []Spec{spec("1010", "Xóm Mới", Village, "101")}})
	f := planErr(t, m, Change{Kind: KindAbolish, Effective: d("2026-03-01"), Abolish: &Abolish{Codes: []string{"101"}}})
	if f.Reason != "UNIT_HAS_LATER_CHANGES" {
		t.Fatalf("abolish before a later child: %+v", f)
	}
	// A village renamed later cannot be moved by an earlier merge of its commune.
	mustApply(t, m, Change{Kind: KindRename, Effective: d("2026-05-01"), Rename: &Rename{Code: "1000", NewName: "Xóm Làng Lai Mới"}})
	f = planErr(t, m, Change{Kind: KindMerge, Effective: d("2026-04-01"), Merge: &Merge{Sources: []string{"100", "102"}, AbsorbingCode: "102"}})
	if f.Kind != fault.KindPrecondition || f.Reason != "UNIT_HAS_LATER_CHANGES" {
		t.Fatalf("moving a child that changes later: %+v", f)
	}
}

func TestAbolishDistrictWithAllItsCommunes(t *testing.T) {
	m := world(t)
	p := mustApply(t, m, Change{Kind: KindAbolish, Effective: d("2025-07-01"), Abolish: &Abolish{Codes: []string{"171", "200"}}})
	if got := childrenCodes(m, "19", "2025-07-01"); !slices.Equal(got, []string{"170"}) {
		t.Fatalf("province children = %v", got)
	}
	// 200's parent ends with it: the province takes both over.
	if !slices.Equal(p.Links, []Link{{"171", "19"}, {"200", "19"}}) {
		t.Fatalf("links = %v, want 171 -> 19 and 200 -> 19", p.Links)
	}
}

func TestAbolishLinksToTheUnitTakingOver(t *testing.T) {
	m := world(t)
	mustApply(t, m, Change{Kind: KindCreate, Effective: d("2008-01-01"), Create: []Spec{spec("20", "Tỉnh Trống", Province, "")}})
	for _, tc := range []struct {
		name    string
		abolish *Abolish
		want    []Link
	}{
		// Without children_new_parent_code: the parent on the day.
		{"commune to its district", &Abolish{Codes: []string{"101"}}, []Link{{"101", "170"}}},
		// With one: the new parent of the children, wherever the unit was.
		{"commune to the new parent of its villages", &Abolish{Codes: []string{"100"}, ChildrenNewParent: "102"}, []Link{{"100", "102"}}},
		{"district to another district", &Abolish{Codes: []string{"171"}, ChildrenNewParent: "170"}, []Link{{"171", "170"}}},
		// A province has no parent: nothing takes it over.
		{"province", &Abolish{Codes: []string{"20"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Change{Kind: KindAbolish, Effective: d("2025-07-01"), Abolish: tc.abolish, Field: "unit_change.", EffectiveField: "unit_change.effective_date"}
			p, err := PlanChange(c, m)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.Links, tc.want) {
				t.Fatalf("links = %v, want %v", p.Links, tc.want)
			}
		})
	}
}
