// Package rating scores an OCOP council's sheet against the catalog in force
// (per-line and per-part maxima, total, stars), says what a product lacks
// for the next star, checks which council may certify which stars, and
// dates certificates. It is pure: the rules come from internal/catalog, the
// input from the request, and errors are fault.Invalid naming the request's
// fields.
package rating

import (
	"fmt"
	"math"
	"strings"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/ocop/internal/catalog"
)

// LineScore is the points a council gave one line of the sheet (the
// average of its members, so it may be fractional).
type LineScore struct {
	Code   string
	Points float64
}

// LinePoints is a sheet line with the points it got.
type LinePoints struct {
	catalog.Line
	Points float64
}

// PartTotal is the points of one part.
type PartTotal struct {
	Part              string
	Points, MaxPoints float64
}

// Result is a scored sheet.
type Result struct {
	Set *catalog.Set
	// Lines is every line of the sheet in sheet order; a line not given
	// counts 0.
	Lines []LinePoints
	Parts []PartTotal
	Total float64
	Stars int
}

// Score checks scores against set and totals them. prefix is the request
// path of the evaluation ("evaluation."), put before the fields errors name
// ("evaluation.scores[3].points"). Every bad line is reported at once; the
// part maxima are checked once the lines are valid, since a line above its
// maximum would also show as its part above the part's.
func Score(set *catalog.Set, scores []LineScore, prefix string) (Result, error) {
	r := Result{Set: set, Lines: make([]LinePoints, len(set.Lines))}
	for i, l := range set.Lines {
		r.Lines[i].Line = l
	}
	given := make([]int, len(set.Lines)) // 1 + index in scores; 0 when not given
	var vs []fault.Violation
	bad := func(i int, field, format string, args ...any) {
		vs = append(vs, fault.Violation{Field: fmt.Sprintf("%sscores[%d].%s", prefix, i, field), Description: fmt.Sprintf(format, args...)})
	}
	for i, sc := range scores {
		line, at, ok := set.Line(sc.Code)
		switch {
		case sc.Code == "":
			bad(i, "criterion_code", "required")
		case !ok:
			bad(i, "criterion_code", "%s", unknownLine(set, sc.Code))
		case given[at] != 0:
			bad(i, "criterion_code", "line %s is already given in scores[%d]", sc.Code, given[at]-1)
		default:
			given[at] = i + 1
			if msg := checkPoints(line, sc.Points); msg != "" {
				bad(i, "points", "%s", msg)
				continue
			}
			r.Lines[at].Points = sc.Points
		}
	}
	if len(vs) > 0 {
		return Result{}, fault.Invalids(vs...)
	}
	for _, p := range set.Parts {
		pt := PartTotal{Part: p.Code, MaxPoints: p.MaxPoints}
		for _, l := range r.Lines {
			if l.Part == p.Code {
				pt.Points += l.Points
			}
		}
		pt.Points = round(pt.Points)
		if pt.Points > p.MaxPoints {
			vs = append(vs, fault.Violation{Field: prefix + "scores", Description: fmt.Sprintf("part %s totals %v points, above its maximum of %v", p.Code, pt.Points, p.MaxPoints)})
		}
		r.Parts = append(r.Parts, pt)
		r.Total += pt.Points
	}
	if len(vs) > 0 {
		return Result{}, fault.Invalids(vs...)
	}
	r.Total = round(r.Total)
	band, ok := bandOf(set.Bands, r.Total)
	if !ok {
		// The loader makes the bands cover 0..TotalMax; only a hand-made set gets here.
		return Result{}, fmt.Errorf("catalog %s has no star band for %v points", set.Code, r.Total)
	}
	r.Stars = band.Stars
	return r, nil
}

func unknownLine(set *catalog.Set, code string) string {
	codes := make([]string, len(set.Lines))
	for i, l := range set.Lines {
		codes[i] = l.Code
	}
	if set.PerPart {
		return fmt.Sprintf("catalog %s has no scoring sheet in the data and is scored per part: %q is not one of %s", set.Code, code, strings.Join(codes, ", "))
	}
	return fmt.Sprintf("no line %q in the scoring sheet of catalog %s (lines %s)", code, set.Code, strings.Join(codes, ", "))
}

// checkPoints says what is wrong with points for line, or "".
func checkPoints(line *catalog.Line, points float64) string {
	switch {
	case math.IsNaN(points) || math.IsInf(points, 0):
		return "must be a finite number"
	case points < 0:
		return fmt.Sprintf("%v must not be negative", points)
	case points > line.MaxPoints:
		return fmt.Sprintf("line %s (%q) has at most %v points: %v is above it", line.Code, line.Name, line.MaxPoints, points)
	}
	return ""
}

// round keeps 6 decimals of a sum, so that 10.1 + 19.9 is 30 (3 stars' edge
// is 50, not 49.99999999999999) while averages such as 49.99 keep their value.
func round(x float64) float64 { return math.Round(x*1e6) / 1e6 }

func bandOf(bands []catalog.StarBand, total float64) (catalog.StarBand, bool) {
	for _, b := range bands {
		if total >= b.Min && total < b.Below {
			return b, true
		}
	}
	return catalog.StarBand{}, false
}
