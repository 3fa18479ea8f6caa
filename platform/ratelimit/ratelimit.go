// Package ratelimit bounds how often one principal (a token's subject) or
// one client address may call, and more tightly how often an address may
// fail authentication, so one client cannot starve the others or guess
// tokens at leisure.
//
// Counting is a fixed window per key: the first event of a window creates
// a counter that expires with the window, later events increment it, and an
// event over the rule's limit is refused until the window ends (the answer
// says when: Decision.RetryAfter). With Redis the counters are shared by
// every replica (one Lua script: INCRBY, PEXPIRE on creation, PTTL); when
// Redis errors or is absent, each process counts alone, so an outage of the
// cache loosens the limits by the number of replicas but never removes them.
//
// A replica sends its events to Redis in batches of a fiftieth of the limit
// (see sharedWindow), not one by one: a round trip per rule per call cost
// more than the read it guarded. Far from the limit it decides on the last
// shared count plus its own unsent events; within a batch of the limit it
// sends every event, so a refusal is exact and a window admits at most a
// batch per replica more than its limit. Small limits (fewer than 100, such
// as failed authentications) have batches of one: every event is sent.
//
// Key layout in Redis: {prefix}rl:{name}:{id}, where Policy names a count
// {scope}:{rule}, e.g. "ntm:rl:gateway:principal:admin".
package ratelimit

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Rule allows Limit events per Window for each key. A Limit of zero or less
// disables the rule.
type Rule struct {
	Limit  int64
	Window time.Duration
}

func (r Rule) off() bool { return r.Limit <= 0 || r.Window <= 0 }

// Decision is the answer to one event.
type Decision struct {
	Allowed bool
	// RetryAfter is how long until the window that refused ends; zero when allowed.
	RetryAfter time.Duration
}

// Limiter counts events per key, in Redis when it has a client and in this
// process otherwise or while Redis fails.
type Limiter struct {
	redis  *redis.Client // nil: count in this process only
	prefix string
	local  *local
	shared *local // windows counted in Redis: the shared count and this process's unsent events
	log    *slog.Logger
	// redisDownUntil (unix nanoseconds) skips Redis for a while after it
	// failed, so an outage does not cost every call a failed dial.
	redisDownUntil atomic.Int64
	// down is set while Redis fails, so an outage is logged once, not per call.
	down atomic.Bool
}

// redisPause is how long the Limiter counts locally after Redis failed.
const redisPause = time.Second

// Options configures New.
type Options struct {
	// Redis (optional) shares the counters between replicas; the caller
	// owns and closes it.
	Redis *redis.Client
	// Prefix is prepended to every Redis key (the deployment's cache prefix).
	Prefix string
	Logger *slog.Logger // nil = slog.Default()
}

// New returns a Limiter.
func New(o Options) *Limiter {
	l := &Limiter{redis: o.Redis, prefix: o.Prefix, local: newLocal(), shared: newLocal(), log: o.Logger}
	if l.log == nil {
		l.log = slog.Default()
	}
	return l
}

// script counts one event in a window: the counter is created with the
// window as its expiry, so a window never outlives its length even when a
// replica dies between the two commands (they run atomically here).
var script = redis.NewScript(`
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`)

// Allow counts one event for id under the named rule and says whether it
// stays within the rule. It never fails: a Redis error falls back to
// counting in this process.
func (l *Limiter) Allow(ctx context.Context, name string, rule Rule, id string) Decision {
	if rule.off() {
		return Decision{Allowed: true}
	}
	key := name + ":" + id
	now := time.Now()
	if l.redis != nil && now.UnixNano() >= l.redisDownUntil.Load() {
		if d, ok := l.allowShared(ctx, key, rule, now); ok {
			return d
		}
	}
	return l.local.allow(key, rule, now)
}

