package server

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/ntmsuite/ntm/platform/cache"
)

// HealingCache is the service's cache with one rule added: after the cache
// failed (Redis unreachable), it advances every generation aggregates depend
// on before it is used again.
//
// While Redis is unreachable, writes here and in the registry commit but
// their Bump is lost. Redis usually comes back with its data (a network
// partition, a restart from a snapshot), still holding aggregates computed
// before those writes under the generations they would have advanced: read
// as they are, they would be served until their TTL. Bumping every
// generation once the cache answers again makes them unreachable.
//
// A replica heals when it next uses the cache, and Run heals it within a
// second even without traffic, so a replica that saw no failure reads right
// as soon as one that did has healed.
type HealingCache struct {
	cache cache.Cache
	gens  []string
	// failures counts cache errors; healed is the count the last heal
	// covered. They differ while a heal is owed.
	failures, healed atomic.Uint64
}

var _ cache.Cache = (*HealingCache)(nil)

// NewHealingCache wraps c for the aggregates' generations.
func NewHealingCache(c cache.Cache) *HealingCache {
	return &HealingCache{cache: c, gens: aggregateGenerations}
}

// failed records err, unless the caller gave up (not a cache fault).
func (h *HealingCache) failed(ctx context.Context, err error) error {
	if err != nil && ctx.Err() == nil {
		h.failures.Add(1)
	}
	return err
}

// Heal bumps every generation if a failure happened since the last heal.
func (h *HealingCache) Heal(ctx context.Context) error {
	n := h.failures.Load()
	if n == h.healed.Load() {
		return nil
	}
	for _, g := range h.gens {
		if err := h.cache.Bump(ctx, g); err != nil {
			return h.failed(ctx, err)
		}
	}
	// Failures after n was read need a heal of their own.
	for {
		old := h.healed.Load()
		if old >= n || h.healed.CompareAndSwap(old, n) {
			return nil
		}
	}
}

// Get implements cache.Cache: it heals first, and fails (so the Loader
// computes directly) while it cannot.
func (h *HealingCache) Get(ctx context.Context, gens []string, key string) (string, []byte, bool, error) {
	if err := h.Heal(ctx); err != nil {
		return "", nil, false, err
	}
	stamp, v, ok, err := h.cache.Get(ctx, gens, key)
	return stamp, v, ok, h.failed(ctx, err)
}

// Set implements cache.Cache.
func (h *HealingCache) Set(ctx context.Context, stamp, key string, value []byte, ttl time.Duration) error {
	return h.failed(ctx, h.cache.Set(ctx, stamp, key, value, ttl))
}

// Bump implements cache.Cache, healing first.
func (h *HealingCache) Bump(ctx context.Context, gen string) error {
	if err := h.Heal(ctx); err != nil {
		return err
	}
	return h.failed(ctx, h.cache.Bump(ctx, gen))
}

// Run heals every interval until ctx is done.
func (h *HealingCache) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = h.Heal(ctx)
		}
	}
}
