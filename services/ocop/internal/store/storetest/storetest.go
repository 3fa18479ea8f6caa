// Package storetest is the conformance suite every OCOP store backend passes:
// SQLite and PostgreSQL run the same cases, so dialect differences in dates,
// text, window functions, constraints and transactions show up here rather
// than in production.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/etag"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
)

// Run runs the suite; open returns an empty store of its own for each case.
func Run(t *testing.T, open func(t *testing.T) *store.Store) {
	cases := []struct {
		name string
		fn   func(*testing.T, *store.Store)
	}{
		{"RoundTripsVietnameseText", testRoundTrip},
		{"MissingRowsAndReferences", testMissing},
		{"RegistrationOnePerYear", testRegistrationUnique},
		{"ConcurrentRegistrationsOneWins", testConcurrentRegistrations},
		{"ConstraintsRefuseBadRows", testConstraints},
		{"CertificateSupersessionAndHistory", testSupersession},
		{"CertificatesInDateOrder", testCertificateOrder},
		{"FailedCertificateLeavesPreviousInForce", testCertificateAtomic},
		{"RevocationWithinValidity", testRevocation},
		{"ConcurrentRevocationsOneWins", testConcurrentRevocations},
		{"ReviewsReplaceOnlyTheCurrentReview", testReviewEtags},
		{"ConcurrentReviewsWithOneEtagOneWins", testConcurrentReviewEtags},
		{"RevocationWithAStaleEtag", testRevocationEtags},
		{"ConcurrentRevocationsWithOneEtagOneWins", testConcurrentRevocationEtags},
		{"ConcurrentCertificatesNeverOverlap", testConcurrentCertificates},
		{"InForceAndExpiryBoundaries", testBoundaries},
		{"SummaryFactsFixture", testSummaryFixture},
		{"ProposedToTheCentralCouncil", testProposedCentral},
		{"ListingAsOfAndPagination", testListing},
		{"ManyUnitsAcrossChunks", testManyUnits},
		{"ListedProductsShowTheirStarsOnTheDate", testListedStars},
		{"BatchesWriteAllOrNone", testBatches},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t, open(t))
		})
	}
}

var d = date.MustParse

func newProducer(t *testing.T, s *store.Store, name, kind, unit, registeredOn string) store.Producer {
	t.Helper()
	p, err := s.CreateProducer(context.Background(), store.Producer{Name: name, Kind: kind, UnitCode: unit, RegisteredOn: d(registeredOn)})
	if err != nil {
		t.Fatalf("CreateProducer(%s): %v", name, err)
	}
	return p
}

func newProduct(t *testing.T, s *store.Store, producer store.Producer, name, group string) store.Product {
	t.Helper()
	p, err := s.CreateProduct(context.Background(), store.Product{Name: name, ProducerID: producer.ID, ProductGroup: group})
	if err != nil {
		t.Fatalf("CreateProduct(%s): %v", name, err)
	}
	return p
}

func register(t *testing.T, s *store.Store, product store.Product, year int, on string) {
	t.Helper()
	if _, err := s.CreateRegistration(context.Background(), store.Registration{ProductID: product.ID, Year: year, RegisteredOn: d(on)}); err != nil {
		t.Fatalf("CreateRegistration(%d, %d): %v", product.ID, year, err)
	}
}

// review is the first review of a registration.
func review(t *testing.T, s *store.Store, product store.Product, year int, eligibility, on string) store.Registration {
	t.Helper()
	r, err := s.ReviewRegistration(context.Background(), product.ID, year, eligibility, "", d(on), "")
	if err != nil {
		t.Fatalf("ReviewRegistration(%d, %d): %v", product.ID, year, err)
	}
	return r
}

// evaluate records a sheet whose total lies in the band of stars.
func evaluate(t *testing.T, s *store.Store, product store.Product, year int, on string, stars int) store.Evaluation {
	t.Helper()
	return evaluateBy(t, s, product, year, on, "PROVINCE", stars)
}

// evaluateBy is evaluate by the council of level.
func evaluateBy(t *testing.T, s *store.Store, product store.Product, year int, on, level string, stars int) store.Evaluation {
	t.Helper()
	total := float64(20*stars - 5)
	e, err := s.CreateEvaluation(context.Background(), store.Evaluation{ProductID: product.ID, Year: year, EvaluatedOn: d(on),
		CouncilLevel: level, Catalog: "OCOP_148_2023", Total: total, Stars: stars,
		Scores: []store.LineScore{{Code: "A1", Points: total}},
		Parts:  []store.PartTotal{{Part: "A", Points: total, Max: 100}}})
	if err != nil {
		t.Fatalf("CreateEvaluation(%d, %s): %v", product.ID, on, err)
	}
	return e
}

func certify(t *testing.T, s *store.Store, e store.Evaluation, issued, validUntil string) store.Certificate {
	t.Helper()
	c, err := s.CreateCertificate(context.Background(), certificate(e, issued, validUntil))
	if err != nil {
		t.Fatalf("CreateCertificate(%d, %s): %v", e.ProductID, issued, err)
	}
	return c
}

func certificate(e store.Evaluation, issued, validUntil string) store.Certificate {
	return store.Certificate{ProductID: e.ProductID, EvaluationID: e.ID, DecisionNumber: "QĐ " + issued,
		IssuedOn: d(issued), Stars: e.Stars, ValidUntil: d(validUntil)}
}

func revoke(t *testing.T, s *store.Store, c store.Certificate, on string) store.Certificate {
	t.Helper()
	r, err := s.RevokeCertificate(context.Background(), c.ProductID, c.ID, d(on), "Thu hồi "+on, "")
	if err != nil {
		t.Fatalf("RevokeCertificate(%d, %s): %v", c.ID, on, err)
	}
	return r
}

func history(t *testing.T, s *store.Store, productID int64) store.History {
	t.Helper()
	h, err := s.History(context.Background(), productID)
	if err != nil {
		t.Fatalf("History(%d): %v", productID, err)
	}
	return h
}

// wantFault fails t unless err is a fault of kind.
func wantFault(t *testing.T, what string, err error, kind fault.Kind) *fault.Error {
	t.Helper()
	f, ok := fault.As(err)
	if !ok || f.Kind != kind {
		t.Errorf("%s: err = %v, want a fault of kind %d", what, err, kind)
		return &fault.Error{}
	}
	return f
}

func ends(cs []store.Certificate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = fmt.Sprintf("%s..%s end %s %s", c.IssuedOn, c.ValidUntil, c.EndedOn, c.EndReason)
	}
	return out
}

// recent checks a database-set creation time.
func recent(t *testing.T, what string, at time.Time) {
	t.Helper()
	if at.Location() != time.UTC || time.Since(at) > time.Minute || time.Until(at) > time.Minute {
		t.Errorf("%s CreatedAt = %v, want a UTC time of now", what, at)
	}
}

