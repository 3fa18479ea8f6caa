package compose

import (
	"fmt"
	"testing"

	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
)

func starLines(ts []*ocopv1.StarTally) string {
	s := ""
	for _, t := range ts {
		s += fmt.Sprintf(" %d★:%d", t.GetStars(), t.GetProducts())
	}
	return s
}

// A phase adds up its years' registrations, scores, new certificates and
// proposals; certificates in force are the last day's.
func TestOcopSumsThePeriodsYears(t *testing.T) {
	in := fixture(t, "2019-2020", "2020-12-31")
	in.Ocop = []*ocopv1.OcopSummary{
		{Year: 2019, Registered: 7, Eligible: 5, NotEligible: 2, ProposedCentral: 2,
			Evaluated:      []*ocopv1.StarTally{{Stars: 3, Products: 4}, {Stars: 5, Products: 1}},
			NewlyCertified: []*ocopv1.StarTally{{Stars: 3, Products: 4}},
			Certified:      []*ocopv1.StarTally{{Stars: 3, Products: 6}}, CertifiedTotal: 6},
		in.Ocop[0],
	}
	s := Compose(in).GetOcop()
	got := fmt.Sprintf("registered %d eligible %d not %d proposed %d | evaluated%s | new%s = %d | in force%s = %d",
		s.GetRegistered(), s.GetEligible(), s.GetNotEligible(), s.GetProposedCentral(), starLines(s.GetEvaluated()),
		starLines(s.GetCertifiedInPeriod()), s.GetCertifiedInPeriodTotal(), starLines(s.GetCertified()), s.GetCertifiedTotal())
	want := "registered 19 eligible 14 not 5 proposed 3 | evaluated 2★:1 3★:9 4★:2 5★:1 | new 3★:8 4★:2 = 10 | in force 3★:10 4★:3 5★:1 = 14"
	if got != want {
		t.Errorf("OCOP of 2019-2020:\ngot  %s\nwant %s", got, want)
	}
	if b := s.GetBasis(); b.GetFrom() != "2019-01-01" || b.GetAsOf() != "2020-12-31" {
		t.Errorf("basis = %v", b)
	}
	// A second half counts its cycle year from January, and says so.
	if b := Compose(fixture(t, "2020-H2", "2020-12-31")).GetOcop().GetBasis(); b.GetFrom() != "2020-01-01" {
		t.Errorf("second half basis from %s, want the cycle year's first day", b.GetFrom())
	}
}

// The criteria and funding sections carry the services' answers as they
// came, with their basis.
func TestCriteriaAndFundingAsAnswered(t *testing.T) {
	in := fixture(t, "2020", "2020-12-31")
	r := Compose(in)
	if r.GetCriteria().GetAggregate() != in.Aggregate || r.GetFunding().GetSummary() != in.Funding {
		t.Error("the aggregate or the funding summary is not the services' answer")
	}
}
