package compose

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/period"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/report/internal/vn"
)

// The hand-built province of these tests, as the services answer for it on
// 2020-12-31 (made-up codes):
//
//	19 Tỉnh Thái Nguyên: 2 districts, 8 communes, 2 wards, 20 villages
//	commune recognitions in force (set 2016-2020):
//	  101 STANDARD 2018-12-20
//	  102 STANDARD 2020-03-10, ADVANCED 2020-11-15
//	  103 STANDARD 2020-06-01
//	  106 STANDARD 2018-01-10, ADVANCED 2019-06-01, MODEL 2020-10-20
//	  201 STANDARD 2019-05-01, a ward since: a former commune
//	village recognitions: 301 STANDARD 2020-02-01; 302 STANDARD 2017-04-01, MODEL 2020-09-01
//	district recognitions: 170 COMPLETED 2020-12-01
//
// So in 2020: communes STANDARD 2 new (102, 103) of 5 in force (1 former)
// out of 8 + 1 former = 9 (55.56%), ADVANCED 1 new of 2, MODEL 1 of 1;
// villages STANDARD 1 new of 2 out of 20, MODEL 1 of 1; districts
// COMPLETED 1 of 2.
const (
	province   = "19"
	communeSet = "NTM_COMMUNE_2016_2020"
	villageSet = "NTM_VILLAGE_2016_2020"
)

var (
	commune  = registryv1.UnitType_COMMUNE
	village  = registryv1.UnitType_VILLAGE
	district = registryv1.UnitType_DISTRICT
	standard = registryv1.RecognitionLevel_STANDARD
	advanced = registryv1.RecognitionLevel_ADVANCED
	model    = registryv1.RecognitionLevel_MODEL
	complete = registryv1.RecognitionLevel_COMPLETED
)

// rec is a recognition in force as the registry lists it.
func rec(unit string, typ registryv1.UnitType, level registryv1.RecognitionLevel, on, decision string) *registryv1.RecognitionInForce {
	return &registryv1.RecognitionInForce{
		Recognition: &registryv1.Recognition{UnitCode: unit, UnitType: typ, Level: level, EffectiveDate: on,
			DecisionNumber: decision, CriteriaSet: communeSet, Year: int32(mustYear(on))},
		UnitTypeAsOf: typ, DisplayName: "Đơn vị " + unit,
	}
}

func mustYear(iso string) int {
	y, err := strconv.Atoi(iso[:4])
	if err != nil {
		panic(err)
	}
	return y
}

// former is r of a commune that has since become a ward.
func former(r *registryv1.RecognitionInForce) *registryv1.RecognitionInForce {
	r.UnitTypeAsOf, r.Former, r.FormerCommune = registryv1.UnitType_WARD, true, true
	return r
}

// gone is r of a unit that no longer exists (a district abolished on
// 2025-07-01, a village merged away): former, not a former commune.
func gone(r *registryv1.RecognitionInForce) *registryv1.RecognitionInForce {
	r.UnitTypeAsOf, r.Former = registryv1.UnitType_UNIT_TYPE_UNSPECIFIED, true
	return r
}

// communeCriteria is a 19-criteria set's criteria, "Tiêu chí i" but for
// 10 Thu nhập and 17 Môi trường.
func communeCriteria() []*criteriav1.Criterion {
	var out []*criteriav1.Criterion
	for i := 1; i <= 19; i++ {
		name := "Tiêu chí " + strconv.Itoa(i)
		switch i {
		case 10:
			name = "Thu nhập"
		case 17:
			name = "Môi trường"
		}
		out = append(out, &criteriav1.Criterion{Code: strconv.Itoa(i), DisplayName: name})
	}
	return out
}

func rule(level registryv1.RecognitionLevel, name string, requires ...registryv1.RecognitionLevel) *criteriav1.LevelRule {
	return &criteriav1.LevelRule{Level: level, DisplayName: name, Requires: requires}
}

