// Package storetest is the conformance suite every criteria store backend
// passes: SQLite and PostgreSQL run the same cases, so dialect differences in
// dates, text, ordering and transactions show up here rather than in production.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
	"github.com/ntmsuite/ntm/services/criteria/internal/statusindex"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
)

// Run runs the suite; open returns an empty, migrated database of its own
// for each case.
func Run(t *testing.T, open func(t *testing.T) *db.DB) {
	cases := []struct {
		name string
		fn   func(*testing.T, *store.Store)
	}{
		{"RoundTripsEveryField", testRoundTrip},
		{"GetIsScopedToUnit", testGetScoped},
		{"BatchIsAllOrNothing", testAllOrNothing},
		{"LatestPicksGreatestDateThenID", testLatest},
		{"ListNewestFirstWithFilters", testList},
		{"PaginationOverSameDay", testPagination},
		{"LatestStatesAligned", testLatestStates},
		{"LatestStatesManyCodes", testLatestStatesMany},
		{"ConcurrentCreatesAllLand", testConcurrentCreates},
		{"StatesAfterFollowsConcurrentWriters", testStatesAfter},
		{"BatchOfManyStatementsKeepsEachRowsID", testLargeBatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t, store.New(open(t)))
		})
	}
	// The trail is read from the database itself, not through the store.
	t.Run("CreateIsAuditedInItsTransaction", func(t *testing.T) {
		t.Parallel()
		testAudited(t, open(t))
	})
	t.Run("AssessmentsAreWrittenOnce", func(t *testing.T) {
		t.Parallel()
		testAppendOnly(t, open(t))
	})
	for _, c := range planCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t, open(t))
		})
	}
}

var d = date.MustParse

const (
	set2016 = "NTM_COMMUNE_2016_2020"
	set2021 = "NTM_COMMUNE_2021_2025"
)

// result builds a scored result from one character per criterion, as in the
// statuses column: M met, B basically met, N not met.
func result(statuses string) scoring.Result {
	r := scoring.Result{Total: len(statuses)}
	for i, c := range statuses {
		cr := scoring.CriterionResult{Code: fmt.Sprint(i + 1), Name: fmt.Sprintf("Tiêu chí %d", i+1), Basis: scoring.BasisVerdict}
		switch c {
		case 'M':
			cr.Status = scoring.Met
			r.MetCount++
		case 'B':
			cr.Status = scoring.BasicallyMet
		default:
			cr.Status = scoring.NotMet
		}
		r.Criteria = append(r.Criteria, cr)
	}
	r.AllMet = r.MetCount == r.Total
	return r
}

func statusesOf(r scoring.Result) []scoring.Status {
	out := make([]scoring.Status, len(r.Criteria))
	for i, c := range r.Criteria {
		out[i] = c.Status
	}
	return out
}

func assessment(unit, set, on, statuses string) store.Assessment {
	return store.Assessment{UnitCode: unit, SetCode: set, AssessedOn: d(on), Author: "cán bộ", Result: result(statuses)}
}

func create(t *testing.T, s *store.Store, as ...store.Assessment) []store.Assessment {
	t.Helper()
	out, err := s.Create(context.Background(), as)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return out
}

