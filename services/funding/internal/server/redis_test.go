package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ntmsuite/ntm/platform/cache"
)

// newRedis is a cache client of its own on addr under prefix, closed at
// cleanup. Timeouts are generous so that a loaded machine does not fail over
// by itself. (Not in platform/cache/cachetest: that package is imported by
// platform/cache's own tests, so it cannot import platform/cache.)
func newRedis(t *testing.T, addr, prefix string) *cache.Redis {
	if !testing.Verbose() {
		redis.SetLogger(quietRedis{})
	}
	r := cache.NewRedis(cache.RedisOptions{Addr: addr, Prefix: prefix, DialTimeout: 5 * time.Second, ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second})
	t.Cleanup(func() { _ = r.Close() })
	return r
}

type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}
