// Package storetest is the conformance suite every registry store backend
// passes: SQLite and PostgreSQL run the same cases, so dialect differences in
// dates, text and transactions show up here rather than in production.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/registry/internal/store"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// Run runs the suite; open returns an empty store of its own for each case.
func Run(t *testing.T, open func(t *testing.T) *store.Store) {
	cases := []struct {
		name string
		fn   func(*testing.T, *store.Store)
	}{
		{"UnitAtRespectsValidity", testUnitAt},
		{"TimeTravelAcrossAbolition", testTimeTravel},
		{"Pagination", testPagination},
		{"LineageIsTransitive", testLineage},
		{"ListLinksPagesEveryLinkInOrder", testListLinks},
		{"BatchIsAllOrNothing", testAllOrNothing},
		{"BadInputWritesNothing", testBadInputWritesNothing},
		{"VietnameseTextRoundTrips", testVietnameseText},
		{"ConcurrentChangesOneWins", testConcurrentChanges},
		{"Ancestors", testAncestors},
		{"RecognitionsAsOfAndFormer", testRecognitions},
		{"FormerUnitsOfAnyType", testFormerOfAnyType},
		{"RecognitionRetryAndSecondInForce", testRecognitionRetry},
		{"ConcurrentRecognitionsMakeOneRow", testConcurrentRecognitions},
		{"RecognitionEtags", testRecognitionEtags},
		{"ConcurrentRevocationsWithOneEtagOneWins", testConcurrentRecognitionEtags},
		{"RecognitionCheckRoundTrips", testRecognitionCheck},
		{"RecognitionUnitsCondition", testUnitsCondition},
		{"CountUnits", testCountUnits},
		{"RacingChangesKeepTheHierarchy", testRacingChanges},
		{"PathForAccessChecks", testPath},
		{"DecisionReformOnOneDay", testDecisionReform},
		{"SameDayChangesApartAreRefused", testSameDayChangesApart},
		{"DecisionIsAllOrNothing", testDecisionAllOrNothing},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t, open(t))
		})
	}
}

var d = date.MustParse

func spec(code, name string, t unit.Type, parent string) unit.Spec {
	return unit.Spec{Code: code, Name: name, Type: t, ParentCode: parent, Field: "unit"}
}

func change(kind unit.Kind, effective string) unit.Change {
	return unit.Change{Kind: kind, Effective: d(effective), DecisionNumber: "test", Field: "unit_change.", EffectiveField: "unit_change.effective_date"}
}

// seed: province 19 > districts 170 (communes 100..103, village 1000 under 100)
// and 171 (commune 200), from 2008-01-01.
func seed(t *testing.T, s *store.Store) {
	t.Helper()
	c := change(unit.KindCreate, "2008-01-01")
	c.Create = []unit.Spec{
		spec("19", "Tỉnh Thái Nguyên", unit.Province, ""),
		spec("170", "Huyện Võ Nhai", unit.District, "19"),
		spec("171", "Huyện Định Hóa", unit.District, "19"),
		spec("100", "Xã La Hiên", unit.Commune, "170"),
		spec("101", "Xã Lâu Thượng", unit.Commune, "170"),
		spec("102", "Xã Phú Thượng", unit.Commune, "170"),
		spec("103", "Xã Tràng Xá", unit.Commune, "170"),
		spec("200", "Xã Phượng Tiến", unit.Commune, "171"),
		spec("1000", "Xóm Làng Lai", unit.Village, "100"),
	}
	apply(t, s, c)
}

func apply(t *testing.T, s *store.Store, cs ...unit.Change) []store.Applied {
	t.Helper()
	a, err := s.ApplyChanges(context.Background(), cs)
	if err != nil {
		t.Fatalf("ApplyChanges: %v", err)
	}
	return a
}

func codes(vs []unit.Version) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Code
	}
	return out
}

func list(t *testing.T, s *store.Store, q store.ListQuery) []string {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 1000
	}
	vs, err := s.ListUnits(context.Background(), q)
	if err != nil {
		t.Fatalf("ListUnits(%+v): %v", q, err)
	}
	return codes(vs)
}

