package progress

import (
	"strconv"
	"testing"
)

// BenchmarkSummarise adds up a country's year: 10,000 communes in 34
// provinces, 10 plans each (every source and purpose of the catalog).
func BenchmarkSummarise(b *testing.B) {
	c := shipped(b)
	facts := make([]Fact, 0, 100_000)
	for i := range 100_000 {
		src := c.Sources[i%len(c.Sources)]
		f := Fact{Unit: strconv.Itoa(i % 34), Source: src.Code, Purpose: c.Purposes[i%len(c.Purposes)].Code, Year: 2022 + i%4,
			Planned: Totals{AmountVND: 1_000_000_000}, Disbursed: Totals{AmountVND: 700_000_000}}
		if src.QuantityUnit != "" {
			f.Planned.QuantityMilli, f.Disbursed.QuantityMilli = 50_000, 30_000
		}
		facts = append(facts, f)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Summarise(c, facts); err != nil {
			b.Fatal(err)
		}
	}
}
