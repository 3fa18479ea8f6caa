package cache

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// DefaultPrefix is the key prefix every service of the suite uses, so that
// the registry's generation bumps reach the aggregates of the others.
const DefaultPrefix = "ntm:"

// RedisOptions configures NewRedis.
type RedisOptions struct {
	Addr   string // host:port
	Prefix string // prepended to every key, e.g. "ntm:"
	// Timeouts are short because a slow cache is worse than none: on error
	// the Loader computes directly. Defaults: 200ms, 100ms, 100ms.
	DialTimeout, ReadTimeout, WriteTimeout time.Duration
	// NearBytes bounds the values kept in process (see nearValues):
	// default DefaultNearBytes; negative keeps none.
	NearBytes int64
}

// Redis is the Cache shared by service replicas. It works against a single
// Redis server (or Sentinel primary), not Redis Cluster: a read pipelines
// commands on generation and value keys that Cluster would place apart.
//
// The generation keys have no TTL and must not be evicted: a generation that
// disappeared reads 0 until the next write, and values stored under stamps
// with 0 may still be there. Run Redis with maxmemory-policy noeviction or a
// volatile-* policy (values carry a TTL, generations do not). A generation
// lost anyway (Redis restarted without its data, which loses the values
// too) starts again above every number it had (see Bump).
type Redis struct {
	client *redis.Client
	prefix string
	// lists holds, per list of generations, what reads of it share.
	lists sync.Map // string (joined generation keys) -> *genList
	near  *nearValues
}

// genList is what the reads of one list of generations share.
type genList struct {
	keys []string // the generations' keys, prefixed
	// lastStamp is the stamp the last read saw: the value under it is
	// asked for in the same round trip as the generations, and is the
	// answer unless a write moved them since.
	lastStamp atomic.Pointer[string]
	rounds    stampRounds
}

// list returns the shared state of the reads of gens.
func (r *Redis) list(gens []string) *genList {
	keys := make([]string, len(gens))
	for i, g := range gens {
		keys[i] = r.prefix + genKey(g)
	}
	joined := strings.Join(keys, "\x00")
	if l, ok := r.lists.Load(joined); ok {
		return l.(*genList)
	}
	l, _ := r.lists.LoadOrStore(joined, &genList{keys: keys})
	return l.(*genList)
}

var _ Cache = (*Redis)(nil)

// NewRedis returns a Redis cache. It does not connect until first use.
func NewRedis(o RedisOptions) *Redis {
	timeout := func(d, def time.Duration) time.Duration {
		if d <= 0 {
			return def
		}
		return d
	}
	dial := timeout(o.DialTimeout, 200*time.Millisecond)
	near := o.NearBytes
	if near == 0 {
		near = DefaultNearBytes
	}
	return &Redis{
		prefix: o.Prefix,
		near:   newNearValues(near),
		client: redis.NewClient(&redis.Options{
			Addr:         o.Addr,
			DialTimeout:  dial,
			ReadTimeout:  timeout(o.ReadTimeout, 100*time.Millisecond),
			WriteTimeout: timeout(o.WriteTimeout, 100*time.Millisecond),
			// Honour callers' deadlines as well as the timeouts above.
			ContextTimeoutEnabled: true,
			// Every request touches the cache, so retries (go-redis
			// default 3, and 5 dial attempts) multiply into seconds per
			// request during an outage. -1 means none; 0 means default.
			MaxRetries:    -1,
			DialerRetries: 1,
			// Waiting long for a busy pool is pointless: computing
			// directly is the fallback.
			PoolTimeout: dial,
			// A plain self-hosted server: skip the maintenance-notification
			// handshake meant for managed Redis.
			MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled},
		}),
	}
}

// Client is the underlying connection pool, with the cache's short
// timeouts and no retries, for other users of the same Redis (the rate
// limits): a slow Redis is worse than none for them too.
func (r *Redis) Client() *redis.Client { return r.client }

// Close releases the connections.
func (r *Redis) Close() error {
	return r.client.Close()
}

