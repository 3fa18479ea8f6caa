package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpctest"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// reformOf95 is the 2025 reform of a second province, 95, as one decision
// sent over gRPC: its district abolished, two communes merged into the code
// of one under a new name, a commune created directly under the province,
// and the province merged into the demo's province 19.
var reformOf95 = &registryv1.Decision{DecisionNumber: "1656/NQ-UBTVQH15", EffectiveDate: "2025-07-01",
	Note: "Sắp xếp đơn vị hành chính 2025 (thử)",
	Changes: []*registryv1.UnitChange{
		{Kind: &registryv1.UnitChange_Abolish{Abolish: &registryv1.AbolishUnits{Codes: []string{"951"}, ChildrenNewParentCode: "95"}}},
		{Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{SourceCodes: []string{"95001", "95002"},
			Target: &registryv1.MergeUnits_AbsorbingCode{AbsorbingCode: "95001"}, NewDisplayName: "Xã Ba Bể"}}},
		{Kind: &registryv1.UnitChange_Create{Create: &registryv1.CreateUnits{Units: []*registryv1.UnitSpec{
			{Code: "95010", DisplayName: "Xã Nam Mẫu", Type: registryv1.UnitType_COMMUNE, ParentCode: "95", Region: "TDMNPB"}}}}},
		{Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{SourceCodes: []string{"19", "95"},
			Target: &registryv1.MergeUnits_AbsorbingCode{AbsorbingCode: "19"}}}},
	}}

