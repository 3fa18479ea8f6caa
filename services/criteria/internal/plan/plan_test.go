package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/period"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

var d = date.MustParse

// wantFields fails t unless err is bad input naming exactly fields, in
// order; no fields means err must be nil.
func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	if len(fields) == 0 {
		if err != nil {
			t.Fatalf("error %v, want none", err)
		}
		return
	}
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.KindInvalid {
		t.Fatalf("error %v, want invalid %q", err, fields)
	}
	var got []string
	for _, v := range f.Violations {
		got = append(got, v.Field)
	}
	if !slices.Equal(got, fields) {
		t.Fatalf("violations %q, want %q (%v)", got, fields, err)
	}
}

// wantAlreadyExists fails t unless err is AlreadyExists naming resource.
func wantAlreadyExists(t *testing.T, err error, resource string) {
	t.Helper()
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.KindAlreadyExists || f.ResourceName != resource {
		t.Fatalf("error %v, want AlreadyExists naming %s", err, resource)
	}
}

const (
	standard  = registryv1.RecognitionLevel_STANDARD
	advanced  = registryv1.RecognitionLevel_ADVANCED
	model     = registryv1.RecognitionLevel_MODEL
	completed = registryv1.RecognitionLevel_COMPLETED
	commune   = registryv1.UnitType_COMMUNE
)

func registration(year int, on string) Registration {
	return Registration{UnitCode: "100", Level: standard, Year: year, RegisteredOn: d(on), DecisionNumber: "245/QĐ-UBND", Note: "Đợt 1"}
}

func TestCheckRegistration(t *testing.T) {
	today := d("2021-03-01")
	for _, tc := range []struct {
		name   string
		r      Registration
		fields []string
	}{
		{"the year it is made", registration(2021, "2021-01-15"), nil},
		{"a later year", registration(2023, "2020-12-20"), nil},
		{"made today", registration(2021, "2021-03-01"), nil},
		{"a year already past", registration(2020, "2021-01-15"), []string{"registration.year"}},
		{"made tomorrow", registration(2021, "2021-03-02"), []string{"registration.registered_on"}},
		{"both at once", registration(2021, "2022-01-01"), []string{"registration.registered_on", "registration.year"}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantFields(t, CheckRegistration(tc.r, today), tc.fields...) })
	}
}

func TestCheckPlacement(t *testing.T) {
	communeSet := Placement{Exists: true, Type: commune, Assessed: true, SetCode: "NTM_COMMUNE_2016_2020", Levels: []registryv1.RecognitionLevel{standard, advanced, model}}
	for _, tc := range []struct {
		name   string
		level  registryv1.RecognitionLevel
		p      Placement
		fields []string
	}{
		{"a commune for a level of its set", advanced, communeSet, nil},
		{"a unit missing on the date", standard, Placement{}, []string{"unit_code"}},
		{"a ward, which no set assesses", standard, Placement{Exists: true, Type: registryv1.UnitType_WARD}, []string{"unit_code"}},
		{"a commune for a district's level", completed, communeSet, []string{"registration.level"}},
		{"a village for a level its set lacks", advanced, Placement{Exists: true, Type: registryv1.UnitType_VILLAGE, Assessed: true,
			SetCode: "NTM_VILLAGE_2016_2020", Levels: []registryv1.RecognitionLevel{standard, model}}, []string{"registration.level"}},
		{"a set defining no level", standard, Placement{Exists: true, Type: commune, Assessed: true, SetCode: "X"}, []string{"registration.level"}},
		{"a village for a year no village set reaches", standard, Placement{Exists: true, Type: registryv1.UnitType_VILLAGE, Assessed: true},
			[]string{"registration.year"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := registration(2020, "2020-02-01")
			r.Level = tc.level
			wantFields(t, CheckPlacement(r, tc.p), tc.fields...)
		})
	}
}

func TestSameRegistrationComparesWhatTheRequestSays(t *testing.T) {
	first := registration(2020, "2020-02-01")
	first.ID, first.SetCode, first.Gap = 7, "NTM_COMMUNE_2016_2020", Gap{Met: 15, Count: 19}
	again := registration(2020, "2020-02-01")
	if !SameRegistration(first, again) {
		t.Error("the same request sent again is not a retry")
	}
	for name, change := range map[string]func(*Registration){
		"unit":            func(r *Registration) { r.UnitCode = "101" },
		"level":           func(r *Registration) { r.Level = advanced },
		"year":            func(r *Registration) { r.Year = 2021 },
		"date":            func(r *Registration) { r.RegisteredOn = d("2020-02-02") },
		"decision number": func(r *Registration) { r.DecisionNumber = "246/QĐ-UBND" },
		"note":            func(r *Registration) { r.Note = "" },
	} {
		other := registration(2020, "2020-02-01")
		change(&other)
		if SameRegistration(first, other) {
			t.Errorf("another %s is taken for a retry", name)
		}
	}
	wantAlreadyExists(t, RegistrationConflict(first, again), "units/100/registrations/7")
}

