package compose

import (
	"cmp"
	"slices"
	"strconv"

	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
	"github.com/ntmsuite/ntm/services/report/internal/vn"
)

// ocopSection adds up the OCOP figures of the period's years: the cycle
// year is what the OCOP service counts registrations, scores, new
// certificates and proposals by, so a six-month report counts its year up
// to AsOf. Certificates in force are those of AsOf.
func (in *Inputs) ocopSection() *reportv1.OcopSection {
	first := in.Ocop[0].GetYear()
	b := in.basis("Đăng ký, đánh giá, chứng nhận mới và đề nghị Trung ương đánh giá: cộng theo năm chu kỳ OCOP " +
		yearsText(first, in.lastOcop().GetYear()) + " đến ngày " + vn.Date(in.AsOf.String()) +
		". Sản phẩm được đánh giá nhiều năm được tính ở mỗi năm. Chứng nhận còn hiệu lực: ngày " + vn.Date(in.AsOf.String()) + ".")
	b.From = strconv.Itoa(int(first)) + "-01-01"
	s := &reportv1.OcopSection{Basis: b}
	evaluated, certified := map[int32]int32{}, map[int32]int32{}
	for _, o := range in.Ocop {
		s.Registered += o.GetRegistered()
		s.Eligible += o.GetEligible()
		s.NotEligible += o.GetNotEligible()
		s.ProposedCentral += o.GetProposedCentral()
		for _, t := range o.GetEvaluated() {
			evaluated[t.GetStars()] += t.GetProducts()
		}
		for _, t := range o.GetNewlyCertified() {
			certified[t.GetStars()] += t.GetProducts()
		}
	}
	s.Evaluated, s.CertifiedInPeriod = byStars(evaluated), byStars(certified)
	s.CertifiedInPeriodTotal = int32(starsAtLeast(s.CertifiedInPeriod, minOcopStars))
	s.Certified, s.CertifiedTotal = in.lastOcop().GetCertified(), in.lastOcop().GetCertifiedTotal()
	return s
}

func (in *Inputs) lastOcop() *ocopv1.OcopSummary { return in.Ocop[len(in.Ocop)-1] }

// byStars lists tallies by stars, fewest first.
func byStars(m map[int32]int32) []*ocopv1.StarTally {
	out := make([]*ocopv1.StarTally, 0, len(m))
	for stars, n := range m {
		out = append(out, &ocopv1.StarTally{Stars: stars, Products: n})
	}
	slices.SortFunc(out, func(a, b *ocopv1.StarTally) int { return cmp.Compare(a.GetStars(), b.GetStars()) })
	return out
}

func yearsText(first, last int32) string {
	if first == last {
		return strconv.Itoa(int(first))
	}
	return strconv.Itoa(int(first)) + "-" + strconv.Itoa(int(last))
}
