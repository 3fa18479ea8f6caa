package registry_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/grpctest"
	"github.com/ntmsuite/ntm/platform/restheader"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/registry/internal/server"
)

const (
	standard = registryv1.RecognitionLevel_STANDARD
	advanced = registryv1.RecognitionLevel_ADVANCED
	model    = registryv1.RecognitionLevel_MODEL
	modern   = registryv1.RecognitionLevel_MODERN
)

// recognition is a request for code at level from day under set.
func recognition(code string, level registryv1.RecognitionLevel, day, set, decision string) *registryv1.CreateRecognitionRequest {
	year, _ := strconv.Atoi(day[:4])
	return &registryv1.CreateRecognitionRequest{UnitCode: code, Recognition: &registryv1.Recognition{
		Level: level, DecisionNumber: decision, EffectiveDate: day, CriteriaSet: set, Year: int32(year)}}
}

func withOverride(req *registryv1.CreateRecognitionRequest, reason string) *registryv1.CreateRecognitionRequest {
	req.GetRecognition().OverrideReason = reason
	return req
}

// generation is how many times the registry advanced its cache generation.
func (e *env) generation(t *testing.T) string {
	t.Helper()
	stamp, _, _, err := e.cache.Get(context.Background(), []string{server.Generation}, "probe")
	if err != nil {
		t.Fatal(err)
	}
	return stamp
}

// Every rule of a recognition refuses with the field at fault and says
// what is short, asking the real criteria service for the set and the
// score; a refusal writes nothing and tells no cache.
func TestRecognitionRefusals(t *testing.T) {
	onBackends(t, func(t *testing.T, b backend) {
		e := start(t, b)
		ctx := e.as(admin)
		first, err := e.recognise(ctx, "100")
		if err != nil {
			t.Fatal(err)
		}
		gen := e.generation(t)
		for _, tc := range []struct {
			name  string
			req   *registryv1.CreateRecognitionRequest
			field string // the violation's field; empty for ALREADY_EXISTS naming the recognition in force
			says  []string
		}{
			{"MODEL straight", recognition("200", model, "2019-12-20", commune2016, "1"), "recognition.level",
				[]string{"MODEL under NTM_COMMUNE_2016_2020 requires ADVANCED in force on 2019-12-20; unit 200 holds none"}},
			{"MODEL on STANDARD alone", recognition("100", model, "2020-06-01", commune2016, "1"), "recognition.level",
				[]string{"requires ADVANCED", "unit 100 holds STANDARD"}},
			{"MODERN in 2019", recognition("200", modern, "2019-12-20", commune2016, "1"), "recognition.level",
				[]string{"criteria set NTM_COMMUNE_2016_2020 defines STANDARD, ADVANCED or MODEL, not MODERN"}},
			{"ADVANCED in 2026 under the 2016-2020 set", recognition("100", advanced, "2026-01-10", commune2016, "1"), "recognition.criteria_set",
				[]string{"NTM_COMMUNE_2016_2020 is valid from 2016-", "not on the effective date 2026-01-10"}},
			{"an unknown set", recognition("100", standard, "2019-12-20", "NTM_2099", "1"), "recognition.criteria_set",
				[]string{`no criteria set "NTM_2099"`}},
			{"a commune set for a district", recognition("170", standard, "2019-12-20", commune2016, "1"), "recognition.criteria_set",
				[]string{"assesses units of type COMMUNE; unit 170 is a DISTRICT on 2019-12-20"}},
			{"a unit not there yet", recognition("100", standard, "2007-12-20", commune2016, "1"), "unit_code",
				[]string{"unit 100 does not exist on 2007-12-20"}},
			{"criteria short", recognition("101", standard, "2019-12-20", commune2016, "1"), "recognition.override_reason",
				[]string{"criteria not met on the assessment of 2019-11-30 (units/101/assessments/", "): 10 Thu nhập, 17 Môi trường và an toàn thực phẩm"}},
			{"no assessment under the set", recognition("200", standard, "2023-06-01", "NTM_COMMUNE_2021_2025", "1"), "recognition.override_reason",
				[]string{"unit 200 has no assessment under NTM_COMMUNE_2021_2025 on or before 2023-06-01"}},
			{"a second STANDARD in force", recognition("100", standard, "2020-06-01", commune2016, "99/QĐ-UBND"), "",
				[]string{"unit 100 already holds STANDARD from 2019-12-20 (" + first.GetName()}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.reg.CreateRecognition(ctx, tc.req)
				if tc.field == "" {
					grpctest.WantAlreadyExists(t, err, first.GetName())
				} else {
					grpctest.WantViolations(t, err, tc.field)
				}
				for _, s := range tc.says {
					if msg := status.Convert(err).Message(); !strings.Contains(msg, s) {
						t.Errorf("refusal %q does not say %q", msg, s)
					}
				}
			})
		}
		if got := e.events(t, &auditv1.ListAuditEventsRequest{}); len(got) != seeded+1 {
			t.Errorf("audit has %d events, want %d (the seed and the first recognition)", len(got), seeded+1)
		}
		if got := e.generation(t); got != gen {
			t.Errorf("refusals advanced the cache generation from %s to %s", gen, got)
		}
	})
}

