package statusindex

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
)

var sets = []string{"A", "B"}

func randomRows(r *rand.Rand, n int, firstID int64) []Row {
	var rows []Row
	id := firstID
	for range n {
		st := make([]scoring.Status, 3)
		met := 0
		for j := range st {
			st[j] = scoring.Status(1 + r.IntN(3))
			if st[j] == scoring.Met {
				met++
			}
		}
		rows = append(rows, Row{
			ID:   id,
			Unit: string(rune('a' + r.IntN(6))), Set: sets[r.IntN(2)],
			On: date.MustParse("2020-01-01").AddDays(r.IntN(40)), Statuses: st, Met: met,
		})
		id += int64(1 + r.IntN(3)) // gaps, as sequences leave them
	}
	return rows
}

// latestOf is the definition Latest must agree with: the assessment with
// the greatest (date, id) on or before asOf, and the highest id of any.
func latestOf(rows []Row, set string, asOf date.Date, codes []string) ([]scoring.CommuneState, int64) {
	out := make([]scoring.CommuneState, len(codes))
	var version int64
	for i, c := range codes {
		out[i].Code = c
		var best *Row
		for j := range rows {
			r := &rows[j]
			if r.Set != set || r.Unit != c || r.On.After(asOf) {
				continue
			}
			version = max(version, r.ID)
			if best == nil || r.On.After(best.On) || (r.On == best.On && r.ID > best.ID) {
				best = r
			}
		}
		if best != nil {
			out[i].Statuses, out[i].MetCount = best.Statuses, best.Met
		}
	}
	return out, version
}

// After any sequence of batches, some added first as this process's own
// writes, Latest agrees with the definition on every set, date and list of
// codes (repeats and unknown units included), whether the codes were
// resolved just now or before any of their rows came.
func TestLatestAgreesWithTheDefinition(t *testing.T) {
	for seed := range uint64(50) {
		r := rand.New(rand.NewPCG(seed, 1))
		x := New()
		// Resolved first, in another order than the rows will come.
		early := []string{"f", "z", "c", "a", "e", "b", "d"}
		held := x.Resolve(early)
		var buf []scoring.CommuneState // reused, as aggregates reuse theirs
		var all []Row
		var next int64 = 1
		for range 1 + r.IntN(5) {
			batch := randomRows(r, r.IntN(30), next)
			if len(batch) > 0 {
				next = batch[len(batch)-1].ID + 1
			}
			if r.IntN(2) == 0 {
				// Written here: added at once, then read back with the others'.
				x.AddOwn(batch)
			}
			x.Add(batch)
			x.Add(batch) // a batch fed twice changes nothing
			all = append(all, batch...)
			for range 20 {
				set := sets[r.IntN(2)]
				asOf := date.MustParse("2019-12-30").AddDays(r.IntN(45))
				codes := []string{"a", "b", "z", "c", "a", "f"}[:1+r.IntN(6)]
				got, gv := x.Latest(set, asOf, x.Resolve(codes))
				want, wv := latestOf(all, set, asOf, codes)
				if gv != wv || !slices.EqualFunc(got, want, sameState) {
					t.Fatalf("seed %d: Latest(%s, %s, %v) = %v, version %d; want %v, version %d", seed, set, asOf, codes, got, gv, want, wv)
				}
				got, gv = x.LatestInto(buf, set, asOf, held)
				buf = got
				want, wv = latestOf(all, set, asOf, early)
				if gv != wv || !slices.EqualFunc(got, want, sameState) {
					t.Fatalf("seed %d: Latest(%s, %s, %v resolved first) = %v, version %d; want %v, version %d", seed, set, asOf, early, got, gv, want, wv)
				}
			}
		}
		if len(all) > 0 && x.LastID() != all[len(all)-1].ID {
			t.Fatalf("seed %d: LastID = %d, want %d", seed, x.LastID(), all[len(all)-1].ID)
		}
	}
}

func sameState(a, b scoring.CommuneState) bool {
	return a.Code == b.Code && a.MetCount == b.MetCount && slices.Equal(a.Statuses, b.Statuses) && (a.Statuses == nil) == (b.Statuses == nil)
}