func sets() map[string]*criteriav1.CriteriaSet {
	return map[string]*criteriav1.CriteriaSet{
		communeSet: {Id: communeSet, UnitType: commune, Criteria: communeCriteria(),
			Levels: []*criteriav1.LevelRule{
				rule(standard, "Xã đạt chuẩn nông thôn mới"),
				rule(advanced, "Xã đạt chuẩn nông thôn mới nâng cao", standard),
				rule(model, "Xã nông thôn mới kiểu mẫu", advanced),
			},
			ReportBands: []*criteriav1.ReportBand{
				{Label: "19", Min: 19, Max: 19}, {Label: "15-18", Min: 15, Max: 18}, {Label: "10-14", Min: 10, Max: 14},
				{Label: "5-9", Min: 5, Max: 9}, {Label: "<5", Min: 0, Max: 4},
			},
			ReportBelow: []int32{5, 10, 15}},
		villageSet: {Id: villageSet, UnitType: village,
			Criteria: []*criteriav1.Criterion{{Code: "1", DisplayName: "Quy hoạch"}, {Code: "2", DisplayName: "Giao thông"}},
			Levels: []*criteriav1.LevelRule{
				rule(standard, "Thôn đạt chuẩn nông thôn mới"),
				rule(model, "Thôn nông thôn mới kiểu mẫu", standard),
			}},
	}
}

// tally is the aggregate's row of a level: units holding it, of which
// former ones, out of denominator.
func tally(level registryv1.RecognitionLevel, name string, units, former, denominator int32) *criteriav1.RecognitionTally {
	t := &criteriav1.RecognitionTally{Level: level.String(), DisplayName: name, Units: units, FormerCommunes: former, Denominator: denominator}
	if denominator > 0 {
		t.Percent = vn.Round2(100 * float64(units) / float64(denominator))
	}
	return t
}

// setTallies replaces the aggregate's rows of a unit type, as the
// aggregate counts another story than the fixture's.
func setTallies(in *Inputs, typ registryv1.UnitType, rows ...*criteriav1.RecognitionTally) {
	switch typ {
	case commune:
		in.Aggregate.Recognitions = rows
	case village:
		in.Aggregate.VillageRecognitions = rows
	case district:
		in.Aggregate.DistrictRecognitions = rows
	}
}

func kind(code, name, unit string, m criteriav1.TargetMeasure, typ registryv1.UnitType, levels ...registryv1.RecognitionLevel) *criteriav1.TargetKind {
	return &criteriav1.TargetKind{Code: code, DisplayName: name, ValueUnit: unit, Measure: m, UnitType: typ, Levels: levels}
}

// targetKinds are the catalog's kinds the tests use, in catalog order.
func targetKinds() []*criteriav1.TargetKind {
	ocopNew := kind("OCOP_3_STARS_NEW", "Số sản phẩm OCOP đạt từ 3 sao trở lên trong năm", "sản phẩm", criteriav1.TargetMeasure_OCOP_CERTIFIED_IN_PERIOD, 0)
	ocopNew.MinStars = 3
	ocopTotal := kind("OCOP_3_STARS_TOTAL", "Tổng số sản phẩm OCOP từ 3 sao", "sản phẩm", criteriav1.TargetMeasure_OCOP_CERTIFIED_TOTAL, 0)
	ocopTotal.MinStars = 3
	return []*criteriav1.TargetKind{
		kind("COMMUNES_STANDARD_NEW", "Số xã đạt chuẩn nông thôn mới trong năm", "xã", criteriav1.TargetMeasure_RECOGNISED_IN_PERIOD, commune, standard),
		kind("COMMUNES_STANDARD_TOTAL", "Tổng số xã đạt chuẩn nông thôn mới", "xã", criteriav1.TargetMeasure_RECOGNISED_TOTAL, commune, standard),
		kind("COMMUNES_STANDARD_PERCENT", "Tỷ lệ xã đạt chuẩn nông thôn mới", "%", criteriav1.TargetMeasure_RECOGNISED_PERCENT, commune, standard),
		kind("COMMUNES_ADVANCED_NEW", "Số xã đạt chuẩn nông thôn mới nâng cao trong năm", "xã", criteriav1.TargetMeasure_RECOGNISED_IN_PERIOD, commune, advanced),
		kind("VILLAGES_STANDARD_NEW", "Số thôn đạt chuẩn nông thôn mới trong năm", "thôn", criteriav1.TargetMeasure_RECOGNISED_IN_PERIOD, village, standard),
		kind("DISTRICTS_COMPLETED_NEW", "Số huyện đạt chuẩn, hoàn thành nhiệm vụ xây dựng nông thôn mới trong năm", "huyện",
			criteriav1.TargetMeasure_RECOGNISED_IN_PERIOD, district, standard, complete),
		kind("AVERAGE_CRITERIA", "Bình quân tiêu chí/xã", "tiêu chí/xã", criteriav1.TargetMeasure_AVERAGE_CRITERIA, 0),
		kind("MIN_CRITERIA", "Không còn xã dưới số tiêu chí", "tiêu chí", criteriav1.TargetMeasure_MIN_CRITERIA, 0),
		ocopNew, ocopTotal,
		kind("AVERAGE_VILLAGE_CRITERIA", "Bình quân tiêu chí nông thôn mới/thôn", "tiêu chí NTM/thôn", criteriav1.TargetMeasure_NOT_COMPUTED, 0),
	}
}

