package ratelimit

import (
	"context"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ntmsuite/ntm/platform/cache/cachetest"
)

// newRedis is a client of the test Redis; the keys under the returned
// prefix are deleted at cleanup.
func newRedis(t *testing.T) (*redis.Client, string) {
	prefix := cachetest.Prefix(t)
	c := redis.NewClient(&redis.Options{Addr: cachetest.RedisAddr()})
	t.Cleanup(func() { _ = c.Close() })
	return c, prefix
}

// Two replicas sharing Redis share the count: the fourth call of a rule of
// three is refused whichever replica gets it, with the time left in the
// window; another key has its own count.
func TestRedisCountsAcrossReplicas(t *testing.T) {
	c, prefix := newRedis(t)
	a, b := New(Options{Redis: c, Prefix: prefix}), New(Options{Redis: c, Prefix: prefix})
	rule := Rule{Limit: 3, Window: time.Minute}
	ctx := context.Background()
	for i, l := range []*Limiter{a, b, a} {
		if d := l.Allow(ctx, "principal", rule, "admin"); !d.Allowed {
			t.Fatalf("call %d refused: %+v", i+1, d)
		}
	}
	d := b.Allow(ctx, "principal", rule, "admin")
	if d.Allowed || d.RetryAfter <= 0 || d.RetryAfter > time.Minute {
		t.Fatalf("fourth call: %+v, want refused with a retry within the window", d)
	}
	if d := b.Allow(ctx, "principal", rule, "officer"); !d.Allowed {
		t.Errorf("another subject refused: %+v", d)
	}
	// The count lives in Redis, not in either process.
	if n, err := c.Get(ctx, prefix+"rl:principal:admin").Int(); err != nil || n != 4 {
		t.Errorf("Redis counter = %d, %v; want 4", n, err)
	}
}

// With Redis unreachable (a closed port), each process still limits.
func TestRedisDownFallsBackToLocalCounting(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	_ = lis.Close()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { _ = c.Close() })
	l := New(Options{Redis: c, Prefix: "ntm:"})
	rule := Rule{Limit: 2, Window: time.Minute}
	var allowed int
	for range 5 {
		if l.Allow(context.Background(), "address", rule, "10.0.0.1").Allowed {
			allowed++
		}
	}
	if allowed != 2 {
		t.Errorf("%d of 5 calls allowed with Redis down, want 2", allowed)
	}
}

// A local window admits again once it has ended, and ended windows are
// swept so memory follows the active keys.
func TestLocalWindowEndsAndIsSwept(t *testing.T) {
	c := newLocal()
	rule := Rule{Limit: 1, Window: time.Minute}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if !c.allow("k", rule, t0).Allowed {
		t.Fatal("first call refused")
	}
	if d := c.allow("k", rule, t0.Add(20*time.Second)); d.Allowed || d.RetryAfter != 40*time.Second {
		t.Fatalf("second call in the window: %+v, want refused for 40s", d)
	}
	if !c.allow("k", rule, t0.Add(time.Minute)).Allowed {
		t.Fatal("refused in a new window")
	}
	for i := range minSweep - 1 {
		c.allow(string(rune('a'+i%26))+string(rune(i)), rule, t0)
	}
	c.allow("late", rule, t0.Add(2*time.Minute)) // over minSweep keys, all ended: swept
	if len(c.windows) != 1 {
		t.Errorf("%d windows kept after the sweep, want 1", len(c.windows))
	}
}

// A disabled rule and a nil policy allow everything; failed
// authentications have their own, stricter count per address.
func TestPolicy(t *testing.T) {
	ctx := context.Background()
	var none *Policy
	if !none.Call(ctx, "gw", "admin", "a").Allowed || !none.Failure(ctx, "gw", "a").Allowed || !none.LocalFailure("gw", "a").Allowed {
		t.Fatal("a nil policy refused")
	}
	p := &Policy{Limiter: New(Options{}), Principal: Rule{Limit: 2, Window: time.Minute},
		Address: Rule{Limit: 3, Window: time.Minute}, FailedAuth: Rule{Limit: 1, Window: time.Minute}}
	if !p.Call(ctx, "gw", "admin", "a").Allowed || !p.Call(ctx, "gw", "admin", "b").Allowed {
		t.Fatal("calls within the rules refused")
	}
	if p.Call(ctx, "gw", "admin", "c").Allowed {
		t.Error("third call of one principal (limit 2) allowed")
	}
	var allowed []bool
	for range 3 {
		allowed = append(allowed, p.Call(ctx, "gw", "", "a").Allowed)
	}
	if !slices.Equal(allowed, []bool{true, true, false}) {
		t.Errorf("address a's second to fourth calls allowed %v, want the fourth refused (limit 3)", allowed)
	}
	if !p.Failure(ctx, "gw", "x").Allowed || p.Failure(ctx, "gw", "x").Allowed || p.LocalFailure("gw", "x").Allowed {
		t.Error("failed authentications: want the first allowed and the next refused (limit 1)")
	}
	if !p.Call(ctx, "registry", "admin", "e").Allowed || !p.Failure(ctx, "registry", "x").Allowed {
		t.Error("another scope shares the gateway's counts")
	}
	p.Principal = Rule{}
	if !p.Call(ctx, "gw", "admin", "d").Allowed {
		t.Error("a disabled principal rule refused")
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	for d, want := range map[time.Duration]int64{time.Millisecond: 1, time.Second: 1, 1500 * time.Millisecond: 2, time.Minute: 60} {
		if got := RetryAfterSeconds(d); got != want {
			t.Errorf("RetryAfterSeconds(%v) = %d, want %d", d, got, want)
		}
	}
}

// Far from its limit a replica sends its events in batches (a fiftieth of
// the limit), so most calls cost no round trip; near the limit it sends
// each, so replicas together admit at most a batch each over the limit.
func TestRedisCountsInBatches(t *testing.T) {
	c, prefix := newRedis(t)
	ctx := context.Background()
	a, b := New(Options{Redis: c, Prefix: prefix}), New(Options{Redis: c, Prefix: prefix})
	wide := Rule{Limit: 5000, Window: time.Minute} // batches of 100
	for range 150 {
		if d := a.Allow(ctx, "principal", wide, "admin"); !d.Allowed {
			t.Fatalf("refused far from the limit: %+v", d)
		}
	}
	// The first event of the window, then one batch of 100; 49 still here.
	if n, err := c.Get(ctx, prefix+"rl:principal:admin").Int(); err != nil || n != 101 {
		t.Errorf("Redis counter after 150 calls = %d, %v; want 101", n, err)
	}

	narrow := Rule{Limit: 500, Window: time.Minute} // batches of 10
	allowed := 0
	for i := range 1000 {
		if []*Limiter{a, b}[i%2].Allow(ctx, "address", narrow, "10.0.0.1").Allowed {
			allowed++
		}
	}
	if int64(allowed) < narrow.Limit || int64(allowed) > narrow.Limit+2*10 {
		t.Errorf("two replicas admitted %d calls under a limit of %d, want %d..%d", allowed, narrow.Limit, narrow.Limit, narrow.Limit+20)
	}
}