func ids(as []store.Assessment) []int64 {
	out := make([]int64, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

func list(t *testing.T, s *store.Store, q store.ListQuery) []store.Assessment {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 1000
	}
	as, err := s.List(context.Background(), q)
	if err != nil {
		t.Fatalf("List(%+v): %v", q, err)
	}
	return as
}

func testRoundTrip(t *testing.T, s *store.Store) {
	full := store.Assessment{
		UnitCode: "05611", AssessedOn: d("2020-10-31"), SetCode: set2016,
		Author: "Nguyễn Thị Hương", Note: "Đoàn thẩm định huyện Võ Nhai; xã đề nghị công nhận lại",
		EvidenceRef: "Biên bản số 12/BB-UBND ngày 31/10/2020",
		Values: []scoring.IndicatorValue{
			{Code: "10.1", Value: scoring.Value{Number: 38.5}},
			{Code: "7.1", Value: scoring.Value{Number: 0}},
			{Code: "17.8", Value: scoring.Value{Flag: true, IsFlag: true}},
			{Code: "18.6", Value: scoring.Value{IsFlag: true}},
		},
		Verdicts: []scoring.Verdict{{Criterion: "1", Status: scoring.Met}, {Criterion: "14", Status: scoring.BasicallyMet}},
		Result: scoring.Result{
			Criteria: []scoring.CriterionResult{
				{Code: "1", Name: "Quy hoạch", Status: scoring.Met, Basis: scoring.BasisVerdict},
				{Code: "10", Name: "Thu nhập", Status: scoring.NotMet, Basis: scoring.BasisValues,
					Failing: []scoring.Gap{{Indicator: "10.1", Name: "Thu nhập bình quân đầu người khu vực nông thôn", Op: ">=",
						Unit: "triệu đồng/người/năm", Threshold: 41, Value: 38.5,
						Summary: "Thu nhập bình quân đầu người khu vực nông thôn: 38,5 (yêu cầu ≥ 41 triệu đồng/người/năm)"}}},
				{Code: "14", Name: "Giáo dục và Đào tạo", Status: scoring.BasicallyMet, Basis: scoring.BasisVerdict},
				{Code: "18", Name: "Hệ thống chính trị", Status: scoring.NotMet, Basis: scoring.BasisValues,
					Missing: []string{"18.1", "18.2 (chưa có ngưỡng cho vùng TDMNPB, năm 2020)"}},
				{Code: "19", Name: "Quốc phòng và An ninh", Status: scoring.NotMet, Basis: scoring.BasisNone, Missing: []string{"19.1"}},
			},
			MetCount: 1, Total: 5, Band: "dưới 5 tiêu chí",
		},
	}
	bare := assessment("05611", set2021, "2024-01-15", "MMM")
	bare.Result.AllMet, bare.Result.Band = true, "đạt chuẩn"
	before := time.Now().Add(-time.Minute)
	created := create(t, s, full, bare)
	after := time.Now().Add(time.Minute)

	for i, want := range []store.Assessment{full, bare} {
		got := created[i]
		if got.ID <= 0 || got.CreatedAt.Location() != time.UTC || got.CreatedAt.Before(before) || got.CreatedAt.After(after) {
			t.Fatalf("created %d: ID %d, CreatedAt %v; want a positive ID and a UTC time of now", i, got.ID, got.CreatedAt)
		}
		want.ID, want.CreatedAt = got.ID, got.CreatedAt
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Create returned\n%+v\nwant\n%+v", got, want)
		}
		read, err := s.Get(context.Background(), want.UnitCode, want.ID)
		if err != nil {
			t.Fatalf("Get(%d): %v", want.ID, err)
		}
		if !read.CreatedAt.Equal(want.CreatedAt) {
			t.Errorf("Get(%d).CreatedAt = %v, Create said %v", want.ID, read.CreatedAt, want.CreatedAt)
		}
		read.CreatedAt = want.CreatedAt
		if !reflect.DeepEqual(read, want) {
			t.Errorf("Get(%d) =\n%+v\nwant\n%+v", want.ID, read, want)
		}
	}
	listed := list(t, s, store.ListQuery{UnitCode: "05611", AsOf: d("2030-01-01")})
	if len(listed) != 2 || !reflect.DeepEqual(listed[1].Result, full.Result) || !reflect.DeepEqual(listed[1].Values, full.Values) {
		t.Errorf("List did not return the full assessment intact: %+v", listed)
	}
	if out, err := s.Create(context.Background(), nil); err != nil || len(out) != 0 {
		t.Errorf("Create(nil) = %v, %v; want nothing and no error", out, err)
	}
}

