package cache

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// unitKey is a key as services write them: the request fields.
type unitKey struct {
	Unit string
	Year int
}

func (k unitKey) String() string { return k.Unit + ":" + strconv.Itoa(k.Year) }

// tally is a value with more than one field, counting its computes.
type tally struct {
	Unit  string
	Year  int
	Calls int64
}

type tallies struct{ calls atomic.Int64 }

func (t *tallies) spec(name, version string) Spec[unitKey, tally] {
	return Spec[unitKey, tally]{Name: name, Version: version, Generations: []string{"criteria", "registry"},
		Codec: JSONCodec[tally](),
		Compute: func(_ context.Context, k unitKey, _ []int64) (tally, error) {
			return tally{Unit: k.Unit, Year: k.Year, Calls: t.calls.Add(1)}, nil
		}}
}

func get[K Key, V any](t *testing.T, c *Cached[K, V], k K) V {
	t.Helper()
	v, err := c.Get(t.Context(), k)
	if err != nil {
		t.Fatalf("Get(%v): %v", k, err)
	}
	return v
}

// testCached checks that a value is computed once per key and generation,
// that keys, names and versions keep values apart, and that a bump of a
// generation the values depend on, and only such a bump, recomputes them.
func testCached(t *testing.T, c Cache) {
	l := NewLoader(c, LoaderOptions{Logger: quiet})
	var n tallies
	summaries := NewCached(l, n.spec("test.summary", "1"))
	k := unitKey{Unit: "19", Year: 2025}
	if got, want := get(t, summaries, k), (tally{Unit: "19", Year: 2025, Calls: 1}); got != want {
		t.Fatalf("first Get = %+v, want %+v", got, want)
	}
	if got := get(t, summaries, k); got.Calls != 1 {
		t.Fatalf("second Get computed again (call %d), want the cached value", got.Calls)
	}
	if got := get(t, summaries, unitKey{Unit: "19", Year: 2024}); got.Calls != 2 || got.Year != 2024 {
		t.Fatalf("another key got %+v, want a value of its own", got)
	}
	// Another name or version through the same loader never reads these values.
	if got := get(t, NewCached(l, n.spec("test.rollup", "1")), k); got.Calls != 3 {
		t.Fatalf("another name got %+v, want a value of its own", got)
	}
	if got := get(t, NewCached(l, n.spec("test.summary", "2")), k); got.Calls != 4 {
		t.Fatalf("another version got %+v, want a value of its own", got)
	}
	if _, err := c.Bump(t.Context(), "ocop"); err != nil {
		t.Fatal(err)
	}
	if got := get(t, summaries, k); got.Calls != 1 {
		t.Fatalf("after a bump of another generation Get = %+v, want the cached value", got)
	}
	if _, err := c.Bump(t.Context(), "registry"); err != nil {
		t.Fatal(err)
	}
	if got := get(t, summaries, k); got.Calls != 5 {
		t.Fatalf("after a bump of a generation it depends on Get = %+v, want a fresh value", got)
	}
}

func TestCachedMemory(t *testing.T) { testCached(t, NewMemory()) }

func TestCachedRedis(t *testing.T) { testCached(t, newTestRedis(t, randomPrefix())) }

// A failed compute is the caller's error and is not cached.
func TestCachedComputeError(t *testing.T) {
	l := NewLoader(NewMemory(), LoaderOptions{Logger: quiet})
	down := errors.New("registry unavailable")
	fail := true
	c := NewCached(l, Spec[unitKey, tally]{Name: "test", Version: "1", Generations: []string{"criteria"}, Codec: JSONCodec[tally](),
		Compute: func(_ context.Context, k unitKey, _ []int64) (tally, error) {
			if fail {
				return tally{}, down
			}
			return tally{Unit: k.Unit}, nil
		}})
	if _, err := c.Get(t.Context(), unitKey{Unit: "19"}); !errors.Is(err, down) {
		t.Fatalf("Get = %v, want the compute's error", err)
	}
	fail = false
	if got := get(t, c, unitKey{Unit: "19"}); got.Unit != "19" {
		t.Fatalf("Get after the failure = %+v, want the computed value", got)
	}
}

// Every caller gets its own message: changing one changes no other
// caller's, nor the cached value.
func TestCachedProtoCodec(t *testing.T) {
	l := NewLoader(NewMemory(), LoaderOptions{Logger: quiet})
	c := NewCached(l, Spec[unitKey, *wrapperspb.StringValue]{Name: "test", Version: "1", Generations: []string{"criteria"},
		Codec: ProtoCodec[wrapperspb.StringValue](),
		Compute: func(_ context.Context, k unitKey, _ []int64) (*wrapperspb.StringValue, error) {
			return wrapperspb.String("unit " + k.Unit), nil
		}})
	first := get(t, c, unitKey{Unit: "19"})
	first.Value = "changed"
	if got := get(t, c, unitKey{Unit: "19"}); !proto.Equal(got, wrapperspb.String("unit 19")) {
		t.Fatalf("Get after a caller changed its value = %v, want unit 19", got)
	}
}

func TestNewCachedRefusesAmbiguousSpecs(t *testing.T) {
	l := NewLoader(NewMemory(), LoaderOptions{Logger: quiet})
	for _, s := range []Spec[unitKey, tally]{{Name: "a:b", Version: "1"}, {Name: "a", Version: "1:2"}, {Name: "a"}, {Version: "1"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewCached(name %q, version %q) did not panic", s.Name, s.Version)
				}
			}()
			NewCached(l, s)
		}()
	}
}