// A retry of a recorded decision (a client that timed out) gets the first
// record back with 200, and nothing is written: no row, no audit row, no
// cache generation.
func TestRecognitionRetryReturnsTheFirst(t *testing.T) {
	onBackends(t, func(t *testing.T, b backend) {
		e := start(t, b)
		ctx := e.as(provinceOfficer)
		var created, again metadata.MD
		first, err := e.reg.CreateRecognition(ctx, recognition("100", standard, "2019-12-20", commune2016, "2345/QĐ-UBND"), grpc.Header(&created))
		if err != nil {
			t.Fatal(err)
		}
		gen := e.generation(t)
		retry, err := e.reg.CreateRecognition(ctx, recognition("100", standard, "2019-12-20", commune2016, "2345/QĐ-UBND"), grpc.Header(&again))
		if err != nil || !proto.Equal(retry, first) {
			t.Fatalf("retry = %v, %v; want the first record %v", retry, err, first)
		}
		if got, want := created.Get(restheader.HTTPCode), []string{"201"}; !slices.Equal(got, want) {
			t.Errorf("first answer's HTTP code %v, want %v", got, want)
		}
		if got := again.Get(restheader.HTTPCode); len(got) != 0 {
			t.Errorf("retry's HTTP code %v, want none (200)", got)
		}
		if got := e.events(t, &auditv1.ListAuditEventsRequest{}); len(got) != seeded+1 {
			t.Errorf("audit has %d events, want %d (the seed and one recognition)", len(got), seeded+1)
		}
		if got := e.generation(t); got != gen {
			t.Errorf("the retry advanced the cache generation from %s to %s", gen, got)
		}
		list, err := e.reg.ListRecognitions(ctx, &registryv1.ListRecognitionsRequest{Parent: "19", AsOf: "2020-01-01"})
		if err != nil || len(list.GetRecognitions()) != 1 {
			t.Errorf("recognitions = %v, %v; want one", list, err)
		}
		// The same decision number, date and level with another set is not a retry.
		_, err = e.reg.CreateRecognition(ctx, recognition("100", standard, "2019-12-20", "NTM_COMMUNE_2021_2025", "2345/QĐ-UBND"))
		grpctest.WantAlreadyExists(t, err, first.GetName())
	})
}

