package registryclient_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
	"github.com/ntmsuite/ntm/services/registry/registrytest"
)

// The test map (made-up codes), all from 2008-01-01 unless said:
//
//	19 Tỉnh Thái Nguyên
//	├── 170 Huyện Võ Nhai           abolished on 2025-07-01 (children to 19)
//	│   ├── 100 Xã La Hiên         ── 1000 Xóm Làng Lai (village)
//	│   ├── 101 Xã Lâu Thượng
//	│   │   (100 and 101 merge into the new 150 Xã Võ Nhai on 2020-01-01)
//	│   └── 102 Phường Đình Cả     (ward)
//	└── 171 Huyện Đồng Hỷ           abolished on 2025-07-01 (children to 19)
//	    └── 110 Xã Hóa Thượng
//	20 Tỉnh Lạng Sơn
const (
	mergedAt    = "2020-01-01"
	abolishedAt = "2025-07-01"
)

func newClient(t *testing.T) *registryclient.Client {
	t.Helper()
	conn := registrytest.Start(t, nil)
	seed(t, registryv1.NewRegistryServiceClient(conn))
	return registryclient.New(conn)
}

func seed(t *testing.T, rpc registryv1.RegistryServiceClient) {
	t.Helper()
	ctx := context.Background()
	unit := func(code, name string, typ registryv1.UnitType, parent string) *registryv1.ImportedUnit {
		return &registryv1.ImportedUnit{ValidFrom: "2008-01-01", Unit: &registryv1.UnitSpec{Code: code, DisplayName: name, Type: typ, ParentCode: parent}}
	}
	const c = registryv1.UnitType_COMMUNE
	if _, err := rpc.ImportUnits(ctx, &registryv1.ImportUnitsRequest{Units: []*registryv1.ImportedUnit{
		unit("19", "Tỉnh Thái Nguyên", registryv1.UnitType_PROVINCE, ""),
		unit("170", "Huyện Võ Nhai", registryv1.UnitType_DISTRICT, "19"),
		unit("171", "Huyện Đồng Hỷ", registryv1.UnitType_DISTRICT, "19"),
		unit("100", "Xã La Hiên", c, "170"),
		unit("101", "Xã Lâu Thượng", c, "170"),
		unit("102", "Phường Đình Cả", registryv1.UnitType_WARD, "170"),
		unit("1000", "Xóm Làng Lai", registryv1.UnitType_VILLAGE, "100"),
		unit("110", "Xã Hóa Thượng", c, "171"),
		unit("20", "Tỉnh Lạng Sơn", registryv1.UnitType_PROVINCE, ""),
	}}); err != nil {
		t.Fatalf("import: %v", err)
	}
	for _, ch := range []*registryv1.UnitChange{
		{DecisionNumber: "862/NQ-UBTVQH14", EffectiveDate: mergedAt, Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{
			SourceCodes: []string{"100", "101"},
			Target:      &registryv1.MergeUnits_NewUnit{NewUnit: &registryv1.UnitSpec{Code: "150", DisplayName: "Xã Võ Nhai", Type: c, ParentCode: "170"}}}}},
		{DecisionNumber: "1683/NQ-UBTVQH15", EffectiveDate: abolishedAt, Kind: &registryv1.UnitChange_Abolish{Abolish: &registryv1.AbolishUnits{
			Codes: []string{"170", "171"}, ChildrenNewParentCode: "19"}}},
	} {
		if _, err := rpc.CreateUnitChange(ctx, &registryv1.CreateUnitChangeRequest{UnitChange: ch}); err != nil {
			t.Fatalf("unit change %s: %v", ch.GetDecisionNumber(), err)
		}
	}
}

// tree writes nodes as "type code<parent" in the order given.
func tree(nodes []registryclient.Node) string {
	var b strings.Builder
	for i, n := range nodes {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s:%s<%s", strings.ToLower(n.Type.String()[:1]), n.Code, n.Parent)
	}
	return b.String()
}