func testUnitAt(t *testing.T, s *store.Store) {
	seed(t, s)
	ctx := context.Background()
	if _, err := s.UnitAt(ctx, "100", d("2007-12-31")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("before valid_from: err = %v, want ErrNotFound", err)
	}
	rename := change(unit.KindRename, "2021-01-01")
	rename.Rename = &unit.Rename{Code: "100", NewName: "Xã La Hiên Mới"}
	apply(t, s, rename)
	for day, want := range map[string]string{"2020-12-31": "Xã La Hiên", "2021-01-01": "Xã La Hiên Mới", "2030-01-01": "Xã La Hiên Mới"} {
		v, err := s.UnitAt(ctx, "100", d(day))
		if err != nil || v.Name != want {
			t.Errorf("UnitAt(100, %s) = %q, %v; want %q", day, v.Name, err, want)
		}
	}
	vs, err := s.Versions(ctx, "100")
	if err != nil || len(vs) != 2 {
		t.Fatalf("Versions = %d, %v; want 2", len(vs), err)
	}
	want := []date.Range{{From: d("2008-01-01"), To: d("2021-01-01")}, {From: d("2021-01-01")}}
	if vs[0].Valid != want[0] || vs[1].Valid != want[1] {
		t.Fatalf("validity = %v, %v; want %v", vs[0].Valid, vs[1].Valid, want)
	}
}

func testTimeTravel(t *testing.T, s *store.Store) {
	seed(t, s)
	merge := change(unit.KindMerge, "2025-07-01")
	merge.Merge = &unit.Merge{Sources: []string{"100", "101"}, NewUnit: &unit.Spec{Code: "150", Name: "Xã Võ Nhai", Type: unit.Commune, ParentCode: "19", Field: "m"}}
	ward := change(unit.KindReclassify, "2022-01-01")
	ward.Reclassify = &unit.Reclassify{Code: "103", NewType: unit.Ward, NewName: "Phường Tràng Xá"}
	abolish := change(unit.KindAbolish, "2025-07-01")
	abolish.Abolish = &unit.Abolish{Codes: []string{"170", "171"}, ChildrenNewParent: "19"}
	apply(t, s, ward, merge, abolish)

	for _, tc := range []struct {
		q    store.ListQuery
		want []string
	}{
		{store.ListQuery{Parent: "19", Type: unit.Commune, AsOf: d("2020-10-31")}, []string{"100", "101", "102", "103", "200"}},
		{store.ListQuery{Parent: "19", Type: unit.Commune, AsOf: d("2023-01-01")}, []string{"100", "101", "102", "200"}},
		{store.ListQuery{Parent: "19", Type: unit.Commune, AsOf: d("2026-01-01")}, []string{"102", "150", "200"}},
		{store.ListQuery{Parent: "19", Type: unit.Ward, AsOf: d("2026-01-01")}, []string{"103"}},
		{store.ListQuery{Parent: "19", AsOf: d("2020-10-31")}, []string{"170", "171"}},
		{store.ListQuery{Parent: "19", AsOf: d("2025-07-01")}, []string{"102", "103", "150", "200"}},
		{store.ListQuery{AsOf: d("2020-10-31")}, []string{"19"}},
		{store.ListQuery{Type: unit.District, AsOf: d("2025-07-01")}, nil},
		{store.ListQuery{Parent: "150", AsOf: d("2025-07-01")}, []string{"1000"}},
	} {
		if got := list(t, s, tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("ListUnits(parent=%q type=%v as_of=%s) = %v, want %v", tc.q.Parent, tc.q.Type, tc.q.AsOf, got, tc.want)
		}
	}
}

func testPagination(t *testing.T, s *store.Store) {
	seed(t, s)
	var all []string
	q := store.ListQuery{Parent: "19", Type: unit.Commune, AsOf: d("2020-01-01"), Limit: 2}
	for page := 0; page < 10; page++ {
		got := list(t, s, q)
		all = append(all, got...)
		if len(got) < q.Limit {
			break
		}
		q.After = got[len(got)-1]
	}
	if want := []string{"100", "101", "102", "103", "200"}; !slices.Equal(all, want) {
		t.Fatalf("pages = %v, want %v", all, want)
	}
}