func testRoundTrip(t *testing.T, s *store.Store) {
	ctx := context.Background()
	in := store.Producer{Name: "Hợp tác xã Chè Tân Cương Hoàng Bình", Kind: "COOPERATIVE", UnitCode: "05611",
		RegisteredOn: d("2019-05-20"), RegistrationNumber: "1707-HTX/ĐKKD"}
	p, err := s.CreateProducer(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	recent(t, "producer", p.CreatedAt)
	in.ID, in.CreatedAt = p.ID, p.CreatedAt
	if p != in {
		t.Errorf("CreateProducer = %+v, want %+v", p, in)
	}
	if got, err := s.GetProducer(ctx, p.ID); err != nil || !got.CreatedAt.Equal(p.CreatedAt) || got.Name != in.Name || got.RegisteredOn != in.RegisteredOn || got.RegistrationNumber != in.RegistrationNumber {
		t.Errorf("GetProducer = %+v, %v; want %+v", got, err, p)
	}

	// UnitCode is the producer's whatever the caller says.
	prod, err := s.CreateProduct(ctx, store.Product{Name: "Chè búp Tân Cương – đặc sản Thái Nguyên", ProducerID: p.ID, ProductGroup: "FOOD", UnitCode: "99999"})
	if err != nil {
		t.Fatal(err)
	}
	recent(t, "product", prod.CreatedAt)
	want := store.Product{ID: prod.ID, Name: "Chè búp Tân Cương – đặc sản Thái Nguyên", ProducerID: p.ID, ProductGroup: "FOOD", UnitCode: "05611", CreatedAt: prod.CreatedAt}
	if prod != want {
		t.Errorf("CreateProduct = %+v, want %+v", prod, want)
	}
	got, err := s.GetProduct(ctx, prod.ID)
	if got.CreatedAt.Equal(want.CreatedAt) {
		got.CreatedAt = want.CreatedAt
	}
	if err != nil || got != want {
		t.Errorf("GetProduct = %+v, %v; want %+v", got, err, want)
	}

	reg, err := s.CreateRegistration(ctx, store.Registration{ProductID: prod.ID, Year: 2024, RegisteredOn: d("2024-02-29")})
	if err != nil || reg.Eligibility != store.Pending {
		t.Fatalf("CreateRegistration = %+v, %v; want a pending registration", reg, err)
	}
	reviewed, err := s.ReviewRegistration(ctx, prod.ID, 2024, store.NotEligible, "Thiếu giấy chứng nhận an toàn thực phẩm; hồ sơ bổ sung trước 15/4", d("2024-03-20"), "")
	wantReg := store.Registration{ProductID: prod.ID, Year: 2024, RegisteredOn: d("2024-02-29"), Eligibility: store.NotEligible,
		Reason: "Thiếu giấy chứng nhận an toàn thực phẩm; hồ sơ bổ sung trước 15/4", ReviewedOn: d("2024-03-20"), Version: 2}
	if err != nil || reviewed != wantReg {
		t.Errorf("ReviewRegistration = %+v, %v; want %+v", reviewed, err, wantReg)
	}

	sheet := store.Evaluation{ProductID: prod.ID, Year: 2024, EvaluatedOn: d("2024-06-15"), CouncilLevel: "PROVINCE", Catalog: "OCOP_148_2023",
		Scores: []store.LineScore{{Code: "A1.1", Points: 3}, {Code: "A2", Points: 0}, {Code: "C3.2", Points: 4.5}},
		Parts:  []store.PartTotal{{Part: "A", Points: 31.25, Max: 40}, {Part: "B", Points: 18, Max: 25}, {Part: "C", Points: 23, Max: 35}},
		Total:  72.25, Stars: 4, Note: "Hội đồng cấp tỉnh chấm ngày 15/6; đề nghị bổ sung nhãn tiếng Việt"}
	e, err := s.CreateEvaluation(ctx, sheet)
	if err != nil {
		t.Fatal(err)
	}
	recent(t, "evaluation", e.CreatedAt)
	sheet.ID, sheet.CreatedAt = e.ID, e.CreatedAt
	if !reflect.DeepEqual(e, sheet) {
		t.Errorf("CreateEvaluation = %+v, want %+v", e, sheet)
	}
	bare, err := s.CreateEvaluation(ctx, store.Evaluation{ProductID: prod.ID, Year: 2024, EvaluatedOn: d("2024-06-15"),
		CouncilLevel: "DISTRICT", Catalog: "OCOP_148_2023", Scores: []store.LineScore{}, Total: 0, Stars: 1})
	if err != nil || bare.Scores != nil || bare.Parts != nil {
		t.Fatalf("CreateEvaluation without lines = %+v, %v; want nil lists", bare, err)
	}

	cert, err := s.CreateCertificate(ctx, store.Certificate{ProductID: prod.ID, EvaluationID: e.ID, DecisionNumber: "1234/QĐ-UBND",
		IssuedOn: d("2024-07-01"), Stars: 4, ValidUntil: d("2027-07-01"),
		EndedOn: d("2025-01-01"), EndReason: "bogus", RevocationDecision: "bogus"})
	if err != nil {
		t.Fatal(err)
	}
	recent(t, "certificate", cert.CreatedAt)
	wantCert := store.Certificate{ID: cert.ID, ProductID: prod.ID, EvaluationID: e.ID, DecisionNumber: "1234/QĐ-UBND",
		IssuedOn: d("2024-07-01"), Stars: 4, ValidUntil: d("2027-07-01"), CreatedAt: cert.CreatedAt, Version: 1}
	if cert != wantCert {
		t.Errorf("CreateCertificate = %+v, want %+v (a new certificate has not ended)", cert, wantCert)
	}

	h := history(t, s, prod.ID)
	// Times are compared as instants, the rest as values.
	if created := []time.Time{e.CreatedAt, bare.CreatedAt}; len(h.Evaluations) == len(created) {
		for i := range h.Evaluations {
			if h.Evaluations[i].CreatedAt.Equal(created[i]) {
				h.Evaluations[i].CreatedAt = created[i]
			}
		}
	}
	if len(h.Certificates) == 1 && h.Certificates[0].CreatedAt.Equal(cert.CreatedAt) {
		h.Certificates[0].CreatedAt = cert.CreatedAt
	}
	wantHistory := store.History{Registrations: []store.Registration{wantReg}, Evaluations: []store.Evaluation{sheet, bare}, Certificates: []store.Certificate{wantCert}}
	if !reflect.DeepEqual(h, wantHistory) {
		t.Errorf("History =\n%+v\nwant\n%+v", h, wantHistory)
	}
	if h := history(t, s, newProduct(t, s, p, "Sản phẩm mới", "FOOD").ID); h.Registrations != nil || h.Evaluations != nil || h.Certificates != nil {
		t.Errorf("History of a new product = %+v, want empty", h)
	}
}

func testMissing(t *testing.T, s *store.Store) {
	ctx := context.Background()
	p := newProducer(t, s, "Hộ kinh doanh Lò Văn Páo", "HOUSEHOLD_BUSINESS", "100", "2020-01-01")
	prod := newProduct(t, s, p, "Mật ong bạc hà", "FOOD")
	other := newProduct(t, s, p, "Rượu ngô men lá", "BEVERAGE")
	e := evaluate(t, s, prod, 2020, "2020-06-01", 3)

	if _, err := s.GetProducer(ctx, p.ID+100); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetProducer(missing) err = %v, want ErrNotFound", err)
	}
	if _, err := s.GetProduct(ctx, other.ID+100); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetProduct(missing) err = %v, want ErrNotFound", err)
	}
	if _, err := s.History(ctx, other.ID+100); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("History(missing) err = %v, want ErrNotFound", err)
	}
	if _, err := s.ReviewRegistration(ctx, prod.ID, 2020, store.Eligible, "", d("2020-03-01"), ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ReviewRegistration(unregistered year) err = %v, want ErrNotFound", err)
	}
	_, err := s.CreateProduct(ctx, store.Product{Name: "Mồ côi", ProducerID: p.ID + 100, ProductGroup: "FOOD"})
	if f := wantFault(t, "CreateProduct(missing producer)", err, fault.KindInvalid); len(f.Violations) != 1 || f.Violations[0].Field != "product.producer_id" {
		t.Errorf("CreateProduct(missing producer) violations = %+v, want product.producer_id", f.Violations)
	}
	missing := other.ID + 100
	_, err = s.CreateRegistration(ctx, store.Registration{ProductID: missing, Year: 2020, RegisteredOn: d("2020-01-01")})
	if f := wantFault(t, "CreateRegistration(missing product)", err, fault.KindNotFound); f.ResourceName != fmt.Sprintf("products/%d", missing) {
		t.Errorf("CreateRegistration(missing product) names %q", f.ResourceName)
	}
	_, err = s.CreateEvaluation(ctx, store.Evaluation{ProductID: missing, Year: 2020, EvaluatedOn: d("2020-06-01"), CouncilLevel: "PROVINCE", Catalog: "x", Stars: 3, Total: 55})
	wantFault(t, "CreateEvaluation(missing product)", err, fault.KindNotFound)
	_, err = s.CreateCertificate(ctx, store.Certificate{ProductID: missing, EvaluationID: e.ID, DecisionNumber: "1", IssuedOn: d("2020-07-01"), Stars: 3, ValidUntil: d("2023-07-01")})
	wantFault(t, "CreateCertificate(missing product)", err, fault.KindNotFound)
	// The evaluation of another product, and one that does not exist.
	for _, id := range []int64{e.ID, e.ID + 100} {
		_, err = s.CreateCertificate(ctx, store.Certificate{ProductID: other.ID, EvaluationID: id, DecisionNumber: "1", IssuedOn: d("2020-07-01"), Stars: 3, ValidUntil: d("2023-07-01")})
		if f := wantFault(t, "CreateCertificate(foreign evaluation)", err, fault.KindInvalid); len(f.Violations) != 1 || f.Violations[0].Field != "certificate.evaluation_id" {
			t.Errorf("CreateCertificate(evaluation %d of another product) violations = %+v", id, f.Violations)
		}
	}
	c := certify(t, s, e, "2020-07-01", "2023-07-01")
	_, err = s.RevokeCertificate(ctx, other.ID, c.ID, d("2021-01-01"), "x", "")
	wantFault(t, "RevokeCertificate under another product", err, fault.KindNotFound)
	_, err = s.RevokeCertificate(ctx, prod.ID, c.ID+100, d("2021-01-01"), "x", "")
	wantFault(t, "RevokeCertificate(missing)", err, fault.KindNotFound)
	if h := history(t, s, other.ID); len(h.Certificates) != 0 {
		t.Errorf("refused certificates were written: %+v", h.Certificates)
	}
}

