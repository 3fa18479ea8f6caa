package server

import (
	"context"
	"sync"

	"github.com/ntmsuite/ntm/services/criteria/internal/statusindex"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
)

// followedIndex is the in-memory index of assessments (statusindex) kept
// current with the store, which every replica writes: it reads the rows
// written since the last id it holds when the cache generation of this
// service (Generation) shows a write it has not followed yet. A writer
// bumps the generation after its commit, so rows read after seeing a
// generation include every write counted in it.
type followedIndex struct {
	*statusindex.Index
	store *store.Store
	// mu makes catch-ups one at a time, and guards gen and known.
	mu sync.Mutex
	// gen is the generation the index is current with, when known.
	gen   int64
	known bool
}

func newFollowedIndex(st *store.Store) *followedIndex {
	return &followedIndex{Index: statusindex.New(), store: st}
}

// currentWith makes the index hold every write counted in generation gen.
// Any other generation than the one it followed last (a newer one, or an
// older one after Redis lost its keys) means reading the rows since.
func (f *followedIndex) currentWith(ctx context.Context, gen int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.known && f.gen == gen {
		return nil
	}
	if err := f.catchUpLocked(ctx); err != nil {
		return err
	}
	f.gen, f.known = gen, true
	return nil
}

// wrote adds the rows this process committed, then takes the generation its
// bump returned (bumped false: the bump failed). When that is the one after
// the generation the index is current with, no other write was counted in
// between, and the index is current with it without reading the store: the
// next aggregate after a write here needs no SQL.
func (f *followedIndex) wrote(rows []statusindex.Row, gen int64, bumped bool) {
	f.AddOwn(rows)
	if !bumped {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.known && gen == f.gen+1 {
		f.gen = gen
	}
}

// catchUp reads the rows written since, whatever the generation: at start,
// and when the cache cannot tell the generation.
func (f *followedIndex) catchUp(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.catchUpLocked(ctx)
}

func (f *followedIndex) catchUpLocked(ctx context.Context) error {
	rows, err := f.store.StatesAfter(ctx, f.LastID())
	if err != nil {
		return err
	}
	f.Add(rows)
	return nil
}
