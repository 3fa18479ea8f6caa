package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/ntmsuite/ntm/platform/grpctest"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
)

// certificates writes a product's certificates: "4★ 2021-05-01..2024-05-01 ended 2024-01-15".
func certificates(p *ocopv1.Product) string {
	var out []string
	for _, c := range p.GetCertificates() {
		s := fmt.Sprintf("%d★ %s..%s", c.GetStars(), c.GetIssuedOn(), c.GetValidUntil())
		if c.GetEndedOn() != "" {
			s += " ended " + c.GetEndedOn()
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

// A certificate holds 36 months from issue; a new one of the product ends
// the one in force (renewal, downgrade, upgrade) and both stay in the
// history; a revocation ends one from its date. GetProduct gives the stars
// in force on each date.
func TestCertificatesOverTime(t *testing.T) {
	e := newEnv(t)
	a := e.api
	s := tell(t, a)

	if c := s.tea20; c.GetStars() != 4 || c.GetValidUntil() != "2023-06-01" || c.GetEndedOn() != "" ||
		c.GetEvaluationId() != s.teaEval20.GetId() || c.GetDecisionNumber() != "QĐ 2020-06-01" || c.GetName() != fmt.Sprintf("products/%d/certificates/%d", s.tea, c.GetId()) {
		t.Errorf("tea's 2020 certificate %v", c)
	}
	if c := s.custard22; c.GetStars() != 3 || c.GetValidUntil() != "2025-06-01" || c.GetEndedOn() != "2024-10-01" {
		t.Errorf("revoked certificate %v", c)
	}
	for _, tc := range []struct {
		product int64
		history string
		stars   map[string]int32 // as of -> stars in force
	}{
		{s.tea, "4★ 2020-06-01..2023-06-01, 4★ 2024-06-15..2027-06-15", map[string]int32{
			"2020-05-31": 0, "2020-06-01": 4, "2023-05-31": 4, "2023-06-01": 0, "2024-06-14": 0, "2024-06-15": 4, "2027-06-14": 4, "2027-06-15": 0}},
		// Downgraded on re-evaluation: the 4★ ends the day the 3★ is issued.
		{s.honey, "4★ 2021-05-01..2024-05-01 ended 2024-01-15, 3★ 2024-01-15..2027-01-15", map[string]int32{
			"2021-04-30": 0, "2021-05-01": 4, "2024-01-14": 4, "2024-01-15": 3, "2024-05-01": 3, "2027-01-14": 3, "2027-01-15": 0}},
		{s.custard, "3★ 2022-06-01..2025-06-01 ended 2024-10-01", map[string]int32{
			"2022-06-01": 3, "2024-09-30": 3, "2024-10-01": 0, "2025-05-31": 0}},
		{s.herb, "", map[string]int32{"2024-12-31": 0}},
	} {
		for asOf, want := range tc.stars {
			p := a.get(t, tc.product, asOf)
			if got := certificates(p); got != tc.history {
				t.Errorf("product %d as of %s: certificates %s, want %s", tc.product, asOf, got, tc.history)
			}
			if p.GetCertifiedStars() != want {
				t.Errorf("product %d as of %s: %d stars, want %d", tc.product, asOf, p.GetCertifiedStars(), want)
			}
		}
	}
	honey := a.get(t, s.honey, "2024-12-31")
	if honey.GetUnitCode() != "103" || honey.GetProducerId() != s.p2 || len(honey.GetEvaluations()) != 2 || len(honey.GetRegistrations()) != 2 ||
		honey.GetRegistrations()[0].GetYear() != 2021 || honey.GetRegistrations()[1].GetEligibility() != eligible {
		t.Errorf("honey %v", honey)
	}

	// A renewal with the same stars before expiry, then an upgrade under QĐ 1489.
	ctx := context.Background()
	renewal := a.evaluate(t, s.noodles, 2025, "2025-03-01", byDistrict, fill23(62))
	a.certify(t, s.noodles, renewal.GetId(), "2025-04-01")
	upgrade := a.evaluate(t, s.noodles, 2025, "2025-08-01", byProvince, fill23(72))
	a.certify(t, s.noodles, upgrade.GetId(), "2025-09-01")
	noodles := a.get(t, s.noodles, "2025-08-31")
	want := "3★ 2024-06-01..2027-06-01 ended 2025-04-01, 3★ 2025-04-01..2028-04-01 ended 2025-09-01, 4★ 2025-09-01..2028-09-01"
	if got := certificates(noodles); got != want || noodles.GetCertifiedStars() != 3 {
		t.Errorf("noodles: %s, %d stars on 2025-08-31; want %s, 3", got, noodles.GetCertifiedStars(), want)
	}
	if got := a.get(t, s.noodles, "2025-09-01").GetCertifiedStars(); got != 4 {
		t.Errorf("noodles on 2025-09-01: %d stars, want 4", got)
	}

	// An evaluation is certified once (a second certificate would stretch
	// its 36 months without a new evaluation), and nothing changes.
	for _, tc := range []struct {
		evaluation *ocopv1.Evaluation
		on         string
	}{{upgrade, "2025-09-01"}, {renewal, "2025-06-01"}} {
		_, err := a.CreateCertificate(ctx, &ocopv1.CreateCertificateRequest{ProductId: s.noodles, Certificate: &ocopv1.Certificate{
			EvaluationId: tc.evaluation.GetId(), DecisionNumber: "2/QĐ-UBND", IssuedOn: tc.on}})
		grpctest.WantViolations(t, err, "certificate.evaluation_id")
	}
	if got := certificates(a.get(t, s.noodles, "")); got != want {
		t.Errorf("after refused certificates: %s, want %s", got, want)
	}

	// Revocation: only a certificate that has not ended, from a day it holds.
	latest := a.get(t, s.noodles, "").GetCertificates()[2]
	superseded := a.get(t, s.noodles, "").GetCertificates()[0]
	for _, tc := range []struct {
		product, id int64
		on          string
		code        codes.Code
		reason      string
	}{
		{s.noodles, superseded.GetId(), "2025-01-01", codes.FailedPrecondition, "CERTIFICATE_ENDED"},
		{s.custard, s.custard22.GetId(), "2024-12-01", codes.FailedPrecondition, "CERTIFICATE_ENDED"},
		{s.noodles, latest.GetId(), "2025-08-31", codes.FailedPrecondition, "REVOCATION_OUTSIDE_VALIDITY"},
		{s.tea, latest.GetId(), "2025-10-01", codes.NotFound, ""}, // another product's certificate
		{s.noodles, 999, "2025-10-01", codes.NotFound, ""},
	} {
		_, err := a.RevokeCertificate(ctx, &ocopv1.RevokeCertificateRequest{ProductId: tc.product, Id: tc.id, RevokedOn: tc.on, DecisionNumber: "9/QĐ-UBND"})
		if tc.code == codes.FailedPrecondition {
			grpctest.WantPrecondition(t, err, tc.reason, fmt.Sprintf("products/%d/certificates/%d", tc.product, tc.id))
		} else {
			grpctest.WantCode(t, err, tc.code)
		}
	}
	// A day that does not exist, and a day not yet come (a decision takes effect once made).
	for _, on := range []string{"2025-02-30", "2028-09-01"} {
		_, err := a.RevokeCertificate(ctx, &ocopv1.RevokeCertificateRequest{ProductId: s.noodles, Id: latest.GetId(), RevokedOn: on, DecisionNumber: "9/QĐ-UBND"})
		grpctest.WantViolations(t, err, "revoked_on")
	}
	if got := certificates(a.get(t, s.noodles, "")); got != want {
		t.Errorf("after refused revocations: %s, want %s", got, want)
	}
	revoked := a.revoke(t, s.noodles, latest.GetId(), "2026-01-01")
	if revoked.GetEndedOn() != "2026-01-01" || revoked.GetStars() != 4 || revoked.GetValidUntil() != "2028-09-01" {
		t.Errorf("revoked %v", revoked)
	}
	for asOf, want := range map[string]int32{"2025-12-31": 4, "2026-01-01": 0} {
		if got := a.get(t, s.noodles, asOf).GetCertifiedStars(); got != want {
			t.Errorf("noodles as of %s: %d stars, want %d", asOf, got, want)
		}
	}
}

// Validity ends on the same day of the month 36 months on, or the first of
// the next month when that day does not exist.
func TestCertificateValidity(t *testing.T) {
	e := newEnv(t)
	a := e.api
	producer := a.producer(t, "HTX Chè La Hiên", ocopv1.ProducerKind_COOPERATIVE, "100", "2019-03-01")
	for _, tc := range []struct{ evaluated, issued, until string }{
		{"2020-02-01", "2020-02-29", "2023-03-01"},
		{"2022-12-01", "2022-12-31", "2025-12-31"},
		{"2024-02-01", "2024-02-29", "2027-03-01"},
		{"2025-08-01", "2025-08-31", "2028-08-31"},
	} {
		product := a.product(t, producer, "Sản phẩm "+tc.issued, "FOOD")
		scores := fill23(80)
		if tc.evaluated < "2023-02-24" {
			scores = parts19(30, 20, 30)
		}
		ev := a.evaluate(t, product, int32(mustYear(t, tc.evaluated)), tc.evaluated, byProvince, scores)
		if c := a.certify(t, product, ev.GetId(), tc.issued); c.GetValidUntil() != tc.until {
			t.Errorf("issued %s: valid until %s, want %s", tc.issued, c.GetValidUntil(), tc.until)
		}
	}
}

// A registration starts pending; its review is recorded with its date, and a
// second review (a dossier sent back, then completed) replaces the first.
func TestRegistrationsAndReviews(t *testing.T) {
	e := newEnv(t)
	a := e.api
	ctx := context.Background()
	producer := a.producer(t, "HTX Chè La Hiên", ocopv1.ProducerKind_COOPERATIVE, "100", "2019-03-01")
	tea := a.product(t, producer, "Chè xanh La Hiên", "BEVERAGE")
	r, err := a.CreateRegistration(ctx, &ocopv1.CreateRegistrationRequest{ProductId: tea, Registration: &ocopv1.Registration{Year: 2024, RegisteredOn: "2024-03-01"}})
	if err != nil || r.GetEligibility() != ocopv1.Eligibility_PENDING || r.GetYear() != 2024 || r.GetRegisteredOn() != "2024-03-01" || r.GetReviewedOn() != "" {
		t.Fatalf("registration %v, %v", r, err)
	}
	r, err = a.ReviewRegistration(ctx, &ocopv1.ReviewRegistrationRequest{ProductId: tea, Year: 2024, Eligibility: notEligible, Reason: "Thiếu phiếu kiểm nghiệm", ReviewedOn: "2024-04-01"})
	if err != nil || r.GetEligibility() != notEligible || r.GetReason() != "Thiếu phiếu kiểm nghiệm" || r.GetReviewedOn() != "2024-04-01" {
		t.Fatalf("review %v, %v", r, err)
	}
	wantFigures(t, "not eligible", a.figuresAt(t, "100", "2024-04-15", 0, 0), figures{producers: 1, products: 1, registered: 1, notEligible: 1, groups: "BEVERAGE 1/1/0"})
	// The second review names the one it replaces (see TestReviewsNameTheReviewTheyReplace).
	if _, err := a.ReviewRegistration(ctx, &ocopv1.ReviewRegistrationRequest{ProductId: tea, Year: 2024, Eligibility: eligible,
		ReviewedOn: "2024-05-01", Etag: r.GetEtag()}); err != nil {
		t.Fatalf("second review: %v", err)
	}
	got := a.get(t, tea, "").GetRegistrations()
	if len(got) != 1 || got[0].GetEligibility() != eligible || got[0].GetReason() != "" || got[0].GetReviewedOn() != "2024-05-01" {
		t.Fatalf("registrations %v", got)
	}
	wantFigures(t, "eligible", a.figuresAt(t, "100", "2024-05-01", 0, 0), figures{producers: 1, products: 1, registered: 1, eligible: 1, groups: "BEVERAGE 1/1/0"})
	// Only the last review is kept: before its date the registration reads as pending.
	wantFigures(t, "before the last review", a.figuresAt(t, "100", "2024-04-15", 0, 0), figures{producers: 1, products: 1, registered: 1, groups: "BEVERAGE 1/1/0"})
}