// The 2025 reform as it happened, over direct gRPC (the decision) and REST
// (what follows from it, and decisions and their refusals): the map, the
// counts, the lineage and the recognitions of former communes, before and
// after.
func TestDecisionsOverRESTAndGRPC(t *testing.T) {
	s := startTestSuite(t, upConfig{})
	base, token := s.httpURL, tokenOf(t, demoAdmin)
	conn, err := grpcclient.Dial(s.registryAddr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	reg := registryv1.NewRegistryServiceClient(conn)
	ctx := withToken(context.Background(), token)

	unit := func(code, name, typ, parent string) *registryv1.ImportedUnit {
		return &registryv1.ImportedUnit{ValidFrom: "2008-01-01", Unit: &registryv1.UnitSpec{Code: code, DisplayName: name,
			Type: registryv1.UnitType(registryv1.UnitType_value[typ]), ParentCode: parent, Region: "TDMNPB"}}
	}
	if _, err := reg.ImportUnits(ctx, &registryv1.ImportUnitsRequest{DecisionNumber: "thử", Units: []*registryv1.ImportedUnit{
		unit("95", "Tỉnh Bắc Kạn", "PROVINCE", ""), unit("951", "Huyện Ba Bể", "DISTRICT", "95"),
		unit("95001", "Xã Thượng Giáo", "COMMUNE", "951"), unit("95002", "Xã Địa Linh", "COMMUNE", "951"),
		unit("95003", "Xã Hà Hiệu", "COMMUNE", "951"),
	}}); err != nil {
		t.Fatal(err)
	}
	// Recognised without an assessment, saying why, so that it has a record to follow.
	if _, err := reg.CreateRecognition(ctx, &registryv1.CreateRecognitionRequest{UnitCode: "95002", Recognition: &registryv1.Recognition{
		Level: registryv1.RecognitionLevel_STANDARD, DecisionNumber: "12/QĐ-UBND", EffectiveDate: "2019-12-20",
		CriteriaSet: "NTM_COMMUNE_2016_2020", Year: 2019, OverrideReason: "hồ sơ giấy"}}); err != nil {
		t.Fatal(err)
	}

	// A decision whose last change fails writes none of the others.
	bad := &registryv1.Decision{DecisionNumber: "x", EffectiveDate: "2025-07-01", Changes: append(slices.Clone(reformOf95.GetChanges()),
		&registryv1.UnitChange{Kind: &registryv1.UnitChange_Rename{Rename: &registryv1.RenameUnit{Code: "99999", NewDisplayName: "Xã Không Có"}}})}
	_, err = reg.CreateDecision(ctx, &registryv1.CreateDecisionRequest{Decision: bad})
	grpctest.WantViolations(t, err, "decision.changes[4].rename.code")

	got, err := reg.CreateDecision(ctx, &registryv1.CreateDecisionRequest{Decision: reformOf95})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.GetChanges()) != 4 || got.GetName() == "" {
		t.Fatalf("decision = %v", got)
	}
	if l := got.GetChanges()[1].GetLineage(); len(l) != 1 || l[0].GetFromCode() != "95002" || l[0].GetDecisionNumber() != "1656/NQ-UBTVQH15" {
		t.Errorf("lineage of the merger = %v", l)
	}

	// The units of province 19 before and after, and their counts.
	before, after := communes(t, base, "2025-06-30"), communes(t, base, "2025-07-01")
	if len(before) != 30 || slices.ContainsFunc(before, func(c string) bool { return c[:2] == "95" }) {
		t.Errorf("communes of 19 the day before = %v, want the demo's 30", before)
	}
	if len(after) != 30 || !contains(after, "95001") || !contains(after, "95003") || !contains(after, "95010") || contains(after, "95002") {
		t.Errorf("communes of 19 on the day = %v, want the demo's 27 and 95001, 95003, 95010", after)
	}
	var counts struct {
		Counts []struct {
			Type  string
			Units int
		}
	}
	getJSON(t, base+"/v1/units:count?parent=95&as_of=2025-06-30", http.StatusOK, &counts)
	if fmt.Sprint(counts.Counts) != "[{DISTRICT 1} {COMMUNE 3}]" {
		t.Errorf("units under 95 the day before = %v", counts.Counts)
	}
	var u struct{ DisplayName, ParentCode string }
	getJSON(t, base+"/v1/units/95001?as_of=2025-06-30", http.StatusOK, &u)
	if u.DisplayName != "Xã Thượng Giáo" || u.ParentCode != "951" {
		t.Errorf("95001 the day before = %+v", u)
	}
	getJSON(t, base+"/v1/units/95001?as_of=2025-07-01", http.StatusOK, &u)
	if u.DisplayName != "Xã Ba Bể" || u.ParentCode != "19" {
		t.Errorf("95001 on the day = %+v", u)
	}
	getJSON(t, base+"/v1/units/95?as_of=2025-07-01", http.StatusNotFound, nil)

	// Lineage: 19 absorbed 95, which took over its district.
	var lineage struct {
		Predecessors, Successors []struct{ FromCode, ToCode, ChangeKind, DecisionNumber string }
	}
	getJSON(t, base+"/v1/units/19/lineage", http.StatusOK, &lineage)
	var links []string
	for _, l := range lineage.Predecessors {
		links = append(links, fmt.Sprintf("%s>%s %s %s", l.FromCode, l.ToCode, l.ChangeKind, l.DecisionNumber))
	}
	for _, want := range []string{"95>19 merge 1656/NQ-UBTVQH15", "951>95 abolish 1656/NQ-UBTVQH15", "170>19 abolish DEMO-3/NQ-UBTVQH15"} {
		if !contains(links, want) {
			t.Errorf("predecessors of 19 = %v, want %s among them", links, want)
		}
	}

	// The former commune 95002 is counted with province 19 after the reform,
	// and with province 95 before.
	formerOf := func(parent, asOf string) map[string]bool {
		var list struct {
			Recognitions []struct {
				Recognition struct{ UnitCode string }
				Former      bool
			}
		}
		getJSON(t, base+"/v1/recognitions?include_former=true&parent="+parent+"&as_of="+asOf, http.StatusOK, &list)
		out := map[string]bool{}
		for _, r := range list.Recognitions {
			out[r.Recognition.UnitCode] = r.Former
		}
		return out
	}
	if former, ok := formerOf("95", "2020-12-31")["95002"]; !ok || former {
		t.Errorf("95002 under 95 in 2020: listed %v, former %v; want a current commune", ok, former)
	}
	if former, ok := formerOf("19", "2026-01-01")["95002"]; !ok || !former {
		t.Errorf("95002 under 19 in 2026: listed %v, former %v; want a former commune", ok, former)
	}

	// Over REST: a decision (the README's), and the refusals naming the field.
	var rest struct {
		Name    string
		Changes []struct {
			Name, DecisionNumber, EffectiveDate string
			Lineage                             []struct{ FromCode, ToCode string }
		}
	}
	call(t, http.MethodPost, base+"/v1/decisions", token, readmeDecision, http.StatusCreated, &rest)
	if rest.Name == "" || len(rest.Changes) != 2 || rest.Changes[0].DecisionNumber != "20/NQ-UBTVQH15" || rest.Changes[1].EffectiveDate != "2026-07-01" ||
		len(rest.Changes[0].Lineage) != 1 || rest.Changes[0].Lineage[0].FromCode != "06002" {
		t.Errorf("POST /v1/decisions = %+v", rest)
	}
	getJSON(t, base+"/v1/units/06101?as_of=2026-07-01", http.StatusOK, &u)
	if u.DisplayName != "Xã Nghinh Tường" {
		t.Errorf("06101 after the decision = %+v", u)
	}
	for _, tc := range []struct{ path, body, field string }{
		{"/v1/decisions", `{"decisionNumber": "21/NQ", "effectiveDate": "2027-01-01", "changes": [
			{"rename": {"code": "06101", "newDisplayName": "Xã A"}},
			{"effectiveDate": "2027-01-02", "rename": {"code": "05101", "newDisplayName": "Xã B"}}]}`, "decision.changes[1].effective_date"},
		{"/v1/decisions", `{"decisionNumber": "21/NQ", "effectiveDate": "2027-01-01", "changes": [
			{"decisionNumber": "22/NQ", "rename": {"code": "06101", "newDisplayName": "Xã A"}}]}`, "decision.changes[0].decision_number"},
		{"/v1/unitChanges", `{"effectiveDate": "2027-01-01", "rename": {"code": "06101", "newDisplayName": "Xã A"}}`, "unit_change.decision_number"},
		{"/v1/unitChanges", `{"decisionNumber": "21/NQ", "rename": {"code": "06101", "newDisplayName": "Xã A"}}`, "unit_change.effective_date"},
	} {
		_, body := call(t, http.MethodPost, base+tc.path, token, tc.body, http.StatusBadRequest, nil)
		if !bytes.Contains(body, []byte(fmt.Sprintf("%q", tc.field))) {
			t.Errorf("POST %s %s = %s; want it to name %s", tc.path, tc.body, body, tc.field)
		}
	}
	getJSON(t, base+"/v1/units/06101?as_of=2027-01-01", http.StatusOK, &u)
	if u.DisplayName != "Xã Nghinh Tường" {
		t.Errorf("refused requests renamed 06101: %+v", u)
	}
}

// readmeDecision is the README's example of POST /v1/decisions.
const readmeDecision = `{"decisionNumber": "20/NQ-UBTVQH15", "effectiveDate": "2026-07-01", "changes": [
  {"merge": {"sourceCodes": ["06101", "06002"], "absorbingCode": "06101", "newDisplayName": "Xã Nghinh Tường"}},
  {"create": {"units": [{"code": "06201", "displayName": "Xã Sảng Mộc", "type": "COMMUNE", "parentCode": "19", "region": "TDMNPB"}]}}]}`
