package server

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/period"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

func TestReadQuery(t *testing.T) {
	today := date.MustParse("2026-11-23")
	for _, tc := range []struct {
		period, asOf     string
		wantFrom, wantTo string
		wantAsOf         string
	}{
		{"2020", "", "2020-01-01", "2020-12-31", "2020-12-31"},
		{"2020-H1", "", "2020-01-01", "2020-06-30", "2020-06-30"},
		{"2020", "2020-10-31", "2020-01-01", "2020-12-31", "2020-10-31"},
		{"2016-2020", "2016-01-01", "2016-01-01", "2020-12-31", "2016-01-01"},
		{"2026", "", "2026-01-01", "2026-12-31", "2026-11-23"}, // not ended: today
		{"2026", "2026-11-23", "2026-01-01", "2026-12-31", "2026-11-23"},
	} {
		q, err := readQuery(tc.period, tc.asOf, today)
		if err != nil {
			t.Errorf("%s as of %q: %v", tc.period, tc.asOf, err)
			continue
		}
		if q.period.From.String() != tc.wantFrom || q.period.To.String() != tc.wantTo || q.asOf.String() != tc.wantAsOf {
			t.Errorf("%s as of %q = %s..%s as of %s", tc.period, tc.asOf, q.period.From, q.period.To, q.asOf)
		}
	}
}

func TestReadQueryRefuses(t *testing.T) {
	today := date.MustParse("2026-11-23")
	for _, tc := range []struct {
		period, asOf, field, says string
	}{
		{"", "", "period", "is not a period"},
		{"2020-Q3", "", "period", "is not a period"},
		{"2020-2019", "", "period", "is not a known period"},
		{"2027", "", "period", "has not begun"},
		{"2027", "2027-06-30", "period", "has not begun"},
		{"2101", "2101-06-30", "period", "has not begun"},
		{"2026", "2026-11-24", "as_of", "after today (2026-11-23)"},
		{"2026-H2", "2026-12-31", "as_of", "after today"},
		{"2020", "2021-01-01", "as_of", "outside the period 2020"},
		{"2020-H2", "2020-06-30", "as_of", "outside the period 2020-H2"},
		{"2020", "2020-02-30", "as_of", "not a valid date"},
	} {
		_, err := readQuery(tc.period, tc.asOf, today)
		f, ok := fault.As(err)
		if !ok || f.Kind != fault.KindInvalid || len(f.Violations) != 1 || f.Violations[0].Field != tc.field || !strings.Contains(f.Message, tc.says) {
			t.Errorf("%q as of %q: %v, want invalid %s saying %q", tc.period, tc.asOf, err, tc.field, tc.says)
		}
	}
}

func TestReadQuerySaysWhoChoseTheDate(t *testing.T) {
	today := date.MustParse("2026-11-23")
	for _, tc := range []struct {
		asOf  string
		asked bool
	}{{"", false}, {"2020-06-30", true}} {
		q, err := readQuery("2020", tc.asOf, today)
		if err != nil || q.asOfAsked != tc.asked {
			t.Errorf("as of %q: asked %v, %v; want asked %v", tc.asOf, q.asOfAsked, err, tc.asked)
		}
	}
}

// wantInvalid fails unless err is bad input in field saying says.
func wantInvalid(t *testing.T, what string, err error, field, says string) {
	t.Helper()
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.KindInvalid || len(f.Violations) != 1 || f.Violations[0].Field != field || !strings.Contains(f.Message, says) {
		t.Errorf("%s: %v, want invalid %s saying %q", what, err, field, says)
	}
}

