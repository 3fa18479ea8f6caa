package cache

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ntmsuite/ntm/platform/dbtest"
)

// A SQLite stack and a PostgreSQL stack sharing one Redis under one prefix
// (the reported failure: the first read the second's cached aggregate)
// each read only what was computed from their own database, while a write
// of either still advances the generations both read.
func TestStacksSharingRedisReadOnlyTheirOwnValues(t *testing.T) {
	migrations := fstest.MapFS{"00001_t.sql": {Data: []byte("-- +goose Up\nCREATE TABLE t (id INTEGER);\n")}}
	sqlite, postgres := dbtest.SQLite(t, migrations), dbtest.Postgres(t, migrations)
	r := newTestRedis(t, randomPrefix())
	a, b := Namespaced(r, sqlite.Identity()), Namespaced(r, postgres.Identity())
	ctx := t.Context()
	gens := []string{"criteria", "registry"}
	const key = "aggregate:units/19:2020-12-31"

	stamp, _, _, err := b.Get(ctx, gens, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Set(ctx, stamp, key, []byte("PostgreSQL: 112 of 137"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, v, found, err := a.Get(ctx, gens, key); err != nil || found {
		t.Fatalf("the SQLite stack read %q (err %v): the PostgreSQL stack's figure", v, err)
	}
	if err := a.Set(ctx, stamp, key, []byte("SQLite: 3 of 9"), time.Minute); err != nil {
		t.Fatal(err)
	}
	for c, want := range map[Cache]string{a: "SQLite: 3 of 9", b: "PostgreSQL: 112 of 137"} {
		if _, v, found, err := c.Get(ctx, gens, key); err != nil || !found || string(v) != want {
			t.Errorf("read %q %v %v, want %q", v, found, err, want)
		}
	}
	// Generations are shared: the registry's bump (here through a) reaches
	// every service's values, whatever database they came from.
	if _, err := a.Bump(ctx, "registry"); err != nil {
		t.Fatal(err)
	}
	if after, _, found, err := b.Get(ctx, gens, key); err != nil || found || after == stamp {
		t.Errorf("after a bump: stamp %q found %v err %v, want a new stamp and nothing", after, found, err)
	}
	keys, err := r.client.Keys(ctx, r.prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if strings.Contains(k, "v1:") && !strings.Contains(k, sqlite.Identity()) && !strings.Contains(k, postgres.Identity()) {
			t.Errorf("value key %q carries no database identity", k)
		}
	}
}

// The cache's doc comment promises the value key layout.
func TestNamespacedKeyLayout(t *testing.T) {
	r := newTestRedis(t, randomPrefix())
	c := Namespaced(r, "0123456789abcdef")
	if err := c.Set(t.Context(), "g0", "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if n, err := r.client.Exists(t.Context(), r.prefix+"v1:0123456789abcdef/k@g0").Result(); err != nil || n != 1 {
		t.Errorf("value key not at {prefix}v1:{db}/{key}@{stamp}: %d, %v", n, err)
	}
}
