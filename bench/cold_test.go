//go:build unix

package bench_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

// BenchmarkP3ColdAggregate is an aggregate read right after a write to a
// commune under it, so that no cached value answers it: "country" (10,000
// communes) and "province" (295). The write is not timed; ns/op is the
// read alone. misses/op says each read was indeed computed (1). P3: ≤ 5 ms
// for the country, ≤ 1 ms for a province.
func BenchmarkP3ColdAggregate(b *testing.B) {
	e := setup(b)
	w := e.writer(b, 0)
	for _, unit := range []struct{ name, code string }{{"country", countryCode}, {"province", w.province}} {
		b.Run(unit.name, func(b *testing.B) {
			req := e.aggregateRequest(unit.code)
			misses := e.cacheMisses(b, requestCache)
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				w.write(b)
				b.StartTimer()
				if _, err := e.crit.GetAggregate(e.ctx, req); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric((e.cacheMisses(b, requestCache)-misses)/float64(b.N), "misses/op")
		})
	}
}

// p4Readers is how many clients read the country's aggregate while
// BenchmarkP4WriteToRead writes.
const p4Readers = 30

// BenchmarkP4WriteToRead is how long a write takes to show: one operation
// is a write to a commune, then reads of the country's aggregate until it
// reflects the write (the first should), while 30 other clients read the
// same aggregate without pause. A read reflects the write when its
// histogram of criteria met has moved the commune to its new count. It
// reports the latency's p50 and p99, and the reads that did not reflect the
// write yet (stale-reads/op). P4: p99 ≤ 10 ms.
func BenchmarkP4WriteToRead(b *testing.B) {
	e := setup(b)
	w := e.writer(b, 1)
	req := e.aggregateRequest(countryCode)
	histogram := func(ctx context.Context) ([]int32, error) {
		agg, err := e.crit.GetAggregate(ctx, req)
		return agg.GetMetHistogram(), err
	}
	last, err := histogram(e.ctx)
	if err != nil {
		b.Fatal(err)
	}

	ctx, cancel := context.WithCancel(e.ctx)
	var readers sync.WaitGroup
	var readErr atomic.Pointer[error]
	for range p4Readers {
		readers.Go(func() {
			for ctx.Err() == nil {
				if _, err := histogram(ctx); err != nil && ctx.Err() == nil {
					readErr.Store(&err)
					return
				}
			}
		})
	}
	latencies := make([]time.Duration, 0, b.N)
	stale := 0
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		w.write(b)
		for {
			h, err := histogram(e.ctx)
			if err != nil {
				b.Fatal(err)
			}
			if !slices.Equal(h, last) {
				last = h
				break
			}
			if stale++; time.Since(start) > p4GiveUp {
				b.Fatalf("a write to %s did not show in the country's aggregate within %v", w.unit, p4GiveUp)
			}
		}
		latencies = append(latencies, time.Since(start))
	}
	b.StopTimer()
	cancel()
	readers.Wait()
	if err := readErr.Load(); err != nil {
		b.Fatalf("reader: %v", *err)
	}
	slices.Sort(latencies)
	b.ReportMetric(quantileMs(latencies, 0.50), "p50-ms")
	b.ReportMetric(quantileMs(latencies, 0.99), "p99-ms")
	b.ReportMetric(float64(stale)/float64(b.N), "stale-reads/op")
}

// p4GiveUp bounds how long BenchmarkP4WriteToRead waits for a write to
// show, so that a write that never shows fails the run instead of hanging it.
const p4GiveUp = time.Minute

// quantileMs is the q-quantile of sorted durations (nearest rank), in ms.
func quantileMs(sorted []time.Duration, q float64) float64 {
	i := max(int(math.Ceil(q*float64(len(sorted))))-1, 0)
	return float64(sorted[i]) / float64(time.Millisecond)
}

