package server

import (
	"context"
	"errors"
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
	store *store.Store
	// mu makes catch-ups one at a time, and guards index.
	mu    sync.Mutex
	index *planindex.Index
}

func newFollowedPlans(st *store.Store) *followedPlans {
	return &followedPlans{store: st, index: planindex.New()}
}

// facts answers q from the index once it holds every committed write.
func (f *followedPlans) facts(ctx context.Context, q planindex.Query) ([]planindex.Fact, error) {
	x, err := f.current(ctx)
	if err != nil {
		return nil, err
	}
	return x.Facts(q), nil
}

// current catches the index up and returns it. A disbursement of a plan the
// index lacks means that a plan was passed over, its id committed after a
// higher one was read: db.OrderIDs rules that out once every writer takes
// it, but not while a replica of an older version still writes (a rolling
// upgrade). The index is then read anew from the first row.
func (f *followedPlans) current(ctx context.Context) (*planindex.Index, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	err := f.catchUpLocked(ctx)
	if errors.Is(err, planindex.ErrUnknownPlan) {
		f.index = planindex.New()
		err = f.catchUpLocked(ctx)
	}
	if err != nil {
		return nil, err
	}
	return f.index, nil
}

func (f *followedPlans) catchUpLocked(ctx context.Context) error {
	plan, disbursement := f.index.Last()
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
	return f.index.Add(ps, ds)
}
