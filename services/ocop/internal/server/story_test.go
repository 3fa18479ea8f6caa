package server_test

import (
	"testing"

	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
)

const (
	eligible    = ocopv1.Eligibility_ELIGIBLE
	notEligible = ocopv1.Eligibility_NOT_ELIGIBLE
	byDistrict  = ocopv1.CouncilLevel_DISTRICT
	byProvince  = ocopv1.CouncilLevel_PROVINCE
	byCentral   = ocopv1.CouncilLevel_CENTRAL
	byCommune   = ocopv1.CouncilLevel_COMMUNE
)

// story is six years of OCOP in the test map (made-up names, dates and
// decisions), the fixture the summaries are counted against by hand:
//
//	producer (unit, registered)        product (group)           cycle
//	p1 HTX Chè La Hiên (100, 2019-03-01)
//	                                   tea (BEVERAGE)            2020: reg 03-01, eligible 04-01, PROVINCE 05-10 75 pts 4★ (OCOP_2019),
//	                                                              certified 2020-06-01 (until 2023-06-01);
//	                                                              2024: reg 03-01, eligible 04-01, PROVINCE 05-20 76 pts 4★,
//	                                                              certified 2024-06-15 (until 2027-06-15)
//	                                   noodles (FOOD)            2024: reg 03-05, eligible 04-05, DISTRICT 05-10 60 pts 3★,
//	                                                              certified 2024-06-01 (until 2027-06-01)
//	p2 Hộ Dân Tiến (103, 2019-05-01; 103 merges into 102 on 2020-01-01)
//	                                   honey (FOOD)              2021: reg 02-01, eligible 03-01, PROVINCE 04-10 80 pts 4★ (OCOP_2019),
//	                                                              certified 2021-05-01 (until 2024-05-01);
//	                                                              2023: reg 09-01, eligible 10-01, DISTRICT 12-05 55 pts 3★,
//	                                                              certified 2024-01-15 (until 2027-01-15): downgraded, the 4★ ends
//	p3 Công ty Đình Cả (ward 200, 2021-02-01)
//	                                   sauce (FOOD)              2024: reg 03-10, not eligible 04-15
//	p4 HTX Hóa Thượng (110, 2020-06-01)
//	                                   herb (HERBAL)             2024: reg 03-10, eligible 04-10, DISTRICT 05-15 52 pts 3★,
//	                                                              again DISTRICT 08-20 45 pts 2★ (not certified)
//	p5 HTX Chi Lăng (120 in province 20, 2022-03-01)
//	                                   custard apple (FOOD)      2022: PROVINCE 05-01 60 pts 3★ (OCOP_2019), certified 2022-06-01
//	                                                              (until 2025-06-01), revoked from 2024-10-01;
//	                                                              2024: reg 02-01, eligible 03-01
//	p6 Tổ hợp tác Lâu Thượng (101, 2024-09-01)
//	                                   broom (HANDICRAFT)        2024: reg 09-15, pending
type story struct {
	p1, p2, p3, p4, p5, p6                           int64
	tea, noodles, honey, sauce, herb, custard, broom int64
	// Certificates: tea 2020 and 2024, honey 2021 and 2024, noodles, custard apple.
	tea20, tea24, honey21, honey24, noodles24, custard22 *ocopv1.Certificate
	// Evaluations, for tests that read them back.
	teaEval20, teaEval24, honeyEval21, honeyEval23, herbEval1, herbEval2 *ocopv1.Evaluation
}

