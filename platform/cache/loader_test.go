package cache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

var criteria = []string{"criteria"}

// counter is a compute that counts its calls and returns "v<call number>",
// so a test can tell a fresh value from a cached one.
type counter struct{ calls atomic.Int64 }

func (c *counter) compute(context.Context) ([]byte, error) {
	return fmt.Appendf(nil, "v%d", c.calls.Add(1)), nil
}

func load(t *testing.T, l *Loader, gens []string, key string, compute func(context.Context) ([]byte, error)) string {
	t.Helper()
	v, err := l.Load(t.Context(), gens, key, compute)
	if err != nil {
		t.Fatalf("Load(%q): %v", key, err)
	}
	return string(v)
}

// Concurrent misses of one key compute once. synctest makes "all 50 callers
// wait on the flight" observable rather than a matter of timing.
func TestLoaderSingleflight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewLoader(NewMemory(), LoaderOptions{Logger: quiet})
		release := make(chan struct{})
		var calls atomic.Int64
		compute := func(context.Context) ([]byte, error) {
			calls.Add(1)
			<-release
			return []byte("112/137"), nil
		}
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				if v, err := l.Load(context.Background(), criteria, "k", compute); err != nil || string(v) != "112/137" {
					t.Errorf("Load = %q, %v", v, err)
				}
			})
		}
		synctest.Wait() // every caller is now blocked in the one flight
		close(release)
		wg.Wait()
		if n := calls.Load(); n != 1 {
			t.Fatalf("compute ran %d times for 50 concurrent misses, want 1", n)
		}
	})
}

// testLoaderReads checks hit, miss and invalidation on one cache.
func testLoaderReads(t *testing.T, c Cache) {
	var n counter
	l := NewLoader(c, LoaderOptions{Logger: quiet})
	if got := load(t, l, criteria, "k", n.compute); got != "v1" {
		t.Fatalf("first Load = %q, want v1", got)
	}
	if got := load(t, l, criteria, "k", n.compute); got != "v1" {
		t.Fatalf("second Load = %q, want the cached v1", got)
	}
	if _, err := c.Bump(t.Context(), "registry"); err != nil {
		t.Fatal(err)
	}
	if got := load(t, l, criteria, "k", n.compute); got != "v1" {
		t.Fatalf("Load after an unrelated Bump = %q, want the cached v1", got)
	}
	if _, err := c.Bump(t.Context(), "criteria"); err != nil {
		t.Fatal(err)
	}
	if got := load(t, l, criteria, "k", n.compute); got != "v2" {
		t.Fatalf("Load after Bump = %q, want a recomputed v2", got)
	}
	hits, misses := testutil.ToFloat64(l.metrics.hits), testutil.ToFloat64(l.metrics.misses)
	if hits != 2 || misses != 2 {
		t.Errorf("hits %v misses %v, want 2 and 2", hits, misses)
	}
}

func TestLoaderMemory(t *testing.T) { testLoaderReads(t, NewMemory()) }

func TestLoaderRedis(t *testing.T) { testLoaderReads(t, newTestRedis(t, randomPrefix())) }

// Two replicas share Redis: a write acknowledged by one (Bump after commit)
// is seen by the next read on the other.
func TestLoaderReplicasReadYourWrites(t *testing.T) {
	prefix := randomPrefix()
	ra, rb := newTestRedis(t, prefix), newTestRedis(t, prefix)
	a := NewLoader(ra, LoaderOptions{Logger: quiet, Name: "a"})
	b := NewLoader(rb, LoaderOptions{Logger: quiet, Name: "b"})
	var n counter
	gens := []string{"criteria", "registry"}
	if got := load(t, a, gens, "k", n.compute); got != "v1" {
		t.Fatalf("A = %q, want v1", got)
	}
	if got := load(t, b, gens, "k", n.compute); got != "v1" {
		t.Fatalf("B = %q, want v1 cached by A", got)
	}
	// The write path on replica A.
	if _, err := ra.Bump(t.Context(), "registry"); err != nil {
		t.Fatal(err)
	}
	if got := load(t, b, gens, "k", n.compute); got != "v2" {
		t.Fatalf("B after A's Bump = %q, want a recomputed v2", got)
	}
	if got := load(t, a, gens, "k", n.compute); got != "v2" {
		t.Fatalf("A after B recomputed = %q, want B's v2", got)
	}
}

