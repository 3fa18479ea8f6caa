package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/ntmsuite/ntm/platform/etag"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
)

// wantStale checks the refusal of a change sent with a stale etag.
func wantStale(t *testing.T, what string, err error) {
	t.Helper()
	if f := wantFault(t, what, err, fault.KindConflict); f.Reason != etag.MismatchReason {
		t.Errorf("%s: reason %q, want %s", what, f.Reason, etag.MismatchReason)
	}
}

// testReviewEtags: a review replaces an earlier one only when it names it
// by its etag, and a stale etag is refused, leaving the review in place.
func testReviewEtags(t *testing.T, s *store.Store) {
	ctx := context.Background()
	prod := newProduct(t, s, newProducer(t, s, "HTX Nấm Hương Bảo Lạc", "COOPERATIVE", "100", "2020-01-01"), "Nấm hương khô", "FOOD")
	reg, err := s.CreateRegistration(ctx, store.Registration{ProductID: prod.ID, Year: 2024, RegisteredOn: d("2024-02-01")})
	if err != nil || reg.Version != 1 {
		t.Fatalf("CreateRegistration = %+v, %v; want version 1", reg, err)
	}
	// A stale etag is refused even on a first review.
	_, err = s.ReviewRegistration(ctx, prod.ID, 2024, store.Eligible, "", d("2024-03-01"), etag.Of(7))
	wantStale(t, "first review with a stale etag", err)
	first, err := s.ReviewRegistration(ctx, prod.ID, 2024, store.NotEligible, "Thiếu phiếu kiểm nghiệm", d("2024-03-01"), etag.Of(reg.Version))
	if err != nil || first.Version != 2 {
		t.Fatalf("first review with the current etag = %+v, %v; want version 2", first, err)
	}

	_, err = s.ReviewRegistration(ctx, prod.ID, 2024, store.Eligible, "", d("2024-04-01"), "")
	if f := wantFault(t, "second review without an etag", err, fault.KindPrecondition); f.Reason != "ETAG_REQUIRED" ||
		f.ResourceName != fmt.Sprintf("products/%d/registrations/2024", prod.ID) {
		t.Errorf("second review without an etag: %+v", f)
	}
	_, err = s.ReviewRegistration(ctx, prod.ID, 2024, store.Eligible, "", d("2024-04-01"), etag.Of(reg.Version))
	wantStale(t, "second review with the etag from before the first", err)
	if h := history(t, s, prod.ID); h.Registrations[0] != first {
		t.Errorf("refused reviews changed the registration: %+v, want %+v", h.Registrations[0], first)
	}

	second, err := s.ReviewRegistration(ctx, prod.ID, 2024, store.Eligible, "", d("2024-04-01"), etag.Of(first.Version))
	want := store.Registration{ProductID: prod.ID, Year: 2024, RegisteredOn: d("2024-02-01"), Eligibility: store.Eligible, ReviewedOn: d("2024-04-01"), Version: 3}
	if err != nil || second != want {
		t.Errorf("second review with the current etag = %+v, %v; want %+v", second, err, want)
	}
	if h := history(t, s, prod.ID); h.Registrations[0] != want {
		t.Errorf("stored %+v, want %+v", h.Registrations[0], want)
	}
}

// testConcurrentReviewEtags races reviews sent with the same etag: exactly
// one replaces the review, the others are told their etag is stale.
func testConcurrentReviewEtags(t *testing.T, s *store.Store) {
	p := newProducer(t, s, "HTX Gạo Séng Cù", "COOPERATIVE", "100", "2018-01-01")
	const n = 6
	for round := range raceRounds {
		prod := newProduct(t, s, p, fmt.Sprintf("Gạo Séng Cù %d", round), "FOOD")
		register(t, s, prod, 2024, "2024-02-01")
		current := etag.Of(review(t, s, prod, 2024, store.NotEligible, "2024-03-01").Version)
		errs := make([]error, n)
		race(n, func(i int) {
			_, errs[i] = s.ReviewRegistration(context.Background(), prod.ID, 2024, store.Eligible, "",
				d(fmt.Sprintf("2024-04-%02d", i+1)), current)
		})
		winner := oneWinner(t, round, errs)
		if got := history(t, s, prod.ID).Registrations[0]; got.ReviewedOn != d(fmt.Sprintf("2024-04-%02d", winner+1)) || got.Version != 3 {
			t.Errorf("round %d: stored %+v, but review %d won", round, got, winner)
		}
	}
}

