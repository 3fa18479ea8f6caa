package server_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpctest"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/registry/registrytest"
)

// bumps reads a cache's generations: how many times each was advanced.
type bumps struct{ cache.Cache }

func (b bumps) count(gen string) int {
	stamp, _, _, err := b.Get(context.Background(), []string{gen}, "probe")
	if err != nil {
		panic(err) // an in-process cache does not fail
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(stamp, "g"))
	return n
}

// newClient starts the real registry (interceptor chain, SQLite store) over bufconn.
func newClient(t *testing.T) registryv1.RegistryServiceClient {
	c, _ := newClientWithBumps(t)
	return c
}

func newClientWithBumps(t *testing.T) (registryv1.RegistryServiceClient, bumps) {
	t.Helper()
	b := bumps{cache.NewMemory()}
	return registryv1.NewRegistryServiceClient(registrytest.Start(t, b)), b
}

func spec(code, name string, typ registryv1.UnitType, parent string) *registryv1.UnitSpec {
	return &registryv1.UnitSpec{Code: code, DisplayName: name, Type: typ, ParentCode: parent}
}

func seed(t *testing.T, c registryv1.RegistryServiceClient) {
	t.Helper()
	rows := []*registryv1.ImportedUnit{
		{Unit: spec("100", "Xã La Hiên", registryv1.UnitType_COMMUNE, "170"), ValidFrom: "2008-01-01"},
		{Unit: spec("19", "Tỉnh Thái Nguyên", registryv1.UnitType_PROVINCE, ""), ValidFrom: "2008-01-01"},
		{Unit: spec("170", "Huyện Võ Nhai", registryv1.UnitType_DISTRICT, "19"), ValidFrom: "2008-01-01"},
		{Unit: spec("101", "Xã Lâu Thượng", registryv1.UnitType_COMMUNE, "170"), ValidFrom: "2008-01-01"},
		{Unit: spec("102", "Xã Phú Thượng", registryv1.UnitType_COMMUNE, "170"), ValidFrom: "2010-05-01"},
	}
	resp, err := c.ImportUnits(context.Background(), &registryv1.ImportUnitsRequest{Units: rows})
	if err != nil {
		t.Fatalf("ImportUnits: %v", err)
	}
	if resp.GetImported() != 5 || len(resp.GetChanges()) != 2 {
		t.Fatalf("import = %v, want 5 units in 2 dated changes", resp)
	}
}

func listCodes(t *testing.T, c registryv1.RegistryServiceClient, req *registryv1.ListUnitsRequest) []string {
	t.Helper()
	resp, err := c.ListUnits(context.Background(), req)
	if err != nil {
		t.Fatalf("ListUnits: %v", err)
	}
	var out []string
	for _, u := range resp.GetUnits() {
		out = append(out, u.GetCode())
	}
	return out
}

func TestTimeTravelAcrossMerger(t *testing.T) {
	c := newClient(t)
	seed(t, c)
	ctx := context.Background()
	change, err := c.CreateUnitChange(ctx, &registryv1.CreateUnitChangeRequest{UnitChange: &registryv1.UnitChange{
		DecisionNumber: "1243/NQ-UBTVQH15", EffectiveDate: "2025-07-01",
		Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{
			SourceCodes: []string{"100", "101"},
			Target:      &registryv1.MergeUnits_NewUnit{NewUnit: spec("150", "Xã Võ Nhai", registryv1.UnitType_COMMUNE, "19")},
		}},
	}})
	if err != nil {
		t.Fatalf("merge: %v", err)
	}
	if len(change.GetLineage()) != 2 || change.GetName() == "" || change.GetCreateTime() == "" {
		t.Fatalf("recorded change = %v", change)
	}
	before := listCodes(t, c, &registryv1.ListUnitsRequest{Parent: "19", Type: registryv1.UnitType_COMMUNE, AsOf: "2025-06-30"})
	after := listCodes(t, c, &registryv1.ListUnitsRequest{Parent: "19", Type: registryv1.UnitType_COMMUNE, AsOf: "2025-07-01"})
	if !slices.Equal(before, []string{"100", "101", "102"}) || !slices.Equal(after, []string{"102", "150"}) {
		t.Fatalf("communes before = %v, after = %v", before, after)
	}
	lin, err := c.GetUnitLineage(ctx, &registryv1.GetUnitLineageRequest{Code: "150"})
	if err != nil || len(lin.GetPredecessors()) != 2 || lin.GetPredecessors()[0].GetDecisionNumber() != "1243/NQ-UBTVQH15" {
		t.Fatalf("lineage of 150 = %v, %v", lin, err)
	}
	old, err := c.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "100", AsOf: "2020-10-31"})
	if err != nil || old.GetValidTo() != "2025-07-01" || old.GetParentCode() != "170" {
		t.Fatalf("unit 100 as of 2020 = %v, %v", old, err)
	}
}