// narrowWriteEvery is the pace of the writes BenchmarkNarrowInvalidation
// makes to one province while it reads the others.
const narrowWriteEvery = 10 * time.Millisecond

// BenchmarkNarrowInvalidation reads the cached aggregates of the 33
// provinces nobody writes to, from many clients at once, while a writer
// writes to a commune of the 34th every 10 ms. A write should invalidate
// only what it changes: computed/op (reads the cache did not answer at
// either level, so computed, per read) should stay 0; writes is how many
// were made during the run.
func BenchmarkNarrowInvalidation(b *testing.B) {
	e := setup(b)
	w := e.writer(b, 2)
	var reqs []*criteriav1.GetAggregateRequest
	for _, p := range e.country.Provinces {
		if p.Code != w.province {
			reqs = append(reqs, e.aggregateRequest(p.Code))
		}
	}
	for _, r := range reqs {
		if _, err := e.crit.GetAggregate(e.ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	// A write before the clock starts, so that the first reads are already
	// under writes: go test sizes b.N on them.
	w.write(b)
	ctx, cancel := context.WithCancel(context.Background())
	var writes atomic.Int64
	writes.Add(1)
	var writer sync.WaitGroup
	writer.Go(func() {
		t := time.NewTicker(narrowWriteEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				w.write(b)
				writes.Add(1)
			}
		}
	})
	var next atomic.Uint64
	computed := e.cacheMisses(b, contentCache)
	b.SetParallelism(parallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := reqs[int(next.Add(1))%len(reqs)]
			if _, err := e.crit.GetAggregate(e.ctx, r); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	cancel()
	writer.Wait()
	b.ReportMetric((e.cacheMisses(b, contentCache)-computed)/float64(b.N), "computed/op")
	b.ReportMetric(float64(writes.Load()), "writes")
}

// communeWriter writes assessments of one commune, alternating two sets of
// values that meet different numbers of criteria, so that every write
// changes the aggregates above the commune.
type communeWriter struct {
	e        *env
	province string
	unit     string
	mu       sync.Mutex
	variants [2]*criteriav1.Assessment
	// current is the variant stored last.
	current int
}

var (
	writersMu sync.Mutex
	writers   = map[int]*communeWriter{}
)

// writer is the writer of the first commune of the i-th province, one per
// province for the whole run, so that it knows which variant is stored.
func (e *env) writer(b *testing.B, i int) *communeWriter {
	writersMu.Lock()
	defer writersMu.Unlock()
	if w, ok := writers[i]; ok {
		return w
	}
	p := e.country.Provinces[i].Code
	assessments := e.countryAssessments(b)
	x := -1
	for j, c := range e.country.Communes {
		if c.Province != p {
			continue
		}
		if x < 0 {
			x = j
			continue
		}
		cx := e.country.Communes[x]
		// The other variant: the values of a commune of the same region and
		// group (so the same thresholds), meeting another number of criteria.
		if c.Region == cx.Region && c.CommuneGroup == cx.CommuneGroup && c.MetCount != cx.MetCount {
			other := assessments[j]
			other.UnitCode, other.EvidenceRef = cx.Code, assessments[x].GetEvidenceRef()
			w := &communeWriter{e: e, province: p, unit: cx.Code,
				variants: [2]*criteriav1.Assessment{assessments[x], other}}
			writers[i] = w
			return w
		}
	}
	b.Fatalf("no two communes of province %s meet different numbers of criteria", p)
	return nil
}

// write stores the other variant.
func (w *communeWriter) write(b *testing.B) {
	w.mu.Lock()
	defer w.mu.Unlock()
	next := 1 - w.current
	if _, err := w.e.crit.CreateAssessment(w.e.ctx, &criteriav1.CreateAssessmentRequest{UnitCode: w.unit, Assessment: w.variants[next]}); err != nil {
		b.Error(fmt.Errorf("write to %s: %w", w.unit, err))
		return
	}
	w.current = next
}