// phases are the programme phases as the shipped catalogs name them.
var phases = []period.Period{mustPeriod("2016-2020"), mustPeriod("2021-2025"), mustPeriod("2026-2030")}

func mustPeriod(s string) period.Period {
	p, err := period.Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

func TestTargetPeriod(t *testing.T) {
	for _, tc := range []struct {
		in       string
		from, to string
		bad      string // what the refusal says
	}{
		{in: "2021", from: "2021-01-01", to: "2021-12-31"},
		{in: "2017", from: "2017-01-01", to: "2017-12-31"},
		{in: "2021-2025", from: "2021-01-01", to: "2025-12-31"},
		{in: "2026-2030", from: "2026-01-01", to: "2030-12-31"},
		{in: "2021-H1", bad: "six months"},
		{in: "2021-H2", bad: "six months"},
		{in: "2017-2019", bad: "not a phase of the programme: the criteria catalogs name 2016-2020, 2021-2025, 2026-2030"},
		{in: "2021-2030", bad: "not a phase of the programme"},
		{in: "2011-2015", bad: "not a phase of the programme"},
		{in: "2025-2021", bad: "not a known period"},
		{in: "21", bad: "not a period"},
		{in: "năm 2021", bad: "not a period"},
	} {
		p, err := TargetPeriod(tc.in, "target.period", phases)
		if tc.bad != "" {
			wantFields(t, err, "target.period")
			if !strings.Contains(err.Error(), tc.bad) {
				t.Errorf("TargetPeriod(%q) = %v, want it to say %q", tc.in, err, tc.bad)
			}
			continue
		}
		if err != nil || p.From != d(tc.from) || p.To != d(tc.to) || p.Text != tc.in {
			t.Errorf("TargetPeriod(%q) = %+v, %v; want %s to %s", tc.in, p, err, tc.from, tc.to)
		}
	}
	// Without a known phase, no phase is one; years still are.
	if _, err := TargetPeriod("2021-2025", "period", nil); err == nil || !strings.Contains(err.Error(), "name none") {
		t.Errorf("a phase with no phases known = %v, want refused", err)
	}
	if _, err := TargetPeriod("2021", "period", nil); err != nil {
		t.Errorf("a year with no phases known: %v", err)
	}
}

func TestCheckTarget(t *testing.T) {
	today := d("2021-03-01")
	percent := &Kind{Code: "COMMUNES_STANDARD_PERCENT", ValueUnit: PercentUnit}
	communes := &Kind{Code: "COMMUNES_STANDARD_NEW", ValueUnit: "xã"}
	for _, tc := range []struct {
		name   string
		kind   *Kind
		value  float64
		on     string
		fields []string
	}{
		{"a count", communes, 7, "2021-01-14", nil},
		{"a count above 100", communes, 108, "", nil},
		{"a percentage of 100", percent, 100, "", nil},
		{"a percentage above 100", percent, 100.5, "", []string{"target.value"}},
		{"a negative value", communes, -1, "", []string{"target.value"}},
		{"an unknown kind", nil, 7, "", []string{"target.kind"}},
		{"decided tomorrow", communes, 7, "2021-03-02", []string{"target.decided_on"}},
		{"everything wrong", nil, 7, "2022-01-01", []string{"target.kind", "target.decided_on"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := Target{UnitCode: "19", Kind: "COMMUNES_STANDARD_NEW", Value: tc.value}
			if tc.on != "" {
				tg.DecidedOn = d(tc.on)
			}
			wantFields(t, CheckTarget(tg, tc.kind, today), tc.fields...)
		})
	}
}

func TestCheckKindForUnit(t *testing.T) {
	const (
		country = registryv1.UnitType_UNIT_TYPE_UNSPECIFIED
		prov    = registryv1.UnitType_PROVINCE
		dist    = registryv1.UnitType_DISTRICT
		ward    = registryv1.UnitType_WARD
		town    = registryv1.UnitType_TOWNSHIP
		village = registryv1.UnitType_VILLAGE
	)
	districts := Kind{Code: "DISTRICTS_COMPLETED_NEW", UnitType: dist}
	communes := Kind{Code: "COMMUNES_STANDARD_NEW", UnitType: commune}
	villages := Kind{Code: "VILLAGES_STANDARD_NEW", UnitType: village}
	average := Kind{Code: "AVERAGE_CRITERIA"}
	for _, tc := range []struct {
		kind Kind
		unit registryv1.UnitType
		ok   bool
	}{
		{districts, country, true},
		{districts, prov, true},
		{districts, dist, true}, // a district's own completion
		{districts, commune, false},
		{districts, ward, false},
		{districts, village, false},
		{communes, prov, true},
		{communes, dist, true},
		{communes, commune, true}, // a commune's own target
		{communes, town, true},    // a township ranks as a commune
		{communes, village, false},
		{villages, commune, true},
		{villages, village, true},
		{average, village, true}, // counts no recognitions
	} {
		t.Run(tc.kind.Code+" of a "+tc.unit.String(), func(t *testing.T) {
			err := CheckKindForUnit("target.kind", "06101", tc.unit, tc.kind)
			if tc.ok {
				wantFields(t, err)
				return
			}
			wantFields(t, err, "target.kind")
			if want := "unit 06101 is a " + tc.unit.String(); !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), tc.kind.Code) {
				t.Errorf("refusal %q does not name the kind and say %q", err, want)
			}
		})
	}
}