func testGetScoped(t *testing.T, s *store.Store) {
	a := create(t, s, assessment("100", set2016, "2020-01-01", "MN"))[0]
	ctx := context.Background()
	if _, err := s.Get(ctx, "101", a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get under another unit: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Get(ctx, "100", a.ID+1000); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get of a missing id: err = %v, want ErrNotFound", err)
	}
	if got, err := s.Get(ctx, "100", a.ID); err != nil || got.ID != a.ID {
		t.Errorf("Get = %d, %v; want %d", got.ID, err, a.ID)
	}
}

func testAllOrNothing(t *testing.T, s *store.Store) {
	ctx := context.Background()
	// The third row breaks a CHECK in the database, after two rows were inserted.
	bad := assessment("102", set2016, "2020-01-01", "MN")
	bad.Result.MetCount = -1
	batch := []store.Assessment{
		assessment("100", set2016, "2020-01-01", "MN"),
		assessment("101", set2016, "2020-01-01", "MM"),
		bad,
		assessment("103", set2016, "2020-01-01", "NN"),
	}
	if out, err := s.Create(ctx, batch); err == nil {
		t.Fatalf("Create with met_count -1 succeeded: %+v", out)
	}
	// A status outside Met..NotMet is refused before anything is written.
	invalid := assessment("104", set2016, "2020-01-01", "MN")
	invalid.Result.Criteria[1].Status = 0
	if _, err := s.Create(ctx, []store.Assessment{batch[0], invalid}); err == nil {
		t.Fatal("Create with a criterion without status succeeded")
	}
	for _, code := range []string{"100", "101", "102", "103", "104"} {
		if got := list(t, s, store.ListQuery{UnitCode: code, AsOf: d("2030-01-01")}); len(got) != 0 {
			t.Errorf("unit %s has %d assessments from a failed batch", code, len(got))
		}
	}
	// The failed transactions left the store usable.
	if got := create(t, s, batch[0]); got[0].ID <= 0 {
		t.Fatalf("Create after a failed batch: %+v", got)
	}
}

func testLatest(t *testing.T, s *store.Store) {
	ctx := context.Background()
	first := create(t, s,
		assessment("100", set2016, "2020-01-01", "NN"),
		assessment("100", set2016, "2021-06-01", "MN"),
		assessment("100", set2016, "2023-01-01", "MM"), // recorded before an earlier-dated one below
		assessment("100", set2021, "2022-01-01", "BBB"),
		assessment("101", set2016, "2022-01-01", "BB"),
	)
	// Separate calls: same day as first[1] and recorded later, then an
	// earlier date recorded last.
	sameDay := create(t, s, assessment("100", set2016, "2021-06-01", "MB"))[0]
	backdated := create(t, s, assessment("100", set2016, "2022-06-01", "BN"))[0]

	for _, tc := range []struct {
		set, asOf string
		want      int64
	}{
		{set2016, "2020-01-01", first[0].ID}, // AsOf is inclusive
		{set2016, "2021-05-31", first[0].ID},
		{set2016, "2021-06-01", sameDay.ID},
		{set2016, "2022-12-31", backdated.ID},
		{set2016, "2030-01-01", first[2].ID}, // the later date wins over the later id
		{set2021, "2030-01-01", first[3].ID},
	} {
		got, err := s.Latest(ctx, "100", tc.set, d(tc.asOf))
		if err != nil || got.ID != tc.want {
			t.Errorf("Latest(100, %s, %s) = %d, %v; want %d", tc.set, tc.asOf, got.ID, err, tc.want)
		}
	}
	if got, err := s.Latest(ctx, "100", set2016, d("2022-12-31")); err != nil || !reflect.DeepEqual(got.Result, result("BN")) {
		t.Errorf("Latest returned result %+v, %v; want the stored one", got.Result, err)
	}
	for _, tc := range []struct{ unit, set, asOf string }{
		{"100", set2016, "2019-12-31"},
		{"100", set2021, "2021-12-31"},
		{"100", "OTHER_SET", "2030-01-01"},
		{"999", set2016, "2030-01-01"},
	} {
		if got, err := s.Latest(ctx, tc.unit, tc.set, d(tc.asOf)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Latest(%s, %s, %s) = %d, %v; want ErrNotFound", tc.unit, tc.set, tc.asOf, got.ID, err)
		}
	}
}