// ListLineageLinks pages through every link of the map, and refuses a
// token it did not make.
func TestListLineageLinks(t *testing.T) {
	c := newClient(t)
	seed(t, c)
	ctx := context.Background()
	if _, err := c.CreateUnitChange(ctx, &registryv1.CreateUnitChangeRequest{UnitChange: &registryv1.UnitChange{
		DecisionNumber: "1243/NQ-UBTVQH15", EffectiveDate: "2025-07-01",
		Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{
			SourceCodes: []string{"100", "101", "102"},
			Target:      &registryv1.MergeUnits_NewUnit{NewUnit: spec("150", "Xã Võ Nhai", registryv1.UnitType_COMMUNE, "19")},
		}},
	}}); err != nil {
		t.Fatalf("merge: %v", err)
	}
	var got []string
	req := &registryv1.ListLineageLinksRequest{PageSize: 2}
	for pages := 1; ; pages++ {
		resp, err := c.ListLineageLinks(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range resp.GetLinks() {
			got = append(got, l.GetFromCode()+">"+l.GetToCode()+" "+l.GetEffectiveDate()+" "+l.GetDecisionNumber())
		}
		if resp.GetNextPageToken() == "" {
			if pages != 2 {
				t.Errorf("%d pages of 2 for 3 links, want 2", pages)
			}
			break
		}
		req.PageToken = resp.GetNextPageToken()
	}
	want := []string{"100>150 2025-07-01 1243/NQ-UBTVQH15", "101>150 2025-07-01 1243/NQ-UBTVQH15", "102>150 2025-07-01 1243/NQ-UBTVQH15"}
	if !slices.Equal(got, want) {
		t.Fatalf("links = %v, want %v", got, want)
	}
	_, err := c.ListLineageLinks(ctx, &registryv1.ListLineageLinksRequest{PageToken: "bm90LWEtdG9rZW4"})
	grpctest.WantViolations(t, err, "page_token")
}

func TestPagination(t *testing.T) {
	c := newClient(t)
	seed(t, c)
	ctx := context.Background()
	req := &registryv1.ListUnitsRequest{Parent: "170", AsOf: "2020-01-01", PageSize: 2}
	first, err := c.ListUnits(ctx, req)
	if err != nil || len(first.GetUnits()) != 2 || first.GetNextPageToken() == "" {
		t.Fatalf("first page = %v, %v", first, err)
	}
	req.PageToken = first.GetNextPageToken()
	second, err := c.ListUnits(ctx, req)
	if err != nil || len(second.GetUnits()) != 1 || second.GetNextPageToken() != "" {
		t.Fatalf("second page = %v, %v", second, err)
	}
	// A next page asked without as_of keeps the first page's date.
	third, err := c.ListUnits(ctx, &registryv1.ListUnitsRequest{Parent: "170", PageSize: 2, PageToken: first.GetNextPageToken()})
	if err != nil || third.GetAsOf() != "2020-01-01" || len(third.GetUnits()) != 1 {
		t.Fatalf("next page without as_of = %v, %v", third, err)
	}
	_, err = c.ListUnits(ctx, &registryv1.ListUnitsRequest{Parent: "170", AsOf: "2021-01-01", PageToken: first.GetNextPageToken()})
	grpctest.WantViolations(t, err, "page_token")
}

func TestCreateUnitThenGet(t *testing.T) {
	c := newClient(t)
	seed(t, c)
	ctx := context.Background()
	u, err := c.CreateUnit(ctx, &registryv1.CreateUnitRequest{Unit: spec("1000", "Xóm Làng Lai", registryv1.UnitType_VILLAGE, "100"),
		ValidFrom: "2015-01-01", DecisionNumber: "12/QĐ-UBND"})
	if err != nil {
		t.Fatalf("CreateUnit: %v", err)
	}
	if u.GetName() != "units/1000" || u.GetValidFrom() != "2015-01-01" || u.GetValidTo() != "" {
		t.Fatalf("created = %v", u)
	}
	anc, err := c.ListAncestors(ctx, &registryv1.ListAncestorsRequest{Code: "1000", AsOf: "2020-01-01"})
	if err != nil || len(anc.GetUnits()) != 3 || anc.GetUnits()[2].GetCode() != "19" {
		t.Fatalf("ancestors = %v, %v", anc, err)
	}
}

