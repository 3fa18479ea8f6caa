package compose

import (
	"fmt"
	"testing"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
)

// The report says what the seed reports say (../shared/seeds): Thái Nguyên
// in October 2020 with "103 xã đạt 72% (bao gồm cả 4 xã lên phường, thị
// trấn và 02 xã sáp nhập)" of 137 communes, "2 xã đạt chuẩn NTM (đạt 100%
// ... kế hoạch năm 2020)", "không còn xã dưới 10 tiêu chí", "51 sản phẩm
// ... (vượt 26 sản phẩm so với kế hoạch)", "dự ước ... 108 xã đạt 75,5%";
// and "13 xã đăng ký ... 10 xã đạt" of 2019.
func TestTheSeedsFigures(t *testing.T) {
	in := fixture(t, "2020", "2020-10-31")
	// The aggregate counts them over the 137 communes of the day and the 6 former ones.
	setTallies(in, commune, tally(standard, "Xã đạt chuẩn nông thôn mới", 103, 6, 143))
	in.Recognitions = nil
	for i := range 103 {
		on := "2018-12-20"
		if i < 2 {
			on = "2020-09-15"
		}
		r := rec(fmt.Sprintf("%05d", 5000+i), commune, standard, on, "QĐ")
		if i >= 97 { // 4 became wards or townships, 2 merged away
			r = former(r)
		}
		in.Recognitions = append(in.Recognitions, r)
	}
	in.Targets = []*criteriav1.Target{
		target("2020", "COMMUNES_STANDARD_NEW", 2), target("2020", "COMMUNES_STANDARD_TOTAL", 105),
		target("2020", "COMMUNES_STANDARD_PERCENT", 70), target("2020", "MIN_CRITERIA", 10), target("2020", "OCOP_3_STARS_NEW", 25),
	}
	in.Estimates = []*criteriav1.Estimate{estimate(2020, "COMMUNES_STANDARD_TOTAL", 108, "2020-10-31"), estimate(2020, "COMMUNES_STANDARD_PERCENT", 75.5, "2020-10-31")}
	in.Ocop[0].NewlyCertified = []*ocopv1.StarTally{{Stars: 3, Products: 40}, {Stars: 4, Products: 11}}
	r := Compose(in)
	equalLines(t, "communes at the standard", levelLines(r.GetRecognitions().GetCommunes())[:1], []string{
		`STANDARD "Xã đạt chuẩn nông thôn mới": 2 in period, 103 cumulative (6 former) of 143 = 72.03%`,
	})
	equalLines(t, "targets", targetLines(r.GetTargets().GetRows()), []string{
		"COMMUNES_STANDARD_NEW [2020] MET: 2 -> 2 (100%) | 2/2 xã, đạt 100% kế hoạch",
		"COMMUNES_STANDARD_TOTAL [2020] BELOW_PLAN: 105 -> 103 (98.1%) | 103/105 xã, đạt 98,1% kế hoạch, còn thiếu 2 xã | 108 on 2020-10-31: Dự ước 108 xã, vượt kế hoạch (105 xã)",
		"COMMUNES_STANDARD_PERCENT [2020] ABOVE_PLAN: 70 -> 72.03 (102.9%) | 72,03% (kế hoạch 70%), vượt kế hoạch | 75.5 on 2020-10-31: Dự ước 75,5%, vượt kế hoạch (70%)",
		"MIN_CRITERIA [2020] MET: 10 -> 10 (100%) | Không còn xã dưới 10 tiêu chí, đạt kế hoạch",
		"OCOP_3_STARS_NEW [2020] ABOVE_PLAN: 25 -> 51 (204%) | 51/25 sản phẩm, đạt 204% kế hoạch, vượt 26 sản phẩm",
	})

	in = fixture(t, "2019", "2019-12-31")
	in.Recognitions, in.Registrations = nil, nil
	for i := range 13 {
		code := fmt.Sprintf("%05d", 6000+i)
		in.Registrations = append(in.Registrations, registration(code, standard, 2019, "2019-01-20", communeSet))
		if i < 10 {
			in.Recognitions = append(in.Recognitions, rec(code, commune, standard, "2019-12-20", "QĐ"))
		}
	}
	equalLines(t, "registrations of 2019", tallyLines(Compose(in).GetRegistrations().GetByLevel()), []string{
		`COMMUNE STANDARD "Xã đạt chuẩn nông thôn mới": 10/13`,
	})
}