func testList(t *testing.T, s *store.Store) {
	as := create(t, s,
		assessment("100", set2016, "2019-01-01", "N"),
		assessment("100", set2016, "2020-01-01", "M"),
		assessment("100", set2021, "2020-01-01", "MM"),
		assessment("100", set2021, "2023-01-01", "MM"),
		assessment("101", set2016, "2020-06-01", "M"),
	)
	late := create(t, s, assessment("100", set2016, "2018-01-01", "B"))[0]
	for _, tc := range []struct {
		q    store.ListQuery
		want []int64
	}{
		{store.ListQuery{UnitCode: "100", AsOf: d("2030-01-01")}, []int64{as[3].ID, as[2].ID, as[1].ID, as[0].ID, late.ID}},
		{store.ListQuery{UnitCode: "100", AsOf: d("2020-01-01")}, []int64{as[2].ID, as[1].ID, as[0].ID, late.ID}},
		{store.ListQuery{UnitCode: "100", AsOf: d("2019-12-31")}, []int64{as[0].ID, late.ID}},
		{store.ListQuery{UnitCode: "100", AsOf: d("2030-01-01"), SetCode: set2021}, []int64{as[3].ID, as[2].ID}},
		{store.ListQuery{UnitCode: "100", AsOf: d("2020-01-01"), SetCode: set2016}, []int64{as[1].ID, as[0].ID, late.ID}},
		{store.ListQuery{UnitCode: "100", AsOf: d("2017-12-31")}, nil},
		{store.ListQuery{UnitCode: "101", AsOf: d("2030-01-01"), SetCode: set2021}, nil},
	} {
		if got := ids(list(t, s, tc.q)); !slices.Equal(got, tc.want) {
			t.Errorf("List(set=%q as_of=%s) = %v, want %v", tc.q.SetCode, tc.q.AsOf, got, tc.want)
		}
	}
	if _, err := s.List(context.Background(), store.ListQuery{UnitCode: "100", AsOf: d("2030-01-01")}); err == nil {
		t.Error("List with limit 0 succeeded; want an error on both dialects")
	}
}

func testPagination(t *testing.T, s *store.Store) {
	var batch []store.Assessment
	for i := range 7 {
		batch = append(batch, assessment("100", set2016, "2020-01-01", "M"))
		if i%3 == 0 {
			batch = append(batch, assessment("100", set2021, "2020-01-01", "MM"))
		}
	}
	batch = append(batch, assessment("100", set2016, "2019-01-01", "N"), assessment("100", set2016, "2021-01-01", "N"))
	create(t, s, batch...)
	for _, set := range []string{"", set2016} {
		q := store.ListQuery{UnitCode: "100", AsOf: d("2030-01-01"), SetCode: set}
		want := ids(list(t, s, q))
		for _, limit := range []int{1, 2, 3, 4} {
			q.Limit, q.After = limit, nil
			var got []int64
			for range 20 {
				page := list(t, s, q)
				got = append(got, ids(page)...)
				if len(page) < limit {
					break
				}
				last := page[len(page)-1]
				q.After = &store.Cursor{AssessedOn: last.AssessedOn, ID: last.ID}
			}
			if !slices.Equal(got, want) {
				t.Errorf("set %q, pages of %d = %v, want %v", set, limit, got, want)
			}
		}
	}
}

