// Package ratelimit bounds how often one principal (a token's subject) or
// one client address may call, and more tightly how often an address may
// fail authentication, so one client cannot starve the others or guess
// tokens at leisure.
//
// Counting is a fixed window per key: the first event of a window creates
// a counter that expires with the window, later events increment it, and an
// event over the rule's limit is refused until the window ends (the answer
// says when: Decision.RetryAfter). With Redis the counters are shared by
// every replica (one Lua script: INCR, PEXPIRE on creation, PTTL); when
// Redis errors or is absent, each process counts alone, so an outage of the
// cache loosens the limits by the number of replicas but never removes them.
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
	l := &Limiter{redis: o.Redis, prefix: o.Prefix, local: newLocal(), log: o.Logger}
	if l.log == nil {
		l.log = slog.Default()
	}
	return l
}

// script counts one event in a window: the counter is created with the
// window as its expiry, so a window never outlives its length even when a
// replica dies between the two commands (they run atomically here).
var script = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
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
		res, err := script.Run(ctx, l.redis, []string{l.prefix + "rl:" + key}, rule.Window.Milliseconds()).Int64Slice()
		if err == nil && len(res) == 2 {
			if l.down.Swap(false) {
				l.log.Info("rate limits: Redis answers again; replicas count together")
			}
			return decide(res[0], rule.Limit, time.Duration(res[1])*time.Millisecond)
		}
		l.redisDownUntil.Store(now.Add(redisPause).UnixNano())
		if !l.down.Swap(true) {
			l.log.Warn("rate limits: Redis failed; each process counts alone until it answers", "error", err)
		}
	}
	return l.local.allow(key, rule, now)
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
}

const minSweep = 1024

func newLocal() *local { return &local{windows: map[string]*window{}, sweepAt: minSweep} }

func (c *local) allow(key string, rule Rule, now time.Time) Decision {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.windows[key]
	if w == nil || !now.Before(w.end) {
		if w == nil && len(c.windows) >= c.sweepAt {
			c.sweep(now)
		}
		w = &window{end: now.Add(rule.Window)}
		c.windows[key] = w
	}
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
