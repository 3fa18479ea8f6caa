package server_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria"
)

// communesOn are the communes of the test map under each district on the
// read dates of TestCachedAggregatesMatchAModel.
var communesOn = map[string]map[string][]string{
	"2019-06-30": {district: {"100", "101", "102", "103"}, district2: {"110", "111"}},
	"2020-06-30": {district: {"100", "101", "102"}, district2: {"110", "111"}},
	"2021-12-31": {district: {"100", "101", "102", "104"}, district2: {"110", "111"}},
}

// assessmentDays are the dates assessments are recorded on, with the communes
// that exist then.
var assessmentDays = map[string][]string{
	"2019-03-01": {"100", "101", "102", "103", "110", "111"},
	"2019-06-30": {"100", "101", "102", "103", "110", "111"},
	"2020-02-01": {"100", "101", "102", "110", "111"},
	"2021-07-01": {"100", "101", "102", "104", "110", "111"},
	"2021-12-31": {"100", "101", "102", "104", "110", "111"},
}

type recorded struct {
	unit, on string
	met      int
}

// A random sequence of assessments, written through either of two replicas
// sharing the database and the cache, each followed by cached reads of the
// province, both districts and three dates on both replicas: every answer
// must equal what a model of the rules computes from the assessments
// recorded so far, and the province must be the sum of its districts.
// Reads are cached and writes invalidate, and each replica counts from its
// own in-memory index, which follows the other's writes: a stale cache
// entry, or an index that missed a write, would show as a mismatch. On
// SQLite and PostgreSQL.
func TestCachedAggregatesMatchAModel(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *env, cfg criteria.Config) {
		replicas := []criteriav1.CriteriaServiceClient{e.startCriteria(t, cfg), e.startCriteria(t, cfg)}
		checkAgainstModel(t, e, replicas)
	})
}

func checkAgainstModel(t *testing.T, e *env, replicas []criteriav1.CriteriaServiceClient) {
	seed := uint64(20261123)
	rng := rand.New(rand.NewPCG(seed, seed))
	days := sortedKeys(assessmentDays)
	var history []recorded
	for step := range 30 {
		// One or two writes, each through either replica, before the reads:
		// a replica's own write must not hide the other's before it.
		for range 1 + rng.IntN(2) {
			day := days[rng.IntN(len(days))]
			units := assessmentDays[day]
			r := recorded{unit: units[rng.IntN(len(units))], on: day, met: rng.IntN(20)}
			e.crit = replicas[rng.IntN(len(replicas))]
			e.assess(t, verdicts(r.unit, r.on, r.met))
			history = append(history, r)
		}
		for _, replica := range replicas {
			e.crit = replica
			for _, asOf := range sortedKeys(communesOn) {
				var sum []int32
				for _, d := range []string{district, district2} {
					got := e.aggregate(t, &criteriav1.GetAggregateRequest{UnitCode: d, AsOf: asOf, CriteriaSet: set2016})
					checkModel(t, step, d, asOf, got, communesOn[asOf][d], history)
					sum = addMet(sum, got)
				}
				all := slices.Concat(communesOn[asOf][district], communesOn[asOf][district2])
				got := e.aggregate(t, &criteriav1.GetAggregateRequest{UnitCode: province, AsOf: asOf, CriteriaSet: set2016})
				checkModel(t, step, province, asOf, got, all, history)
				if !slices.Equal(addMet(nil, got), sum) {
					t.Fatalf("step %d, %s: province met %v, districts sum to %v", step, asOf, addMet(nil, got), sum)
				}
			}
		}
	}
}

// checkModel compares an aggregate with the model: each commune's latest
// assessment on or before asOf (the later recorded on a tie) meets criteria
// 1..met.
func checkModel(t *testing.T, step int, unit, asOf string, got *criteriav1.Aggregate, communes []string, history []recorded) {
	t.Helper()
	latest := map[string]int{}
	for _, r := range history { // in recording order: a later entry wins a tie
		if slices.Contains(communes, r.unit) && r.on <= asOf {
			if prev, ok := latestDay(history, r.unit, asOf); ok && prev == r.on {
				latest[r.unit] = r.met
			}
		}
	}
	met := make([]int32, 19)
	sum := 0
	for _, m := range latest {
		sum += m
		for i := range m {
			met[i]++
		}
	}
	wantAvg := 0.0
	if len(latest) > 0 {
		wantAvg = math.Round(100*float64(sum)/float64(len(latest))) / 100
	}
	if int(got.GetCommunes()) != len(communes) || int(got.GetAssessedCommunes()) != len(latest) || got.GetAverageMet() != wantAvg || !slices.Equal(addMet(nil, got), met) {
		t.Fatalf("step %d, %s on %s: communes %d assessed %d average %v met %v; model: %d %d %v %v",
			step, unit, asOf, got.GetCommunes(), got.GetAssessedCommunes(), got.GetAverageMet(), addMet(nil, got), len(communes), len(latest), wantAvg, met)
	}
}

// latestDay is the latest assessment date of unit on or before asOf.
func latestDay(history []recorded, unit, asOf string) (string, bool) {
	best, ok := "", false
	for _, r := range history {
		if r.unit == unit && r.on <= asOf && r.on >= best {
			best, ok = r.on, true
		}
	}
	return best, ok
}

func addMet(sum []int32, a *criteriav1.Aggregate) []int32 {
	if sum == nil {
		sum = make([]int32, len(a.GetCriteria()))
	}
	for i, c := range a.GetCriteria() {
		sum[i] += c.GetMet()
	}
	return sum
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