func testLatestStates(t *testing.T, s *store.Store) {
	create(t, s,
		assessment("100", set2016, "2019-01-01", "NNN"),
		assessment("100", set2016, "2020-06-01", "MBN"),
		assessment("100", set2021, "2020-06-01", "MMMM"),
		assessment("101", set2016, "2021-01-01", "MMM"),
	)
	create(t, s, assessment("100", set2016, "2020-06-01", "MMB")) // same day, recorded later: it counts
	ctx := context.Background()
	codes := []string{"101", "999", "100", "101"}
	for _, tc := range []struct {
		set, asOf string
		want      []string // statuses per code, "-" for none
	}{
		{set2016, "2018-12-31", []string{"-", "-", "-", "-"}},
		{set2016, "2019-01-01", []string{"-", "-", "NNN", "-"}},
		{set2016, "2020-12-31", []string{"-", "-", "MMB", "-"}},
		{set2016, "2030-01-01", []string{"MMM", "-", "MMB", "MMM"}},
		{set2021, "2030-01-01", []string{"-", "-", "MMMM", "-"}},
	} {
		got, err := s.LatestStates(ctx, tc.set, d(tc.asOf), codes)
		if err != nil {
			t.Fatalf("LatestStates(%s, %s): %v", tc.set, tc.asOf, err)
		}
		if len(got) != len(codes) {
			t.Fatalf("LatestStates(%s, %s) returned %d states for %d codes", tc.set, tc.asOf, len(got), len(codes))
		}
		for i, w := range tc.want {
			want := scoring.CommuneState{Code: codes[i]}
			if w != "-" {
				r := result(w)
				want = scoring.NewCommuneState(codes[i], statusesOf(r), r.MetCount)
			}
			if !reflect.DeepEqual(got[i], want) {
				t.Errorf("LatestStates(%s, %s)[%d] = %+v, want %+v", tc.set, tc.asOf, i, got[i], want)
			}
		}
	}
	if got, err := s.LatestStates(ctx, set2016, d("2030-01-01"), nil); err != nil || len(got) != 0 {
		t.Errorf("LatestStates(no codes) = %v, %v", got, err)
	}
}

// testLatestStatesMany crosses several IN-list chunks, with codes out of
// order, unassessed and repeated ones spread across chunk boundaries.
func testLatestStatesMany(t *testing.T, s *store.Store) {
	const units = 1203
	patterns := []string{"MMMMMMMMMMMMMMMMMMM", "MBNMBNMBNMBNMBNMBNM", "NNNNNNNNNNNNNNNNNNB"}
	code := func(i int) string { return fmt.Sprintf("%05d", i) }
	var batch []store.Assessment
	for i := range units {
		if i%7 == 0 {
			continue // never assessed
		}
		batch = append(batch,
			assessment(code(i), set2016, "2019-01-01", patterns[(i+1)%3]),
			assessment(code(i), set2016, "2020-01-01", patterns[i%3]))
	}
	create(t, s, batch...)
	var nums []int
	for i := units - 1; i >= 0; i-- {
		nums = append(nums, i)
		if i%250 == 0 {
			nums = append(nums, i+1, units-1-i)
		}
	}
	codes := make([]string, len(nums))
	for i, n := range nums {
		codes[i] = code(n)
	}
	got, err := s.LatestStates(context.Background(), set2016, d("2020-01-01"), codes)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(codes) {
		t.Fatalf("got %d states for %d codes", len(got), len(codes))
	}
	for i, n := range nums {
		want := scoring.CommuneState{Code: codes[i]}
		if n%7 != 0 {
			r := result(patterns[n%3])
			want = scoring.NewCommuneState(codes[i], statusesOf(r), r.MetCount)
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Fatalf("state %d = %+v, want %+v", i, got[i], want)
		}
	}
}