func target(periodText, kind string, value float64) *criteriav1.Target {
	return &criteriav1.Target{UnitCode: province, Period: periodText, Kind: kind, Value: value}
}

func estimate(year int32, kind string, value float64, on string) *criteriav1.Estimate {
	return &criteriav1.Estimate{UnitCode: province, Year: year, Kind: kind, Value: value, EstimatedOn: on}
}

func registration(unit string, level registryv1.RecognitionLevel, year int32, on, set string) *criteriav1.Registration {
	typ := commune
	if set == villageSet {
		typ = village
	}
	return &criteriav1.Registration{UnitCode: unit, UnitType: typ, Level: level, Year: year, RegisteredOn: on, CriteriaSet: set}
}

// scoreMissing is a score of a commune under the commune set meeting all
// criteria but those given.
func scoreMissing(unit, on string, missing ...string) *criteriav1.Score {
	s := &criteriav1.Score{UnitCode: unit, CriteriaSet: communeSet, AssessedOn: on, CriteriaCount: 19}
	for _, c := range communeCriteria() {
		st := criteriav1.CriterionStatus_MET
		for _, m := range missing {
			if m == c.GetCode() {
				st = criteriav1.CriterionStatus_NOT_MET
			}
		}
		if st == criteriav1.CriterionStatus_MET {
			s.MetCount++
		}
		s.Criteria = append(s.Criteria, &criteriav1.CriterionScore{Code: c.GetCode(), DisplayName: c.GetDisplayName(), Status: st})
	}
	return s
}

