package cache

import (
	"context"
	"testing"
)

func benchmarkLoaderHit(b *testing.B, c Cache) {
	l := NewLoader(c, LoaderOptions{Logger: quiet})
	compute := func(context.Context) ([]byte, error) { return []byte("112/137"), nil }
	ctx := context.Background()
	gens := []string{"criteria", "registry"}
	if _, err := l.Load(ctx, gens, "k", compute); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Load(ctx, gens, "k", compute); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoaderHitMemory(b *testing.B) { benchmarkLoaderHit(b, NewMemory()) }

func BenchmarkLoaderHitRedis(b *testing.B) { benchmarkLoaderHit(b, newTestRedis(b, randomPrefix())) }
