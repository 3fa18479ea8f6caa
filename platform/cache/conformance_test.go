package cache

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// run is the conformance suite every Cache implementation must pass.
// newCache returns a fresh, empty cache for each subtest.
func run(t *testing.T, newCache func(t *testing.T) Cache) {
	ctx := t.Context()

	get := func(t *testing.T, c Cache, gens []string, key string) (string, []byte, bool) {
		t.Helper()
		stamp, v, found, err := c.Get(ctx, gens, key)
		if err != nil {
			t.Fatalf("Get(%v, %q): %v", gens, key, err)
		}
		return stamp, v, found
	}
	set := func(t *testing.T, c Cache, stamp, key string, v []byte, ttl time.Duration) {
		t.Helper()
		if err := c.Set(ctx, stamp, key, v, ttl); err != nil {
			t.Fatalf("Set(%q, %q): %v", stamp, key, err)
		}
	}
	bump := func(t *testing.T, c Cache, gen string) {
		t.Helper()
		if _, err := c.Bump(ctx, gen); err != nil {
			t.Fatalf("Bump(%q): %v", gen, err)
		}
	}
	criteria := []string{"criteria"}

	t.Run("MissSetHit", func(t *testing.T) {
		t.Parallel()
		c := newCache(t)
		stamp, _, found := get(t, c, criteria, "k")
		if stamp != "g0" || found {
			t.Fatalf("empty cache: stamp %q found %v, want g0 false", stamp, found)
		}
		want := []byte("112/137\x00\xff") // values are bytes, not text
		set(t, c, stamp, "k", want, time.Minute)
		stamp, got, found := get(t, c, criteria, "k")
		if stamp != "g0" || !found || !bytes.Equal(got, want) {
			t.Fatalf("after Set: stamp %q value %q found %v, want g0 %q true", stamp, got, found, want)
		}
		if _, _, found := get(t, c, criteria, "other"); found {
			t.Fatal("another key was found")
		}
	})

	t.Run("BumpHidesValue", func(t *testing.T) {
		t.Parallel()
		c := newCache(t)
		set(t, c, "g0", "k", []byte("old"), time.Minute)
		bump(t, c, "criteria")
		stamp, v, found := get(t, c, criteria, "k")
		if stamp == "g0" || found {
			t.Fatalf("after Bump: stamp %q value %q found %v, want another stamp, not found", stamp, v, found)
		}
	})

	t.Run("SlowReaderStoresUnderOldStamp", func(t *testing.T) {
		t.Parallel()
		c := newCache(t)
		old, _, _ := get(t, c, criteria, "k")
		bump(t, c, "criteria") // a write lands while the reader computes
		set(t, c, old, "k", []byte("stale"), time.Minute)
		stamp, v, found := get(t, c, criteria, "k")
		if stamp == old || found {
			t.Fatalf("stale value visible: stamp %q value %q found %v", stamp, v, found)
		}
	})

	t.Run("IndependentGenerations", func(t *testing.T) {
		t.Parallel()
		c := newCache(t)
		if stamp, _, _ := get(t, c, []string{"criteria", "registry"}, "k"); stamp != "g0.0" {
			t.Fatalf("stamp %q, want g0.0", stamp)
		}
		set(t, c, "g0", "k", []byte("v"), time.Minute)
		bump(t, c, "registry")
		bump(t, c, "registry")
		if _, _, found := get(t, c, criteria, "k"); !found {
			t.Fatal("a registry Bump hid a value that depends on criteria only")
		}
		bump(t, c, "criteria")
		cg, _, _ := get(t, c, criteria, "k")
		rg, _, _ := get(t, c, []string{"registry"}, "k")
		cs, rs := strings.TrimPrefix(cg, "g"), strings.TrimPrefix(rg, "g")
		for _, tc := range []struct {
			gens []string
			want string
		}{
			{[]string{"criteria", "registry"}, "g" + cs + "." + rs},
			{[]string{"registry", "criteria"}, "g" + rs + "." + cs},
			{nil, "g"},
		} {
			if stamp, _, _ := get(t, c, tc.gens, "k"); stamp != tc.want {
				t.Errorf("gens %v: stamp %q, want %q", tc.gens, stamp, tc.want)
			}
		}
	})

	t.Run("Generations", func(t *testing.T) {
		t.Parallel()
		c := newCache(t)
		var want []int64
		for _, gen := range []string{"registry", "criteria"} {
			g, err := c.Bump(ctx, gen)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, g)
		}
		got, err := Generations(ctx, c, "registry", "criteria")
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("Generations = %v, %v; want %v", got, err, want)
		}
		next, err := c.Bump(ctx, "registry")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Generations(ctx, c, "registry"); err != nil || !slices.Equal(got, []int64{next}) {
			t.Fatalf("after a bump: Generations = %v, %v; want [%d]", got, err, next)
		}
	})

	t.Run("TTL", func(t *testing.T) {
		t.Parallel()
		c := newCache(t)
		if err := c.Set(ctx, "g0", "k", []byte("v"), 0); err == nil {
			t.Error("Set with ttl 0 succeeded; values must expire")
		}
		set(t, c, "g0", "k", []byte("v"), 100*time.Millisecond)
		// Poll rather than sleep-and-assert: the bound only catches "never".
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, _, found := get(t, c, criteria, "k"); !found {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("value never expired")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})

	t.Run("ConcurrentBumps", func(t *testing.T) {
		t.Parallel()
		c := newCache(t)
		bump(t, c, "criteria") // the first Bump starts the generation at the time
		first, _, _ := get(t, c, criteria, "k")
		const workers, each = 16, 25
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for range each {
					if _, err := c.Bump(ctx, "criteria"); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		last, _, _ := get(t, c, criteria, "k")
		if gens(t, last)[0] != gens(t, first)[0]+workers*each {
			t.Fatalf("stamp %s after %d Bumps, from %s: a Bump was lost", last, workers*each, first)
		}
	})
}

func gens(t *testing.T, stamp string) []int64 {
	t.Helper()
	g, err := parseStamp(stamp)
	if err != nil {
		t.Fatal(err)
	}
	return g
}