// A back-dated assessment changes the version of the dates it reaches and
// no other: the aggregates of earlier dates stay cached.
func TestVersionMovesOnlyForDatesTheWriteReaches(t *testing.T) {
	x := New()
	st := []scoring.Status{scoring.Met}
	x.Add([]Row{{ID: 1, Unit: "a", Set: "A", On: date.MustParse("2020-01-10"), Statuses: st, Met: 1}})
	_, before := x.Latest("A", date.MustParse("2020-01-05"), x.Resolve([]string{"a"}))
	_, at := x.Latest("A", date.MustParse("2020-01-20"), x.Resolve([]string{"a"}))
	x.Add([]Row{{ID: 2, Unit: "a", Set: "A", On: date.MustParse("2020-01-15"), Statuses: st, Met: 1}})
	if _, v := x.Latest("A", date.MustParse("2020-01-05"), x.Resolve([]string{"a"})); v != before {
		t.Errorf("version before the write's date moved from %d to %d", before, v)
	}
	if _, v := x.Latest("A", date.MustParse("2020-01-12"), x.Resolve([]string{"a"})); v != at {
		t.Errorf("version between the dates moved from %d to %d", at, v)
	}
	if _, v := x.Latest("A", date.MustParse("2020-01-20"), x.Resolve([]string{"a"})); v == at {
		t.Errorf("version after the write's date stayed %d", v)
	}
	if _, v := x.Latest("A", date.MustParse("2020-01-20"), x.Resolve([]string{"b"})); v != 0 {
		t.Errorf("version of another unit = %d, want 0", v)
	}
}

// BenchmarkLatest10k is the index's part of an aggregate of the whole
// country: the latest state of 10,000 communes, each assessed ten times,
// as of a date after the last assessment (the usual read) and before it.
func BenchmarkLatest10k(b *testing.B) {
	x := New()
	var rows []Row
	codes := make([]string, 10_000)
	st := make([]scoring.Status, 57)
	for i := range codes {
		codes[i] = strconv.Itoa(10_000 + i)
	}
	for year := range 10 {
		for i, c := range codes {
			rows = append(rows, Row{ID: int64(year*len(codes) + i + 1), Unit: c, Set: "A", On: date.MustParse("2016-12-31").AddDays(365 * year), Statuses: st})
		}
	}
	x.Add(rows)
	// As the registry lists them: equal strings, not the index's own.
	listed := make([]string, len(codes))
	for i, c := range codes {
		listed[i] = strings.Clone(c)
	}
	units := x.Resolve(listed)
	for _, asOf := range []string{"2026-12-31", "2022-06-30"} {
		b.Run("asOf="+asOf, func(b *testing.B) {
			on := date.MustParse(asOf)
			b.ReportAllocs()
			for b.Loop() {
				if states, _ := x.Latest("A", on, units); states[0].Statuses == nil {
					b.Fatal("not found")
				}
			}
		})
	}
}

// BenchmarkResolve10k is resolving the communes of the country, once per
// registry generation and date.
func BenchmarkResolve10k(b *testing.B) {
	x := New()
	codes := make([]string, 10_000)
	for i := range codes {
		codes[i] = strconv.Itoa(10_000 + i)
	}
	x.Resolve(codes)
	listed := make([]string, len(codes))
	for i, c := range codes {
		listed[i] = strings.Clone(c)
	}
	b.ReportAllocs()
	for b.Loop() {
		x.Resolve(listed)
	}
}

// firstOf is the definition First must agree with: the assessment with the
// least (date, id) dated from..to.
func firstOf(rows []Row, set string, from, to date.Date, codes []string) ([]scoring.CommuneState, []date.Date) {
	out := make([]scoring.CommuneState, len(codes))
	on := make([]date.Date, len(codes))
	for i, c := range codes {
		out[i].Code = c
		var best *Row
		for j := range rows {
			r := &rows[j]
			if r.Set != set || r.Unit != c || r.On.Before(from) || r.On.After(to) {
				continue
			}
			if best == nil || r.On.Before(best.On) || (r.On == best.On && r.ID < best.ID) {
				best = r
			}
		}
		if best != nil {
			out[i].Statuses, out[i].MetCount, on[i] = best.Statuses, best.Met, best.On
		}
	}
	return out, on
}

func TestFirstAgreesWithTheDefinition(t *testing.T) {
	for seed := range uint64(50) {
		r := rand.New(rand.NewPCG(seed, 2))
		x := New()
		rows := randomRows(r, r.IntN(60), 1)
		x.Add(rows)
		for range 30 {
			set := sets[r.IntN(2)]
			from := date.MustParse("2019-12-30").AddDays(r.IntN(45))
			to := from.AddDays(r.IntN(20))
			codes := []string{"a", "b", "z", "c", "a", "f"}[:1+r.IntN(6)]
			got, gotOn := x.First(set, from, to, x.Resolve(codes))
			want, wantOn := firstOf(rows, set, from, to, codes)
			if !slices.EqualFunc(got, want, sameState) || !slices.Equal(gotOn, wantOn) {
				t.Fatalf("seed %d: First(%s, %s, %s, %v) = %v %v; want %v %v", seed, set, from, to, codes, got, gotOn, want, wantOn)
			}
		}
	}
}
