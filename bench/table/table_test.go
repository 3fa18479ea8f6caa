package table

import (
	"strings"
	"testing"
)

const output = `goos: linux
BenchmarkP1CachedREST/suite-2   	  10000	    200000 ns/op	 0 misses	 100 B/op
BenchmarkP1CachedREST/suite-2   	  10000	    100000 ns/op	 0 misses	 100 B/op
BenchmarkP1CachedREST/suite-2   	  10000	    150000 ns/op	 0 misses	 100 B/op
BenchmarkP1CachedREST/bare-2    	  10000	    120000 ns/op	 0 misses
BenchmarkP4WriteToRead-2        	     50	  30000000 ns/op	 12.5 p99-ms	 4.0 p50-ms
--- BENCH: BenchmarkP4WriteToRead-2
PASS
`

func TestWrite(t *testing.T) {
	res, err := Parse(strings.NewReader(output))
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := res.Median("BenchmarkP1CachedREST/suite", "ns/op"); m != 150000 {
		t.Errorf("median = %v, want 150000", m)
	}
	var b strings.Builder
	rows := []Row{Rows[0], Rows[5], Rows[8]}
	if err := Write(&b, res, rows); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| 150 µs | 120 µs | 80% | ≥ 70% | yes |",
		"| 12.5 ms | – | 12.5 ms | ≤ 10 ms | **no** |",
		"| – | – | – | ≤ 150 MB | – |",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}
