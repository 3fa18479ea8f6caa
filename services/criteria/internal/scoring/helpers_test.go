package scoring

import (
	"sync"
	"testing"

	"github.com/ntmsuite/ntm/services/criteria/catalogs"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
)

const (
	set2016 = "NTM_COMMUNE_2016_2020"
	set2021 = "NTM_COMMUNE_2021_2025"
	set2026 = "NTM_COMMUNE_2026_2030"
)

var loadOnce = sync.OnceValues(func() (*catalog.Catalog, error) { return catalog.Load(catalogs.FS) })

func shippedSet(tb testing.TB, code string) *catalog.Set {
	tb.Helper()
	c, err := loadOnce()
	if err != nil {
		tb.Fatal(err)
	}
	s, ok := c.Set(code)
	if !ok {
		tb.Fatalf("set %s not loaded", code)
	}
	return s
}

func num(code string, v float64) IndicatorValue {
	return IndicatorValue{Code: code, Value: Value{Number: v}}
}
func flag(code string, v bool) IndicatorValue {
	return IndicatorValue{Code: code, Value: Value{Flag: v, IsFlag: true}}
}

// passing is a value exactly at every indicator's threshold (a boundary value
// passes), so the commune meets every criterion.
func passing(tb testing.TB, set *catalog.Set, scope string, year int) []IndicatorValue {
	tb.Helper()
	var out []IndicatorValue
	for _, c := range set.Criteria {
		for _, ind := range c.Indicators {
			th, ok := ind.ThresholdFor(scope, year)
			if !ok {
				tb.Fatalf("%s %s: no threshold for %q", set.Code, ind.Code, scope)
			}
			if ind.Op == catalog.OpBool {
				out = append(out, flag(ind.Code, true))
			} else {
				out = append(out, num(ind.Code, th.Value))
			}
		}
	}
	return out
}

// criterionValues is passing for one criterion, with some values replaced.
func criterionValues(tb testing.TB, set *catalog.Set, scope string, year int, criterion string, override map[string]float64) []IndicatorValue {
	tb.Helper()
	var out []IndicatorValue
	for _, iv := range passing(tb, set, scope, year) {
		if _, cr, _ := set.Indicator(iv.Code); cr.Code == criterion {
			if v, ok := override[iv.Code]; ok {
				iv = num(iv.Code, v)
			}
			out = append(out, iv)
		}
	}
	return out
}

// criterion returns the result of one criterion.
func criterion(tb testing.TB, r Result, code string) CriterionResult {
	tb.Helper()
	for _, c := range r.Criteria {
		if c.Code == code {
			return c
		}
	}
	tb.Fatalf("criterion %s not in result", code)
	return CriterionResult{}
}

// handmade is a one-criterion set for ops and shapes the shipped files lack.
func handmade(op string, kind catalog.Kind, unit string, th ...catalog.Threshold) *catalog.Set {
	return &catalog.Set{Code: "H", Dimension: catalog.DimRegion, Criteria: []catalog.Criterion{{
		Code: "1", Name: "Một",
		Indicators: []catalog.Indicator{{Code: "1.1", Name: "Chỉ tiêu", Kind: kind, Op: op, Unit: unit, Thresholds: th}},
	}}, Bands: []catalog.Band{{Label: "1", Min: 1, Max: 1}, {Label: "0", Min: 0, Max: 0}}}
}
