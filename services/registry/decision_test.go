package registry_test

import (
	"slices"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/ntmsuite/ntm/platform/grpctest"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// reformOfSeed is the 2025 reform of the seed's two provinces as one
// decision: districts abolished, 101 merged into 100 under a new name, a
// commune created under the province, province 20 merged into 19.
func reformOfSeed() *registryv1.Decision {
	return &registryv1.Decision{DecisionNumber: "1656/NQ-UBTVQH15", EffectiveDate: "2025-07-01", Note: "Sắp xếp đơn vị hành chính",
		Changes: []*registryv1.UnitChange{
			{Kind: &registryv1.UnitChange_Abolish{Abolish: &registryv1.AbolishUnits{Codes: []string{"170"}, ChildrenNewParentCode: "19"}}},
			{Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{SourceCodes: []string{"100", "101"},
				Target: &registryv1.MergeUnits_AbsorbingCode{AbsorbingCode: "100"}, NewDisplayName: "Xã Võ Nhai"}}},
			{Kind: &registryv1.UnitChange_Create{Create: &registryv1.CreateUnits{Units: []*registryv1.UnitSpec{
				{Code: "150", DisplayName: "Xã Thần Sa", Type: registryv1.UnitType_COMMUNE, ParentCode: "19"}}}}},
			{Kind: &registryv1.UnitChange_Abolish{Abolish: &registryv1.AbolishUnits{Codes: []string{"270"}, ChildrenNewParentCode: "20"}}},
			{DecisionNumber: "1656/NQ-UBTVQH15", EffectiveDate: "2025-07-01",
				Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{SourceCodes: []string{"19", "20"},
					Target: &registryv1.MergeUnits_AbsorbingCode{AbsorbingCode: "19"}}}},
		}}
}

// A decision is recorded whole, with a row of the audit trail for each unit
// each of its changes wrote; refused, it writes nothing.
func TestDecisionRecordsItsChangesAndTheirAudit(t *testing.T) {
	onBackends(t, func(t *testing.T, b backend) {
		e := start(t, b)
		ctx := e.as(admin)

		// A province officer cannot merge another province into theirs.
		_, err := e.reg.CreateDecision(e.as(provinceOfficer), &registryv1.CreateDecisionRequest{Decision: reformOfSeed()})
		grpctest.WantCode(t, err, codes.PermissionDenied)
		// Nor may a change of the decision name another date.
		otherDay := reformOfSeed()
		otherDay.Changes[1].EffectiveDate = "2025-06-30"
		_, err = e.reg.CreateDecision(ctx, &registryv1.CreateDecisionRequest{Decision: otherDay})
		grpctest.WantViolations(t, err, "decision.changes[1].effective_date")
		if got := e.events(t, &auditv1.ListAuditEventsRequest{}); len(got) != seeded {
			t.Fatalf("refused decisions left %d audit rows", len(got)-seeded)
		}

		got, err := e.reg.CreateDecision(ctx, &registryv1.CreateDecisionRequest{Decision: reformOfSeed()})
		if err != nil {
			t.Fatal(err)
		}
		if got.GetName() == "" || got.GetCreateTime() == "" || len(got.GetChanges()) != 5 {
			t.Fatalf("decision = %v", got)
		}
		var names []string
		for i, c := range got.GetChanges() {
			if c.GetName() == "" || c.GetDecisionNumber() != "1656/NQ-UBTVQH15" || c.GetEffectiveDate() != "2025-07-01" || c.GetCreateTime() == "" {
				t.Errorf("change %d = %v", i, c)
			}
			names = append(names, c.GetName())
		}
		if l := got.GetChanges()[1].GetLineage(); len(l) != 1 || l[0].GetFromCode() != "101" || l[0].GetToCode() != "100" || l[0].GetChange() != names[1] {
			t.Errorf("merge lineage = %v", l)
		}

		// Units written: 170 ended, 100 and 101 moved; 101 ended, 100
		// renamed; 150 created; 270 ended, 200 moved; 20 ended, 200 moved.
		events := e.events(t, &auditv1.ListAuditEventsRequest{})[seeded:]
		var resources []string
		for _, ev := range events {
			if ev.GetMethod() != method+"CreateDecision" || ev.GetActor() != admin.Subject {
				t.Errorf("audit event %v", ev)
			}
			resources = append(resources, ev.GetResource())
		}
		slices.Sort(resources)
		want := []string{"units/100", "units/100", "units/101", "units/101", "units/150", "units/170", "units/20", "units/200", "units/200", "units/270"}
		if !slices.Equal(resources, want) {
			t.Errorf("audit resources = %v, want %v", resources, want)
		}

		// The units of the province after, at any depth, and counted.
		list, err := e.reg.ListUnits(ctx, &registryv1.ListUnitsRequest{Parent: "19", AsOf: "2025-07-01"})
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, u := range list.GetUnits() {
			codes = append(codes, u.GetCode())
		}
		if !slices.Equal(codes, []string{"100", "150", "200"}) {
			t.Errorf("province 19 after = %v", codes)
		}
	})
}

// A change recorded alone names its decision number and effective date: a
// change of a decision is the only one that may leave them empty.
func TestUnitChangeAloneNeedsNumberAndDate(t *testing.T) {
	onBackends(t, func(t *testing.T, b backend) {
		e := start(t, b)
		_, err := e.reg.CreateUnitChange(e.as(admin), &registryv1.CreateUnitChangeRequest{UnitChange: &registryv1.UnitChange{
			Kind: &registryv1.UnitChange_Rename{Rename: &registryv1.RenameUnit{Code: "100", NewDisplayName: "Xã Mới"}}}})
		grpctest.WantViolations(t, err, "unit_change.decision_number", "unit_change.effective_date")
		_, err = e.reg.CreateUnitChange(e.as(admin), &registryv1.CreateUnitChangeRequest{UnitChange: &registryv1.UnitChange{
			DecisionNumber: "1",
			Kind:           &registryv1.UnitChange_Rename{Rename: &registryv1.RenameUnit{Code: "100", NewDisplayName: "Xã Mới"}}}})
		grpctest.WantViolations(t, err, "unit_change.effective_date")
	})
}
