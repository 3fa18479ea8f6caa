package server_test

import (
	"fmt"
	"strings"
	"testing"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// tallies writes recognition tallies as "LEVEL title: units/denominator percent%".
func tallies(ts []*criteriav1.RecognitionTally) string {
	var out []string
	for _, t := range ts {
		out = append(out, fmt.Sprintf("%s %s: %d/%d %v%%", t.GetLevel(), t.GetDisplayName(), t.GetUnits(), t.GetDenominator(), t.GetPercent()))
	}
	return strings.Join(out, "; ")
}

// Aggregates count villages and districts by level beside the communes,
// every level the catalog defines for the type listed even at zero, with
// its title; a unit counts in its own tallies when it is of the type (a
// district's own recognition, over a denominator of itself).
func TestAggregateVillagesAndDistricts(t *testing.T) {
	e := newEnv(t)
	e.recogniseUnder(t, "1000", registryv1.RecognitionLevel_STANDARD, "2019-06-01", "NTM_VILLAGE_2016_2020")
	e.recogniseUnder(t, district, registryv1.RecognitionLevel_STANDARD, "2020-06-01", "NTM_DISTRICT_2016_2020")
	villages := func(units int, pct string) string {
		return fmt.Sprintf("STANDARD Thôn đạt chuẩn nông thôn mới: %d/1 %s%%; MODEL Thôn nông thôn mới kiểu mẫu: 0/1 0%%", units, pct)
	}
	// The district levels of 2016-2020: ADVANCED and MODEL districts come
	// with the 2021-2025 set, and are no rows before it.
	districts := func(units, of int, pct string) string {
		return fmt.Sprintf("STANDARD Huyện đạt chuẩn nông thôn mới: %d/%d %s%%; "+
			"COMPLETED Thị xã, thành phố thuộc tỉnh hoàn thành nhiệm vụ xây dựng nông thôn mới: 0/%d 0%%", units, of, pct, of)
	}
	for _, tc := range []struct {
		unit, asOf                      string
		villages, districts             int32
		villageTallies, districtTallies string
	}{
		{province, "2019-12-31", 1, 2, villages(1, "100"), districts(0, 2, "0")},
		{province, "2020-10-31", 1, 2, villages(1, "100"), districts(1, 2, "50")},
		{"0", "2020-10-31", 1, 2, villages(1, "100"), districts(1, 2, "50")},
		// The district counts itself, as a commune's aggregate counts the
		// commune; no district is under it.
		{district, "2020-10-31", 1, 0, villages(1, "100"), districts(1, 1, "100")},
		{"101", "2020-10-31", 0, 0, "STANDARD Thôn đạt chuẩn nông thôn mới: 0/0 0%; MODEL Thôn nông thôn mới kiểu mẫu: 0/0 0%", districts(0, 0, "0")},
	} {
		got := e.aggregate(t, &criteriav1.GetAggregateRequest{UnitCode: tc.unit, AsOf: tc.asOf})
		if got.GetVillages() != tc.villages || got.GetDistricts() != tc.districts {
			t.Errorf("%s as of %s: %d villages, %d districts; want %d, %d", tc.unit, tc.asOf, got.GetVillages(), got.GetDistricts(), tc.villages, tc.districts)
		}
		if g := tallies(got.GetVillageRecognitions()); g != tc.villageTallies {
			t.Errorf("%s as of %s: villages %q, want %q", tc.unit, tc.asOf, g, tc.villageTallies)
		}
		if g := tallies(got.GetDistrictRecognitions()); g != tc.districtTallies {
			t.Errorf("%s as of %s: districts %q, want %q", tc.unit, tc.asOf, g, tc.districtTallies)
		}
	}
	// No level of a phase yet to come: MODERN (2026-2030) is no row of 2020.
	communes := tallies(e.aggregate(t, &criteriav1.GetAggregateRequest{UnitCode: province, AsOf: "2020-10-31"}).GetRecognitions())
	if want := "STANDARD Xã đạt chuẩn nông thôn mới: 1/5 20%; ADVANCED Xã đạt chuẩn nông thôn mới nâng cao: 0/5 0%; " +
		"MODEL Xã nông thôn mới kiểu mẫu: 0/5 0%"; communes != want {
		t.Errorf("commune tallies %q, want %q", communes, want)
	}
	// From 2026-02-15 it is; the levels of earlier phases stay, for
	// recognitions of them are still in force (100's; 104 was created in 2021).
	communes = tallies(e.aggregate(t, &criteriav1.GetAggregateRequest{UnitCode: province, AsOf: "2026-06-30"}).GetRecognitions())
	if want := "STANDARD Xã đạt chuẩn nông thôn mới: 1/6 16.67%; ADVANCED Xã đạt chuẩn nông thôn mới nâng cao: 0/6 0%; " +
		"MODEL Xã nông thôn mới kiểu mẫu: 0/6 0%; MODERN Xã nông thôn mới hiện đại: 0/6 0%"; communes != want {
		t.Errorf("commune tallies of 2026 %q, want %q", communes, want)
	}
}

// Villages and districts that lose their type (a district abolished on
// 2025-07-01, a village merged away) count in reported mode as former
// communes do: in their level and in the denominator. The current mode
// leaves them out, as the registry's list does without include_former.
func TestAggregateCountsFormerVillagesAndDistricts(t *testing.T) {
	e := newEnv(t)
	e.recogniseUnder(t, "1000", registryv1.RecognitionLevel_STANDARD, "2019-06-01", "NTM_VILLAGE_2016_2020")
	e.recogniseUnder(t, district, registryv1.RecognitionLevel_STANDARD, "2020-06-01", "NTM_DISTRICT_2016_2020")
	for _, c := range []*registryv1.UnitChange{
		{DecisionNumber: "DN-1/NQ-QH15", EffectiveDate: "2025-07-01", Kind: &registryv1.UnitChange_Abolish{Abolish: &registryv1.AbolishUnits{
			Codes: []string{district}, ChildrenNewParentCode: province}}},
		{DecisionNumber: "DN-2/NQ-UBND", EffectiveDate: "2025-07-01", Kind: &registryv1.UnitChange_Abolish{Abolish: &registryv1.AbolishUnits{
			Codes: []string{"1000"}}}},
	} {
		e.change(t, c)
	}
	// withFormer writes the first tally (STANDARD) with its former units.
	withFormer := func(ts []*criteriav1.RecognitionTally) string {
		s := ts[0]
		return fmt.Sprintf("%s %d (%d former) of %d = %v%%", s.GetLevel(), s.GetUnits(), s.GetFormerCommunes(), s.GetDenominator(), s.GetPercent())
	}
	for _, tc := range []struct {
		mode, villages, districts string
	}{
		// Đồng Hỷ (171) is the district of the day; Võ Nhai (170) the former one.
		{"reported", "STANDARD 1 (1 former) of 1 = 100%", "STANDARD 1 (1 former) of 2 = 50%"},
		{"current", "STANDARD 0 (0 former) of 0 = 0%", "STANDARD 0 (0 former) of 1 = 0%"},
	} {
		agg := e.aggregate(t, &criteriav1.GetAggregateRequest{UnitCode: province, AsOf: "2025-12-31", CountMode: tc.mode})
		if got := withFormer(agg.GetVillageRecognitions()); got != tc.villages {
			t.Errorf("%s villages: %q, want %q", tc.mode, got, tc.villages)
		}
		if got := withFormer(agg.GetDistrictRecognitions()); got != tc.districts {
			t.Errorf("%s districts: %q, want %q", tc.mode, got, tc.districts)
		}
		if agg.GetVillages() != 0 || agg.GetDistricts() != 1 {
			t.Errorf("%s: %d villages and %d districts on 2025-12-31, want none and 171", tc.mode, agg.GetVillages(), agg.GetDistricts())
		}
	}
}

// GET /v1/recognitions and the aggregate agree: the communes the list gives
// as current are the ones the aggregate counts, in both modes.
func TestRecognitionListAgreesWithAggregate(t *testing.T) {
	e := newEnv(t)
	e.recognise(t, "101", registryv1.RecognitionLevel_STANDARD, "2020-09-01")
	ward101(t, e) // and becomes a ward on 2020-10-01; 103, recognised, merged away in 2020
	for _, asOf := range []string{"2019-12-31", "2020-10-31", "2022-12-31"} {
		for _, former := range []bool{false, true} {
			list, err := e.reg.ListRecognitions(e.calls, &registryv1.ListRecognitionsRequest{Parent: province, AsOf: asOf, IncludeFormer: former})
			if err != nil {
				t.Fatal(err)
			}
			communes := map[string]bool{}
			for _, r := range list.GetRecognitions() {
				// Every recognition of a commune the list gives, as a client counts them.
				if rec := r.GetRecognition(); rec.GetLevel() == registryv1.RecognitionLevel_STANDARD && rec.GetUnitType() == registryv1.UnitType_COMMUNE {
					communes[r.GetRecognition().GetUnitCode()] = true
				}
			}
			mode := map[bool]string{false: "current", true: "reported"}[former]
			agg := e.aggregate(t, &criteriav1.GetAggregateRequest{UnitCode: province, AsOf: asOf, CountMode: mode})
			if got := agg.GetRecognitions()[0].GetUnits(); int(got) != len(communes) {
				t.Errorf("as of %s (%s): the aggregate counts %d standard communes, the list %v", asOf, mode, got, communes)
			}
		}
	}
}
