package cachetest

import (
	"context"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
)

// Bumper advances a cache generation (a cache.Cache).
type Bumper interface {
	Bump(ctx context.Context, gen string) (int64, error)
}

// ColdReads runs the sub-benchmarks of a cached value read cold, by read
// (which checks what it reads): "after_write" and "after_map_change" read
// on last right after bumping writeGen and mapGen (not timed), as a write of
// the service or of the registry would; "new_as_of" reads a day not asked
// before, going back from last, never before first.
func ColdReads(b *testing.B, c Bumper, writeGen, mapGen string, first, last date.Date, read func(b *testing.B, asOf string)) {
	for _, bc := range []struct{ name, generation string }{{"after_write", writeGen}, {"after_map_change", mapGen}} {
		b.Run(bc.name, func(b *testing.B) {
			read(b, last.String()) // what the map gives is cached before the first bump
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				if _, err := c.Bump(b.Context(), bc.generation); err != nil {
					b.Fatalf("bump %s: %v", bc.generation, err)
				}
				b.StartTimer()
				read(b, last.String())
			}
		})
	}
	// Nothing is cached for a day not asked before; the map is unchanged.
	day := last
	b.Run("new_as_of", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if day = day.AddDays(-1); day.Before(first) {
				b.Fatalf("more days asked than there are from %s to %s: lower -benchtime", first, last)
			}
			read(b, day.String())
		}
	})
}
