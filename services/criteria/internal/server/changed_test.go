package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/dbtest"
)

// A write is committed before its Bump: a caller that has gone away by then
// (cancelled, timed out) must not keep the Bump from reaching the cache.
func TestChangedOutlivesTheCaller(t *testing.T) {
	addr := os.Getenv("NTM_TEST_REDIS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	prefix := "ntm_test_" + hex.EncodeToString(b) + ":"
	admin := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() {
		admin.Del(context.Background(), prefix+"gen:"+Generation)
		_ = admin.Close()
	})
	if err := admin.Ping(t.Context()).Err(); err != nil {
		dbtest.Unavailable(t, "Redis at %s is not reachable: %v", addr, err)
	}
	r := cache.NewRedis(cache.RedisOptions{Addr: addr, Prefix: prefix, DialTimeout: 5 * time.Second, ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second})
	t.Cleanup(func() { _ = r.Close() })
	s := New(Options{Cache: r, Logger: slog.New(slog.DiscardHandler)})

	gone, cancel := context.WithCancel(context.Background())
	cancel()
	s.changed(gone)
	stamp, _, _, err := r.Get(t.Context(), []string{Generation}, "k")
	if err != nil || stamp == "g0" {
		t.Fatalf("stamp after a write whose caller had gone = %q, %v; want it advanced from g0", stamp, err)
	}
}
