package servicemain

import (
	"flag"
	"log/slog"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/ratelimit"
)

// LimitFlags are --cache-prefix and the --rate-limit-* flags of every
// command that serves.
type LimitFlags struct {
	prefix *string
	rate   *ratelimit.Flags
}

// NewLimitFlags defines the flags on fs.
func NewLimitFlags(fs *flag.FlagSet) *LimitFlags {
	return &LimitFlags{
		prefix: fs.String("cache-prefix", cache.DefaultPrefix, "prefix of this deployment's keys in Redis (cache generations, rate-limit counters); every service of a deployment uses the same one, deployments sharing a Redis different ones"),
		rate:   ratelimit.NewFlags(fs),
	}
}

// Prefix is the value of --cache-prefix.
func (f *LimitFlags) Prefix() string { return *f.prefix }

// Redis is the cache at addr under the prefix; the caller closes it.
func (f *LimitFlags) Redis(addr string) *cache.Redis {
	return cache.NewRedis(cache.RedisOptions{Addr: addr, Prefix: *f.prefix})
}

// Policy is the rate-limit policy of the flags, counted in r's Redis
// shared by the replicas, or in this process when r is nil.
func (f *LimitFlags) Policy(r *cache.Redis, logger *slog.Logger) *ratelimit.Policy {
	o := ratelimit.Options{Prefix: *f.prefix, Logger: logger}
	if r != nil {
		o.Redis = r.Client()
	}
	return f.rate.Policy(ratelimit.New(o))
}