func TestBadInputNamesTheFieldAndWritesNothing(t *testing.T) {
	c := newClient(t)
	seed(t, c)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		call  func() error
		field string
	}{
		{"unknown parent", func() error {
			_, err := c.CreateUnit(ctx, &registryv1.CreateUnitRequest{Unit: spec("300", "Xã Mới", registryv1.UnitType_COMMUNE, "999"), ValidFrom: "2020-01-01", DecisionNumber: "1"})
			return err
		}, "unit.parent_code"},
		{"overlapping validity", func() error {
			_, err := c.CreateUnit(ctx, &registryv1.CreateUnitRequest{Unit: spec("100", "Xã La Hiên", registryv1.UnitType_COMMUNE, "170"), ValidFrom: "2020-01-01", DecisionNumber: "1"})
			return err
		}, "unit.code"},
		{"malformed code", func() error {
			_, err := c.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "19a"})
			return err
		}, "code"},
		{"malformed date", func() error {
			_, err := c.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "19", AsOf: "2020/10/31"})
			return err
		}, "as_of"},
		{"day that does not exist", func() error {
			_, err := c.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "19", AsOf: "2021-02-30"})
			return err
		}, "as_of"},
		{"merging a unit that does not exist on that date", func() error {
			_, err := c.CreateUnitChange(ctx, &registryv1.CreateUnitChangeRequest{UnitChange: &registryv1.UnitChange{
				DecisionNumber: "1", EffectiveDate: "2009-01-01",
				Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{SourceCodes: []string{"101", "102"},
					Target: &registryv1.MergeUnits_AbsorbingCode{AbsorbingCode: "101"}}},
			}})
			return err
		}, "unit_change.merge.source_codes[1]"},
		{"import row with a bad parent", func() error {
			_, err := c.ImportUnits(ctx, &registryv1.ImportUnitsRequest{Units: []*registryv1.ImportedUnit{
				{Unit: spec("400", "Xã A", registryv1.UnitType_COMMUNE, "170"), ValidFrom: "2020-01-01"},
				{Unit: spec("401", "Xã B", registryv1.UnitType_COMMUNE, "888"), ValidFrom: "2020-01-01"},
			}})
			return err
		}, "units[1].unit.parent_code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			grpctest.WantViolations(t, tc.call(), tc.field)
		})
	}
	got := listCodes(t, c, &registryv1.ListUnitsRequest{Parent: "170", AsOf: "2021-01-01"})
	if !slices.Equal(got, []string{"100", "101", "102"}) {
		t.Fatalf("rejected requests wrote units: %v", got)
	}
}

func TestPreconditionAndNotFound(t *testing.T) {
	c := newClient(t)
	seed(t, c)
	ctx := context.Background()
	_, err := c.CreateUnitChange(ctx, &registryv1.CreateUnitChangeRequest{UnitChange: &registryv1.UnitChange{
		DecisionNumber: "1", EffectiveDate: "2025-07-01",
		Kind: &registryv1.UnitChange_Abolish{Abolish: &registryv1.AbolishUnits{Codes: []string{"170"}}},
	}})
	// Abolishing a district with communes.
	grpctest.WantPrecondition(t, err, "UNIT_HAS_CHILDREN", "units/170")
	_, err = c.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "100", AsOf: "2000-01-01"})
	if status.Code(err) != codes.NotFound {
		t.Fatalf("unit before it existed: %v", err)
	}
	_, err = c.ListUnits(ctx, &registryv1.ListUnitsRequest{Parent: "999"})
	if status.Code(err) != codes.NotFound {
		t.Fatalf("children of an unknown parent: %v", err)
	}
}

// A registry without a connection to the criteria service cannot check a
// recognition: it refuses it as UNAVAILABLE, saying why, and writes
// nothing. (The rules themselves are tested against the real criteria
// service, in package registry.)
func TestRecognitionsNeedTheCriteriaService(t *testing.T) {
	c, b := newClientWithBumps(t)
	seed(t, c)
	ctx := context.Background()
	before := b.count("registry")
	_, err := c.CreateRecognition(ctx, &registryv1.CreateRecognitionRequest{UnitCode: "100", Recognition: &registryv1.Recognition{
		Level: registryv1.RecognitionLevel_STANDARD, DecisionNumber: "2345/QĐ-UBND", EffectiveDate: "2019-12-20", CriteriaSet: "NTM_COMMUNE_2016_2020", Year: 2019}})
	grpctest.WantCode(t, err, codes.Unavailable)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, "no connection to the criteria service") {
		t.Errorf("message %q does not say why", msg)
	}
	list, err := c.ListRecognitions(ctx, &registryv1.ListRecognitionsRequest{Parent: "19", AsOf: "2020-10-31"})
	if err != nil || len(list.GetRecognitions()) != 0 || b.count("registry") != before {
		t.Errorf("after the refusal: recognitions %v (%v), %d bumps; want none", list, err, b.count("registry")-before)
	}
}