func tell(t *testing.T, a *api) *story {
	t.Helper()
	s := &story{}
	s.p1 = a.producer(t, "HTX Chè La Hiên", ocopv1.ProducerKind_COOPERATIVE, "100", "2019-03-01")
	s.p2 = a.producer(t, "Hộ kinh doanh Dân Tiến", ocopv1.ProducerKind_HOUSEHOLD_BUSINESS, "103", "2019-05-01")
	s.p3 = a.producer(t, "Công ty TNHH Đình Cả", ocopv1.ProducerKind_ENTERPRISE, "200", "2021-02-01")
	s.p4 = a.producer(t, "HTX Dược liệu Hóa Thượng", ocopv1.ProducerKind_COOPERATIVE, "110", "2020-06-01")
	s.p5 = a.producer(t, "HTX Na Chi Lăng", ocopv1.ProducerKind_COOPERATIVE, "120", "2022-03-01")
	s.p6 = a.producer(t, "Tổ hợp tác chổi chít Lâu Thượng", ocopv1.ProducerKind_COOPERATIVE_GROUP, "101", "2024-09-01")

	s.tea = a.product(t, s.p1, "Chè xanh La Hiên", "BEVERAGE")
	s.noodles = a.product(t, s.p1, "Miến dong La Hiên", "FOOD")
	s.honey = a.product(t, s.p2, "Mật ong Dân Tiến", "FOOD")
	s.sauce = a.product(t, s.p3, "Tương Đình Cả", "FOOD")
	s.herb = a.product(t, s.p4, "Trà dược liệu Hóa Thượng", "HERBAL")
	s.custard = a.product(t, s.p5, "Na Chi Lăng", "FOOD")
	s.broom = a.product(t, s.p6, "Chổi chít Lâu Thượng", "HANDICRAFT")

	a.register(t, s.tea, 2020, "2020-03-01")
	a.review(t, s.tea, 2020, eligible, "2020-04-01", "")
	s.teaEval20 = a.evaluate(t, s.tea, 2020, "2020-05-10", byProvince, parts19(30, 20, 25))
	s.tea20 = a.certify(t, s.tea, s.teaEval20.GetId(), "2020-06-01")
	a.register(t, s.tea, 2024, "2024-03-01")
	a.review(t, s.tea, 2024, eligible, "2024-04-01", "")
	s.teaEval24 = a.evaluate(t, s.tea, 2024, "2024-05-20", byProvince, fill23(76))
	s.tea24 = a.certify(t, s.tea, s.teaEval24.GetId(), "2024-06-15")

	a.register(t, s.noodles, 2024, "2024-03-05")
	a.review(t, s.noodles, 2024, eligible, "2024-04-05", "")
	noodles := a.evaluate(t, s.noodles, 2024, "2024-05-10", byDistrict, fill23(60))
	s.noodles24 = a.certify(t, s.noodles, noodles.GetId(), "2024-06-01")

	a.register(t, s.honey, 2021, "2021-02-01")
	a.review(t, s.honey, 2021, eligible, "2021-03-01", "")
	s.honeyEval21 = a.evaluate(t, s.honey, 2021, "2021-04-10", byProvince, parts19(32, 20, 28))
	s.honey21 = a.certify(t, s.honey, s.honeyEval21.GetId(), "2021-05-01")
	a.register(t, s.honey, 2023, "2023-09-01")
	a.review(t, s.honey, 2023, eligible, "2023-10-01", "")
	s.honeyEval23 = a.evaluate(t, s.honey, 2023, "2023-12-05", byDistrict, fill23(55))
	s.honey24 = a.certify(t, s.honey, s.honeyEval23.GetId(), "2024-01-15")

	a.register(t, s.sauce, 2024, "2024-03-10")
	a.review(t, s.sauce, 2024, notEligible, "2024-04-15", "Hồ sơ thiếu phiếu kết quả kiểm nghiệm")

	a.register(t, s.herb, 2024, "2024-03-10")
	a.review(t, s.herb, 2024, eligible, "2024-04-10", "")
	s.herbEval1 = a.evaluate(t, s.herb, 2024, "2024-05-15", byDistrict, fill23(52))
	s.herbEval2 = a.evaluate(t, s.herb, 2024, "2024-08-20", byDistrict, fill23(45))

	custard := a.evaluate(t, s.custard, 2022, "2022-05-01", byProvince, parts19(25, 15, 20))
	s.custard22 = a.certify(t, s.custard, custard.GetId(), "2022-06-01")
	a.register(t, s.custard, 2024, "2024-02-01")
	a.review(t, s.custard, 2024, eligible, "2024-03-01", "")
	s.custard22 = a.revoke(t, s.custard, s.custard22.GetId(), "2024-10-01")

	a.register(t, s.broom, 2024, "2024-09-15")
	return s
}