// fixture is the province's answers for a report of p as of asOf.
func fixture(t *testing.T, p, asOf string) *Inputs {
	t.Helper()
	in := &Inputs{
		UnitCode: province,
		Unit:     &registryv1.Unit{Code: province, DisplayName: "Tỉnh Thái Nguyên", Type: registryv1.UnitType_PROVINCE},
		Period:   period.MustParse(p),
		AsOf:     date.MustParse(asOf),
		Recognitions: []*registryv1.RecognitionInForce{
			rec("101", commune, standard, "2018-12-20", "101/QĐ-UBND"),
			rec("102", commune, standard, "2020-03-10", "102/QĐ-UBND"),
			rec("102", commune, advanced, "2020-11-15", "1102/QĐ-UBND"),
			rec("103", commune, standard, "2020-06-01", "103/QĐ-UBND"),
			rec("106", commune, standard, "2018-01-10", "106/QĐ-UBND"),
			rec("106", commune, advanced, "2019-06-01", "1106/QĐ-UBND"),
			rec("106", commune, model, "2020-10-20", "2106/QĐ-UBND"),
			former(rec("201", commune, standard, "2019-05-01", "201/QĐ-UBND")),
			rec("301", village, standard, "2020-02-01", "301/QĐ-UBND"),
			rec("302", village, standard, "2017-04-01", "302/QĐ-UBND"),
			rec("302", village, model, "2020-09-01", "1302/QĐ-UBND"),
			rec("170", district, complete, "2020-12-01", "170/QĐ-TTg"),
		},
		Aggregate: &criteriav1.Aggregate{
			UnitCode: province, AsOf: asOf, CriteriaSet: communeSet, CountMode: "reported",
			Communes: 8, AssessedCommunes: 8, AverageMet: 16.13,
			Bands: []*criteriav1.BandTally{{Label: "19", Communes: 2}, {Label: "15-18", Communes: 4}, {Label: "10-14", Communes: 2},
				{Label: "5-9"}, {Label: "<5"}},
			Below: []*criteriav1.BelowTally{{Criteria: 5}, {Criteria: 10}, {Criteria: 15, Communes: 2}},
			// The bands' communes one by one: 10 and 13, four at 16, two at 19.
			MetHistogram: []int32{10: 1, 13: 1, 16: 4, 19: 2},
			// As the aggregate counts the recognitions below on 2020-12-31, of
			// 8 communes (and 201, a former one), 20 villages and 2 districts.
			Recognitions: []*criteriav1.RecognitionTally{tally(standard, "Xã đạt chuẩn nông thôn mới", 5, 1, 9),
				tally(advanced, "Xã đạt chuẩn nông thôn mới nâng cao", 2, 0, 9), tally(model, "Xã nông thôn mới kiểu mẫu", 1, 0, 9)},
			VillageRecognitions: []*criteriav1.RecognitionTally{tally(standard, "Thôn đạt chuẩn nông thôn mới", 2, 0, 20),
				tally(model, "Thôn nông thôn mới kiểu mẫu", 1, 0, 20)},
			DistrictRecognitions: []*criteriav1.RecognitionTally{tally(standard, "Huyện đạt chuẩn nông thôn mới", 0, 0, 2),
				tally(complete, "Thị xã, thành phố thuộc tỉnh hoàn thành nhiệm vụ xây dựng nông thôn mới", 1, 0, 2)},
		},
		Sets: sets(),
		Registrations: []*criteriav1.Registration{
			registration("102", standard, 2020, "2020-01-15", communeSet),
			registration("103", standard, 2020, "2020-01-15", communeSet),
			registration("104", standard, 2020, "2020-01-15", communeSet),
			registration("105", standard, 2020, "2020-01-15", communeSet),
			registration("106", advanced, 2020, "2020-01-15", communeSet),
			registration("301", standard, 2020, "2020-01-20", villageSet),
		},
		UnitNames: map[string]string{"102": "Xã Phú Thượng", "103": "Xã La Hiên", "104": "Xã Dân Tiến", "105": "Xã Bình Long",
			"106": "Xã Tràng Xá", "301": "Xóm Làng Lai"},
		Scores: map[ScoreKey]*criteriav1.Score{{Unit: "104", Set: communeSet}: scoreMissing("104", "2020-10-31", "10", "17")},
		Targets: []*criteriav1.Target{
			target("2020", "OLD_KIND", 3),
			target("2020", "AVERAGE_VILLAGE_CRITERIA", 11.2),
			target("2020", "MIN_CRITERIA", 10),
			target("2020", "COMMUNES_STANDARD_NEW", 2),
			target("2020", "COMMUNES_STANDARD_TOTAL", 6),
			target("2020", "COMMUNES_STANDARD_PERCENT", 50),
			target("2020", "COMMUNES_ADVANCED_NEW", 1),
			target("2020", "VILLAGES_STANDARD_NEW", 1),
			target("2020", "DISTRICTS_COMPLETED_NEW", 1),
			target("2020", "AVERAGE_CRITERIA", 16),
			target("2020", "OCOP_3_STARS_NEW", 5),
		},
		Estimates: []*criteriav1.Estimate{
			estimate(2020, "COMMUNES_STANDARD_NEW", 2, "2020-06-30"),
			estimate(2020, "COMMUNES_STANDARD_NEW", 3, "2020-10-31"),
			estimate(2020, "COMMUNES_STANDARD_NEW", 4, "2021-01-05"), // after as_of
			estimate(2019, "COMMUNES_STANDARD_TOTAL", 9, "2019-10-31"),
			estimate(2020, "AVERAGE_VILLAGE_CRITERIA", 11.5, "2020-10-31"),
		},
		TargetKinds: targetKinds(),
		Ocop: []*ocopv1.OcopSummary{{Year: 2020, AsOf: asOf, Registered: 12, Eligible: 9, NotEligible: 3,
			Evaluated:       []*ocopv1.StarTally{{Stars: 2, Products: 1}, {Stars: 3, Products: 5}, {Stars: 4, Products: 2}},
			NewlyCertified:  []*ocopv1.StarTally{{Stars: 3, Products: 4}, {Stars: 4, Products: 2}},
			Certified:       []*ocopv1.StarTally{{Stars: 3, Products: 10}, {Stars: 4, Products: 3}, {Stars: 5, Products: 1}},
			CertifiedTotal:  14,
			ProposedCentral: 1,
		}},
		Funding:    &fundingv1.FundingSummary{UnitCode: province, From: "2020-01-01", To: "2020-12-31", AsOf: asOf},
		ComputedAt: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
	}
	// As the registry answers: only what is in force on as_of.
	in.Recognitions = slices.DeleteFunc(in.Recognitions, func(r *registryv1.RecognitionInForce) bool {
		return r.GetRecognition().GetEffectiveDate() > asOf
	})
	return in
}
