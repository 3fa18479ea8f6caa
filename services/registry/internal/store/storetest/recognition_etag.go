package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/ntmsuite/ntm/platform/etag"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/registry/internal/store"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// wantStale checks the refusal of a change sent with a stale etag.
func wantStale(t *testing.T, what string, err error) {
	t.Helper()
	if f, ok := fault.As(err); !ok || f.Kind != fault.KindConflict || f.Reason != etag.MismatchReason {
		t.Errorf("%s: %v, want a conflict %s", what, err, etag.MismatchReason)
	}
}

// A recognition's version is 1 when recorded, read back with it, and
// incremented by its revocation; a revocation sent with a stale etag is
// refused as stale, before it would be refused as already revoked.
func testRecognitionEtags(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seed(t, s)
	r := add(t, s, ask(communeSet, "100", unit.Standard, "2019-12-01", "2345/QĐ-UBND"))
	if r.Version != 1 {
		t.Fatalf("new recognition has version %d, want 1", r.Version)
	}
	_, err := s.RevokeRecognition(ctx, "100", r.ID, d("2024-01-01"), "thu hồi", etag.Of(r.Version+1))
	wantStale(t, "revocation with a made-up etag", err)
	if got := under(t, s, store.RecognitionsQuery{Parent: "100", AsOf: d("2024-06-01")}); len(got) != 1 || got[0].Version != 1 {
		t.Fatalf("after a refused revocation: %+v, want the recognition in force at version 1", got)
	}
	revoked, err := s.RevokeRecognition(ctx, "100", r.ID, d("2024-01-01"), "thu hồi", etag.Of(r.Version))
	if err != nil || revoked.Version != 2 || revoked.RevocationNo != "thu hồi" {
		t.Fatalf("revocation with the current etag = %+v, %v", revoked, err)
	}
	if got := under(t, s, store.RecognitionsQuery{Parent: "100", AsOf: d("2023-06-01")}); len(got) != 1 || got[0].Version != 2 {
		t.Errorf("read back %+v, want version 2", got)
	}
	_, err = s.RevokeRecognition(ctx, "100", r.ID, d("2024-06-01"), "thu hồi lần hai", etag.Of(r.Version))
	wantStale(t, "second revocation with the first one's etag", err)
}

// Revocations of one recognition racing with its etag: exactly one wins,
// the others are told their etag is stale.
func testConcurrentRecognitionEtags(t *testing.T, s *store.Store) {
	seed(t, s)
	const n = 6
	for _, code := range []string{"100", "101", "102", "103", "200"} {
		r := add(t, s, ask(communeSet, code, unit.Standard, "2019-12-01", "QĐ "+code))
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				_, errs[i] = s.RevokeRecognition(context.Background(), code, r.ID, d(fmt.Sprintf("2024-01-%02d", i+1)), fmt.Sprintf("thu hồi %d", i), etag.Of(r.Version))
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, err := range errs {
			if err == nil {
				if winner >= 0 {
					t.Fatalf("%s: revocations %d and %d both won with one etag", code, winner, i)
				}
				winner = i
				continue
			}
			wantStale(t, fmt.Sprintf("%s: losing revocation %d", code, i), err)
		}
		if winner < 0 {
			t.Fatalf("%s: no revocation won: %v", code, errs)
		}
		got := under(t, s, store.RecognitionsQuery{Parent: code, AsOf: d("2023-06-01")})
		if len(got) != 1 || got[0].RevocationNo != fmt.Sprintf("thu hồi %d", winner) || got[0].Version != 2 {
			t.Errorf("%s: stored %+v, but revocation %d won", code, got, winner)
		}
	}
}