func TestDescendants(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	for _, tc := range []struct {
		parent, on, want string
	}{
		{"19", "2019-12-31", "d:170<19 d:171<19 c:100<170 c:101<170 c:110<171 w:102<170 v:1000<100"},
		{"19", mergedAt, "d:170<19 d:171<19 c:110<171 c:150<170 w:102<170 v:1000<150"},
		{"19", abolishedAt, "c:110<19 c:150<19 w:102<19 v:1000<150"},
		{"170", "2024-01-01", "c:150<170 w:102<170 v:1000<150"},
		{"150", "2024-01-01", "v:1000<150"},
		{"20", abolishedAt, ""},
		{"", abolishedAt, "p:19< p:20< c:110<19 c:150<19 w:102<19 v:1000<150"},
		{"", "2019-12-31", "p:19< p:20< d:170<19 d:171<19 c:100<170 c:101<170 c:110<171 w:102<170 v:1000<100"},
	} {
		nodes, err := c.Descendants(ctx, tc.parent, date.MustParse(tc.on))
		if err != nil {
			t.Fatalf("Descendants(%q, %s): %v", tc.parent, tc.on, err)
		}
		if got := tree(nodes); got != tc.want {
			t.Errorf("Descendants(%q, %s) = %s\nwant %s", tc.parent, tc.on, got, tc.want)
		}
	}
	nodes, err := c.Descendants(ctx, "170", date.MustParse("2024-01-01"))
	if err != nil || nodes[0].Name != "Xã Võ Nhai" {
		t.Fatalf("Descendants(170) = %+v, %v; want names", nodes, err)
	}
	if _, err := c.Descendants(ctx, "170", date.MustParse(abolishedAt)); !errors.Is(err, registryclient.ErrUnitNotFound) {
		t.Fatalf("Descendants of an abolished district: err = %v, want ErrUnitNotFound", err)
	}
}

func TestWithPredecessors(t *testing.T) {
	c := newClient(t)
	l, err := c.Lineage(context.Background(), registryclient.UnknownGeneration)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		codes []string
		on    string
		want  []string
	}{
		{[]string{"150", "102"}, mergedAt, []string{"100", "101", "102", "150"}},
		{[]string{"150", "150", "102"}, "2030-01-01", []string{"100", "101", "102", "150"}},
		// Not yet merged on that day.
		{[]string{"150", "102"}, "2019-12-31", []string{"102", "150"}},
		// Abolished districts roll up into the province that took them over.
		{[]string{"19", "20"}, abolishedAt, []string{"170", "171", "19", "20"}},
		{[]string{"19"}, "2025-06-30", []string{"19"}},
		{nil, abolishedAt, nil},
	} {
		if got := l.WithPredecessors(tc.codes, date.MustParse(tc.on)); !slices.Equal(got, tc.want) {
			t.Errorf("WithPredecessors(%v, %s) = %v, want %v", tc.codes, tc.on, got, tc.want)
		}
	}
}

// Lineage holds the links listed for a registry generation until it is
// asked for another one, and lists afresh when the generation is unknown.
func TestLineageHeldPerGeneration(t *testing.T) {
	conn := registrytest.Start(t, nil)
	rpc := registryv1.NewRegistryServiceClient(conn)
	seed(t, rpc)
	c := registryclient.New(conn)
	ctx := context.Background()
	lineage := func(gen int64) *registryclient.Lineage {
		t.Helper()
		l, err := c.Lineage(ctx, gen)
		if err != nil {
			t.Fatalf("Lineage(%d): %v", gen, err)
		}
		return l
	}
	preds := func(gen int64) []string {
		t.Helper()
		return lineage(gen).WithPredecessors([]string{"110"}, date.MustParse("2030-01-01"))
	}
	if got := preds(1); !slices.Equal(got, []string{"110"}) {
		t.Fatalf("before the merge: %v", got)
	}
	if _, err := rpc.CreateUnitChange(ctx, &registryv1.CreateUnitChangeRequest{UnitChange: &registryv1.UnitChange{
		DecisionNumber: "1/NQ-UBTVQH15", EffectiveDate: "2026-01-01", Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{
			SourceCodes: []string{"150", "110"}, Target: &registryv1.MergeUnits_AbsorbingCode{AbsorbingCode: "110"}}}}}); err != nil {
		t.Fatalf("merge: %v", err)
	}
	merged := []string{"100", "101", "110", "150"}
	if got := preds(1); !slices.Equal(got, []string{"110"}) {
		t.Errorf("generation 1 again: %v, want what was held for it", got)
	}
	if got := preds(registryclient.UnknownGeneration); !slices.Equal(got, merged) {
		t.Errorf("unknown generation: %v, want %v listed afresh", got, merged)
	}
	if got := preds(2); !slices.Equal(got, merged) {
		t.Errorf("generation 2: %v, want %v", got, merged)
	}
	// As GetUnitLineage, the walk goes back through links of later dates
	// and keeps the earlier links it finds behind them.
	if got := lineage(2).Predecessors("110", date.MustParse("2025-12-31")); !slices.Equal(got, []string{"100", "101"}) {
		t.Errorf("predecessors of 110 the day before it took 150 in: %v, want 150's own", got)
	}
	// Every unit, on every day around the changes, as one GetUnitLineage
	// each tells it.
	l := lineage(2)
	for _, code := range []string{"19", "20", "170", "171", "100", "101", "102", "110", "150", "1000"} {
		one, err := rpc.GetUnitLineage(ctx, &registryv1.GetUnitLineageRequest{Code: code})
		if err != nil {
			t.Fatal(err)
		}
		for _, on := range []string{"2019-12-31", mergedAt, "2025-06-30", abolishedAt, "2025-12-31", "2026-01-01"} {
			var want []string
			for _, link := range one.GetPredecessors() {
				if link.GetFromCode() != code && link.GetEffectiveDate() <= on {
					want = append(want, link.GetFromCode())
				}
			}
			got := l.Predecessors(code, date.MustParse(on))
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("Predecessors(%s, %s) = %v; GetUnitLineage says %v", code, on, got, want)
			}
		}
	}
}