func testRegistrationUnique(t *testing.T, s *store.Store) {
	ctx := context.Background()
	p := newProducer(t, s, "Công ty TNHH Miến dong Bình Liêu", "ENTERPRISE", "100", "2020-01-01")
	prod := newProduct(t, s, p, "Miến dong", "FOOD")
	register(t, s, prod, 2023, "2023-02-01")
	_, err := s.CreateRegistration(ctx, store.Registration{ProductID: prod.ID, Year: 2023, RegisteredOn: d("2023-05-01")})
	if f := wantFault(t, "second registration for 2023", err, fault.KindAlreadyExists); f.ResourceName != fmt.Sprintf("products/%d/registrations/2023", prod.ID) {
		t.Errorf("AlreadyExists names %q", f.ResourceName)
	}
	register(t, s, prod, 2024, "2024-02-01")
	// Another product may register for the same year.
	register(t, s, newProduct(t, s, p, "Bánh đa", "FOOD"), 2023, "2023-02-01")

	first := review(t, s, prod, 2023, store.NotEligible, "2023-03-01")
	r, err := s.ReviewRegistration(ctx, prod.ID, 2023, store.Eligible, "Đã bổ sung hồ sơ", d("2023-04-10"), etag.Of(first.Version))
	want := store.Registration{ProductID: prod.ID, Year: 2023, RegisteredOn: d("2023-02-01"), Eligibility: store.Eligible, Reason: "Đã bổ sung hồ sơ",
		ReviewedOn: d("2023-04-10"), Version: 3}
	if err != nil || r != want {
		t.Errorf("second review = %+v, %v; want %+v (last review wins)", r, err, want)
	}
	h := history(t, s, prod.ID)
	want2024 := store.Registration{ProductID: prod.ID, Year: 2024, RegisteredOn: d("2024-02-01"), Eligibility: store.Pending, Version: 1}
	if !slices.Equal(h.Registrations, []store.Registration{want, want2024}) {
		t.Errorf("registrations = %+v, want %+v", h.Registrations, []store.Registration{want, want2024})
	}
	// A reviewed registration can be imported whole.
	imported := store.Registration{ProductID: prod.ID, Year: 2022, RegisteredOn: d("2022-02-01"), Eligibility: store.Eligible, ReviewedOn: d("2022-03-01"), Version: 1}
	if r, err := s.CreateRegistration(ctx, imported); err != nil || r != imported {
		t.Errorf("CreateRegistration(reviewed) = %+v, %v", r, err)
	}
}

func testConcurrentRegistrations(t *testing.T, s *store.Store) {
	p := newProducer(t, s, "HTX Nông nghiệp Đồng Hỷ", "COOPERATIVE", "100", "2020-01-01")
	const n = 6
	for round := range raceRounds {
		prod := newProduct(t, s, p, fmt.Sprintf("Na Đồng Hỷ %d", round), "FOOD")
		errs := make([]error, n)
		race(n, func(i int) {
			_, errs[i] = s.CreateRegistration(context.Background(),
				store.Registration{ProductID: prod.ID, Year: 2024, RegisteredOn: d(fmt.Sprintf("2024-03-%02d", i+1))})
		})
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
				continue
			}
			wantFault(t, "losing registration", err, fault.KindAlreadyExists)
		}
		if h := history(t, s, prod.ID); wins != 1 || len(h.Registrations) != 1 {
			t.Fatalf("round %d: %d registrations won and %d recorded; want 1 and 1", round, wins, len(h.Registrations))
		}
	}
}

func testConstraints(t *testing.T, s *store.Store) {
	ctx := context.Background()
	p := newProducer(t, s, "Tổ hợp tác Chè Khe Cốc", "COOPERATIVE_GROUP", "100", "2020-01-01")
	prod := newProduct(t, s, p, "Chè Khe Cốc", "FOOD")
	register(t, s, prod, 2024, "2024-01-10")
	good := store.Evaluation{ProductID: prod.ID, Year: 2024, EvaluatedOn: d("2024-05-01"), CouncilLevel: "PROVINCE", Catalog: "OCOP_148_2023",
		Scores: []store.LineScore{{Code: "A1", Points: 2}}, Parts: []store.PartTotal{{Part: "A", Points: 2, Max: 40}}, Total: 55, Stars: 3}
	for name, mutate := range map[string]func(*store.Evaluation){
		"0 stars":            func(e *store.Evaluation) { e.Stars = 0 },
		"6 stars":            func(e *store.Evaluation) { e.Stars = 6 },
		"negative total":     func(e *store.Evaluation) { e.Total = -1 },
		"negative line":      func(e *store.Evaluation) { e.Scores[0].Points = -0.5 },
		"negative part":      func(e *store.Evaluation) { e.Parts[0].Points = -2 },
		"unknown council":    func(e *store.Evaluation) { e.CouncilLevel = "VILLAGE" },
		"no catalog":         func(e *store.Evaluation) { e.Catalog = "" },
		"no evaluation date": func(e *store.Evaluation) { e.EvaluatedOn = date.Date{} },
	} {
		e := good
		e.Scores, e.Parts = slices.Clone(good.Scores), slices.Clone(good.Parts)
		mutate(&e)
		if got, err := s.CreateEvaluation(ctx, e); err == nil {
			t.Errorf("CreateEvaluation with %s succeeded: %+v", name, got)
		}
	}
	if _, err := s.CreateProducer(ctx, store.Producer{Name: "X", Kind: "FARMER", UnitCode: "100", RegisteredOn: d("2020-01-01")}); err == nil {
		t.Error("CreateProducer with an unknown kind succeeded")
	}
	if _, err := s.CreateProducer(ctx, store.Producer{Name: "X", Kind: "ENTERPRISE", UnitCode: "", RegisteredOn: d("2020-01-01")}); err == nil {
		t.Error("CreateProducer without a unit succeeded")
	}
	for name, r := range map[string]struct {
		eligibility string
		on          date.Date
	}{
		"unknown eligibility":       {"MAYBE", d("2024-02-01")},
		"pending with a date":       {store.Pending, d("2024-02-01")},
		"eligible without any date": {store.Eligible, date.Date{}},
	} {
		if got, err := s.ReviewRegistration(ctx, prod.ID, 2024, r.eligibility, "", r.on, ""); err == nil {
			t.Errorf("ReviewRegistration with %s succeeded: %+v", name, got)
		}
	}
	e, err := s.CreateEvaluation(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]store.Certificate{
		"2 stars":           {Stars: 2, DecisionNumber: "1", IssuedOn: d("2024-06-01"), ValidUntil: d("2027-06-01")},
		"6 stars":           {Stars: 6, DecisionNumber: "1", IssuedOn: d("2024-06-01"), ValidUntil: d("2027-06-01")},
		"no decision":       {Stars: 3, DecisionNumber: "", IssuedOn: d("2024-06-01"), ValidUntil: d("2027-06-01")},
		"empty validity":    {Stars: 3, DecisionNumber: "1", IssuedOn: d("2024-06-01"), ValidUntil: d("2024-06-01")},
		"no validity limit": {Stars: 3, DecisionNumber: "1", IssuedOn: d("2024-06-01")},
	} {
		c.ProductID, c.EvaluationID = prod.ID, e.ID
		if got, err := s.CreateCertificate(ctx, c); err == nil {
			t.Errorf("CreateCertificate with %s succeeded: %+v", name, got)
		}
	}
	h := history(t, s, prod.ID)
	if len(h.Evaluations) != 1 || len(h.Certificates) != 0 || h.Registrations[0].Eligibility != store.Pending {
		t.Errorf("refused rows were written: %+v", h)
	}
}

