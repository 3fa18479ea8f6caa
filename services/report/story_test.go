package report_test

import (
	"testing"

	"github.com/ntmsuite/ntm/platform/auth"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// The story of the tests: a small province in 2020, made-up codes, names
// and decisions, every unit from 2008-01-01.
//
//	19 Tỉnh Thái Nguyên
//	├── 170 Huyện Võ Nhai
//	│   ├── 100 Xã La Hiên       villages 1000 Xóm Làng Lai, 1001 Xóm Mỏ Gà
//	│   ├── 101 Xã Lâu Thượng
//	│   └── 102 Xã Phú Thượng    a ward (Phường Phú Thượng) from 2020-07-01
//	└── 171 Thị xã Phổ Yên
//	    ├── 110 Xã Đông Cao
//	    └── 111 Xã Tân Hương
//	20 Tỉnh Lạng Sơn
//	└── 180 Huyện Chi Lăng
//	    └── 120 Xã Chi Lăng      (another province: never counted)
//
// Assessments (commune set 2016-2020, a verdict per criterion): 102 all 19
// met on 2019-06-30; 100 all met on 2019-10-31; 101 all met on 2020-03-31;
// 111 12 met (missing 1, 2, 3, 4, 5, 6, 7) on 2020-05-31; 110 17 met
// (missing 10 and 17) on 2020-10-31; 120 all met on 2020-03-31. Village
// 1000 meets every criterion of the village set on 2020-04-15.
//
// Recognitions: 102 STANDARD 2019-12-20; 100 STANDARD 2020-03-15; village
// 1000 STANDARD 2020-05-01; 120 STANDARD 2020-06-01; 101 STANDARD
// 2020-09-10; 100 ADVANCED 2020-11-20; 171 COMPLETED 2020-12-01 with an
// override reason (its communes are short of the standard).
//
// Plans of 19: registrations of 2020 (on 2020-01-15) 100, 101, 110, 111
// STANDARD and village 1001 STANDARD; targets of 2020: 3 communes reach the
// standard, 1 the advanced level, 60% of communes at the standard, 1
// village, 1 district completing the task, 16 criteria per commune on
// average, none under 10, 2 OCOP products of 3 stars or more; an estimate
// on 2020-10-31 of 3 communes reaching the standard in 2020.
//
// OCOP: HTX Chè La Hiên (100) has tea, registered 2020-03-01, eligible
// 2020-04-01, scored 75 by the province on 2020-05-10 (4★), certified
// 2020-06-01; and honey, registered 2020-03-05, eligible 2020-04-05, scored
// 92 by the province on 2020-09-01 (5★: proposed to the central council).
//
// Funding: 100 has 500,000,000 VND of the central budget for transport in
// 2020 (allocated 2020-02-01), 200,000,000 disbursed on 2020-05-10 and
// 100,000,000 on 2020-09-10.
const (
	province        = "19"
	setCommune2016  = "NTM_COMMUNE_2016_2020"
	setDistrict2016 = "NTM_DISTRICT_2016_2020"
)

// admin writes the story; reports are read by others too.
var admin = auth.Identity{Subject: "admin@test", Role: auth.Admin}

func tell(t *testing.T, e *env) {
	t.Helper()
	ctx := e.as(t, admin)
	unit := func(code, name, parent string, typ registryv1.UnitType) *registryv1.ImportedUnit {
		return &registryv1.ImportedUnit{ValidFrom: "2008-01-01", Unit: &registryv1.UnitSpec{Code: code, DisplayName: name, ParentCode: parent, Type: typ}}
	}
	const p, d, c, v = registryv1.UnitType_PROVINCE, registryv1.UnitType_DISTRICT, registryv1.UnitType_COMMUNE, registryv1.UnitType_VILLAGE
	ok(e.registry.ImportUnits(ctx, &registryv1.ImportUnitsRequest{Units: []*registryv1.ImportedUnit{
		unit("19", "Tỉnh Thái Nguyên", "", p), unit("170", "Huyện Võ Nhai", "19", d), unit("171", "Thị xã Phổ Yên", "19", d),
		unit("100", "Xã La Hiên", "170", c), unit("101", "Xã Lâu Thượng", "170", c), unit("102", "Xã Phú Thượng", "170", c),
		unit("110", "Xã Đông Cao", "171", c), unit("111", "Xã Tân Hương", "171", c),
		unit("1000", "Xóm Làng Lai", "100", v), unit("1001", "Xóm Mỏ Gà", "100", v),
		unit("20", "Tỉnh Lạng Sơn", "", p), unit("180", "Huyện Chi Lăng", "20", d), unit("120", "Xã Chi Lăng", "180", c),
	}}))(t, "import units")
	ok(e.registry.CreateUnitChange(ctx, &registryv1.CreateUnitChangeRequest{UnitChange: &registryv1.UnitChange{
		DecisionNumber: "1001/NQ-UBTVQH14", EffectiveDate: "2020-07-01",
		Kind: &registryv1.UnitChange_Reclassify{Reclassify: &registryv1.ReclassifyUnit{Code: "102", NewType: registryv1.UnitType_WARD, NewDisplayName: "Phường Phú Thượng"}}}}))(t, "102 becomes a ward")

	assess := func(unit, on, set string, missing ...string) {
		t.Helper()
		s := ok(e.criteria.GetCriteriaSet(ctx, &criteriav1.GetCriteriaSetRequest{Id: set}))(t, "set "+set)
		a := &criteriav1.Assessment{AssessedOn: on, CriteriaSet: set, Author: "UBND " + unit}
		for _, cr := range s.GetCriteria() {
			st := criteriav1.CriterionStatus_MET
			for _, m := range missing {
				if m == cr.GetCode() {
					st = criteriav1.CriterionStatus_NOT_MET
				}
			}
			a.Verdicts = append(a.Verdicts, &criteriav1.CriterionVerdict{CriterionCode: cr.GetCode(), Status: st})
		}
		ok(e.criteria.CreateAssessment(ctx, &criteriav1.CreateAssessmentRequest{UnitCode: unit, Assessment: a}))(t, "assess "+unit+" on "+on)
	}
	assess("102", "2019-06-30", setCommune2016)
	assess("100", "2019-10-31", setCommune2016)
	assess("101", "2020-03-31", setCommune2016)
	assess("111", "2020-05-31", setCommune2016, "1", "2", "3", "4", "5", "6", "7")
	assess("110", "2020-10-31", setCommune2016, "10", "17")
	assess("120", "2020-03-31", setCommune2016)
	assess("1000", "2020-04-15", "NTM_VILLAGE_2016_2020")

	recognise := func(unit string, level registryv1.RecognitionLevel, on, set, decision, override string) {
		t.Helper()
		ok(e.registry.CreateRecognition(ctx, &registryv1.CreateRecognitionRequest{UnitCode: unit,
			Recognition: &registryv1.Recognition{Level: level, DecisionNumber: decision, EffectiveDate: on, CriteriaSet: set,
				Year: int32(yearOf(on)), OverrideReason: override}}))(t, "recognise "+unit+" "+level.String())
	}
	const std, adv, done = registryv1.RecognitionLevel_STANDARD, registryv1.RecognitionLevel_ADVANCED, registryv1.RecognitionLevel_COMPLETED
	recognise("102", std, "2019-12-20", setCommune2016, "3102/QĐ-UBND", "")
	recognise("100", std, "2020-03-15", setCommune2016, "700/QĐ-UBND", "")
	recognise("1000", std, "2020-05-01", "NTM_VILLAGE_2016_2020", "15/QĐ-UBND", "")
	recognise("120", std, "2020-06-01", setCommune2016, "900/QĐ-UBND", "")
	recognise("101", std, "2020-09-10", setCommune2016, "1701/QĐ-UBND", "")
	recognise("100", adv, "2020-11-20", setCommune2016, "2100/QĐ-UBND", "")
	recognise("171", done, "2020-12-01", setDistrict2016, "1800/QĐ-TTg", "Thủ tướng công nhận theo hồ sơ thẩm định của Bộ")

	for _, r := range []struct {
		unit  string
		level registryv1.RecognitionLevel
	}{{"100", std}, {"101", std}, {"110", std}, {"111", std}, {"1001", std}} {
		ok(e.criteria.CreateRegistration(ctx, &criteriav1.CreateRegistrationRequest{UnitCode: r.unit,
			Registration: &criteriav1.Registration{Level: r.level, Year: 2020, RegisteredOn: "2020-01-15", DecisionNumber: "50/QĐ-UBND"}}))(t, "register "+r.unit)
	}
	for kind, value := range map[string]float64{
		"COMMUNES_STANDARD_NEW": 3, "COMMUNES_ADVANCED_NEW": 1, "COMMUNES_STANDARD_PERCENT": 60, "VILLAGES_STANDARD_NEW": 1,
		"DISTRICTS_COMPLETED_NEW": 1, "AVERAGE_CRITERIA": 16, "MIN_CRITERIA": 10, "OCOP_3_STARS_NEW": 2,
	} {
		ok(e.criteria.CreateTarget(ctx, &criteriav1.CreateTargetRequest{UnitCode: province,
			Target: &criteriav1.Target{Period: "2020", Kind: kind, Value: value, DecisionNumber: "10/NQ-HĐND", DecidedOn: "2019-12-10"}}))(t, "target "+kind)
	}
	ok(e.criteria.CreateEstimate(ctx, &criteriav1.CreateEstimateRequest{UnitCode: province,
		Estimate: &criteriav1.Estimate{Year: 2020, Kind: "COMMUNES_STANDARD_NEW", Value: 3, EstimatedOn: "2020-10-31"}}))(t, "estimate")

	producer := ok(e.ocop.CreateProducer(ctx, &ocopv1.CreateProducerRequest{Producer: &ocopv1.Producer{
		DisplayName: "HTX Chè La Hiên", Kind: ocopv1.ProducerKind_COOPERATIVE, UnitCode: "100", RegisteredOn: "2019-03-01"}}))(t, "producer")
	product := func(name, group, registered, reviewed, scored string, a, b, c float64) (int64, int64) {
		t.Helper()
		p := ok(e.ocop.CreateProduct(ctx, &ocopv1.CreateProductRequest{Product: &ocopv1.Product{
			DisplayName: name, ProducerId: producer.GetId(), ProductGroup: group}}))(t, "product "+name)
		ok(e.ocop.CreateRegistration(ctx, &ocopv1.CreateRegistrationRequest{ProductId: p.GetId(),
			Registration: &ocopv1.Registration{Year: 2020, RegisteredOn: registered}}))(t, "register "+name)
		ok(e.ocop.ReviewRegistration(ctx, &ocopv1.ReviewRegistrationRequest{ProductId: p.GetId(), Year: 2020,
			Eligibility: ocopv1.Eligibility_ELIGIBLE, ReviewedOn: reviewed}))(t, "review "+name)
		ev := ok(e.ocop.CreateEvaluation(ctx, &ocopv1.CreateEvaluationRequest{ProductId: p.GetId(), Evaluation: &ocopv1.Evaluation{
			Year: 2020, EvaluatedOn: scored, CouncilLevel: ocopv1.CouncilLevel_PROVINCE,
			Scores: []*ocopv1.CriterionScore{{CriterionCode: "A", Points: a}, {CriterionCode: "B", Points: b}, {CriterionCode: "C", Points: c}}}}))(t, "score "+name)
		return p.GetId(), ev.GetId()
	}
	tea, teaScore := product("Chè xanh La Hiên", "BEVERAGE", "2020-03-01", "2020-04-01", "2020-05-10", 30, 20, 25)
	product("Mật ong La Hiên", "FOOD", "2020-03-05", "2020-04-05", "2020-09-01", 34, 24, 34)
	ok(e.ocop.CreateCertificate(ctx, &ocopv1.CreateCertificateRequest{ProductId: tea, Certificate: &ocopv1.Certificate{
		EvaluationId: teaScore, DecisionNumber: "600/QĐ-UBND", IssuedOn: "2020-06-01"}}))(t, "certify tea")

	plan := ok(e.funding.CreatePlan(ctx, &fundingv1.CreatePlanRequest{Plan: &fundingv1.Plan{Year: 2020, UnitCode: "100",
		Source: "CENTRAL_BUDGET", Purpose: "TRANSPORT", AmountVnd: 500_000_000, AllocatedOn: "2020-02-01"}}))(t, "plan")
	for on, amount := range map[string]int64{"2020-05-10": 200_000_000, "2020-09-10": 100_000_000} {
		ok(e.funding.CreateDisbursement(ctx, &fundingv1.CreateDisbursementRequest{Disbursement: &fundingv1.Disbursement{
			PlanId: plan.GetId(), DisbursedOn: on, AmountVnd: amount}}))(t, "disburse on "+on)
	}
}

func yearOf(iso string) int {
	y := 0
	for _, r := range iso[:4] {
		y = y*10 + int(r-'0')
	}
	return y
}
