package cache

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
)

// Healing is a Cache with one rule added: after the cache failed (Redis
// unreachable), it advances the generations it was given before it is used
// again.
//
// While Redis is unreachable, writes here and in the registry commit but
// their Bump is lost. Redis usually comes back with its data (a network
// partition, a restart from a snapshot), still holding aggregates computed
// before those writes under the generations they would have advanced: read
// as they are, they would be served until their TTL. Bumping every
// generation once the cache answers again makes them unreachable.
//
// A process heals when it next uses the cache, and Start heals it within an
// interval even without traffic, so a replica that saw no failure reads right
// as soon as one that did has healed. Writers wrap their cache with the
// generations they bump (the registry: "registry"); readers with the
// generations their values depend on (criteria aggregates: "criteria" and
// "registry"), so a lost bump is made good by whichever side saw the outage.
type Healing struct {
	cache Cache
	gens  []string
	// failures counts cache errors; healed is the count the last heal
	// covered. They differ while a heal is owed.
	failures, healed atomic.Uint64
}

var _ Cache = (*Healing)(nil)

// NewHealing wraps c; gens are the generations it advances when it heals.
func NewHealing(c Cache, gens ...string) *Healing {
	return &Healing{cache: c, gens: gens}
}

// failed records err, unless the caller gave up (not a cache fault).
func (h *Healing) failed(ctx context.Context, err error) error {
	if err != nil && ctx.Err() == nil {
		h.failures.Add(1)
	}
	return err
}

// Heal bumps every generation if a failure happened since the last heal.
func (h *Healing) Heal(ctx context.Context) error {
	n := h.failures.Load()
	if n == h.healed.Load() {
		return nil
	}
	for _, g := range h.gens {
		if _, err := h.cache.Bump(ctx, g); err != nil {
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

// Get implements Cache: it heals first, and fails (so the Loader
// computes directly) while it cannot.
func (h *Healing) Get(ctx context.Context, gens []string, key string) (string, []byte, bool, error) {
	if err := h.Heal(ctx); err != nil {
		return "", nil, false, err
	}
	stamp, v, ok, err := h.cache.Get(ctx, gens, key)
	return stamp, v, ok, h.failed(ctx, err)
}

// Set implements Cache.
func (h *Healing) Set(ctx context.Context, stamp, key string, value []byte, ttl time.Duration) error {
	return h.failed(ctx, h.cache.Set(ctx, stamp, key, value, ttl))
}

// Bump implements Cache, healing first.
func (h *Healing) Bump(ctx context.Context, gen string) (int64, error) {
	if err := h.Heal(ctx); err != nil {
		return 0, err
	}
	g, err := h.cache.Bump(ctx, gen)
	return g, h.failed(ctx, err)
}

// HealInterval is how soon after the cache answers again an idle process
// heals it.
const HealInterval = time.Second

// Start heals every interval in the background until stop is called; stop
// waits for the loop to end.
func (h *Healing) Start(interval time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
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
	}()
	return func() { cancel(); <-done }
}

// Bumper is the part of a Cache a writer needs.
type Bumper interface {
	Bump(ctx context.Context, gen string) (int64, error)
}

// bumpTimeout bounds a bump after a write, which no longer runs under the
// caller's deadline (the Redis timeouts are far shorter).
const bumpTimeout = 5 * time.Second

// Invalidate advances gen after a committed write, before the writer answers,
// so that the writer's next read, and anyone's, sees the write. The caller's
// cancellation does not stop it: a caller that gave up after the commit would
// otherwise leave older values readable on every replica until they expire.
// A failure is logged, not returned: the write is committed, and a Healing
// cache makes the bump good when the cache answers again. It returns the new
// generation, and false when the bump failed.
func Invalidate(ctx context.Context, c Bumper, gen string, log *slog.Logger) (int64, bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), bumpTimeout)
	defer cancel()
	g, err := c.Bump(ctx, gen)
	if err != nil {
		log.WarnContext(ctx, "cache generation not advanced", "generation", gen, "error", err)
		return 0, false
	}
	return g, true
}