// testSupersession: a rating, its renewal with a downgrade, then a renewal
// after the previous one expired (nothing to supersede).
func testSupersession(t *testing.T, s *store.Store) {
	p := newProducer(t, s, "HTX Dược liệu Phú Đô", "COOPERATIVE", "100", "2018-01-01")
	prod := newProduct(t, s, p, "Cao Giảo cổ lam", "HERBAL")
	e1 := evaluate(t, s, prod, 2022, "2022-02-20", 4)
	e2 := evaluate(t, s, prod, 2024, "2024-05-10", 3)
	e3 := evaluate(t, s, prod, 2028, "2028-01-10", 5)
	first := certify(t, s, e1, "2022-03-15", "2025-03-15")
	second := certify(t, s, e2, "2024-06-01", "2027-06-01")
	third := certify(t, s, e3, "2028-02-01", "2031-02-01")

	h := history(t, s, prod.ID)
	got := ends(h.Certificates)
	want := []string{
		"2022-03-15..2025-03-15 end 2024-06-01 superseded",
		"2024-06-01..2027-06-01 end  ",
		"2028-02-01..2031-02-01 end  ",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("certificates = %q, want %q", got, want)
	}
	if ids := []int64{h.Certificates[0].ID, h.Certificates[1].ID, h.Certificates[2].ID}; !slices.Equal(ids, []int64{first.ID, second.ID, third.ID}) {
		t.Errorf("certificate ids = %v", ids)
	}
	if h.Certificates[1].Stars != 3 || h.Certificates[1].EvaluationID != e2.ID {
		t.Errorf("the downgrade = %+v", h.Certificates[1])
	}
	// Exactly one certificate is in force on each day that has one.
	for _, tc := range []struct {
		day  string
		want int64
	}{
		{"2022-03-14", 0}, {"2022-03-15", first.ID}, {"2024-05-31", first.ID}, {"2024-06-01", second.ID},
		{"2025-03-14", second.ID}, {"2027-05-31", second.ID}, {"2027-06-01", 0}, {"2028-02-01", third.ID},
	} {
		var in []int64
		for _, c := range h.Certificates {
			if c.InForceOn(d(tc.day)) {
				in = append(in, c.ID)
			}
		}
		if w := []int64{tc.want}; (tc.want == 0 && len(in) != 0) || (tc.want != 0 && !slices.Equal(in, w)) {
			t.Errorf("in force on %s: %v, want %d", tc.day, in, tc.want)
		}
	}
	if got := []int64{h.Evaluations[0].ID, h.Evaluations[1].ID, h.Evaluations[2].ID}; !slices.Equal(got, []int64{e1.ID, e2.ID, e3.ID}) {
		t.Errorf("evaluations in date order = %v", got)
	}
}

func testCertificateOrder(t *testing.T, s *store.Store) {
	ctx := context.Background()
	p := newProducer(t, s, "Doanh nghiệp tư nhân Trà Hảo Đạt", "ENTERPRISE", "100", "2018-01-01")
	prod := newProduct(t, s, p, "Trà móc câu", "BEVERAGE")
	e := evaluate(t, s, prod, 2022, "2022-02-20", 4)
	certify(t, s, e, "2022-03-15", "2025-03-15")
	for _, issued := range []string{"2022-03-14", "2022-03-15", "2020-01-01"} {
		_, err := s.CreateCertificate(ctx, certificate(e, issued, "2025-06-01"))
		if f := wantFault(t, "certificate issued "+issued, err, fault.KindPrecondition); f.Reason != "CERTIFICATE_OUT_OF_ORDER" {
			t.Errorf("certificate issued %s: reason %q", issued, f.Reason)
		}
	}
	h := history(t, s, prod.ID)
	if got := ends(h.Certificates); !slices.Equal(got, []string{"2022-03-15..2025-03-15 end  "}) {
		t.Fatalf("refused certificates changed the history: %q", got)
	}
	// The day after is in order, and supersedes.
	certify(t, s, e, "2022-03-16", "2025-03-16")
	if got := ends(history(t, s, prod.ID).Certificates); !slices.Equal(got, []string{
		"2022-03-15..2025-03-15 end 2022-03-16 superseded", "2022-03-16..2025-03-16 end  ",
	}) {
		t.Errorf("certificates = %q", got)
	}
}

// The insert fails after the certificate in force was ended, in the same
// transaction: the end must be rolled back with it.
func testCertificateAtomic(t *testing.T, s *store.Store) {
	ctx := context.Background()
	p := newProducer(t, s, "HTX Gạo Bao Thai Định Hóa", "COOPERATIVE", "100", "2018-01-01")
	prod := newProduct(t, s, p, "Gạo Bao Thai", "FOOD")
	e := evaluate(t, s, prod, 2022, "2022-02-20", 3)
	first := certify(t, s, e, "2022-03-15", "2025-03-15")
	for name, c := range map[string]store.Certificate{
		"2 stars":        {Stars: 2, DecisionNumber: "2", ValidUntil: d("2027-01-01")},
		"no decision":    {Stars: 3, ValidUntil: d("2027-01-01")},
		"empty validity": {Stars: 3, DecisionNumber: "2", ValidUntil: d("2024-01-01")},
	} {
		c.ProductID, c.EvaluationID, c.IssuedOn = prod.ID, e.ID, d("2024-01-01")
		if got, err := s.CreateCertificate(ctx, c); err == nil {
			t.Fatalf("CreateCertificate with %s succeeded: %+v", name, got)
		}
		h := history(t, s, prod.ID)
		if len(h.Certificates) != 1 || !h.Certificates[0].EndedOn.IsZero() || h.Certificates[0].EndReason != "" || !h.Certificates[0].InForceOn(d("2024-06-01")) {
			t.Fatalf("after a failed certificate with %s: %q; want the first still in force", name, ends(h.Certificates))
		}
	}
	second := certify(t, s, e, "2024-01-01", "2027-01-01")
	h := history(t, s, prod.ID)
	if len(h.Certificates) != 2 || h.Certificates[0].ID != first.ID || h.Certificates[0].EndedOn != d("2024-01-01") || h.Certificates[1].ID != second.ID {
		t.Errorf("after a good certificate: %q", ends(h.Certificates))
	}
}

