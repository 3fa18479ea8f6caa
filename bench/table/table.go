// Package table turns the output of `go test -bench` into the table of
// issue 16: for each target, the suite's figure, the bare baseline measured
// in the same run, the ratio or figure the target is about, and whether it
// is met. Each figure is the median of the runs (-count) of its benchmark.
package table

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Results are the values of a `go test -bench` output: benchmark name
// (without the -GOMAXPROCS suffix) → unit ("ns/op", "p99-ms", …) → one
// value per run.
type Results map[string]map[string][]float64

var procsSuffix = regexp.MustCompile(`-[0-9]+$`)

// Parse reads benchmark lines ("BenchmarkX/y-2  100  12.5 ns/op  3 misses")
// and ignores every other line.
func Parse(r io.Reader) (Results, error) {
	res := Results{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := procsSuffix.ReplaceAllString(f[0], "")
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: value %q: %w", f[0], f[i], err)
			}
			if res[name] == nil {
				res[name] = map[string][]float64{}
			}
			res[name][f[i+1]] = append(res[name][f[i+1]], v)
		}
	}
	return res, sc.Err()
}

// Median is the median of a benchmark's unit, and whether there is one.
func (r Results) Median(name, unit string) (float64, bool) {
	vs := slices.Clone(r[name][unit])
	if len(vs) == 0 {
		return 0, false
	}
	slices.Sort(vs)
	if n := len(vs); n%2 == 0 {
		return (vs[n/2-1] + vs[n/2]) / 2, true
	}
	return vs[len(vs)/2], true
}

// Measure names one figure of a run: a benchmark and a unit.
type Measure struct{ Name, Unit string }

// Row is one line of the table. With Ratio, the figure is the suite's
// throughput as a share of the bare baseline's (bare ns/op ÷ suite ns/op,
// in %) and must be at least Target; without, it is the suite's value
// (in Scale units) and must be at most Target.
type Row struct {
	What  string
	Suite Measure
	// Bare is the baseline; its Name is empty when there is none.
	Bare   Measure
	Ratio  bool
	Scale  Scale
	Target float64
}

// Scale says how a value of a unit is printed.
type Scale struct {
	Unit string  // as printed after the value
	Div  float64 // value ÷ Div is printed
}

var (
	// Micro prints ns/op in µs.
	Micro = Scale{"µs", 1e3}
	// Milli prints ns/op in ms.
	Milli = Scale{"ms", 1e6}
	// Seconds prints ns/op in s.
	Seconds = Scale{"s", 1e9}
)

// Rows are the targets of issue 16, in the order the issue lists them.
var Rows = []Row{
	{What: "P1 cached aggregate of a province via REST, admin token (throughput)",
		Suite: Measure{"BenchmarkP1CachedREST/suite", "ns/op"}, Bare: Measure{"BenchmarkP1CachedREST/bare", "ns/op"},
		Ratio: true, Scale: Micro, Target: 70},
	{What: "P2 cached aggregate via gRPC, decoded (throughput)",
		Suite: Measure{"BenchmarkP2CachedGRPC/suite/decoded", "ns/op"}, Bare: Measure{"BenchmarkP2CachedGRPC/bare/decoded", "ns/op"},
		Ratio: true, Scale: Micro, Target: 90},
	{What: "P2 the same, raw bytes to the client (throughput)",
		Suite: Measure{"BenchmarkP2CachedGRPC/suite/raw", "ns/op"}, Bare: Measure{"BenchmarkP2CachedGRPC/bare/raw", "ns/op"},
		Ratio: true, Scale: Micro, Target: 90},
	{What: "P3 cold aggregate of the country, 10k communes (bare: Go roll-up)",
		Suite: Measure{"BenchmarkP3ColdAggregate/country", "ns/op"}, Bare: Measure{"BenchmarkAggregate10k", "ns/op"},
		Scale: Milli, Target: 5},
	{What: "P3 cold aggregate of a province",
		Suite: Measure{"BenchmarkP3ColdAggregate/province", "ns/op"}, Scale: Milli, Target: 1},
	{What: "P4 write → next aggregate read of the country reflecting it, 30 readers (p99)",
		Suite: Measure{"BenchmarkP4WriteToRead", "p99-ms"}, Scale: Scale{"ms", 1}, Target: 10},
	{What: "Narrow invalidation: cached reads of other provinces under writes (computed per read)",
		Suite: Measure{"BenchmarkNarrowInvalidation", "computed/op"}, Scale: Scale{"", 1}, Target: 0.01},
	{What: "P5 import of 10k communes × 57 values, one batch, PostgreSQL (bare: COPY)",
		Suite: Measure{"BenchmarkP5Import/suite", "ns/op"}, Bare: Measure{"BenchmarkP5Import/copy", "ns/op"},
		Ratio: true, Scale: Seconds, Target: 50},
	{What: "P6 RSS of the criteria service, 10k communes × 10 years",
		Suite: Measure{"BenchmarkP6RSS", "rss-MB"}, Scale: Scale{"MB", 1}, Target: 150},
	{What: "OCOP summary of the country, cold",
		Suite: Measure{"BenchmarkSummaryCold/ocop", "ns/op"}, Scale: Milli, Target: 20},
	{What: "Funding summary of the country, cold (bare: Go roll-up of 100k plans)",
		Suite: Measure{"BenchmarkSummaryCold/funding", "ns/op"}, Bare: Measure{"BenchmarkSummarise", "ns/op"},
		Scale: Milli, Target: 20},
}

// Write prints rows as a markdown table of r's medians. A figure missing
// from r (a benchmark skipped or not run) prints as "–".
func Write(w io.Writer, r Results, rows []Row) error {
	var b strings.Builder
	b.WriteString("| what | the suite | bare baseline, same run | ratio or figure | target | met? |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- |\n")
	for _, row := range rows {
		suite, okS := r.Median(row.Suite.Name, row.Suite.Unit)
		bare, okB := r.Median(row.Bare.Name, row.Bare.Unit)
		cells := []string{row.What, "–", "–", "–", "", "–"}
		if okS {
			cells[1] = row.Scale.format(suite)
		}
		if okB {
			cells[2] = row.Scale.format(bare)
		}
		if row.Ratio {
			cells[4] = fmt.Sprintf("≥ %g%%", row.Target)
			if okS && okB && suite > 0 {
				ratio := 100 * bare / suite
				cells[3], cells[5] = fmt.Sprintf("%.0f%%", ratio), met(ratio >= row.Target)
			}
		} else {
			cells[4] = "≤ " + row.Scale.formatTarget(row.Target)
			if okS {
				v := suite / row.Scale.Div
				cells[3], cells[5] = row.Scale.format(suite), met(v <= row.Target)
			}
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func met(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// format prints v (in the measure's unit) with three significant digits.
func (s Scale) format(v float64) string {
	return strings.TrimSpace(significant(v/s.Div) + " " + s.Unit)
}

func (s Scale) formatTarget(v float64) string {
	return strings.TrimSpace(strconv.FormatFloat(v, 'g', -1, 64) + " " + s.Unit)
}

func significant(v float64) string {
	switch a := math.Abs(v); {
	case a == 0:
		return "0"
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
