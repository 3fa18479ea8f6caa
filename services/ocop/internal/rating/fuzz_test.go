package rating

import (
	"math"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/fault"
)

// FuzzScore scores random sheets: Score never panics, refuses with a
// fault.Invalid naming the scores, and a sheet it accepts stays within the
// maxima and has the stars of its total.
func FuzzScore(f *testing.F) {
	c := load(f)
	sets := c.Sets
	f.Add(uint8(1), "A1", 6.0, "C1", 10.0, "B4", 2.5)
	f.Add(uint8(0), "A", 35.0, "C", 40.0, "B", 25.0)
	f.Add(uint8(1), "A1", 6.5, "A1", 1.0, "", -1.0)
	f.Add(uint8(0), "Z", math.NaN(), "A", math.Inf(1), "B", 1e308)
	f.Fuzz(func(t *testing.T, which uint8, c1 string, p1 float64, c2 string, p2 float64, c3 string, p3 float64) {
		s := sets[int(which)%len(sets)]
		r, err := Score(s, []LineScore{{c1, p1}, {c2, p2}, {c3, p3}}, "evaluation.")
		if err != nil {
			fe, ok := fault.As(err)
			if !ok || fe.Kind != fault.KindInvalid || len(fe.Violations) == 0 {
				t.Fatalf("error %v is not a fault.Invalid", err)
			}
			for _, v := range fe.Violations {
				if !strings.HasPrefix(v.Field, "evaluation.scores") {
					t.Fatalf("violation names %q", v.Field)
				}
			}
			return
		}
		if r.Total < 0 || r.Total > s.TotalMax || r.Stars < 1 || r.Stars > len(s.Bands) {
			t.Fatalf("total %v, %d stars", r.Total, r.Stars)
		}
		b := s.Bands[r.Stars-1]
		if r.Total < b.Min || r.Total >= b.Below {
			t.Fatalf("total %v has %d stars (band %+v)", r.Total, r.Stars, b)
		}
		ns := r.NextStar()
		if (ns.Stars == 0) != (r.Stars == len(s.Bands)) || ns.PointsNeeded < 0 {
			t.Fatalf("NextStar() = %+v for %d stars", ns, r.Stars)
		}
	})
}
