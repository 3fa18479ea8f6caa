package trend

import (
	"slices"

	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
)

// Baseline is the communes' statuses under one set, read as the target
// set's criteria: States aligned with the communes counted (nil Statuses
// where this baseline has nothing for a commune).
type Baseline struct {
	Readings []Reading
	States   []scoring.CommuneState
}

// Gain is what Gains tells of one target criterion.
type Gain struct {
	Code, Name string
	MetAtEnd   int
	MetAtStart int
	// Came are the communes that came to meet it, in the order counted.
	Came []string
	// UnknownAtStart: communes meeting it at the end whose start no
	// baseline tells.
	UnknownAtStart int
	// Confirmed and Approximate sum up the readings the counted starts went
	// through (Reading.Confirmed, Reading.Approximate).
	Confirmed, Approximate bool
}

// Gains counts, for each criterion of end (read under the target set
// itself), the communes meeting it at the end and those that came to meet
// it: met at the end and not met at the start, the start being the first
// of starts that tells the criterion for the commune (the latest
// assessment before the period, then the first one in it). A commune whose
// start nothing tells is not a gain: it counts in UnknownAtStart.
func Gains(end Baseline, starts []Baseline) []Gain {
	out := make([]Gain, len(end.Readings))
	for i := range end.Readings {
		g := Gain{Code: end.Readings[i].Code, Name: end.Readings[i].Name, Confirmed: true}
		for j, st := range end.States {
			atEnd := end.Readings[i].Of(st.Statuses)
			atStart := Unknown
			for _, b := range starts {
				r := &b.Readings[i]
				if atStart = r.Of(b.States[j].Statuses); atStart != Unknown {
					g.Confirmed = g.Confirmed && r.Confirmed
					g.Approximate = g.Approximate || r.Approximate
					break
				}
			}
			if atStart == Met {
				g.MetAtStart++
			}
			if atEnd != Met {
				continue
			}
			g.MetAtEnd++
			switch atStart {
			case NotMet:
				g.Came = append(g.Came, st.Code)
			case Unknown:
				g.UnknownAtStart++
			}
		}
		slices.Sort(g.Came)
		out[i] = g
	}
	return out
}
