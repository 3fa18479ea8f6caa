package scoring

import (
	"fmt"
	"math"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
)

// indexed is an Input checked against a set and laid out by position, so
// Score needs no maps: indicators are numbered across criteria in set order.
type indexed struct {
	offsets  []int    // position of each criterion's first indicator
	values   []int    // per indicator position: 1 + index in Input.Values, 0 when absent
	verdicts []Status // per criterion, 0 when none
}

// index validates in against set, reporting every bad field at once.
func index(set *catalog.Set, in Input) (indexed, error) {
	ix := indexed{offsets: make([]int, len(set.Criteria)), verdicts: make([]Status, len(set.Criteria))}
	total := 0
	for ci := range set.Criteria {
		ix.offsets[ci] = total
		total += len(set.Criteria[ci].Indicators)
	}
	ix.values = make([]int, total)
	var vs []fault.Violation
	// Field paths are built only for bad fields: Score runs per request and
	// per bulk-imported row, and valid input should not pay for them.
	bad := func(list string, i int, suffix, format string, args ...any) {
		vs = append(vs, fault.Violation{Field: fmt.Sprintf("%s%s[%d]%s", in.Field, list, i, suffix), Description: fmt.Sprintf(format, args...)})
	}
	for i, v := range in.Values {
		pos, ind := locate(set, ix.offsets, v.Code)
		switch {
		case v.Code == "":
			bad("values", i, ".indicator_code", "required")
		case ind == nil:
			bad("values", i, ".indicator_code", "no indicator %q in criteria set %s", v.Code, set.Code)
		case ix.values[pos] != 0:
			bad("values", i, ".indicator_code", "indicator %s is already given in values[%d]", v.Code, ix.values[pos]-1)
		default:
			ix.values[pos] = i + 1
			if msg := checkValue(ind, v.Value); msg != "" {
				bad("values", i, "", "%s", msg)
			}
		}
	}
	for i, v := range in.Verdicts {
		_, ci, ok := set.Criterion(v.Criterion)
		switch {
		case v.Criterion == "":
			bad("verdicts", i, ".criterion_code", "required")
		case !ok:
			bad("verdicts", i, ".criterion_code", "no criterion %q in criteria set %s", v.Criterion, set.Code)
		case ix.verdicts[ci] != 0:
			bad("verdicts", i, ".criterion_code", "criterion %s already has a verdict", v.Criterion)
		case v.Status < Met || v.Status > NotMet:
			bad("verdicts", i, ".status", "must be met, basically met or not met")
		default:
			ix.verdicts[ci] = v.Status
		}
	}
	if len(vs) > 0 {
		return ix, fault.Invalids(vs...)
	}
	return ix, nil
}

// locate finds an indicator and its position.
func locate(set *catalog.Set, offsets []int, code string) (int, *catalog.Indicator) {
	for ci := range set.Criteria {
		c := &set.Criteria[ci]
		for ii := range c.Indicators {
			if c.Indicators[ii].Code == code {
				return offsets[ci] + ii, &c.Indicators[ii]
			}
		}
	}
	return -1, nil
}

// checkValue says what is wrong with v for ind, or "".
func checkValue(ind *catalog.Indicator, v Value) string {
	if ind.Op == catalog.OpBool {
		if !v.IsFlag {
			return fmt.Sprintf("indicator %s (%q) is yes/no: give a flag, not a number", ind.Code, ind.Name)
		}
		return ""
	}
	switch {
	case v.IsFlag:
		return fmt.Sprintf("indicator %s (%q) is a %s: give a number, not a yes/no flag", ind.Code, ind.Name, ind.Kind)
	case math.IsNaN(v.Number) || math.IsInf(v.Number, 0):
		return fmt.Sprintf("indicator %s: the value must be a finite number", ind.Code)
	case ind.Kind == catalog.KindPercent && (v.Number < 0 || v.Number > 100):
		return fmt.Sprintf("indicator %s is a percentage: %v is not within 0..100", ind.Code, v.Number)
	case v.Number < 0:
		return fmt.Sprintf("indicator %s: %v must not be negative", ind.Code, v.Number)
	}
	return ""
}