func testRevocation(t *testing.T, s *store.Store) {
	ctx := context.Background()
	p := newProducer(t, s, "HTX Miến Việt Cường", "COOPERATIVE", "100", "2018-01-01")
	a := newProduct(t, s, p, "Miến dong Việt Cường", "FOOD")
	b := newProduct(t, s, p, "Bún khô", "FOOD")
	c := newProduct(t, s, p, "Bánh đa nem", "FOOD")
	ea, eb, ec := evaluate(t, s, a, 2022, "2022-03-01", 3), evaluate(t, s, b, 2022, "2022-03-01", 4), evaluate(t, s, c, 2022, "2022-03-01", 5)
	ca := certify(t, s, ea, "2022-03-15", "2025-03-15")
	cb := certify(t, s, eb, "2022-03-15", "2025-03-15")
	cc := certify(t, s, ec, "2022-03-15", "2025-03-15")

	for _, day := range []string{"2022-03-14", "2025-03-15", "2026-01-01"} {
		_, err := s.RevokeCertificate(ctx, a.ID, ca.ID, d(day), "x", "")
		if f := wantFault(t, "revocation on "+day, err, fault.KindPrecondition); f.Reason != "REVOCATION_OUTSIDE_VALIDITY" {
			t.Errorf("revocation on %s: reason %q", day, f.Reason)
		}
	}
	got := revoke(t, s, ca, "2025-03-14") // the last day it holds
	want := ca
	want.EndedOn, want.EndReason, want.RevocationDecision = d("2025-03-14"), store.EndRevoked, "Thu hồi 2025-03-14"
	want.Version = 2
	if got != want {
		t.Errorf("RevokeCertificate = %+v, want %+v", got, want)
	}
	// From its first day: it never held.
	if got := revoke(t, s, cb, "2022-03-15"); got.InForceOn(d("2022-03-15")) {
		t.Errorf("a certificate revoked from its first day holds on it: %+v", got)
	}
	_, err := s.RevokeCertificate(ctx, a.ID, ca.ID, d("2024-01-01"), "again", "")
	if f := wantFault(t, "second revocation", err, fault.KindPrecondition); f.Reason != "CERTIFICATE_ENDED" {
		t.Errorf("second revocation: reason %q", f.Reason)
	}
	// A superseded certificate has ended too.
	certify(t, s, ec, "2024-01-01", "2027-01-01")
	_, err = s.RevokeCertificate(ctx, c.ID, cc.ID, d("2023-01-01"), "x", "")
	wantFault(t, "revoking a superseded certificate", err, fault.KindPrecondition)

	h := history(t, s, a.ID)
	if gotEnds := ends(h.Certificates); !slices.Equal(gotEnds, []string{"2022-03-15..2025-03-15 end 2025-03-14 revoked"}) || h.Certificates[0].RevocationDecision != "Thu hồi 2025-03-14" {
		t.Errorf("history after revocation: %q, %+v", gotEnds, h.Certificates)
	}
	if gotEnds := ends(history(t, s, c.ID).Certificates); gotEnds[0] != "2022-03-15..2025-03-15 end 2024-01-01 superseded" {
		t.Errorf("refused revocation changed a superseded certificate: %q", gotEnds)
	}
	// A revocation decided ahead (from a later day) still lets a renewal
	// before that day supersede the certificate; the decision stays recorded.
	d2 := newProduct(t, s, p, "Mỳ gạo", "FOOD")
	ed := evaluate(t, s, d2, 2022, "2022-03-01", 3)
	revoke(t, s, certify(t, s, ed, "2022-03-15", "2025-03-15"), "2024-09-01")
	certify(t, s, ed, "2024-06-01", "2027-06-01")
	hd := history(t, s, d2.ID)
	if gotEnds := ends(hd.Certificates); gotEnds[0] != "2022-03-15..2025-03-15 end 2024-06-01 superseded" || hd.Certificates[0].RevocationDecision != "Thu hồi 2024-09-01" {
		t.Errorf("renewal before a revocation's day: %q, %+v", gotEnds, hd.Certificates[0])
	}
}