// The phases a report may cover are those the national catalogs name; a
// province's variant names none of its own.
func TestKnownPhase(t *testing.T) {
	sets := []*criteriav1.CriteriaSet{
		{Id: "NTM_COMMUNE_2016_2020", Phase: "2016-2020"},
		{Id: "NTM_VILLAGE_2016_2020", Phase: "2016-2020"},
		{Id: "NTM_COMMUNE_2021_2025", Phase: "2021-2025"},
		{Id: "NTM_COMMUNE_2021_2025_P19", Phase: "2019-2023", ProvinceCode: "19"},
		{Id: "NTM_OLD"},
	}
	for _, ok := range []string{"2016-2020", "2021-2025", "2017", "2017-H1"} {
		if err := knownPhase(period.MustParse(ok), sets); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"2017-2019", "2019-2023", "2016-2025"} {
		wantInvalid(t, bad, knownPhase(period.MustParse(bad), sets), "period", bad+" is not a phase of the programme: a report of several years covers one phase, and the criteria catalogs name 2016-2020, 2021-2025")
	}
	wantInvalid(t, "no phase known", knownPhase(period.MustParse("2016-2020"), nil), "period", "the criteria catalogs name none")
}

// Reports are of communes, districts, provinces and the country; a
// village, a ward or a township is refused naming unit_code.
func TestReportable(t *testing.T) {
	on := date.MustParse("2020-12-31")
	for _, typ := range []registryv1.UnitType{registryv1.UnitType_COMMUNE, registryv1.UnitType_DISTRICT, registryv1.UnitType_PROVINCE} {
		if err := reportable("100", &registryv1.Unit{Code: "100", Type: typ}, on); err != nil {
			t.Errorf("a %s: %v", typ, err)
		}
	}
	if err := reportable(auth.CountryCode, nil, on); err != nil {
		t.Errorf("the country: %v", err)
	}
	wantInvalid(t, "a village", reportable("1000", &registryv1.Unit{Code: "1000", DisplayName: "Xóm Làng Lai", Type: registryv1.UnitType_VILLAGE}, on),
		"unit_code", "1000 (Xóm Làng Lai) is a village on 2020-12-31: reports are of communes, districts, provinces or the whole country (0)")
	wantInvalid(t, "a ward", reportable("102", &registryv1.Unit{Code: "102", Type: registryv1.UnitType_WARD}, on), "unit_code", "is a ward on 2020-12-31")
	wantInvalid(t, "a township", reportable("103", &registryv1.Unit{Code: "103", Type: registryv1.UnitType_TOWNSHIP}, on), "unit_code", "is a township")
}

// A service's refusal of what the report asked it names the report's
// period, or its as_of when the caller gave one, and says what the service
// found wrong without the service's field names; other errors pass as they
// came.
func TestRefusalInTheReportsTerms(t *testing.T) {
	today := date.MustParse("2026-11-23")
	downstream := grpcserver.Status(fault.Invalid("year", "no OCOP cycle of 2016 before 2017")).Err()
	chosen, _ := readQuery("2016-H1", "", today)
	wantInvalid(t, "as_of chosen by the report", chosen.refusal(downstream), "period",
		"no report of 2016-H1 can be counted on 2016-06-30: no OCOP cycle of 2016 before 2017")
	asked, _ := readQuery("2016-H1", "2016-03-31", today)
	wantInvalid(t, "as_of asked", asked.refusal(downstream), "as_of", "no report of 2016-H1 can be counted on 2016-03-31: no OCOP cycle")
	if f, _ := fault.As(asked.refusal(downstream)); strings.Contains(f.Message, "year") {
		t.Errorf("the refusal names the service's field: %s", f.Message)
	}
	bare := status.Error(codes.InvalidArgument, "bad date")
	wantInvalid(t, "without details", asked.refusal(bare), "as_of", "counted on 2016-03-31: bad date")
	named := status.Error(codes.InvalidArgument, "invalid unit_code: unit 102 is a WARD on 2016-03-31")
	if f, _ := fault.As(asked.refusal(named)); f == nil || strings.Contains(f.Message, "unit_code") || !strings.HasSuffix(f.Message, ": unit 102 is a WARD on 2016-03-31") {
		t.Errorf("a refusal without details keeps the service's field name: %v", asked.refusal(named))
	}
	for _, err := range []error{status.Error(codes.NotFound, "unit 99 not found"), status.Error(codes.PermissionDenied, "no"), context.Canceled} {
		if got := asked.refusal(err); got != err {
			t.Errorf("%v became %v", err, got)
		}
	}
}
