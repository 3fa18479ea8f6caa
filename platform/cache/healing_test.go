package cache_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/cache/cachetest"
)

// A bump lost while Redis was unreachable is made good once it answers
// again: the value cached before the outage is not read after it.
func TestHealingAdvancesLostBumps(t *testing.T) {
	prefix := cachetest.Prefix(t)
	p := cachetest.StartProxy(t, cachetest.RedisAddr())
	r := cache.NewRedis(cache.RedisOptions{Addr: p.Addr(), Prefix: prefix, DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second})
	defer r.Close()
	writer := cache.NewHealing(r, "criteria")
	ctx := t.Context()

	stamp, _, _, err := writer.Get(ctx, []string{"criteria"}, "k")
	if err != nil {
		t.Fatal(err)
	}
	if err := writer.Set(ctx, stamp, "k", []byte("before"), time.Minute); err != nil {
		t.Fatal(err)
	}
	p.Stop()
	if _, err := writer.Bump(ctx, "criteria"); err == nil {
		t.Fatal("Bump through a stopped proxy succeeded")
	}
	p.Start(t)

	// Another client that never saw the outage still finds the old value:
	// nothing has healed yet.
	other := cache.NewRedis(cache.RedisOptions{Addr: cachetest.RedisAddr(), Prefix: prefix})
	defer other.Close()
	if _, v, found, err := other.Get(ctx, []string{"criteria"}, "k"); err != nil || !found || string(v) != "before" {
		t.Fatalf("before healing: %q %v %v", v, found, err)
	}
	stop := writer.Start(10 * time.Millisecond)
	defer stop()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, _, found, err := other.Get(ctx, []string{"criteria"}, "k")
		if err == nil && !found {
			return // healed: the old value is unreachable
		}
		if time.Now().After(deadline) {
			t.Fatalf("the value cached before the outage is still read (found %v, err %v)", found, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Invalidate bumps even when the writer's caller has gone: the write is
// committed. (Redis, unlike Memory, refuses a cancelled context.)
func TestInvalidateOutlivesTheCaller(t *testing.T) {
	r := cache.NewRedis(cache.RedisOptions{Addr: cachetest.RedisAddr(), Prefix: cachetest.Prefix(t)})
	defer r.Close()
	before, _, _, err := r.Get(t.Context(), []string{"registry"}, "k")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cache.Invalidate(ctx, r, "registry", slog.New(slog.NewTextHandler(io.Discard, nil)))
	after, _, _, err := r.Get(t.Context(), []string{"registry"}, "k")
	if err != nil || before == after {
		t.Fatalf("stamp %s -> %s (%v): Invalidate with a cancelled context did not bump", before, after, err)
	}
}
