package scoring

import (
	"math/bits"

	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
)

// CommuneState is one commune's latest assessment under a set; NewCommuneState
// makes one.
type CommuneState struct {
	Code string
	// Statuses are aligned with set.Criteria; nil when the commune has not
	// been assessed.
	Statuses []Status
	// MetCount is the number of Met statuses, as stored with the assessment.
	MetCount int
	// Met has bit j set when Statuses[j] is Met, for the first 64 criteria:
	// what Aggregate counts, read as one word in the state itself. Following
	// each of 10,000 communes' Statuses, scattered over the heap as their
	// assessments came in, took four times as long as the counting.
	Met uint64
}

// NewCommuneState is the state of commune code, assessed with statuses of
// which metCount are Met, as stored.
func NewCommuneState(code string, statuses []Status, metCount int) CommuneState {
	return CommuneState{Code: code, Statuses: statuses, MetCount: metCount, Met: MetBits(statuses)}
}

// MetBits has bit j set when statuses[j] is Met, for j below 64.
func MetBits(statuses []Status) uint64 {
	var m uint64
	for j, s := range statuses[:min(len(statuses), 64)] {
		if s == Met {
			m |= 1 << j
		}
	}
	return m
}

// Tally is how many communes meet one criterion.
type Tally struct {
	Code, Name       string
	Met, Denominator int
	Percent          float64 // 100*Met/Denominator, 0 when there are no communes; not rounded
}

// BandTally is how many assessed communes fall in a band.
type BandTally struct {
	Label    string
	Communes int
}

// BelowTally is how many assessed communes meet fewer than Criteria criteria.
type BelowTally struct {
	Criteria, Communes int
}

// Figures are the per-criterion counts, average and bands of a unit.
type Figures struct {
	Communes, Assessed int
	Criteria           []Tally
	AverageMet         float64
	Bands              []BandTally
	Below              []BelowTally
	// Histogram[i] is how many assessed communes meet exactly i criteria.
	Histogram []int
}

// Aggregate rolls the communes of a unit up into report figures.
//
// Per-criterion tallies count every commune given, an unassessed one as not
// meeting anything: reports write "112/137 communes meet criterion 2" over
// all the communes of the day, so the denominator must not shrink when some
// have no assessment. The average, bands and "under N" counts describe
// communes by how many criteria they meet, which is unknown for an
// unassessed commune; counting it as 0 would push it into "<5" and drag the
// average down, so those figures are over assessed communes only (Assessed
// says how many).
//
// It runs on every commune of a province per cache miss (10,000 and more), so
// the loop touches only slices sized by the set, allocated once.
func Aggregate(set *catalog.Set, communes []CommuneState) Figures {
	n := len(set.Criteria)
	met := make([]int, n)
	hist := make([]int, n+1) // assessed communes by criteria met
	f := Figures{Communes: len(communes), Histogram: hist}
	sum := 0
	var byBits metCounter // the Met words of sets of up to 64 criteria
	for i := range communes {
		c := &communes[i]
		if c.Statuses == nil {
			continue
		}
		f.Assessed++
		m := min(max(c.MetCount, 0), n) // a stored count outside 0..n must not index out of range
		hist[m]++
		sum += m
		if n <= 64 {
			byBits.add(c.Met)
			continue
		}
		st := c.Statuses
		if len(st) > n {
			st = st[:n]
		}
		for j, s := range st {
			if s == Met {
				met[j]++
			}
		}
	}
	byBits.addTo(met)
	f.Criteria = make([]Tally, n)
	for j, c := range set.Criteria {
		t := Tally{Code: c.Code, Name: c.Name, Met: met[j], Denominator: f.Communes}
		if t.Denominator > 0 {
			t.Percent = 100 * float64(t.Met) / float64(t.Denominator)
		}
		f.Criteria[j] = t
	}
	if f.Assessed > 0 {
		f.AverageMet = float64(sum) / float64(f.Assessed)
	}
	f.Bands = make([]BandTally, len(set.Bands))
	for i, b := range set.Bands {
		f.Bands[i].Label = b.Label
		for m := max(b.Min, 0); m <= min(b.Max, n); m++ {
			f.Bands[i].Communes += hist[m]
		}
	}
	f.Below = make([]BelowTally, len(set.Below))
	for i, k := range set.Below {
		f.Below[i].Criteria = k
		for m := 0; m < min(k, n+1); m++ {
			f.Below[i].Communes += hist[m]
		}
	}
	return f
}

// metCounter counts, for each of up to 64 criteria, the communes whose Met
// word has its bit: bit-sliced, plane i holding bit i of every criterion's
// count, so that adding a commune is a few word operations (a carry that
// dies out after two planes on average) where counting its bits one by one
// took a step per criterion met.
type metCounter struct{ planes [64]uint64 }

func (c *metCounter) add(w uint64) {
	for i := 0; w != 0; i++ {
		c.planes[i], w = c.planes[i]^w, c.planes[i]&w
	}
}

// addTo adds the counts to met, one per criterion; bits beyond len(met)
// count for no criterion.
func (c *metCounter) addTo(met []int) {
	for i, p := range c.planes {
		for ; p != 0; p &= p - 1 {
			if j := bits.TrailingZeros64(p); j < len(met) {
				met[j] += 1 << i
			}
		}
	}
}
