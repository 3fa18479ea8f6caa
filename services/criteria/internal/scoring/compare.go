package scoring

import (
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
)

// tolerance absorbs float noise in values clients compute (a share of 0.1+0.2
// households), so a value printed equal to its threshold passes.
const tolerance = 1e-9

// compare checks v against threshold t of ind and returns the gap when it fails.
func compare(ind *catalog.Indicator, v Value, t float64) (Gap, bool) {
	var ok bool
	switch ind.Op {
	case catalog.OpAtLeast:
		ok = v.Number >= t-tolerance
	case catalog.OpAtMost:
		ok = v.Number <= t+tolerance
	case catalog.OpEqual:
		ok = v.Number >= t-tolerance && v.Number <= t+tolerance
	case catalog.OpBool:
		// A yes/no threshold is 1, "must be true" (the loader refuses anything else).
		ok = v.Flag
	}
	if ok {
		return Gap{}, false
	}
	g := Gap{Indicator: ind.Code, Name: ind.Name, Op: ind.Op, Unit: ind.Unit, Threshold: t, Value: v.Number}
	if ind.Op == catalog.OpBool {
		g.Value = 0
	}
	g.Summary = summary(ind, g.Value, t)
	return g, true
}