func TestSameTarget(t *testing.T) {
	p := mustPeriod("2021")
	first := Target{ID: 3, UnitCode: "19", Period: p, Kind: "COMMUNES_STANDARD_NEW", Value: 7, DecisionNumber: "12/KH-UBND", DecidedOn: d("2021-01-14")}
	if again := first; !SameTarget(first, again) {
		t.Error("the same request sent again is not a retry")
	}
	phase := mustPeriod("2021-2025")
	for name, change := range map[string]func(*Target){
		"period":        func(t *Target) { t.Period = phase },
		"kind":          func(t *Target) { t.Kind = "COMMUNES_ADVANCED_NEW" },
		"value":         func(t *Target) { t.Value = 8 },
		"decision":      func(t *Target) { t.DecisionNumber = "" },
		"decision date": func(t *Target) { t.DecidedOn = date.Date{} },
		"note":          func(t *Target) { t.Note = "x" },
	} {
		other := first
		change(&other)
		if SameTarget(first, other) {
			t.Errorf("another %s is taken for a retry", name)
		}
	}
	wantAlreadyExists(t, TargetConflict(first, first), "units/19/targets/3")
}

func TestCheckEstimate(t *testing.T) {
	today := d("2021-03-01")
	kind := &Kind{Code: "COMMUNES_STANDARD_TOTAL", ValueUnit: "xã"}
	for _, tc := range []struct {
		name   string
		year   int
		on     string
		kind   *Kind
		fields []string
	}{
		{"during the year", 2020, "2020-10-31", kind, nil},
		{"on the year's last day", 2020, "2020-12-31", kind, nil},
		{"before the year", 2021, "2020-12-15", kind, nil},
		{"after the year", 2020, "2021-01-01", kind, []string{"estimate.estimated_on"}},
		{"in the future", 2021, "2021-03-02", kind, []string{"estimate.estimated_on"}},
		{"an unknown kind", 2020, "2020-10-31", nil, []string{"estimate.kind"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := Estimate{UnitCode: "19", Year: tc.year, Kind: "COMMUNES_STANDARD_TOTAL", Value: 108, EstimatedOn: d(tc.on)}
			wantFields(t, CheckEstimate(e, tc.kind, today), tc.fields...)
		})
	}
	wantFields(t, CheckEstimate(Estimate{Kind: "P", Value: 101, Year: 2020, EstimatedOn: d("2020-10-31")},
		&Kind{Code: "P", ValueUnit: PercentUnit}, today), "estimate.value")
}

func TestSameEstimate(t *testing.T) {
	first := Estimate{ID: 5, UnitCode: "19", Year: 2020, Kind: "COMMUNES_STANDARD_TOTAL", Value: 108, EstimatedOn: d("2020-10-31"), Note: "Dự ước"}
	if again := first; !SameEstimate(first, again) {
		t.Error("the same request sent again is not a retry")
	}
	for name, change := range map[string]func(*Estimate){
		"value": func(e *Estimate) { e.Value = 107 },
		"date":  func(e *Estimate) { e.EstimatedOn = d("2020-11-30") },
		"note":  func(e *Estimate) { e.Note = "" },
		"year":  func(e *Estimate) { e.Year = 2021 },
	} {
		other := first
		change(&other)
		if SameEstimate(first, other) {
			t.Errorf("another %s is taken for a retry", name)
		}
	}
	wantAlreadyExists(t, EstimateConflict(first, first), "units/19/estimates/5")
}
