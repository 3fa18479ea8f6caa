package cache

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"
)

// Key is the key of one cached value: the fields of a request its value
// depends on (a unit, a date, …), as a struct of the service that caches.
type Key interface {
	// String renders the fields stably: the same fields give the same
	// string in every process and release, and different fields different
	// strings (join them with a separator no field holds). What else the
	// value depends on goes in the Spec's Version and Generations.
	String() string
}

// Codec turns the values of a Cached into the bytes the cache stores, and
// back.
type Codec[V any] struct {
	Encode func(V) ([]byte, error)
	Decode func([]byte) (V, error)
}

// ProtoCodec stores a message in its deterministic wire form:
// ProtoCodec[ocopv1.OcopSummary]() is a Codec[*ocopv1.OcopSummary].
func ProtoCodec[T any, M interface {
	*T
	proto.Message
}]() Codec[M] {
	return Codec[M]{
		Encode: func(m M) ([]byte, error) { return proto.MarshalOptions{Deterministic: true}.Marshal(m) },
		Decode: func(b []byte) (M, error) {
			m := M(new(T))
			return m, proto.Unmarshal(b, m)
		},
	}
}

// JSONCodec stores a value as JSON.
func JSONCodec[V any]() Codec[V] {
	return Codec[V]{
		Encode: func(v V) ([]byte, error) { return json.Marshal(v) },
		Decode: func(b []byte) (V, error) {
			var v V
			return v, json.Unmarshal(b, &v)
		},
	}
}

// Spec describes one kind of cached value: how a key's value is computed
// and everything it depends on besides the key.
type Spec[K Key, V any] struct {
	// Name is what the values are ("ocop.summary"): values of different
	// names never meet, even through one Loader. No ':'.
	Name string
	// Version changes whenever a key's value would change other than
	// through a write (its encoding, a figure added, rules read at start
	// such as a catalog's fingerprint), so that no process reads values
	// computed another way. No ':'.
	Version string
	// Generations are the namespaces the values depend on: a Bump of any
	// of them (see Invalidate) makes every value computed before it
	// unreachable.
	Generations []string
	Codec       Codec[V]
	// Compute computes the value of a key from its sources, at least as
	// current as gens: the generations of Generations, in order, that the
	// value will be stored under, or nil when the cache did not answer (see
	// Loader.LoadAt). Only a compute that keeps state per generation (a
	// snapshot of the registry's answers) reads them.
	Compute func(ctx context.Context, k K, gens []int64) (V, error)
}

// Cached is a computation with its cache in front: the one place a kind of
// value is keyed, computed and tied to the generations it depends on, so
// that handlers only say which value they want. It is safe for concurrent
// use.
type Cached[K Key, V any] struct {
	loader *Loader
	prefix string // Name:Version:
	spec   Spec[K, V]
}

// NewCached returns s's values read through l. It panics if s's Name or
// Version is empty or holds a ':', which could make two specs share keys.
func NewCached[K Key, V any](l *Loader, s Spec[K, V]) *Cached[K, V] {
	for _, part := range []string{s.Name, s.Version} {
		if part == "" || strings.Contains(part, ":") {
			panic(fmt.Sprintf("cache: spec name %q and version %q must be non-empty and hold no ':'", s.Name, s.Version))
		}
	}
	return &Cached[K, V]{loader: l, prefix: s.Name + ":" + s.Version + ":", spec: s}
}

// Get returns the value of k, as Loader.LoadAt does: from the cache if it
// holds it under the current generations, otherwise computed once for all
// concurrent callers and stored. Every caller gets a value decoded for it
// alone, which it may modify.
func (c *Cached[K, V]) Get(ctx context.Context, k K) (V, error) {
	b, err := c.loader.LoadAt(ctx, c.spec.Generations, c.prefix+k.String(), func(ctx context.Context, gens []int64) ([]byte, error) {
		v, err := c.spec.Compute(ctx, k, gens)
		if err != nil {
			return nil, err
		}
		return c.spec.Codec.Encode(v)
	})
	if err != nil {
		var zero V
		return zero, err
	}
	return c.spec.Codec.Decode(b)
}