// What the check found, and the reason for recognising a unit that fell
// short, are kept and shown with the recognition, wherever it is read.
func TestRecognitionCheckIsKeptAndShown(t *testing.T) {
	onBackends(t, func(t *testing.T, b backend) {
		e := start(t, b)
		ctx := e.as(admin)
		const reason = "UBND tỉnh công nhận theo Tờ trình 12/TTr-SNN: thu nhập đạt sau điều tra bổ sung"
		met, err := e.recognise(ctx, "100")
		if err != nil {
			t.Fatal(err)
		}
		short, err := e.reg.CreateRecognition(ctx, withOverride(recognition("101", standard, "2019-12-20", commune2016, "2346/QĐ-UBND"), reason))
		if err != nil {
			t.Fatal(err)
		}
		if c := met.GetCheck(); c.GetCriteriaMet() != 19 || c.GetCriteriaCount() != 19 || len(c.GetUnmetCriteria()) != 0 ||
			!strings.HasPrefix(c.GetAssessment(), "units/100/assessments/") || c.GetAssessedOn() != "2019-11-30" ||
			met.GetUnitType() != registryv1.UnitType_COMMUNE || met.GetOverrideReason() != "" {
			t.Errorf("recognition meeting its set = %v", met)
		}
		wantUnmet := []string{"10 Thu nhập", "17 Môi trường và an toàn thực phẩm"}
		if c := short.GetCheck(); c.GetCriteriaMet() != 17 || c.GetCriteriaCount() != 19 || !slices.Equal(c.GetUnmetCriteria(), wantUnmet) ||
			short.GetOverrideReason() != reason {
			t.Errorf("overridden recognition = %v, want 17 of 19 met, %v unmet, the reason kept", short, wantUnmet)
		}
		list, err := e.reg.ListRecognitions(ctx, &registryv1.ListRecognitionsRequest{Parent: "170", AsOf: "2020-01-01"})
		if err != nil || len(list.GetRecognitions()) != 2 {
			t.Fatalf("recognitions under 170 = %v, %v", list, err)
		}
		for i, want := range []*registryv1.Recognition{met, short} {
			got := list.GetRecognitions()[i]
			if !proto.Equal(got.GetRecognition(), want) {
				t.Errorf("listed %v, want %v as recorded", got.GetRecognition(), want)
			}
		}
		if names := []string{list.GetRecognitions()[0].GetDisplayName(), list.GetRecognitions()[1].GetDisplayName()}; !slices.Equal(names, []string{"Xã La Hiên", "Xã Lâu Thượng"}) {
			t.Errorf("display names %v", names)
		}
		events := e.events(t, &auditv1.ListAuditEventsRequest{Resource: short.GetName()})
		if len(events) != 1 {
			t.Fatalf("audit of %s = %v", short.GetName(), events)
		}
		wantJSON(t, "overridden recognition", events[0], nil, map[string]any{"override_reason": reason, "unit_type": "COMMUNE"})
	})
}

// Levels come in order, each on the one before in force on its date.
func TestRecognitionLevelsInOrder(t *testing.T) {
	onBackends(t, func(t *testing.T, b backend) {
		e := start(t, b)
		ctx := e.as(admin)
		for _, req := range []*registryv1.CreateRecognitionRequest{
			recognition("100", standard, "2019-12-20", commune2016, "1/QĐ-UBND"),
			recognition("100", advanced, "2020-06-01", commune2016, "2/QĐ-UBND"),
			recognition("100", model, "2020-10-01", commune2016, "3/QĐ-UBND"),
		} {
			if _, err := e.reg.CreateRecognition(ctx, req); err != nil {
				t.Fatalf("%s: %v", req.GetRecognition().GetLevel(), err)
			}
		}
		list, err := e.reg.ListRecognitions(ctx, &registryv1.ListRecognitionsRequest{Parent: "100", AsOf: "2020-12-31"})
		if err != nil || len(list.GetRecognitions()) != 3 {
			t.Errorf("levels of 100 = %v, %v; want three", list, err)
		}
	})
}

