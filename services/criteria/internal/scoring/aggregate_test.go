package scoring

import (
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
)

func TestAggregate(t *testing.T) {
	set := &catalog.Set{
		Code: "S",
		Criteria: []catalog.Criterion{
			{Code: "1", Name: "Một"}, {Code: "2", Name: "Hai"}, {Code: "3", Name: "Ba"},
		},
		Bands: []catalog.Band{{Label: "3", Min: 3, Max: 3}, {Label: "1-2", Min: 1, Max: 2}, {Label: "0", Min: 0, Max: 0}},
		Below: []int{2, 3},
	}
	communes := []CommuneState{
		NewCommuneState("A", []Status{Met, Met, Met}, 3),
		NewCommuneState("B", []Status{Met, BasicallyMet, NotMet}, 1), // basically met is not met
		NewCommuneState("C", []Status{Met, NotMet, Met}, 2),
		NewCommuneState("D", []Status{NotMet, NotMet, NotMet}, 0),
		{Code: "E"}, // not assessed
	}
	want := Figures{
		Communes: 5, Assessed: 4,
		// Every commune is in the denominator, E counting as not met.
		Criteria: []Tally{
			{Code: "1", Name: "Một", Met: 3, Denominator: 5, Percent: 60},
			{Code: "2", Name: "Hai", Met: 1, Denominator: 5, Percent: 20},
			{Code: "3", Name: "Ba", Met: 2, Denominator: 5, Percent: 40},
		},
		// (3+1+2+0)/4: over assessed communes only.
		AverageMet: 1.5,
		Bands:      []BandTally{{Label: "3", Communes: 1}, {Label: "1-2", Communes: 2}, {Label: "0", Communes: 1}},
		Below:      []BelowTally{{Criteria: 2, Communes: 2}, {Criteria: 3, Communes: 3}},
		// D meets 0 criteria, B 1, C 2, A 3; E is not assessed.
		Histogram: []int{1, 1, 1, 1},
	}
	if got := Aggregate(set, communes); !reflect.DeepEqual(got, want) {
		t.Errorf("Aggregate =\n%+v\nwant\n%+v", got, want)
	}

	empty := Aggregate(set, nil)
	if empty.Communes != 0 || empty.AverageMet != 0 || empty.Criteria[0].Percent != 0 || len(empty.Bands) != 3 || empty.Bands[0].Communes != 0 {
		t.Errorf("no communes: %+v", empty)
	}
}

// The shipped 19-criteria set: a Score result feeds Aggregate.
func TestAggregateScored(t *testing.T) {
	set := shippedSet(t, set2016)
	all, err := Score(set, Context{Region: "TN", Year: 2020}, Input{Values: passing(t, set, "TN", 2020)})
	if err != nil {
		t.Fatal(err)
	}
	none, _ := Score(set, Context{Region: "TN", Year: 2020}, Input{})
	state := func(code string, r Result) CommuneState {
		st := make([]Status, len(r.Criteria))
		for i, c := range r.Criteria {
			st[i] = c.Status
		}
		return NewCommuneState(code, st, r.MetCount)
	}
	f := Aggregate(set, []CommuneState{state("X", all), state("Y", none), {Code: "Z"}})
	if f.Criteria[9].Met != 1 || f.Criteria[9].Denominator != 3 || f.AverageMet != 9.5 {
		t.Errorf("figures: %+v", f)
	}
	bands := map[string]int{}
	for _, b := range f.Bands {
		bands[b.Label] = b.Communes
	}
	if !reflect.DeepEqual(bands, map[string]int{"19": 1, "15-18": 0, "10-14": 0, "5-9": 0, "<5": 1}) {
		t.Errorf("bands: %v", bands)
	}
	if !reflect.DeepEqual(f.Below, []BelowTally{{5, 1}, {10, 1}, {15, 1}}) {
		t.Errorf("below: %v", f.Below)
	}
}

// The tallies read from the states' Met bits are the Met statuses counted
// one by one, for sets of up to 64 criteria and beyond (where the statuses
// are read).
func TestAggregateCountsEveryMetStatus(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 19, 63, 64, 65, 90} {
		set := &catalog.Set{}
		for j := range n {
			set.Criteria = append(set.Criteria, catalog.Criterion{Code: strconv.Itoa(j + 1)})
		}
		want := make([]int, n)
		var communes []CommuneState
		for i := range 200 {
			st := make([]Status, n)
			met := 0
			for j := range st {
				st[j] = Status(r.IntN(3) + 1)
				if st[j] == Met {
					want[j]++
					met++
				}
			}
			communes = append(communes, NewCommuneState(strconv.Itoa(i), st, met))
		}
		f := Aggregate(set, communes)
		for j, tally := range f.Criteria {
			if tally.Met != want[j] {
				t.Errorf("%d criteria: criterion %d met by %d communes, want %d", n, j+1, tally.Met, want[j])
			}
		}
	}
}