func testLineage(t *testing.T, s *store.Store) {
	seed(t, s)
	first := change(unit.KindMerge, "2020-01-01")
	first.Merge = &unit.Merge{Sources: []string{"100", "101"}, NewUnit: &unit.Spec{Code: "150", Name: "Xã A", Type: unit.Commune, ParentCode: "170", Field: "m"}}
	second := change(unit.KindMerge, "2025-07-01")
	second.Merge = &unit.Merge{Sources: []string{"150", "102"}, AbsorbingCode: "102"}
	apply(t, s, first, second)

	ctx := context.Background()
	preds, succs, err := s.Lineage(ctx, "102")
	if err != nil {
		t.Fatal(err)
	}
	if len(succs) != 0 {
		t.Errorf("successors of 102 = %v, want none", succs)
	}
	var got []string
	for _, l := range preds {
		got = append(got, l.From+">"+l.To)
	}
	if want := []string{"150>102", "100>150", "101>150"}; !slices.Equal(got, want) {
		t.Fatalf("predecessors of 102 = %v, want %v", got, want)
	}
	if preds[0].Kind != unit.KindMerge || preds[0].Effective != d("2025-07-01") || preds[0].DecisionNumber != "test" {
		t.Fatalf("link record = %+v", preds[0])
	}
	_, succs, err = s.Lineage(ctx, "100")
	if err != nil || len(succs) != 2 || succs[1].To != "102" {
		t.Fatalf("successors of 100 = %v, %v; want 100>150>102", succs, err)
	}

	// An abolished unit links to the unit that takes it over, recorded as an abolition.
	abolish := change(unit.KindAbolish, "2026-01-01")
	abolish.Abolish = &unit.Abolish{Codes: []string{"170"}, ChildrenNewParent: "19"}
	commune := change(unit.KindAbolish, "2026-01-01")
	commune.Abolish = &unit.Abolish{Codes: []string{"200"}}
	apply(t, s, abolish, commune)
	for code, want := range map[string]string{"19": "170>19", "171": "200>171"} {
		preds, _, err := s.Lineage(ctx, code)
		if err != nil || len(preds) != 1 || preds[0].From+">"+preds[0].To != want {
			t.Fatalf("predecessors of %s = %v, %v; want %s", code, preds, err, want)
		}
		if preds[0].Kind != unit.KindAbolish || preds[0].Effective != d("2026-01-01") {
			t.Fatalf("link record = %+v, want an abolition on 2026-01-01", preds[0])
		}
	}
}

func testListLinks(t *testing.T, s *store.Store) {
	seed(t, s)
	ctx := context.Background()
	if links, err := s.ListLinks(ctx, store.LinkKey{}, 10); err != nil || len(links) != 0 {
		t.Fatalf("links of a map without changes = %v, %v; want none", links, err)
	}
	// Two changes of the same day, each with several links, and a later
	// one: pages cut inside a change and between codes of one source.
	split := change(unit.KindSplit, "2020-01-01")
	split.Split = &unit.Split{Source: "103", NewUnits: []unit.Spec{
		spec("160", "Xã B", unit.Commune, "170"), spec("161", "Xã C", unit.Commune, "170")}}
	merge := change(unit.KindMerge, "2020-01-01")
	merge.Merge = &unit.Merge{Sources: []string{"100", "101"}, NewUnit: &unit.Spec{Code: "150", Name: "Xã A", Type: unit.Commune, ParentCode: "170", Field: "m"}}
	abolish := change(unit.KindAbolish, "2025-07-01")
	abolish.Abolish = &unit.Abolish{Codes: []string{"170", "171"}, ChildrenNewParent: "19"}
	applied := apply(t, s, split, merge)
	applied = append(applied, apply(t, s, abolish)...)

	var got []string
	after := store.LinkKey{}
	for pages := 0; ; pages++ {
		if pages > 6 {
			t.Fatalf("more than 6 pages of 2 links: %v", got)
		}
		links, err := s.ListLinks(ctx, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			got = append(got, fmt.Sprintf("%d:%s>%s %s %s", l.ChangeID, l.From, l.To, l.Kind, l.Effective))
		}
		if len(links) < 2 {
			break
		}
		last := links[len(links)-1]
		after = store.LinkKey{ChangeID: last.ChangeID, From: last.From, To: last.To}
	}
	s1, m, a := applied[0].ID, applied[1].ID, applied[2].ID
	want := []string{
		fmt.Sprintf("%d:103>160 split 2020-01-01", s1), fmt.Sprintf("%d:103>161 split 2020-01-01", s1),
		fmt.Sprintf("%d:100>150 merge 2020-01-01", m), fmt.Sprintf("%d:101>150 merge 2020-01-01", m),
		fmt.Sprintf("%d:170>19 abolish 2025-07-01", a), fmt.Sprintf("%d:171>19 abolish 2025-07-01", a),
	}
	if !slices.Equal(got, want) {
		t.Fatalf("links = %v\nwant %v", got, want)
	}
	// The same links as the walk of one unit finds, with their records.
	preds, _, err := s.Lineage(ctx, "150")
	if err != nil || len(preds) != 2 || preds[0].DecisionNumber != "test" || preds[0].ChangeID != m {
		t.Fatalf("predecessors of 150 = %+v, %v", preds, err)
	}
}