// With Redis unreachable Load computes directly, counts the error and
// reports it in the registered metric.
func TestLoaderCacheDown(t *testing.T) {
	r := NewRedis(RedisOptions{Addr: deadAddr(t)})
	defer r.Close()
	reg := prometheus.NewRegistry()
	l := NewLoader(r, LoaderOptions{Logger: quiet, Metrics: reg, Name: "criteria"})
	// The bound only turns a hang into a failure; failing over is meant to
	// take one refused dial.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var n counter
	for i := range 3 {
		v, err := l.Load(ctx, criteria, "k", n.compute)
		if err != nil {
			t.Fatalf("Load %d with the cache down: %v", i, err)
		}
		if want := fmt.Sprintf("v%d", i+1); string(v) != want {
			t.Fatalf("Load %d = %q, want %q computed directly", i, v, want)
		}
	}
	const want = `
# HELP ntm_cache_requests_total Cache reads by result: hit, miss, or error (the value was computed without the cache).
# TYPE ntm_cache_requests_total counter
ntm_cache_requests_total{cache="criteria",result="error"} 3
ntm_cache_requests_total{cache="criteria",result="hit"} 0
ntm_cache_requests_total{cache="criteria",result="miss"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "ntm_cache_requests_total"); err != nil {
		t.Error(err)
	}
}

// A caller that gives up gets its ctx error; the compute it started goes on
// for the caller that joined the same flight.
func TestLoaderCallerCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewLoader(NewMemory(), LoaderOptions{Logger: quiet})
		release := make(chan struct{})
		var calls atomic.Int64
		compute := func(ctx context.Context) ([]byte, error) {
			calls.Add(1)
			<-release
			if err := ctx.Err(); err != nil {
				return nil, err // the leader's cancellation leaked into compute
			}
			return []byte("v"), nil
		}
		ctxA, cancelA := context.WithCancel(context.Background())
		errA := make(chan error, 1)
		go func() {
			_, err := l.Load(ctxA, criteria, "k", compute)
			errA <- err
		}()
		synctest.Wait() // A leads the flight; compute is blocked
		type result struct {
			v   []byte
			err error
		}
		resB := make(chan result, 1)
		go func() {
			v, err := l.Load(context.Background(), criteria, "k", compute)
			resB <- result{v, err}
		}()
		synctest.Wait() // B joined the flight
		cancelA()
		if err := <-errA; !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled caller got %v, want context.Canceled", err)
		}
		close(release)
		if r := <-resB; r.err != nil || string(r.v) != "v" {
			t.Fatalf("other caller got %q, %v; want v", r.v, r.err)
		}
		if n := calls.Load(); n != 1 {
			t.Fatalf("compute ran %d times, want 1 shared flight", n)
		}
	})
}

// A flight started before a write must not answer a caller that read the
// generation after it: that caller has to see the write.
func TestLoaderFlightKeyedByStamp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := NewMemory()
		l := NewLoader(c, LoaderOptions{Logger: quiet})
		release := make(chan struct{})
		var calls atomic.Int64
		compute := func(context.Context) ([]byte, error) {
			if calls.Add(1) == 1 {
				<-release // the slow read of the old snapshot
				return []byte("old"), nil
			}
			return []byte("new"), nil
		}
		oldDone := make(chan string, 1)
		go func() {
			v, _ := l.Load(context.Background(), criteria, "k", compute)
			oldDone <- string(v)
		}()
		synctest.Wait()
		if _, err := c.Bump(context.Background(), "criteria"); err != nil {
			t.Fatal(err)
		}
		if got := load(t, l, criteria, "k", compute); got != "new" {
			t.Fatalf("Load after the Bump = %q, want new (it joined the old flight)", got)
		}
		close(release)
		if got := <-oldDone; got != "old" {
			t.Fatalf("old flight = %q, want old", got)
		}
		// The old flight stored under the old stamp; the new value stands.
		if got := load(t, l, criteria, "k", compute); got != "new" {
			t.Fatalf("Load after the old flight finished = %q, want new", got)
		}
	})
}

func TestLoaderComputeError(t *testing.T) {
	l := NewLoader(NewMemory(), LoaderOptions{Logger: quiet})
	boom := errors.New("database down")
	_, err := l.Load(t.Context(), criteria, "k", func(context.Context) ([]byte, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("Load = %v, want the compute error", err)
	}
	var n counter
	if got := load(t, l, criteria, "k", n.compute); got != "v1" {
		t.Fatalf("Load after a failed compute = %q, want a fresh v1 (errors are not cached)", got)
	}
}

func TestLoaderComputePanic(t *testing.T) {
	l := NewLoader(NewMemory(), LoaderOptions{Logger: quiet})
	_, err := l.Load(t.Context(), criteria, "k", func(context.Context) ([]byte, error) { panic("bug") })
	if err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("Load = %v, want a panic turned into an error", err)
	}
}

func TestLoaderComputeTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewLoader(NewMemory(), LoaderOptions{Logger: quiet, ComputeTimeout: time.Second})
		_, err := l.Load(context.Background(), criteria, "k", func(ctx context.Context) ([]byte, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Load = %v, want the compute deadline", err)
		}
	})
}

// Loaders of one name on one registry share counters instead of panicking,
// as when a service builds its Loader twice in tests.
func TestLoaderMetricsRegisteredTwice(t *testing.T) {
	reg := prometheus.NewRegistry()
	a := NewLoader(NewMemory(), LoaderOptions{Logger: quiet, Metrics: reg, Name: "x"})
	b := NewLoader(NewMemory(), LoaderOptions{Logger: quiet, Metrics: reg, Name: "x"})
	var n counter
	load(t, a, criteria, "k", n.compute)
	load(t, b, criteria, "k", n.compute)
	if got := testutil.ToFloat64(a.metrics.misses); got != 2 {
		t.Fatalf("shared miss counter = %v, want 2", got)
	}
}

// LoadAt tells compute the generations its value is stored under, in the
// order they are listed, and nil when the cache is down and nothing is
// stored: a compute with state per generation must then read afresh.
func TestLoadAtTellsTheGenerations(t *testing.T) {
	m := NewMemory()
	l := NewLoader(m, LoaderOptions{Logger: quiet})
	gens := []string{"criteria", "registry"}
	var told [][]int64
	compute := func(_ context.Context, g []int64) ([]byte, error) {
		told = append(told, g)
		return fmt.Appendf(nil, "v%d", len(told)), nil
	}
	for _, bump := range []string{"", "registry", "registry", "criteria"} {
		if bump != "" {
			if _, err := m.Bump(t.Context(), bump); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := l.LoadAt(t.Context(), gens, "k", compute); err != nil {
			t.Fatal(err)
		}
	}
	// A generation's first Bump starts it at the time (see Memory.Bump).
	if len(told) != 4 {
		t.Fatalf("compute ran %d times, want 4", len(told))
	}
	rg, cg := told[1][1], told[3][0]
	want := [][]int64{{0, 0}, {0, rg}, {0, rg + 1}, {cg, rg + 1}}
	if rg == 0 || cg == 0 || fmt.Sprint(told) != fmt.Sprint(want) {
		t.Errorf("compute was told %v, want %v", told, want)
	}

	r := NewRedis(RedisOptions{Addr: deadAddr(t)})
	defer r.Close()
	down := NewLoader(r, LoaderOptions{Logger: quiet})
	told = nil
	if _, err := down.LoadAt(t.Context(), gens, "k", compute); err != nil {
		t.Fatal(err)
	}
	if len(told) != 1 || told[0] != nil {
		t.Errorf("with the cache down compute was told %v, want nil", told)
	}
}

// overlapCache makes each Set wait until another has started: stores sent
// one after the other fail after 10 s instead.
type overlapCache struct {
	Cache
	sets    atomic.Int32
	both    chan struct{} // closed when the second Set starts
	settled atomic.Int32
}

func (c *overlapCache) Set(ctx context.Context, stamp, key string, value []byte, ttl time.Duration) error {
	if c.sets.Add(1) == 2 {
		close(c.both)
	}
	defer c.settled.Add(1)
	select {
	case <-c.both:
	case <-time.After(10 * time.Second):
		return errors.New("no other store was under way")
	}
	return c.Cache.Set(ctx, stamp, key, value, ttl)
}

// An aggregate's two levels (a load nested in another's compute) are
// stored at once, and both before the outer load answers: another replica
// then finds either without computing.
func TestLoaderStoresNestedLevelsTogether(t *testing.T) {
	prefix := randomPrefix()
	c := &overlapCache{Cache: newTestRedis(t, prefix), both: make(chan struct{})}
	outer := NewLoader(c, LoaderOptions{Logger: quiet, Name: "outer"})
	inner := NewLoader(c, LoaderOptions{Logger: quiet, Name: "inner"})
	v, err := outer.Load(t.Context(), criteria, "request", func(ctx context.Context) ([]byte, error) {
		return inner.Load(ctx, nil, "content", func(context.Context) ([]byte, error) { return []byte("figures"), nil })
	})
	if err != nil || string(v) != "figures" {
		t.Fatalf("Load = %q, %v", v, err)
	}
	if n := c.settled.Load(); n != 2 {
		t.Fatalf("%d stores settled when the load answered, want both", n)
	}
	b := NewLoader(newTestRedis(t, prefix), LoaderOptions{Logger: quiet, Name: "b"})
	var n counter
	if got := load(t, b, criteria, "request", n.compute); got != "figures" {
		t.Errorf("another replica's request = %q, want the stored figures", got)
	}
	if got := load(t, b, nil, "content", n.compute); got != "figures" {
		t.Errorf("another replica's content = %q, want the stored figures", got)
	}
}
