package cache

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/singleflight"
)

// LoaderOptions configures NewLoader.
type LoaderOptions struct {
	TTL            time.Duration         // lifetime of stored values, ±10% jitter; default 5m
	Logger         *slog.Logger          // default slog.Default()
	Metrics        prometheus.Registerer // optional; registers ntm_cache_requests_total
	Name           string                // "cache" label of the metrics and logs; default "default"
	ComputeTimeout time.Duration         // bound on one compute; default 30s
}

// Loader is the read path services use: cache-aside with singleflight and
// fail-open. It is safe for concurrent use.
type Loader struct {
	cache          Cache
	ttl            time.Duration
	computeTimeout time.Duration
	log            *slog.Logger
	metrics        *metrics
	group          singleflight.Group
	warns          warnLimiter
}

// NewLoader returns a Loader reading through c. It panics if o.Metrics
// already holds a different collector of the same name, like MustRegister.
func NewLoader(c Cache, o LoaderOptions) *Loader {
	if o.TTL <= 0 {
		o.TTL = 5 * time.Minute
	}
	if o.ComputeTimeout <= 0 {
		o.ComputeTimeout = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Name == "" {
		o.Name = "default"
	}
	return &Loader{
		cache:          c,
		ttl:            o.TTL,
		computeTimeout: o.ComputeTimeout,
		log:            o.Logger.With("cache", o.Name),
		metrics:        newMetrics(o.Metrics, o.Name),
	}
}

// Load returns the value of key, which depends on the namespaces gens: from
// the cache if it holds it under the current generations, otherwise computed
// once for all concurrent callers, stored and returned.
//
// A cache error (Redis down) is logged and counted, and the value is computed
// directly: Load fails only if compute fails, or with ctx.Err() if the
// caller's ctx ends first. compute runs detached from ctx's cancellation
// (bounded by ComputeTimeout) because other callers may share its result.
// The returned slice may be shared with other callers and must not be
// modified.
func (l *Loader) Load(ctx context.Context, gens []string, key string, compute func(ctx context.Context) ([]byte, error)) ([]byte, error) {
	return l.LoadAt(ctx, gens, key, func(ctx context.Context, _ []int64) ([]byte, error) { return compute(ctx) })
}

// LoadAt is Load for a compute that keeps state of its own per generation
// (an in-memory index caught up to a generation, a snapshot of another
// service's answers): compute is told the generations of gens the value
// will be stored under, in order, and must compute from sources at least
// that current. It is told nil when the cache did not answer (nothing is
// stored then): it must read its sources afresh.
func (l *Loader) LoadAt(ctx context.Context, gens []string, key string, compute func(ctx context.Context, gens []int64) ([]byte, error)) ([]byte, error) {
	stamp, value, found, err := l.cache.Get(ctx, gens, key)
	switch {
	case err != nil && ctx.Err() != nil:
		// The caller gave up; not a cache fault.
		return nil, ctx.Err()
	case err != nil:
		l.metrics.errors.Inc()
		l.warn("cache read failed; computing directly", key, err)
	case found:
		l.metrics.hits.Inc()
		return value, nil
	default:
		l.metrics.misses.Inc()
	}

	// The flight is keyed by stamp so that a compute started under an old
	// stamp never answers a caller who already saw a newer one (it might
	// predate the write that caller must see). Without a stamp (cache down)
	// callers still share one compute rather than all hitting the database.
	stamped := err == nil
	flight := key + "\x00nostamp"
	if stamped {
		flight = key + "\x00" + stamp
	}
	// singleflight forgets the key itself when the call returns, so an error
	// is never handed to later callers; an explicit Forget here could only
	// detach a newer flight.
	ch := l.group.DoChan(flight, func() (any, error) {
		return l.computeAndStore(ctx, stamped, stamp, key, compute)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.([]byte), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// computeAndStore runs compute for the flight and, if there is a stamp,
// stores its result. It outlives the caller that started it.
func (l *Loader) computeAndStore(ctx context.Context, store bool, stamp, key string, compute func(context.Context, []int64) ([]byte, error)) (value []byte, err error) {
	ctx = context.WithoutCancel(ctx)
	cctx, cancel := context.WithTimeout(ctx, l.computeTimeout)
	defer cancel()
	// singleflight re-panics a DoChan panic on a fresh goroutine, which no
	// recovery interceptor can catch and which would end the process.
	defer func() {
		if p := recover(); p != nil {
			l.log.Error("cache compute panicked", "key", key, "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("cache: compute %q panicked: %v", key, p)
		}
	}()
	var gens []int64
	if store {
		if gens, err = parseStamp(stamp); err != nil {
			return nil, err
		}
	}
	// Loads nested in compute send their stores at once and leave them to
	// this one to wait for, together with its own: one round trip for both
	// levels of an aggregate rather than one after the other.
	nested := &nestedStores{}
	defer nested.wait()
	value, err = compute(context.WithValue(cctx, nestedStoresKey{}, nested), gens)
	if err != nil || !store {
		return value, err
	}
	set := func() {
		// Store failures only cost a recompute later; the caller gets the value.
		if serr := l.cache.Set(ctx, stamp, key, value, l.jitteredTTL()); serr != nil {
			l.warn("cache write failed", key, serr)
		}
	}
	if outer, ok := ctx.Value(nestedStoresKey{}).(*nestedStores); !ok || !outer.start(set) {
		set()
	}
	return value, nil
}

// nestedStoresKey carries, in the context a compute runs with, the stores
// that loads nested in it have under way (nestedStores): the outer load
// returns once they and its own are done, so that a value is stored before
// its caller is answered, at every level.
type nestedStoresKey struct{}

// nestedStores are the stores under way of the loads nested in one compute.
type nestedStores struct {
	mu     sync.Mutex
	waited bool
	wg     sync.WaitGroup
}

// start runs set on a goroutine of its own that wait waits for, or does
// nothing and returns false once wait was called (a nested load that
// outlived its caller's compute stores as any other load does).
func (n *nestedStores) start(set func()) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.waited {
		return false
	}
	n.wg.Go(set)
	return true
}

func (n *nestedStores) wait() {
	n.mu.Lock()
	n.waited = true
	n.mu.Unlock()
	n.wg.Wait()
}

// jitteredTTL spreads expiries by ±10% so values computed together do not
// all expire, and get recomputed, together.
func (l *Loader) jitteredTTL() time.Duration {
	return time.Duration(float64(l.ttl) * (0.9 + 0.2*rand.Float64()))
}