// race runs n calls of fn at once, released together, and waits for them.
func race(n int, fn func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

// raceRounds is how many races the concurrency cases run one after the
// other. On PostgreSQL the first mostly finds a single warm connection in the
// pool and runs its transactions one by one; the later ones interleave.
const raceRounds = 6

// testConcurrentRevocations races revocations of one certificate: exactly
// one may win.
func testConcurrentRevocations(t *testing.T, s *store.Store) {
	p := newProducer(t, s, "HTX Chè La Bằng", "COOPERATIVE", "100", "2018-01-01")
	const n = 6
	for round := range raceRounds {
		prod := newProduct(t, s, p, fmt.Sprintf("Chè La Bằng %d", round), "BEVERAGE")
		c := certify(t, s, evaluate(t, s, prod, 2022, "2022-03-01", 4), "2022-03-15", "2025-03-15")
		results, errs := make([]store.Certificate, n), make([]error, n)
		race(n, func(i int) {
			results[i], errs[i] = s.RevokeCertificate(context.Background(), c.ProductID, c.ID,
				d(fmt.Sprintf("2023-01-%02d", i+1)), fmt.Sprintf("QĐ thu hồi %d", i), "")
		})
		winner := -1
		for i, err := range errs {
			if err == nil {
				if winner >= 0 {
					t.Fatalf("round %d: revocations %d and %d both won", round, winner, i)
				}
				winner = i
				continue
			}
			// Revocations take turns on the product's lock: a loser finds
			// the certificate ended.
			if f, ok := fault.As(err); !ok || f.Kind != fault.KindPrecondition {
				t.Errorf("round %d: losing revocation %d: %v, want a precondition", round, i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: no revocation won: %v", round, errs)
		}
		stored := history(t, s, c.ProductID).Certificates[0]
		if stored.EndedOn != results[winner].EndedOn || stored.RevocationDecision != fmt.Sprintf("QĐ thu hồi %d", winner) || stored.EndReason != store.EndRevoked {
			t.Errorf("round %d: stored %+v, but revocation %d won with %+v", round, stored, winner, results[winner])
		}
	}
}

// testConcurrentCertificates races certificates of one product, issued 90
// days apart: whatever order they land in, no two may hold on the same day.
func testConcurrentCertificates(t *testing.T, s *store.Store) {
	p := newProducer(t, s, "HTX Thủ công mỹ nghệ Đan Hạ", "COOPERATIVE", "100", "2018-01-01")
	const n = 6
	for round := range raceRounds {
		e := evaluate(t, s, newProduct(t, s, p, fmt.Sprintf("Rổ rá tre đan %d", round), "HANDICRAFT"), 2020, "2020-01-01", 4)
		errs := make([]error, n)
		race(n, func(i int) {
			issued := d("2020-02-01").AddDays(90 * i)
			_, errs[i] = s.CreateCertificate(context.Background(), store.Certificate{ProductID: e.ProductID, EvaluationID: e.ID,
				DecisionNumber: fmt.Sprint(i), IssuedOn: issued, Stars: 4, ValidUntil: issued.AddMonths(36)})
		})
		wins := 0
		for i, err := range errs {
			if err == nil {
				wins++
				continue
			}
			if f, ok := fault.As(err); !ok || (f.Kind != fault.KindPrecondition && f.Kind != fault.KindConflict) {
				t.Errorf("round %d: certificate %d: %v, want success, out of order or a conflict", round, i, err)
			}
		}
		cs := history(t, s, e.ProductID).Certificates
		if wins == 0 || len(cs) != wins {
			t.Fatalf("round %d: %d certificates won, %d recorded", round, wins, len(cs))
		}
		for i := 1; i < len(cs); i++ {
			if cs[i-1].Validity().Overlaps(cs[i].Validity()) || cs[i-1].EndedOn != cs[i].IssuedOn {
				t.Fatalf("round %d: certificates overlap or leave a gap: %q", round, ends(cs))
			}
		}
		if last := cs[len(cs)-1]; !last.EndedOn.IsZero() {
			t.Errorf("round %d: the latest certificate has ended: %q", round, ends(cs))
		}
	}
}

// centralFives proposes to the central council its own sheets and 5-star
// sheets of any other council, as the shipped catalogs do throughout.
var centralFives = store.CentralProposal{Level: "CENTRAL", Windows: []store.StarWindow{{Valid: date.Range{From: d("2019-08-21")}, Stars: []int{5}}}}

func facts(t *testing.T, s *store.Store, units []string, year int, asOf string, days int) store.Facts {
	t.Helper()
	f, err := s.SummaryFacts(context.Background(), units, year, d(asOf), days, centralFives)
	if err != nil {
		t.Fatalf("SummaryFacts(%d, %s, %d): %v", year, asOf, days, err)
	}
	return f
}

func stars(counts map[int]int) store.StarCounts {
	var c store.StarCounts
	for s, n := range counts {
		c[s] = n
	}
	return c
}

// testBoundaries: issued 2022-03-15, valid until 2025-03-15, so its last day
// is 2025-03-14.
func testBoundaries(t *testing.T, s *store.Store) {
	p := newProducer(t, s, "HTX Bưởi Sơn Cẩm", "COOPERATIVE", "100", "2018-01-01")
	prod := newProduct(t, s, p, "Bưởi Sơn Cẩm", "FOOD")
	c := certify(t, s, evaluate(t, s, prod, 2022, "2022-03-01", 4), "2022-03-15", "2025-03-15")
	units := []string{"100"}
	for _, tc := range []struct {
		asOf              string
		days              int
		inForce, expiring int
	}{
		{"2022-03-14", 30, 0, 0},
		{"2022-03-15", 30, 1, 0},
		{"2025-02-12", 30, 1, 0}, // 2025-03-14 is the limit: still valid on it
		{"2025-02-13", 30, 1, 1}, // valid until asOf+30
		{"2025-03-14", 0, 1, 0},
		{"2025-03-14", 1, 1, 1},
		{"2025-03-15", 30, 0, 0},
		{"2025-03-15", 3650, 0, 0},
	} {
		f := facts(t, s, units, 2025, tc.asOf, tc.days)
		if f.Certified.Total() != tc.inForce || f.Certified[4] != tc.inForce || f.Expiring != tc.expiring {
			t.Errorf("as of %s within %d days: certified %v, expiring %d; want %d in force, %d expiring", tc.asOf, tc.days, f.Certified, f.Expiring, tc.inForce, tc.expiring)
		}
		if got := c.InForceOn(d(tc.asOf)); got != (tc.inForce == 1) {
			t.Errorf("Certificate.InForceOn(%s) = %v, the store counts %d", tc.asOf, got, tc.inForce)
		}
		listed := listExpiring(t, s, units, tc.asOf, tc.days)
		if len(listed) != tc.expiring || (tc.expiring == 1 && (listed[0].ID != prod.ID || listed[0].CertifiedUntil != d("2025-03-15") || listed[0].CertifiedStars != 4)) {
			t.Errorf("as of %s, products expiring within %d days: %+v; want %d, until 2025-03-15", tc.asOf, tc.days, listed, tc.expiring)
		}
	}
	// Revoked from 2024-03-01: in force the day before, not on it. The day
	// before, it still reads as expiring within ten years: a revocation
	// recorded for a later day does not change what an earlier day saw.
	revoke(t, s, c, "2024-03-01")
	for _, tc := range []struct {
		asOf              string
		inForce, expiring int
	}{{"2024-02-29", 1, 1}, {"2024-03-01", 0, 0}, {"2025-03-01", 0, 0}} {
		f := facts(t, s, units, 2025, tc.asOf, 3650)
		if f.Certified.Total() != tc.inForce || f.Expiring != tc.expiring {
			t.Errorf("revoked, as of %s: certified %v, expiring %d; want %d, %d", tc.asOf, f.Certified, f.Expiring, tc.inForce, tc.expiring)
		}
		if listed := listExpiring(t, s, units, tc.asOf, 3650); len(listed) != tc.expiring {
			t.Errorf("revoked, as of %s: %d products listed as expiring, want %d", tc.asOf, len(listed), tc.expiring)
		}
	}
	if _, err := s.SummaryFacts(context.Background(), units, 2025, d("2025-01-01"), -1, centralFives); err == nil {
		t.Error("SummaryFacts with negative days succeeded")
	}
}

// summaryFixture builds three communes of the province (00100, 00101, 00102)
// and one outside it (00200). See testSummaryFixture for what each row is for.
func summaryFixture(t *testing.T, s *store.Store) {
	ctx := context.Background()
	p1 := newProducer(t, s, "HTX Chè Tân Cương", "COOPERATIVE", "00100", "2019-05-01")
	p2 := newProducer(t, s, "Hộ kinh doanh Nguyễn Văn Ân", "HOUSEHOLD_BUSINESS", "00101", "2021-02-01")
	p3 := newProducer(t, s, "Công ty CP Thực phẩm Đại Từ", "ENTERPRISE", "00102", "2024-03-01")
	p4 := newProducer(t, s, "HTX Mới Thành Lập", "COOPERATIVE", "00100", "2025-02-01") // after every asOf below
	p5 := newProducer(t, s, "HTX Ngoài Tỉnh", "COOPERATIVE", "00200", "2020-01-01")    // outside the units

	t1 := newProduct(t, s, p1, "Chè búp Tân Cương", "FOOD")
	t2 := newProduct(t, s, p2, "Rượu men lá", "BEVERAGE")
	t3 := newProduct(t, s, p2, "Miến dong", "FOOD")
	t4 := newProduct(t, s, p2, "Cao Giảo cổ lam", "HERBAL")
	t5 := newProduct(t, s, p3, "Bánh chưng Bờ Đậu", "FOOD")
	t6 := newProduct(t, s, p4, "Mật ong", "FOOD")
	t7 := newProduct(t, s, p5, "Gạo nếp", "FOOD")
	t8 := newProduct(t, s, p1, "Trà xanh đóng chai", "BEVERAGE")

	// Registrations for 2024, and others that must not count for it.
	register(t, s, t1, 2024, "2024-02-01")
	review(t, s, t1, 2024, store.Eligible, "2024-03-01")
	register(t, s, t2, 2024, "2024-02-10")
	if _, err := s.ReviewRegistration(ctx, t2.ID, 2024, store.NotEligible, "Chưa có công bố chất lượng", d("2024-03-05"), ""); err != nil {
		t.Fatal(err)
	}
	register(t, s, t3, 2024, "2024-03-01") // pending
	register(t, s, t4, 2024, "2024-04-01")
	review(t, s, t4, 2024, store.Eligible, "2025-01-10") // pending on every asOf below
	register(t, s, t5, 2024, "2024-12-31")
	review(t, s, t5, 2024, store.Eligible, "2024-12-31")
	register(t, s, t1, 2023, "2023-02-01")
	review(t, s, t1, 2023, store.Eligible, "2023-03-01")
	register(t, s, t3, 2025, "2024-11-01")
	register(t, s, t6, 2024, "2025-02-15")
	register(t, s, t7, 2024, "2024-02-01")
	review(t, s, t7, 2024, store.Eligible, "2024-03-01")

	// t1: rated 4 stars in 2021, renewed at 4 in April 2024, downgraded to 3 in October.
	e1 := evaluate(t, s, t1, 2021, "2021-06-01", 4)
	a := certify(t, s, e1, "2021-12-20", "2024-12-20")
	a2 := certify(t, s, evaluate(t, s, t1, 2024, "2024-04-10", 4), "2024-04-20", "2027-04-20")
	certify(t, s, evaluate(t, s, t1, 2024, "2024-09-01", 3), "2024-10-01", "2027-10-01")
	// t2: 4 stars from 2021, expired 2024-03-15.
	certify(t, s, evaluate(t, s, t2, 2020, "2021-02-01", 4), "2021-03-15", "2024-03-15")
	// t3: 3 stars until 2025-03-15 (expiring at the end of 2024); 2 stars in 2024.
	certify(t, s, evaluate(t, s, t3, 2022, "2022-02-01", 3), "2022-03-15", "2025-03-15")
	evaluate(t, s, t3, 2024, "2024-05-01", 2)
	// t4: 5 stars from 2023, revoked from 2024-08-01; its 2024 sheet was scored in 2025.
	revoke(t, s, certify(t, s, evaluate(t, s, t4, 2023, "2023-05-01", 5), "2023-06-01", "2026-06-01"), "2024-08-01")
	evaluate(t, s, t4, 2024, "2025-02-01", 4)
	// t5: two sheets on the same day, the later recorded counts; certified on that day.
	evaluate(t, s, t5, 2024, "2024-12-31", 3)
	certify(t, s, evaluate(t, s, t5, 2024, "2024-12-31", 4), "2024-12-31", "2027-12-31")
	// t7, outside: 5 stars in 2024.
	certify(t, s, evaluate(t, s, t7, 2024, "2024-05-01", 5), "2024-06-01", "2027-06-01")
	// t8: 3 stars until 2025-01-20, revoked ahead from 2025-01-10: in force
	// at the end of 2024 but ending early, so not "expiring".
	revoke(t, s, certify(t, s, evaluate(t, s, t8, 2022, "2022-01-10", 3), "2022-01-20", "2025-01-20"), "2025-01-10")

	for _, c := range []store.Certificate{a, a2} {
		for _, got := range history(t, s, t1.ID).Certificates {
			if got.ID == c.ID && got.EndReason != store.EndSuperseded {
				t.Fatalf("fixture: certificate of %s was not superseded: %+v", c.IssuedOn, got)
			}
		}
	}
}

func testSummaryFixture(t *testing.T, s *store.Store) {
	summaryFixture(t, s)
	// Repeated and unknown codes change nothing.
	units := []string{"00100", "00101", "00102", "00100", "09999"}
	for _, tc := range []struct {
		year int
		asOf string
		days int
		want store.Facts
	}{{
		year: 2024, asOf: "2024-12-31", days: 90,
		want: store.Facts{
			Producers: 3, // p1, p2, p3 (p4 registers in 2025, p5 is outside)
			Products:  6, // t1, t2, t3, t4, t5, t8
			// t1, t2, t3, t4, t5 (registered on asOf); t4 reviewed in 2025 is pending.
			Registered: 5, Eligible: 2, NotEligible: 1,
			// t1's latest of 2024 (3), t3 (2), t5's later same-day sheet (4); t4's is from 2025.
			Evaluated: stars(map[int]int{2: 1, 3: 1, 4: 1}),
			// t1 twice in 2024, counted once at 3; t5 at 4.
			NewlyCertified: stars(map[int]int{3: 1, 4: 1}),
			// t1 (3), t3 (3), t8 (3, revoked from 2025-01-10), t5 (4, issued on asOf).
			Certified: stars(map[int]int{3: 3, 4: 1}),
			Expiring:  2, // t3 until 2025-03-15; t8 until 2025-01-20 (its revocation from 2025-01-10 is later)
			Groups: []store.GroupFacts{
				{ProductGroup: "BEVERAGE", Products: 2, Registered: 1, Certified: 1},
				{ProductGroup: "FOOD", Products: 3, Registered: 3, Certified: 3},
				{ProductGroup: "HERBAL", Products: 1, Registered: 1, Certified: 0},
			},
		},
	}, {
		year: 2024, asOf: "2024-06-30", days: 210, // expiring by 2025-01-26
		want: store.Facts{
			Producers: 3, Products: 6,
			Registered: 4, Eligible: 1, NotEligible: 1, // t5 registers later
			Evaluated:      stars(map[int]int{2: 1, 4: 1}), // t1's April sheet, t3
			NewlyCertified: stars(map[int]int{4: 1}),       // t1's April renewal
			// t3, t8 (3); t1's renewal (4); t4 (5, revoked later); t2 expired.
			Certified: stars(map[int]int{3: 2, 4: 1, 5: 1}),
			Expiring:  1, // t8 (until 2025-01-20; revoked only from 2025-01-10)
			Groups: []store.GroupFacts{
				{ProductGroup: "BEVERAGE", Products: 2, Registered: 1, Certified: 1},
				{ProductGroup: "FOOD", Products: 3, Registered: 2, Certified: 2},
				{ProductGroup: "HERBAL", Products: 1, Registered: 1, Certified: 1},
			},
		},
	}, {
		year: 2021, asOf: "2021-12-31", days: 90,
		want: store.Facts{
			Producers: 2, Products: 5, // p3's t5 not yet
			Evaluated:      stars(map[int]int{4: 1}), // t1; t2's sheet is of the 2020 cycle
			NewlyCertified: stars(map[int]int{4: 2}), // t1, t2
			Certified:      stars(map[int]int{4: 2}),
			Groups: []store.GroupFacts{
				{ProductGroup: "BEVERAGE", Products: 2, Certified: 1},
				{ProductGroup: "FOOD", Products: 2, Certified: 1},
				{ProductGroup: "HERBAL", Products: 1},
			},
		},
	}, {
		year: 2024, asOf: "2026-01-01", days: 90,
		want: store.Facts{
			Producers: 4, Products: 7, // p4 and t6 now; t6 registered in 2025 for 2024
			Registered: 6, Eligible: 3, NotEligible: 1,
			Evaluated:      stars(map[int]int{2: 1, 3: 1, 4: 2}), // t4's 2024 sheet counts now
			NewlyCertified: stars(map[int]int{3: 1, 4: 1}),
			Certified:      stars(map[int]int{3: 1, 4: 1}), // t1, t5; t3 expired, t8 revoked
			Groups: []store.GroupFacts{
				{ProductGroup: "BEVERAGE", Products: 2, Registered: 1},
				{ProductGroup: "FOOD", Products: 4, Registered: 4, Certified: 2},
				{ProductGroup: "HERBAL", Products: 1, Registered: 1},
			},
		},
	}} {
		if got := facts(t, s, units, tc.year, tc.asOf, tc.days); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SummaryFacts(%d, %s, %d) =\n%+v\nwant\n%+v", tc.year, tc.asOf, tc.days, got, tc.want)
		}
	}
	// One commune alone, and none.
	want := store.Facts{Producers: 1, Products: 2, Registered: 1, Eligible: 1, Expiring: 1,
		Evaluated: stars(map[int]int{3: 1}), NewlyCertified: stars(map[int]int{3: 1}), Certified: stars(map[int]int{3: 2}),
		Groups: []store.GroupFacts{{ProductGroup: "BEVERAGE", Products: 1, Certified: 1}, {ProductGroup: "FOOD", Products: 1, Registered: 1, Certified: 1}}}
	if got := facts(t, s, []string{"00100"}, 2024, "2024-12-31", 90); !reflect.DeepEqual(got, want) {
		t.Errorf("SummaryFacts(00100) =\n%+v\nwant\n%+v", got, want)
	}
	if got := facts(t, s, nil, 2024, "2024-12-31", 90); !reflect.DeepEqual(got, store.Facts{}) {
		t.Errorf("SummaryFacts(no units) = %+v, want zero", got)
	}
}

func producerIDs(ps []store.Producer) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func productIDs(ps []store.ListedProduct) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func listProducers(t *testing.T, s *store.Store, units []string, asOf string, after int64, limit int) []int64 {
	t.Helper()
	ps, err := s.ListProducers(context.Background(), units, d(asOf), after, limit)
	if err != nil {
		t.Fatalf("ListProducers: %v", err)
	}
	return producerIDs(ps)
}

func listProducts(t *testing.T, s *store.Store, units []string, group, asOf string, after int64, limit int) []int64 {
	t.Helper()
	ps, err := s.ListProducts(context.Background(), units, store.ProductFilter{Group: group}, d(asOf), after, limit)
	if err != nil {
		t.Fatalf("ListProducts: %v", err)
	}
	return productIDs(ps)
}

// listExpiring lists the products of units whose certificate in force on
// asOf ends within days of it.
func listExpiring(t *testing.T, s *store.Store, units []string, asOf string, days int) []store.ListedProduct {
	t.Helper()
	ps, err := s.ListProducts(context.Background(), units, store.ProductFilter{ExpiringBy: d(asOf).AddDays(days)}, d(asOf), 0, 10)
	if err != nil {
		t.Fatalf("ListProducts expiring: %v", err)
	}
	return ps
}

// pages reads every page of list, limit at a time.
func pages(list func(after int64, limit int) []int64, limit int) []int64 {
	var all []int64
	var after int64
	for range 1000 {
		page := list(after, limit)
		all = append(all, page...)
		if len(page) < limit {
			break
		}
		after = page[len(page)-1]
	}
	return all
}

func testListing(t *testing.T, s *store.Store) {
	summaryFixture(t, s)
	units := []string{"00102", "00100", "00101"}
	all := listProducers(t, s, units, "2030-01-01", 0, 100)
	if len(all) != 4 || !slices.IsSorted(all) {
		t.Fatalf("producers = %v, want 4 by id", all)
	}
	for _, tc := range []struct {
		asOf string
		want []int64
	}{
		{"2019-04-30", nil},
		{"2019-05-01", all[:1]},
		{"2024-12-31", all[:3]},
		{"2025-02-01", all},
	} {
		if got := listProducers(t, s, units, tc.asOf, 0, 100); !slices.Equal(got, tc.want) {
			t.Errorf("ListProducers as of %s = %v, want %v", tc.asOf, got, tc.want)
		}
	}
	if got := listProducers(t, s, []string{"00200"}, "2030-01-01", 0, 100); len(got) != 1 || slices.Contains(all, got[0]) {
		t.Errorf("ListProducers(00200) = %v, want only the producer outside", got)
	}
	products := listProducts(t, s, units, "", "2030-01-01", 0, 100)
	food := listProducts(t, s, units, "FOOD", "2030-01-01", 0, 100)
	if len(products) != 7 || len(food) != 4 || !slices.IsSorted(food) {
		t.Fatalf("products = %v, food = %v; want 7 and 4", products, food)
	}
	if got := listProducts(t, s, units, "FOOD", "2024-12-31", 0, 100); !slices.Equal(got, food[:3]) {
		t.Errorf("food as of 2024-12-31 = %v, want %v (the 2025 producer's product later)", got, food[:3])
	}
	if got := listProducts(t, s, units, "HANDICRAFT", "2030-01-01", 0, 100); len(got) != 0 {
		t.Errorf("handicrafts = %v, want none", got)
	}
	for _, limit := range []int{1, 2, 3} {
		if got := pages(func(after int64, limit int) []int64 { return listProducers(t, s, units, "2030-01-01", after, limit) }, limit); !slices.Equal(got, all) {
			t.Errorf("producer pages of %d = %v, want %v", limit, got, all)
		}
		if got := pages(func(after int64, limit int) []int64 { return listProducts(t, s, units, "", "2030-01-01", after, limit) }, limit); !slices.Equal(got, products) {
			t.Errorf("product pages of %d = %v, want %v", limit, got, products)
		}
	}
	if _, err := s.ListProducers(context.Background(), units, d("2030-01-01"), 0, 0); err == nil {
		t.Error("ListProducers with limit 0 succeeded")
	}
	if _, err := s.ListProducts(context.Background(), units, store.ProductFilter{}, d("2030-01-01"), 0, -1); err == nil {
		t.Error("ListProducts with limit -1 succeeded")
	}
	if got := listProducers(t, s, nil, "2030-01-01", 0, 10); len(got) != 0 {
		t.Errorf("ListProducers(no units) = %v", got)
	}
}

// testManyUnits spreads producers over 1,203 communes, listed in reverse
// order with repeats and unknown codes, so that lists and counts cross
// several 500-code chunks and pages take rows from more than one.
func testManyUnits(t *testing.T, s *store.Store) {
	const communes = 1203
	code := func(i int) string { return fmt.Sprintf("1%05d", i) }
	var want store.Facts
	var producers, food []int64
	groups := map[string]*store.GroupFacts{"FOOD": {ProductGroup: "FOOD"}, "HERBAL": {ProductGroup: "HERBAL"}}
	for i := 0; i < communes; i += 4 {
		p := newProducer(t, s, fmt.Sprintf("Chủ thể %d", i), "HOUSEHOLD_BUSINESS", code(i), "2020-01-01")
		producers = append(producers, p.ID)
		group := []string{"FOOD", "HERBAL"}[i/4%2]
		prod := newProduct(t, s, p, fmt.Sprintf("Sản phẩm %d", i), group)
		if group == "FOOD" {
			food = append(food, prod.ID)
		}
		want.Producers++
		want.Products++
		groups[group].Products++
		if i%12 == 0 {
			stars := 3 + i/12%3
			certify(t, s, evaluate(t, s, prod, 2024, "2024-03-01", stars), "2024-04-01", "2027-04-01")
			want.Evaluated[stars]++
			if stars == 5 {
				want.ProposedCentral++ // a provincial 5-star sheet
			}
			want.NewlyCertified[stars]++
			want.Certified[stars]++
			groups[group].Certified++
		}
	}
	want.Groups = []store.GroupFacts{*groups["FOOD"], *groups["HERBAL"]}
	var units []string
	for i := communes - 1; i >= 0; i-- {
		units = append(units, code(i))
		if i%300 == 0 {
			// A repeat of a commune with a producer, in another chunk
			// than its first occurrence, and an unknown code.
			units = append(units, code((communes-1-i)/4*4), code(i+communes))
		}
	}
	if got := facts(t, s, units, 2024, "2024-12-31", 30); !reflect.DeepEqual(got, want) {
		t.Errorf("SummaryFacts over %d codes =\n%+v\nwant\n%+v", len(units), got, want)
	}
	if want.Producers != 301 || want.Certified.Total() != 101 || want.ProposedCentral != 33 {
		t.Fatalf("fixture: %d producers, %d certified, %d proposed", want.Producers, want.Certified.Total(), want.ProposedCentral)
	}
	if got := listProducers(t, s, units, "2024-12-31", 0, 1000); !slices.Equal(got, producers) {
		t.Errorf("ListProducers over %d codes: %d producers, want %d in id order", len(units), len(got), len(producers))
	}
	for _, limit := range []int{7, 150} {
		if got := pages(func(after int64, limit int) []int64 { return listProducers(t, s, units, "2024-12-31", after, limit) }, limit); !slices.Equal(got, producers) {
			t.Errorf("producer pages of %d: %d producers, want %d in id order", limit, len(got), len(producers))
		}
		if got := pages(func(after int64, limit int) []int64 {
			return listProducts(t, s, units, "FOOD", "2024-12-31", after, limit)
		}, limit); !slices.Equal(got, food) {
			t.Errorf("food pages of %d: %d products, want %d in id order", limit, len(got), len(food))
		}
	}
}

func testListedStars(t *testing.T, s *store.Store) {
	p := newProducer(t, s, "HTX Chè Tân Cương", "COOPERATIVE", "100", "2018-01-01")
	prod := newProduct(t, s, p, "Chè Tân Cương", "BEVERAGE")
	certify(t, s, evaluate(t, s, prod, 2022, "2022-03-01", 4), "2022-03-15", "2025-03-15")
	certify(t, s, evaluate(t, s, prod, 2024, "2024-06-01", 3), "2024-06-10", "2027-06-10") // a downgrade
	for asOf, want := range map[string]int{"2022-03-14": 0, "2022-03-15": 4, "2024-06-09": 4, "2024-06-10": 3, "2027-06-10": 0} {
		ps, err := s.ListProducts(context.Background(), []string{"100"}, store.ProductFilter{}, d(asOf), 0, 10)
		if err != nil || len(ps) != 1 || ps[0].CertifiedStars != want {
			t.Errorf("ListProducts as of %s = %+v, %v; want one product with %d stars", asOf, ps, err, want)
		}
	}
}

// testBatches: a file's rows are written in one transaction: in order, or
// none of them when one fails.
func testBatches(t *testing.T, s *store.Store) {
	ctx := context.Background()
	ps, err := s.CreateProducers(ctx, []store.Producer{
		{Name: "HTX Một", Kind: "COOPERATIVE", UnitCode: "100", RegisteredOn: d("2023-01-01")},
		{Name: "HTX Hai", Kind: "COOPERATIVE", UnitCode: "101", RegisteredOn: d("2023-01-01")},
	})
	if err != nil || len(ps) != 2 || ps[0].ID == 0 || ps[1].ID <= ps[0].ID || ps[1].UnitCode != "101" {
		t.Fatalf("CreateProducers: %v %v", ps, err)
	}
	_, err = s.CreateProducts(ctx, []store.Product{
		{Name: "Chè", ProducerID: ps[0].ID, ProductGroup: "BEVERAGE"},
		{Name: "Ma", ProducerID: 999999, ProductGroup: "FOOD"},
	})
	wantFault(t, "a batch with a missing producer", err, fault.KindInvalid)
	listed, err := s.ListProducts(ctx, []string{"100", "101"}, store.ProductFilter{}, d("2024-01-01"), 0, 10)
	if err != nil || len(listed) != 0 {
		t.Fatalf("after a failed batch: %v %v, want no product", listed, err)
	}
	prods, err := s.CreateProducts(ctx, []store.Product{
		{Name: "Chè", ProducerID: ps[0].ID, ProductGroup: "BEVERAGE"},
		{Name: "Miến", ProducerID: ps[1].ID, ProductGroup: "FOOD"},
	})
	if err != nil || len(prods) != 2 || prods[1].UnitCode != "101" {
		t.Fatalf("CreateProducts: %v %v", prods, err)
	}
	ev := store.Evaluation{Year: 2024, EvaluatedOn: d("2024-06-01"), CouncilLevel: "PROVINCE", Catalog: "OCOP_2023", Total: 55, Stars: 3,
		Scores: []store.LineScore{{Code: "A1", Points: 6}}, Parts: []store.PartTotal{{Part: "A", Points: 6, Max: 40}}}
	first, missing := ev, ev
	first.ProductID, missing.ProductID = prods[0].ID, 999999
	_, err = s.CreateEvaluations(ctx, []store.Evaluation{first, missing})
	wantFault(t, "a batch with a missing product", err, fault.KindNotFound)
	if h := history(t, s, prods[0].ID); len(h.Evaluations) != 0 {
		t.Errorf("after a failed batch, product %d has %d evaluations", prods[0].ID, len(h.Evaluations))
	}
}
