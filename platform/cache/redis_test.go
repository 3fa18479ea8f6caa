package cache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/cache/cachetest"
	"github.com/ntmsuite/ntm/platform/dbtest"
)

// randomPrefix isolates a test's keys so parallel tests and runs never meet.
func randomPrefix() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "ntm_test_" + hex.EncodeToString(b) + ":"
}

// newTestRedis returns a Redis cache on the test server under prefix, closed
// and emptied at cleanup. It skips t, or fails it if services are required,
// when the server does not answer.
func newTestRedis(t testing.TB, prefix string) *Redis {
	t.Helper()
	// Generous timeouts: a loaded CI machine must not fail tests the way a
	// slow cache would fail over in production.
	r := NewRedis(RedisOptions{Addr: cachetest.RedisAddr(), Prefix: prefix, DialTimeout: 5 * time.Second, ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.client.Ping(ctx).Err(); err != nil {
		_ = r.Close()
		dbtest.Unavailable(t, "Redis at %s is not reachable: %v", cachetest.RedisAddr(), err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		iter := r.client.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			r.client.Del(ctx, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Errorf("clean up %s*: %v", prefix, err)
		}
		if err := r.Close(); err != nil {
			t.Errorf("close redis: %v", err)
		}
	})
	return r
}

// deadAddr returns an address nothing listens on: a port that was just
// released, which refuses connections at once.
func deadAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func TestRedis(t *testing.T) {
	run(t, func(t *testing.T) Cache { return newTestRedis(t, randomPrefix()) })
}

func TestRedisDown(t *testing.T) {
	r := NewRedis(RedisOptions{Addr: deadAddr(t)})
	defer r.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, _, _, err := r.Get(ctx, []string{"criteria"}, "k"); err == nil {
		t.Error("Get on a dead server succeeded")
	}
	if err := r.Set(ctx, "g0", "k", []byte("v"), time.Minute); err == nil {
		t.Error("Set on a dead server succeeded")
	}
	if _, err := r.Bump(ctx, "criteria"); err == nil {
		t.Error("Bump on a dead server succeeded")
	}
}

// A reader that guessed the stamp of its previous read must not return the
// value under that stamp once another client moved the generations.
func TestRedisGuessedStampNeverServesAStaleValue(t *testing.T) {
	prefix := randomPrefix()
	reader, writer := newTestRedis(t, prefix), newTestRedis(t, prefix)
	ctx := t.Context()
	gens := []string{"criteria", "registry"}
	stamp, _, _, err := reader.Get(ctx, gens, "k")
	if err != nil {
		t.Fatal(err)
	}
	if err := writer.Set(ctx, stamp, "k", []byte("old"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, v, found, err := reader.Get(ctx, gens, "k"); err != nil || !found || string(v) != "old" {
		t.Fatalf("read under the guessed stamp: %q %v %v", v, found, err)
	}
	if _, err := writer.Bump(ctx, "registry"); err != nil {
		t.Fatal(err)
	}
	newStamp, v, found, err := reader.Get(ctx, gens, "k")
	if err != nil || found || newStamp == stamp {
		t.Fatalf("after a bump elsewhere: stamp %s (was %s), %q found=%v, %v; want a new stamp and no value", newStamp, stamp, v, found, err)
	}
	if err := writer.Set(ctx, newStamp, "k", []byte("new"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, v, found, err := reader.Get(ctx, gens, "k"); err != nil || !found || string(v) != "new" {
		t.Fatalf("after recompute: %q %v %v, want new", v, found, err)
	}
}

// A generation lost with its key (a flushed or restarted Redis) starts
// again above every number it had: services that keep state per generation
// never take a number they hold for the current one.
func TestLostGenerationNeverComesBack(t *testing.T) {
	prefix := randomPrefix()
	r := newTestRedis(t, prefix)
	ctx := t.Context()
	for range 3 {
		if _, err := r.Bump(ctx, "criteria"); err != nil {
			t.Fatal(err)
		}
	}
	before, _, _, err := r.Get(ctx, []string{"criteria"}, "k")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Client().Del(ctx, prefix+genKey("criteria")).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Bump(ctx, "criteria"); err != nil {
		t.Fatal(err)
	}
	after, _, _, err := r.Get(ctx, []string{"criteria"}, "k")
	if err != nil {
		t.Fatal(err)
	}
	b, a := gens(t, before)[0], gens(t, after)[0]
	if a <= b {
		t.Errorf("generation %d after the key was lost, %d before: it must start above", a, b)
	}
}