// oneWinner checks that exactly one of errs is nil and the others are stale
// etags, and returns the winner.
func oneWinner(t *testing.T, round int, errs []error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		if err == nil {
			if winner >= 0 {
				t.Fatalf("round %d: changes %d and %d both won with one etag", round, winner, i)
			}
			winner = i
			continue
		}
		wantStale(t, fmt.Sprintf("round %d: losing change %d", round, i), err)
	}
	if winner < 0 {
		t.Fatalf("round %d: no change won: %v", round, errs)
	}
	return winner
}

// testRevocationEtags: a certificate's etag changes when it is superseded or
// revoked, and a revocation sent with an etag from before is refused as
// stale (not as ended: the client's view is what is out of date).
func testRevocationEtags(t *testing.T, s *store.Store) {
	ctx := context.Background()
	p := newProducer(t, s, "HTX Mật ong Bạc Hà", "COOPERATIVE", "100", "2018-01-01")
	prod := newProduct(t, s, p, "Mật ong bạc hà", "FOOD")
	e1, e2 := evaluate(t, s, prod, 2022, "2022-03-01", 3), evaluate(t, s, prod, 2024, "2024-03-01", 4)
	first := certify(t, s, e1, "2022-03-15", "2025-03-15")
	second := certify(t, s, e2, "2024-03-15", "2027-03-15")
	h := history(t, s, prod.ID)
	if h.Certificates[0].Version != first.Version+1 || h.Certificates[1].Version != 1 {
		t.Errorf("versions after supersession = %d, %d; want %d, 1", h.Certificates[0].Version, h.Certificates[1].Version, first.Version+1)
	}
	_, err := s.RevokeCertificate(ctx, prod.ID, first.ID, d("2023-01-01"), "QĐ 1", etag.Of(first.Version))
	wantStale(t, "revoking a superseded certificate with its etag from before", err)

	_, err = s.RevokeCertificate(ctx, prod.ID, second.ID, d("2025-01-01"), "QĐ 2", etag.Of(second.Version+1))
	wantStale(t, "revocation with a made-up etag", err)
	got, err := s.RevokeCertificate(ctx, prod.ID, second.ID, d("2025-01-01"), "QĐ 2", etag.Of(second.Version))
	if err != nil || got.Version != 2 || got.EndReason != store.EndRevoked {
		t.Fatalf("revocation with the current etag = %+v, %v", got, err)
	}
	if stored := history(t, s, prod.ID).Certificates[1]; stored != got {
		t.Errorf("stored %+v, answered %+v", stored, got)
	}
	_, err = s.RevokeCertificate(ctx, prod.ID, second.ID, d("2025-02-01"), "QĐ 3", etag.Of(second.Version))
	wantStale(t, "second revocation with the first one's etag", err)
}

// testConcurrentRevocationEtags races revocations of one certificate sent
// with its etag: exactly one wins, the others are told their etag is stale.
func testConcurrentRevocationEtags(t *testing.T, s *store.Store) {
	p := newProducer(t, s, "HTX Trà hoa vàng Ba Chẽ", "COOPERATIVE", "100", "2018-01-01")
	const n = 6
	for round := range raceRounds {
		prod := newProduct(t, s, p, fmt.Sprintf("Trà hoa vàng %d", round), "BEVERAGE")
		c := certify(t, s, evaluate(t, s, prod, 2022, "2022-03-01", 4), "2022-03-15", "2025-03-15")
		errs := make([]error, n)
		race(n, func(i int) {
			_, errs[i] = s.RevokeCertificate(context.Background(), c.ProductID, c.ID,
				d(fmt.Sprintf("2023-01-%02d", i+1)), fmt.Sprintf("QĐ thu hồi %d", i), etag.Of(c.Version))
		})
		winner := oneWinner(t, round, errs)
		if stored := history(t, s, c.ProductID).Certificates[0]; stored.RevocationDecision != fmt.Sprintf("QĐ thu hồi %d", winner) || stored.Version != 2 {
			t.Errorf("round %d: stored %+v, but revocation %d won", round, stored, winner)
		}
	}
}
