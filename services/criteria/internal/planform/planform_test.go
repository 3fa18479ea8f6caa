package planform

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/ntmsuite/ntm/platform/importing"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
)

func row(cells map[string]string) *importing.Row {
	return &importing.Row{Sheet: "s", Number: 3, Cells: cells}
}

func TestReadRegistration(t *testing.T) {
	r := row(map[string]string{KeyUnitCode: "06002", keyLevel: "ntm nâng cao", keyYear: "2026", keyRegisteredOn: "30/06/2026", keyDecisionNumber: "245/QĐ-UBND"})
	got := ReadRegistration(r)
	want := &criteriav1.Registration{UnitCode: "06002", Level: registryv1.RecognitionLevel_ADVANCED, Year: 2026, RegisteredOn: "2026-06-30", DecisionNumber: "245/QĐ-UBND"}
	if d := cmp.Diff(want, got, protocmp.Transform()); d != "" || len(r.Conflicts) != 0 {
		t.Errorf("registration (-want +got):\n%s%v", d, r.Conflicts)
	}
	if ReadRegistration(row(map[string]string{keyLevel: "MODEL"})).GetLevel() != registryv1.RecognitionLevel_MODEL {
		t.Error("the API's name of a level is read too")
	}
	bad := row(map[string]string{keyLevel: "giỏi", keyYear: "2026.5", keyRegisteredOn: "30/02/2026"})
	ReadRegistration(bad)
	var cols []string
	for _, c := range bad.Conflicts {
		cols = append(cols, c.Column+"="+c.Value)
	}
	if d := cmp.Diff([]string{"level=giỏi", "year=2026.5", "registered_on=30/02/2026"}, cols); d != "" {
		t.Errorf("conflicts (-want +got):\n%s", d)
	}
}

func TestReadTarget(t *testing.T) {
	kinds := []catalog.TargetKind{{Code: "COMMUNES_STANDARD_NEW", Name: "Số xã đạt chuẩn nông thôn mới tăng thêm"}}
	r := row(map[string]string{KeyUnitCode: "19", keyPeriod: "2026-2030", keyKind: "số xã đạt chuẩn nông thôn mới tăng thêm", keyValue: "12,5"})
	got := ReadTarget(r, kinds)
	want := &criteriav1.Target{UnitCode: "19", Period: "2026-2030", Kind: "COMMUNES_STANDARD_NEW", Value: 12.5}
	if d := cmp.Diff(want, got, protocmp.Transform()); d != "" || len(r.Conflicts) != 0 {
		t.Errorf("target (-want +got):\n%s%v", d, r.Conflicts)
	}
	if got := ReadTarget(row(map[string]string{keyKind: "OTHER"}), kinds).GetKind(); got != "OTHER" {
		t.Errorf("an unknown kind is passed on for the API to name: %q", got)
	}
}

func TestColumn(t *testing.T) {
	for field, want := range map[string]string{
		"registration.level": "level", "target.value": "value", "unit_code": "unit_code", "target.period.from": "period", "registration.gap": "", "": "",
	} {
		if got := Column(field); got != want {
			t.Errorf("Column(%q) = %q, want %q", field, got, want)
		}
	}
}