// allowShared counts the event in the shared window of key; false when
// Redis failed (the event is then counted locally).
func (l *Limiter) allowShared(ctx context.Context, key string, rule Rule, now time.Time) (Decision, bool) {
	w, send := l.shared.count(key, rule, now)
	if send == 0 {
		return w, true
	}
	res, err := script.Run(ctx, l.redis, []string{l.prefix + "rl:" + key}, rule.Window.Milliseconds(), send).Int64Slice()
	if err != nil || len(res) != 2 {
		l.shared.unsent(key, send)
		l.redisDownUntil.Store(now.Add(redisPause).UnixNano())
		if !l.down.Swap(true) {
			l.log.Warn("rate limits: Redis failed; each process counts alone until it answers", "error", err)
		}
		return Decision{}, false
	}
	if l.down.Swap(false) {
		l.log.Info("rate limits: Redis answers again; replicas count together")
	}
	return l.shared.sent(key, rule, res[0], time.Duration(res[1])*time.Millisecond, now), true
}

func decide(n, limit int64, left time.Duration) Decision {
	if n <= limit {
		return Decision{Allowed: true}
	}
	return Decision{RetryAfter: max(left, time.Millisecond)}
}

// RetryAfterSeconds is d rounded up to whole seconds, at least 1, as the
// Retry-After header wants it.
func RetryAfterSeconds(d time.Duration) int64 {
	return max(1, int64(math.Ceil(d.Seconds())))
}

// local counts windows in this process.
type local struct {
	mu      sync.Mutex
	windows map[string]*window
	// sweepAt is the map size that triggers removing ended windows, so
	// memory follows the number of active keys, not of keys ever seen.
	sweepAt int
}

type window struct {
	n   int64
	end time.Time
	// For a shared window: n is the count Redis last returned plus the
	// events counted here since, unsent of which are not in Redis yet;
	// sending is set while one caller sends them.
	unsent  int64
	sending bool
}

// batchDivisor makes a shared window's batch a fiftieth of its limit.
const batchDivisor = 50

// count counts one event in key's shared window and returns the decision
// on what is known here, or, when this caller must send the unsent events
// to Redis first (a batch is full, the window is new or near its limit, and
// nobody is sending), how many to send.
func (c *local) count(key string, rule Rule, now time.Time) (Decision, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.windowOf(key, rule, now)
	w.n++
	w.unsent++
	batch := max(1, rule.Limit/batchDivisor)
	due := w.unsent >= batch || w.n == w.unsent || w.n+batch > rule.Limit
	if !due || w.sending {
		return decide(w.n, rule.Limit, w.end.Sub(now)), 0
	}
	w.sending = true
	send := w.unsent
	w.unsent = 0
	return Decision{}, send
}

// sent takes Redis's count after a send (this process's sent events
// included) and its time left, and decides the event that sent them.
func (c *local) sent(key string, rule Rule, shared int64, left time.Duration, now time.Time) Decision {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.windowOf(key, rule, now)
	w.sending = false
	w.n = shared + w.unsent
	if left > 0 {
		w.end = now.Add(left)
	}
	return decide(shared, rule.Limit, w.end.Sub(now))
}

// unsent puts back events a failed send did not deliver.
func (c *local) unsent(key string, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w := c.windows[key]; w != nil {
		w.sending = false
		w.unsent += n
	}
}

// windowOf is key's current window, a new one when the last has ended.
func (c *local) windowOf(key string, rule Rule, now time.Time) *window {
	w := c.windows[key]
	if w == nil || !now.Before(w.end) {
		if w == nil && len(c.windows) >= c.sweepAt {
			c.sweep(now)
		}
		w = &window{end: now.Add(rule.Window)}
		c.windows[key] = w
	}
	return w
}

const minSweep = 1024

func newLocal() *local { return &local{windows: map[string]*window{}, sweepAt: minSweep} }

func (c *local) allow(key string, rule Rule, now time.Time) Decision {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.windowOf(key, rule, now)
	w.n++
	return decide(w.n, rule.Limit, w.end.Sub(now))
}

func (c *local) sweep(now time.Time) {
	for k, w := range c.windows {
		if !now.Before(w.end) {
			delete(c.windows, k)
		}
	}
	c.sweepAt = max(minSweep, 2*len(c.windows))
}
