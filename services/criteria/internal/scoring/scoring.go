// Package scoring decides which criteria of a set a commune meets (Score) and
// rolls assessments up into the figures reports quote (Aggregate). It is pure:
// thresholds come from the catalog, values from the request, nothing is read
// or written.
package scoring

import (
	"fmt"

	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
)

// Status of a criterion for a commune.
type Status uint8

const (
	Met          Status = iota + 1 // Đạt
	BasicallyMet                   // Cơ bản đạt: reported, but NOT counted as met
	NotMet                         // Chưa đạt
)

func (s Status) String() string {
	switch s {
	case Met:
		return "MET"
	case BasicallyMet:
		return "BASICALLY_MET"
	case NotMet:
		return "NOT_MET"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Value is an indicator's measured value: a number, or a yes/no flag for a
// boolean indicator (IsFlag says which one was given).
type Value struct {
	Number float64
	Flag   bool
	IsFlag bool
}

// IndicatorValue is the value of one indicator in an assessment.
type IndicatorValue struct {
	Code  string
	Value Value
}

// Verdict is a status decided for a whole criterion without (or over) its
// indicator values: offices of 2016-2020 often kept only these.
type Verdict struct {
	Criterion string
	Status    Status
}

// Input is an assessment as the request gives it.
type Input struct {
	Values   []IndicatorValue
	Verdicts []Verdict
	// Field is the request path of the assessment ("assessment."), prefixed
	// to the fields errors name ("assessment.values[3].indicator_code").
	Field string
}

// Context is where and when the commune is assessed: its region and commune
// group on the assessment date, and the assessment year (income thresholds
// change by year).
type Context struct {
	Region, CommuneGroup string
	Year                 int
}

// Gap is an indicator whose value misses its threshold.
type Gap struct {
	Indicator, Name, Op, Unit string
	Threshold, Value          float64
	// Summary is the line an office reads, in Vietnamese:
	// "Thu nhập bình quân đầu người khu vực nông thôn: 38,5 (yêu cầu ≥ 41 triệu đồng/người/năm)".
	Summary string
}

// Basis of a criterion's status.
const (
	BasisValues  = "values"  // compared indicator values with thresholds
	BasisVerdict = "verdict" // the office's verdict
	BasisNone    = "none"    // nothing given: not met
)

// CriterionResult is the status of one criterion and why.
type CriterionResult struct {
	Code, Name string
	Status     Status
	Basis      string
	Failing    []Gap
	// Missing are indicator codes without a value; a code followed by a note
	// in parentheses has a value but no threshold for the commune's region or
	// group ("10.1 (chưa có ngưỡng cho vùng TDMNPB, năm 2030)").
	Missing []string
}

// Result is a scored assessment.
type Result struct {
	Criteria []CriterionResult // in set order
	MetCount int               // Met only: "cơ bản đạt" is not met
	Total    int
	AllMet   bool
	Band     string
}

// Score decides each criterion of set for a commune.
//
// A criterion with a verdict takes it, even when values are also given: the
// verdict is the office's (appraisal council's) decision, which may rest on
// evidence the values do not carry; the values are still validated. Otherwise
// every indicator is compared with its threshold for the commune's region or
// group and year: any failing → NotMet with the gaps; all passing but some
// missing (no value, or no threshold) → NotMet with what is missing; all
// present and passing → Met; nothing given → NotMet with basis "none".
func Score(set *catalog.Set, ctx Context, in Input) (Result, error) {
	ix, err := index(set, in)
	if err != nil {
		return Result{}, err
	}
	scope, scopeName := ctx.Region, "vùng"
	if set.Dimension == catalog.DimCommuneGroup {
		scope, scopeName = ctx.CommuneGroup, "nhóm xã"
	}
	res := Result{Criteria: make([]CriterionResult, len(set.Criteria)), Total: len(set.Criteria)}
	for ci := range set.Criteria {
		c := &set.Criteria[ci]
		cr := CriterionResult{Code: c.Code, Name: c.Name}
		if v := ix.verdicts[ci]; v != 0 {
			cr.Status, cr.Basis = v, BasisVerdict
		} else {
			cr.Basis = BasisNone
			for ii := range c.Indicators {
				ind := &c.Indicators[ii]
				vi := ix.values[ix.offsets[ci]+ii]
				if vi == 0 {
					cr.Missing = append(cr.Missing, ind.Code)
					continue
				}
				cr.Basis = BasisValues
				th, ok := ind.ThresholdFor(scope, ctx.Year)
				if !ok {
					cr.Missing = append(cr.Missing, noThreshold(ind.Code, scopeName, scope, ctx.Year))
					continue
				}
				if g, failed := compare(ind, in.Values[vi-1].Value, th.Value); failed {
					cr.Failing = append(cr.Failing, g)
				}
			}
			cr.Status = NotMet
			if cr.Basis == BasisValues && len(cr.Failing) == 0 && len(cr.Missing) == 0 {
				cr.Status = Met
			}
		}
		if cr.Status == Met {
			res.MetCount++
		}
		res.Criteria[ci] = cr
	}
	res.AllMet = res.MetCount == res.Total
	res.Band = set.BandOf(res.MetCount)
	return res, nil
}

func noThreshold(code, scopeName, scope string, year int) string {
	if scope == "" {
		return fmt.Sprintf("%s (chưa có ngưỡng: xã chưa có %s, năm %d)", code, scopeName, year)
	}
	return fmt.Sprintf("%s (chưa có ngưỡng cho %s %s, năm %d)", code, scopeName, scope, year)
}
