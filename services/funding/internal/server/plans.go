package server

import (
	"context"
	"fmt"
	"sync"

	"github.com/ntmsuite/ntm/services/funding/internal/planindex"
	"github.com/ntmsuite/ntm/services/funding/internal/store"
)

// followedPlans is the in-memory index of plans and disbursements
// (planindex) kept current with the store, which every replica writes:
// before each summary is computed it reads the rows written since the last
// ids it holds (two indexed queries that find nothing most of the time),
// so a summary counts every write committed before it began, whichever
// replica made it. The first summary after start reads them all.
type followedPlans struct {
	*planindex.Index
	store *store.Store
	// mu makes catch-ups one at a time.
	mu sync.Mutex
}

func newFollowedPlans(st *store.Store) *followedPlans {
	return &followedPlans{Index: planindex.New(), store: st}
}

// facts answers q from the index once it holds every committed write.
func (f *followedPlans) facts(ctx context.Context, q planindex.Query) ([]planindex.Fact, error) {
	if err := f.catchUp(ctx); err != nil {
		return nil, err
	}
	return f.Facts(q), nil
}

func (f *followedPlans) catchUp(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	plan, disbursement := f.Last()
	// Disbursements first: each one's plan was committed before it, so it
	// is among the plans read next.
	ds, err := f.store.DisbursementsAfter(ctx, disbursement)
	if err != nil {
		return fmt.Errorf("read disbursements after %d: %w", disbursement, err)
	}
	ps, err := f.store.PlansAfter(ctx, plan)
	if err != nil {
		return fmt.Errorf("read plans after %d: %w", plan, err)
	}
	return f.Add(ps, ds)
}