func testAllOrNothing(t *testing.T, s *store.Store) {
	seed(t, s)
	ok := change(unit.KindRename, "2021-01-01")
	ok.Rename = &unit.Rename{Code: "100", NewName: "Xã Đổi Tên"}
	bad := change(unit.KindMerge, "2021-01-01")
	bad.Merge = &unit.Merge{Sources: []string{"101", "999"}, AbsorbingCode: "101"}
	_, err := s.ApplyChanges(context.Background(), []unit.Change{ok, bad})
	if f, isFault := fault.As(err); !isFault || f.Kind != fault.KindInvalid {
		t.Fatalf("err = %v, want an invalid-argument fault", err)
	}
	vs, _ := s.Versions(context.Background(), "100")
	if len(vs) != 1 || vs[0].Name != "Xã La Hiên" {
		t.Fatalf("the first change of a failed batch was written: %+v", vs)
	}
}

func testBadInputWritesNothing(t *testing.T, s *store.Store) {
	seed(t, s)
	ctx := context.Background()
	c := change(unit.KindCreate, "2020-01-01")
	c.Create = []unit.Spec{spec("300", "Xã Mới", unit.Commune, "170"), spec("301", "Xã Lạc", unit.Commune, "999")}
	_, err := s.ApplyChanges(ctx, []unit.Change{c})
	f, isFault := fault.As(err)
	if !isFault || f.Violations[0].Field != "unit.parent_code" {
		t.Fatalf("err = %v, want a violation on unit.parent_code", err)
	}
	if _, err := s.UnitAt(ctx, "300", d("2020-01-01")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unit 300 of the rejected change exists: %v", err)
	}
}

func testVietnameseText(t *testing.T, s *store.Store) {
	names := []string{"Xã Đồng Hỷ", "Phường Hoàng Văn Thụ", "Thị trấn Đình Cả", "Xóm Nà Mò", "XÃ ĐỒNG HỶ"}
	c := change(unit.KindCreate, "2008-01-01")
	c.Create = []unit.Spec{spec("19", "Tỉnh Thái Nguyên", unit.Province, ""), spec("170", "Huyện Đồng Hỷ", unit.District, "19")}
	for i, n := range names[:4] {
		c.Create = append(c.Create, spec(string(rune('1'+i))+"00", n, unit.Commune, "170"))
	}
	apply(t, s, c)
	got := list(t, s, store.ListQuery{Parent: "170", AsOf: d("2020-01-01")})
	if len(got) != 4 {
		t.Fatalf("listed %v", got)
	}
	for i, n := range names[:4] {
		v, err := s.UnitAt(context.Background(), got[i], d("2020-01-01"))
		if err != nil || v.Name != n {
			t.Errorf("name of %s = %q, want %q (%v)", got[i], v.Name, n, err)
		}
	}
}

func testConcurrentChanges(t *testing.T, s *store.Store) {
	seed(t, s)
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := change(unit.KindRename, "2021-01-01")
			c.Rename = &unit.Rename{Code: "100", NewName: "Xã Tên " + string(rune('A'+i))}
			_, errs[i] = s.ApplyChanges(context.Background(), []unit.Change{c})
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
			continue
		}
		if _, isFault := fault.As(err); !isFault {
			t.Errorf("losing change failed with %v, want a fault (conflict or precondition)", err)
		}
	}
	vs, _ := s.Versions(context.Background(), "100")
	if wins != 1 || len(vs) != 2 {
		t.Fatalf("%d changes won and unit has %d versions; want exactly 1 and 2", wins, len(vs))
	}
}

