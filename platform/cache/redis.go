package cache

import (
	"context"
	"fmt"
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
}

// Redis is the Cache shared by service replicas. It works against a single
// Redis server (or Sentinel primary), not Redis Cluster: the read script
// derives the value key from the generations it reads.
//
// The generation keys have no TTL and must not be evicted: a generation that
// disappeared would restart at 0 and count up through stamps whose values may
// still be stored. Run Redis with maxmemory-policy noeviction or a volatile-*
// policy (values carry a TTL, generations do not).
type Redis struct {
	client *redis.Client
	prefix string
}

var _ Cache = (*Redis)(nil)

// getScript reads the generations (KEYS, in the stamp's order) and the value
// of ARGV[1] under the resulting stamp in one round trip, atomically, so the
// value always belongs to the stamp returned with it.
var getScript = redis.NewScript(`
local gens = {}
for i, k in ipairs(KEYS) do
  gens[i] = redis.call('GET', k) or '0'
end
local stamp = 'g' .. table.concat(gens, '.')
return {stamp, redis.call('GET', ARGV[1] .. '@' .. stamp)}
`)

// NewRedis returns a Redis cache. It does not connect until first use.
func NewRedis(o RedisOptions) *Redis {
	timeout := func(d, def time.Duration) time.Duration {
		if d <= 0 {
			return def
		}
		return d
	}
	dial := timeout(o.DialTimeout, 200*time.Millisecond)
	return &Redis{
		prefix: o.Prefix,
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

// Close releases the connections.
func (r *Redis) Close() error {
	return r.client.Close()
}

// Get implements Cache.
func (r *Redis) Get(ctx context.Context, gens []string, key string) (string, []byte, bool, error) {
	keys := make([]string, len(gens))
	for i, g := range gens {
		keys[i] = r.prefix + genKey(g)
	}
	res, err := getScript.Run(ctx, r.client, keys, r.prefix+"v1:"+key).Slice()
	if err != nil {
		return "", nil, false, fmt.Errorf("cache: redis get %q: %w", key, err)
	}
	if len(res) != 2 {
		return "", nil, false, fmt.Errorf("cache: redis get %q: unexpected reply %v", key, res)
	}
	stamp, ok := res[0].(string)
	if !ok {
		return "", nil, false, fmt.Errorf("cache: redis get %q: unexpected stamp %T", key, res[0])
	}
	switch v := res[1].(type) {
	case nil:
		return stamp, nil, false, nil
	case string:
		return stamp, []byte(v), true, nil
	default:
		return "", nil, false, fmt.Errorf("cache: redis get %q: unexpected value %T", key, res[1])
	}
}

// Set implements Cache.
func (r *Redis) Set(ctx context.Context, stamp, key string, value []byte, ttl time.Duration) error {
	if ttl <= 0 {
		return errNoTTL
	}
	if err := r.client.Set(ctx, r.prefix+valueKey(key, stamp), value, ttl).Err(); err != nil {
		return fmt.Errorf("cache: redis set %q: %w", key, err)
	}
	return nil
}

// Bump implements Cache.
func (r *Redis) Bump(ctx context.Context, gen string) error {
	if err := r.client.Incr(ctx, r.prefix+genKey(gen)).Err(); err != nil {
		return fmt.Errorf("cache: redis bump %q: %w", gen, err)
	}
	return nil
}