func TestGenerationIn(t *testing.T) {
	names := []string{"ocop", registryclient.Generation}
	for _, tc := range []struct {
		names []string
		gens  []int64
		want  int64
	}{
		{names, []int64{7, 3}, 3},
		{names, nil, registryclient.UnknownGeneration},
		{[]string{"ocop"}, []int64{7}, registryclient.UnknownGeneration},
	} {
		if got := registryclient.GenerationIn(tc.names, tc.gens); got != tc.want {
			t.Errorf("GenerationIn(%v, %v) = %d, want %d", tc.names, tc.gens, got, tc.want)
		}
	}
}

// CountUnits counts every type at any depth, as the map stood on the day.
func TestCountUnits(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	const (
		district = registryv1.UnitType_DISTRICT
		commune  = registryv1.UnitType_COMMUNE
		ward     = registryv1.UnitType_WARD
		village  = registryv1.UnitType_VILLAGE
	)
	for _, tc := range []struct {
		parent, day string
		want        map[registryv1.UnitType]int
	}{
		{"19", "2019-06-01", map[registryv1.UnitType]int{district: 2, commune: 3, ward: 1, village: 1}},
		{"19", mergedAt, map[registryv1.UnitType]int{district: 2, commune: 2, ward: 1, village: 1}},
		{"19", abolishedAt, map[registryv1.UnitType]int{commune: 2, ward: 1, village: 1}},
		{"171", "2019-06-01", map[registryv1.UnitType]int{commune: 1}},
		{"", "2019-06-01", map[registryv1.UnitType]int{registryv1.UnitType_PROVINCE: 2, district: 2, commune: 3, ward: 1, village: 1}},
	} {
		got, err := c.CountUnits(ctx, tc.parent, date.MustParse(tc.day))
		if err != nil || !maps.Equal(got, tc.want) {
			t.Errorf("CountUnits(%q, %s) = %v, %v; want %v", tc.parent, tc.day, got, err, tc.want)
		}
	}
	if _, err := c.CountUnits(ctx, "170", date.MustParse(abolishedAt)); !errors.Is(err, registryclient.ErrUnitNotFound) {
		t.Errorf("CountUnits of an abolished district = %v, want ErrUnitNotFound", err)
	}
}

// Unit gives a unit's parents on the date, nearest first, and its province.
func TestUnitAncestors(t *testing.T) {
	c := newClient(t)
	for _, tc := range []struct {
		code, on, ancestors string
	}{
		{"1000", "2019-12-31", "100 170 19"},
		{"1000", abolishedAt, "150 19"},
		{"19", "2019-12-31", ""},
	} {
		u, err := c.Unit(context.Background(), tc.code, date.MustParse(tc.on))
		if err != nil {
			t.Fatalf("Unit(%s, %s): %v", tc.code, tc.on, err)
		}
		if got := strings.Join(u.Ancestors, " "); got != tc.ancestors || u.ProvinceCode != "19" {
			t.Errorf("Unit(%s, %s): ancestors %q, province %s; want %q, 19", tc.code, tc.on, got, u.ProvinceCode, tc.ancestors)
		}
	}
}

// Units answers every unit above the villages as Unit does, on dates
// before and after the merge and the abolition; villages are left out.
func TestUnitsAgreeWithUnit(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	for _, on := range []string{"2019-12-31", mergedAt, abolishedAt} {
		d := date.MustParse(on)
		units, err := c.Units(ctx, d)
		if err != nil {
			t.Fatalf("Units(%s): %v", on, err)
		}
		if _, ok := units["1000"]; ok {
			t.Errorf("Units(%s) lists village 1000", on)
		}
		for _, code := range []string{"19", "20", "170", "171", "100", "101", "102", "110", "150"} {
			want, err := c.Unit(ctx, code, d)
			got, listed := units[code]
			switch {
			case errors.Is(err, registryclient.ErrUnitNotFound):
				if listed {
					t.Errorf("Units(%s) lists %s, which Unit does not find", on, code)
				}
			case err != nil:
				t.Fatalf("Unit(%s, %s): %v", code, on, err)
			case !listed:
				t.Errorf("Units(%s) leaves out %s", on, code)
			case fmt.Sprint(got) != fmt.Sprint(want):
				t.Errorf("Units(%s)[%s] = %+v, want %+v", on, code, got, want)
			}
		}
	}
}