func testAncestors(t *testing.T, s *store.Store) {
	seed(t, s)
	abolish := change(unit.KindAbolish, "2025-07-01")
	abolish.Abolish = &unit.Abolish{Codes: []string{"170", "171"}, ChildrenNewParent: "19"}
	apply(t, s, abolish)
	ctx := context.Background()
	for day, want := range map[string][]string{"2020-01-01": {"100", "170", "19"}, "2025-07-01": {"100", "19"}} {
		vs, err := s.Ancestors(ctx, "1000", d(day))
		if err != nil || !slices.Equal(codes(vs), want) {
			t.Errorf("Ancestors(1000, %s) = %v, %v; want %v", day, codes(vs), err, want)
		}
	}
	if _, err := s.Ancestors(ctx, "1000", d("2000-01-01")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Ancestors before the unit existed: %v", err)
	}
}

// A transfer into a district and that district's abolition on the same day,
// racing: whatever wins, no unit may end up under a parent that has ended.
func testRacingChanges(t *testing.T, s *store.Store) {
	seed(t, s)
	ctx := context.Background()
	transfer := change(unit.KindTransfer, "2025-07-01")
	transfer.Transfer = &unit.Transfer{Code: "200", NewParent: "170"}
	abolish := change(unit.KindAbolish, "2025-07-01")
	abolish.Abolish = &unit.Abolish{Codes: []string{"170"}, ChildrenNewParent: "19"}
	var wg sync.WaitGroup
	for _, c := range []unit.Change{transfer, abolish} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = s.ApplyChanges(ctx, []unit.Change{c})
		}()
	}
	wg.Wait()
	v, err := s.UnitAt(ctx, "200", d("2025-07-01"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UnitAt(ctx, v.ParentCode, d("2025-07-01")); err != nil {
		t.Fatalf("unit 200 is under %s, which does not exist on 2025-07-01: %v", v.ParentCode, err)
	}
}

// A unit's path decides who has the say over it: on the day while it
// exists, on its last day once it has ended (its province keeps the say),
// the unit alone before it exists.
func testPath(t *testing.T, s *store.Store) {
	seed(t, s)
	merge := change(unit.KindMerge, "2024-01-01")
	merge.Merge = &unit.Merge{Sources: []string{"101", "102"}, NewUnit: &unit.Spec{Code: "150", Name: "Xã Võ Nhai", Type: unit.Commune, ParentCode: "170", Field: "m"}}
	abolish := change(unit.KindAbolish, "2025-07-01")
	abolish.Abolish = &unit.Abolish{Codes: []string{"170", "171"}, ChildrenNewParent: "19"}
	apply(t, s, merge, abolish)
	ctx := context.Background()
	for _, tc := range []struct {
		code, day string
		want      auth.Path
	}{
		{"1000", "2020-01-01", auth.Path{"1000", "100", "170", "19"}},
		{"1000", "2026-01-01", auth.Path{"1000", "100", "19"}},
		{"170", "2026-01-01", auth.Path{"170", "19"}},
		// Merged away: under the commune that took it over, whose officers
		// keep its records.
		{"101", "2026-01-01", auth.Path{"101", "150", "19"}},
		{"101", "2020-01-01", auth.Path{"101", "170", "19"}},
		{"19", "2026-01-01", auth.Path{"19"}},
		{"100", "2000-01-01", auth.Path{"100"}},
		{"170", "2000-01-01", auth.Path{"170"}},
	} {
		if got, err := s.Path(ctx, tc.code, d(tc.day)); err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Path(%s, %s) = %v, %v; want %v", tc.code, tc.day, got, err, tc.want)
		}
	}
	if _, err := s.Path(ctx, "999", d("2026-01-01")); !errors.Is(err, auth.ErrUnknownUnit) {
		t.Errorf("Path of a unit never known: %v, want auth.ErrUnknownUnit", err)
	}
}