func testConcurrentCreates(t *testing.T, s *store.Store) {
	const writers, each = 8, 5
	var wg sync.WaitGroup
	created := make([][]store.Assessment, writers)
	errs := make([]error, writers)
	for w := range writers {
		wg.Go(func() {
			var batch []store.Assessment
			for i := range each {
				batch = append(batch, assessment("100", set2016, fmt.Sprintf("2020-01-%02d", i+1), "MN"))
			}
			created[w], errs[w] = s.Create(context.Background(), batch)
		})
	}
	wg.Wait()
	seen := map[int64]bool{}
	for w, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", w, err)
		}
		for _, a := range created[w] {
			if seen[a.ID] {
				t.Fatalf("id %d given twice", a.ID)
			}
			seen[a.ID] = true
		}
	}
	listed := ids(list(t, s, store.ListQuery{UnitCode: "100", AsOf: d("2030-01-01")}))
	if len(listed) != writers*each || len(seen) != writers*each {
		t.Fatalf("listed %d and created %d assessments, want %d", len(listed), len(seen), writers*each)
	}
	for _, id := range listed {
		if !seen[id] {
			t.Fatalf("listed id %d that no writer created", id)
		}
	}
}

// A reader following the table by "ids above the last one seen", as every
// replica's in-memory index does, while writers commit batches at once,
// sees every row exactly once, with its compact state: ids commit in order.
func testStatesAfter(t *testing.T, s *store.Store) {
	ctx := context.Background()
	const writers, batches, each = 6, 5, 4
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for b := range batches {
				var batch []store.Assessment
				for i := range each {
					batch = append(batch, assessment(fmt.Sprint(100+w), set2016, fmt.Sprintf("2020-%02d-%02d", b+1, i+1), "MBN"[i%3:]+"M"))
				}
				if _, err := s.Create(ctx, batch); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	var seen []statusindex.Row
	var last int64
	follow := func() {
		rows, err := s.StatesAfter(ctx, last)
		if err != nil {
			t.Fatalf("StatesAfter(%d): %v", last, err)
		}
		for _, r := range rows {
			if r.ID <= last {
				t.Fatalf("StatesAfter(%d) returned id %d out of order", last, r.ID)
			}
			last = r.ID
		}
		seen = append(seen, rows...)
	}
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		follow()
	}
	follow()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != writers*batches*each {
		t.Fatalf("the follower saw %d rows, want %d: a row committed late was skipped", len(seen), writers*batches*each)
	}
	for _, r := range seen {
		a, err := s.Get(ctx, r.Unit, r.ID)
		if err != nil {
			t.Fatalf("row %d: %v", r.ID, err)
		}
		if r.Set != a.SetCode || r.On != a.AssessedOn || r.Met != a.Result.MetCount || !slices.Equal(r.Statuses, statusesOf(a.Result)) {
			t.Fatalf("row %d followed as %+v, stored as %s %s met %d %v", r.ID, r, a.SetCode, a.AssessedOn, a.Result.MetCount, statusesOf(a.Result))
		}
	}
}

// A batch larger than one INSERT binds (a few dozen assessments) is
// written in several statements; each assessment comes back with the id
// of its own row, in input order.
func testLargeBatch(t *testing.T, s *store.Store) {
	var batch []store.Assessment
	for i := range 1000 {
		batch = append(batch, assessment(fmt.Sprint(10_000+i), set2021, fmt.Sprintf("2022-%02d-01", 1+i%12), "MNB"[i%3:]))
	}
	created := create(t, s, batch...)
	for i, a := range created {
		if a.UnitCode != batch[i].UnitCode || a.AssessedOn != batch[i].AssessedOn {
			t.Fatalf("assessment %d came back as %s on %s, want %s on %s", i, a.UnitCode, a.AssessedOn, batch[i].UnitCode, batch[i].AssessedOn)
		}
		if i%50 != 0 && i != len(created)-1 {
			continue
		}
		got, err := s.Get(context.Background(), a.UnitCode, a.ID)
		if err != nil {
			t.Fatalf("assessment %d (id %d of unit %s): %v", i, a.ID, a.UnitCode, err)
		}
		if got.AssessedOn != a.AssessedOn || got.Result.MetCount != a.Result.MetCount {
			t.Fatalf("id %d holds %s met %d, want %s met %d", a.ID, got.AssessedOn, got.Result.MetCount, a.AssessedOn, a.Result.MetCount)
		}
	}
}