// Get implements Cache. One round trip, one plain command, MGET:
//
//   - when this process keeps a value of key (nearValues), of the
//     generations alone, in a round shared with the concurrent reads of the
//     same generations (stampRounds); the value kept is the answer if they
//     still make its stamp;
//   - otherwise of the generations and of the value under the stamp the
//     previous read of these generations saw, which is the answer if they
//     still make that stamp.
//
// If a write moved the generations, a GET reads the value under the new
// stamp (once per write, not per read). Either way the value returned was
// stored under the stamp returned, which is what the Loader relies on. A
// plain command costs Redis far less CPU than a script doing the same, and
// generations alone far less than a value.
func (r *Redis) Get(ctx context.Context, gens []string, key string) (string, []byte, bool, error) {
	l := r.list(gens)
	stamp, v, found, answered, err := r.quickGet(ctx, l, key)
	if err != nil || answered {
		return stamp, v, found, err
	}
	l.lastStamp.Store(&stamp)
	v, err = r.client.Get(ctx, r.prefix+valueKey(key, stamp)).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return stamp, nil, false, nil
	case err != nil:
		return "", nil, false, fmt.Errorf("cache: redis get %q: %w", key, err)
	}
	r.near.put(key, stamp, v, nearLifetime)
	return stamp, v, true, nil
}

// quickGet is Get's first round trip: it returns the current stamp and,
// when answered, whether a value is stored under it and which; not
// answered means that the value under this stamp was not asked for.
func (r *Redis) quickGet(ctx context.Context, l *genList, key string) (stamp string, v []byte, found, answered bool, err error) {
	if kept, ok := r.near.get(key); ok {
		stamp, err := l.rounds.read(ctx, func(ctx context.Context) (string, error) {
			return r.stamp(ctx, l.keys)
		})
		if err != nil || stamp != kept.stamp {
			return stamp, nil, false, false, err
		}
		return stamp, kept.value, true, true, nil
	}
	keys := l.keys
	last := l.lastStamp.Load()
	if last != nil {
		keys = append(keys[:len(keys):len(keys)], r.prefix+valueKey(key, *last))
	}
	if len(keys) == 0 {
		return makeStamp(nil), nil, false, false, nil
	}
	vals, err := r.client.MGet(ctx, keys...).Result()
	if err != nil {
		return "", nil, false, false, fmt.Errorf("cache: redis get %q: %w", key, err)
	}
	if stamp, err = stampOf(vals[:len(l.keys)]); err != nil {
		return "", nil, false, false, fmt.Errorf("cache: redis get %q: %w", key, err)
	}
	if last == nil || stamp != *last {
		return stamp, nil, false, false, nil
	}
	s, ok := vals[len(l.keys)].(string)
	if !ok {
		return stamp, nil, false, true, nil // nothing stored under the stamp yet
	}
	v = []byte(s)
	r.near.put(key, stamp, v, nearLifetime)
	return stamp, v, true, true, nil
}

// stamp reads the generations of keys and makes their stamp.
func (r *Redis) stamp(ctx context.Context, keys []string) (string, error) {
	if len(keys) == 0 {
		return makeStamp(nil), nil
	}
	vals, err := r.client.MGet(ctx, keys...).Result()
	if err == nil {
		var stamp string
		if stamp, err = stampOf(vals); err == nil {
			return stamp, nil
		}
	}
	return "", fmt.Errorf("cache: redis read generations: %w", err)
}

// stampOf makes the stamp of the generations MGET read (missing = 0).
func stampOf(vals []any) (string, error) {
	gens := make([]int64, len(vals))
	for i, v := range vals {
		if v == nil {
			continue
		}
		s, ok := v.(string)
		n, err := strconv.ParseInt(s, 10, 64)
		if !ok || err != nil {
			return "", fmt.Errorf("generation %v is not an integer", v)
		}
		gens[i] = n
	}
	return makeStamp(gens), nil
}

// Set implements Cache.
func (r *Redis) Set(ctx context.Context, stamp, key string, value []byte, ttl time.Duration) error {
	if ttl <= 0 {
		return errNoTTL
	}
	if err := r.client.Set(ctx, r.prefix+valueKey(key, stamp), value, ttl).Err(); err != nil {
		return fmt.Errorf("cache: redis set %q: %w", key, err)
	}
	r.near.put(key, stamp, value, ttl)
	return nil
}

// bumpScript advances a generation; one that does not exist (never bumped,
// or lost with a flushed or restarted Redis) starts at ARGV[1], the time in
// microseconds, rather than at 1. Services keep state per generation in
// memory (an index caught up to a generation, the registry's answers of
// one): a counter restarted from 0 would come back to a number they hold
// and make them take old state for current.
var bumpScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[1], ARGV[1])
  return tonumber(ARGV[1])
end
return redis.call('INCR', KEYS[1])
`)

// Bump implements Cache.
func (r *Redis) Bump(ctx context.Context, gen string) (int64, error) {
	g, err := bumpScript.Run(ctx, r.client, []string{r.prefix + genKey(gen)}, time.Now().UnixMicro()).Int64()
	if err != nil {
		return 0, fmt.Errorf("cache: redis bump %q: %w", gen, err)
	}
	return g, nil
}