// A commune that became a ward is not a current commune: the list agrees
// with the aggregate, and lists it as a former commune when asked.
func TestListRecognitionsCurrentAndFormer(t *testing.T) {
	onBackends(t, func(t *testing.T, b backend) {
		e := start(t, b)
		ctx := e.as(admin)
		if _, err := e.recognise(ctx, "100"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.recognise(ctx, "200"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.reg.CreateUnitChange(ctx, &registryv1.CreateUnitChangeRequest{UnitChange: &registryv1.UnitChange{
			DecisionNumber: "15/NQ-UBTVQH15", EffectiveDate: "2022-01-01",
			Kind: &registryv1.UnitChange_Reclassify{Reclassify: &registryv1.ReclassifyUnit{Code: "100", NewType: registryv1.UnitType_WARD,
				NewDisplayName: "Phường La Hiên"}}}}); err != nil {
			t.Fatal(err)
		}
		list := func(req *registryv1.ListRecognitionsRequest) []listedRow {
			t.Helper()
			return e.listed(t, ctx, req)
		}
		ward := listedRow{"100", "Phường La Hiên", registryv1.UnitType_WARD, true, true}
		for _, tc := range []struct {
			name string
			req  *registryv1.ListRecognitionsRequest
			want []listedRow
		}{
			{"before it became a ward", &registryv1.ListRecognitionsRequest{Parent: "19", AsOf: "2021-12-31"},
				[]listedRow{{"100", "Xã La Hiên", registryv1.UnitType_COMMUNE, false, false}}},
			{"a ward is no current commune", &registryv1.ListRecognitionsRequest{Parent: "19", AsOf: "2023-01-01"}, nil},
			{"but a former one", &registryv1.ListRecognitionsRequest{Parent: "19", AsOf: "2023-01-01", IncludeFormer: true}, []listedRow{ward}},
			{"the country", &registryv1.ListRecognitionsRequest{AsOf: "2023-01-01", IncludeFormer: true},
				[]listedRow{{"200", "Xã Bộc Bố", registryv1.UnitType_COMMUNE, false, false}, ward}},
			{"decided from a day", &registryv1.ListRecognitionsRequest{AsOf: "2023-01-01", IncludeFormer: true, EffectiveFrom: "2019-12-21"}, nil},
			{"decided from the day", &registryv1.ListRecognitionsRequest{AsOf: "2023-01-01", EffectiveFrom: "2019-12-20"},
				[]listedRow{{"200", "Xã Bộc Bố", registryv1.UnitType_COMMUNE, false, false}}},
		} {
			if got := list(tc.req); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		_, err := e.reg.ListRecognitions(ctx, &registryv1.ListRecognitionsRequest{AsOf: "2023-01-01", EffectiveFrom: "2023-02-30"})
		grpctest.WantViolations(t, err, "effective_from")
	})
}

// listedRow is a listed recognition as the tests compare it.
type listedRow struct {
	code, name            string
	typ                   registryv1.UnitType
	former, formerCommune bool
}

func (e *env) listed(t *testing.T, ctx context.Context, req *registryv1.ListRecognitionsRequest) []listedRow {
	t.Helper()
	resp, err := e.reg.ListRecognitions(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	var out []listedRow
	for _, r := range resp.GetRecognitions() {
		out = append(out, listedRow{r.GetRecognition().GetUnitCode(), r.GetDisplayName(), r.GetUnitTypeAsOf(), r.GetFormer(), r.GetFormerCommune()})
	}
	return out
}

// Districts, provinces and villages are recognised under their own sets: a
// district when all its communes hold a commune level (or with a reason),
// the province when all its districts do.
func TestDistrictProvinceAndVillageRecognitions(t *testing.T) {
	onBackends(t, func(t *testing.T, b backend) {
		e := start(t, b)
		ctx := e.as(provinceOfficer)
		if _, err := e.reg.CreateUnit(e.as(admin), &registryv1.CreateUnitRequest{DecisionNumber: "12/QĐ-UBND", ValidFrom: "2015-01-01",
			Unit: &registryv1.UnitSpec{Code: "1000", DisplayName: "Xóm Làng Lai", Type: registryv1.UnitType_VILLAGE, ParentCode: "100"}}); err != nil {
			t.Fatal(err)
		}
		const (
			district2016 = "NTM_DISTRICT_2016_2020"
			province2016 = "NTM_PROVINCE_2016_2020"
			village2016  = "NTM_VILLAGE_2016_2020"
		)
		e.assess(t, "170", district2016, "2020-06-01")
		e.assess(t, "19", province2016, "2020-06-01")
		e.assess(t, "1000", village2016, "2019-06-01")
		if _, err := e.recognise(ctx, "100"); err != nil {
			t.Fatal(err)
		}
		_, err := e.reg.CreateRecognition(ctx, recognition("170", standard, "2020-12-01", district2016, "D-1"))
		grpctest.WantViolations(t, err, "recognition.override_reason")
		if msg := status.Convert(err).Message(); !strings.Contains(msg, "1 of 2 communes under unit 170 hold STANDARD, ADVANCED or MODEL on 2020-12-01, the level asks 100%") {
			t.Errorf("refusal %q does not count the communes", msg)
		}
		_, err = e.reg.CreateRecognition(ctx, recognition("19", registryv1.RecognitionLevel_COMPLETED, "2020-12-15", province2016, "P-1"))
		grpctest.WantViolations(t, err, "recognition.override_reason")
		if _, err := e.reg.CreateRecognition(ctx, withOverride(recognition("101", standard, "2019-12-20", commune2016, "C-2"), "thẩm định bổ sung")); err != nil {
			t.Fatal(err)
		}
		district, err := e.reg.CreateRecognition(ctx, recognition("170", standard, "2020-12-01", district2016, "D-1"))
		if err != nil {
			t.Fatal(err)
		}
		if c := district.GetCheck(); c.GetUnitsAtLevel() != 2 || c.GetUnitsCounted() != 2 || c.GetUnitsMinPercent() != 100 ||
			c.GetCriteriaMet() != c.GetCriteriaCount() || district.GetUnitType() != registryv1.UnitType_DISTRICT {
			t.Errorf("district recognition = %v, want 2 of 2 communes and every criterion met", district)
		}
		province, err := e.reg.CreateRecognition(ctx, recognition("19", registryv1.RecognitionLevel_COMPLETED, "2020-12-15", province2016, "P-1"))
		if err != nil {
			t.Fatal(err)
		}
		if c := province.GetCheck(); c.GetUnitsAtLevel() != 1 || c.GetUnitsCounted() != 1 || province.GetUnitType() != registryv1.UnitType_PROVINCE {
			t.Errorf("province recognition = %v, want its one district counted", province)
		}
		if _, err := e.reg.CreateRecognition(ctx, recognition("1000", standard, "2019-12-01", village2016, "V-1")); err != nil {
			t.Fatal(err)
		}
		list, err := e.reg.ListRecognitions(ctx, &registryv1.ListRecognitionsRequest{Parent: "19", AsOf: "2020-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range list.GetRecognitions() {
			got = append(got, r.GetRecognition().GetUnitCode()+" "+r.GetUnitTypeAsOf().String()+" "+r.GetDisplayName())
		}
		if want := []string{"100 COMMUNE Xã La Hiên", "1000 VILLAGE Xóm Làng Lai", "101 COMMUNE Xã Lâu Thượng", "170 DISTRICT Huyện Võ Nhai",
			"19 PROVINCE Tỉnh Thái Nguyên"}; !slices.Equal(got, want) {
			t.Errorf("recognitions under 19 = %q, want %q", got, want)
		}

		// Districts are abolished on 2025-07-01, and the village that day:
		// both are former units then, not former communes, and stay counted
		// by reports (include_former) under the province.
		for _, c := range []*registryv1.UnitChange{
			{DecisionNumber: "DN-1/NQ-QH15", EffectiveDate: "2025-07-01", Kind: &registryv1.UnitChange_Abolish{Abolish: &registryv1.AbolishUnits{
				Codes: []string{"170"}, ChildrenNewParentCode: "19"}}},
			{DecisionNumber: "DN-2/NQ-UBND", EffectiveDate: "2025-07-01", Kind: &registryv1.UnitChange_Abolish{Abolish: &registryv1.AbolishUnits{
				Codes: []string{"1000"}}}},
		} {
			if _, err := e.reg.CreateUnitChange(e.as(admin), &registryv1.CreateUnitChangeRequest{UnitChange: c}); err != nil {
				t.Fatal(err)
			}
		}
		communes := []listedRow{{"100", "Xã La Hiên", registryv1.UnitType_COMMUNE, false, false}, {"101", "Xã Lâu Thượng", registryv1.UnitType_COMMUNE, false, false}}
		itself := listedRow{"19", "Tỉnh Thái Nguyên", registryv1.UnitType_PROVINCE, false, false}
		if got, want := e.listed(t, ctx, &registryv1.ListRecognitionsRequest{Parent: "19", AsOf: "2025-12-31"}),
			append(slices.Clone(communes), itself); !slices.Equal(got, want) {
			t.Errorf("current under 19 after the abolition = %v, want %v", got, want)
		}
		if got, want := e.listed(t, ctx, &registryv1.ListRecognitionsRequest{Parent: "19", AsOf: "2025-12-31", IncludeFormer: true}),
			append(slices.Clone(communes), itself, listedRow{"1000", "Xóm Làng Lai", 0, true, false},
				listedRow{"170", "Huyện Võ Nhai", 0, true, false}); !slices.Equal(got, want) {
			t.Errorf("with the former under 19 after the abolition = %v, want %v", got, want)
		}
	})
}
