package server_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/cache/cachetest"
	"github.com/ntmsuite/ntm/platform/dbtest"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria"
	"github.com/ntmsuite/ntm/services/criteria/internal/store/migrations"
)

// figures are the few numbers of district 170 as of 2020-10-31 that the
// writes below change.
type figures struct {
	communes, electricity, standard int32 // electricity: communes meeting criterion 4 (Điện)
	standardReported                int32
}

func districtFigures(t *testing.T, c criteriav1.CriteriaServiceClient) figures {
	t.Helper()
	read := func(mode string) *criteriav1.Aggregate {
		agg, err := c.GetAggregate(context.Background(), &criteriav1.GetAggregateRequest{UnitCode: district, AsOf: "2020-10-31", CountMode: mode})
		if err != nil {
			t.Fatalf("aggregate (%s): %v", mode, err)
		}
		return agg
	}
	cur, rep := read("current"), read("reported")
	return figures{communes: cur.GetCommunes(), electricity: cur.GetCriteria()[3].GetMet(), standard: cur.GetRecognitions()[0].GetUnits(),
		standardReported: rep.GetRecognitions()[0].GetUnits()}
}

func wantFigures(t *testing.T, what string, got, want figures) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: figures %+v, want %+v", what, got, want)
	}
}

// The writes that change district 170 as of 2020-10-31, in order, and the figures after each.
var (
	initial       = figures{communes: 3, electricity: 2, standard: 1, standardReported: 2}
	after102      = figures{communes: 3, electricity: 3, standard: 1, standardReported: 2} // 102 now meets criterion 4
	afterRecog101 = figures{communes: 3, electricity: 3, standard: 2, standardReported: 3} // 101 recognised
	afterWard101  = figures{communes: 2, electricity: 2, standard: 1, standardReported: 3} // 101 became a ward: a former commune
)

func flip102(t *testing.T, c criteriav1.CriteriaServiceClient) {
	t.Helper()
	a := verdicts("102", "2020-06-01", 4)
	if _, err := c.CreateAssessment(context.Background(), &criteriav1.CreateAssessmentRequest{UnitCode: "102", Assessment: a}); err != nil {
		t.Fatalf("assess 102: %v", err)
	}
}

func ward101(t *testing.T, e *env) {
	t.Helper()
	e.change(t, &registryv1.UnitChange{DecisionNumber: "1/NQ-UBTVQH15", EffectiveDate: "2020-10-01",
		Kind: &registryv1.UnitChange_Reclassify{Reclassify: &registryv1.ReclassifyUnit{Code: "101", NewType: registryv1.UnitType_WARD, NewDisplayName: "Phường Lâu Thượng"}}})
}

// cacheReads counts the request-level aggregate cache's reads by result
// (hit, miss, error).
func cacheReads(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	return cacheReadsOf(t, reg, "criteria_aggregate")
}

// cacheReadsOf counts the reads of the cache named name by result.
func cacheReadsOf(t *testing.T, reg *prometheus.Registry, name string) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "ntm_cache_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["cache"] == name {
				out[labels["result"]] = m.GetCounter().GetValue()
			}
		}
	}
	return out
}

func TestNextReadSeesEveryWrite(t *testing.T) {
	c := cache.NewMemory()
	e := startRegistry(t, c)
	reg := prometheus.NewRegistry()
	e.crit = e.startCriteria(t, criteria.Config{SQLitePath: filepath.Join(t.TempDir(), "criteria.db"), Cache: c, Registerer: reg})
	e.seedAssessments(t)

	wantFigures(t, "first read", districtFigures(t, e.crit), initial)
	wantFigures(t, "second read", districtFigures(t, e.crit), initial)
	if got := cacheReads(t, reg); got["miss"] != 2 || got["hit"] != 2 {
		t.Fatalf("cache reads %v, want 2 misses then 2 hits", got)
	}
	flip102(t, e.crit)
	wantFigures(t, "after an assessment", districtFigures(t, e.crit), after102)
	e.recognise(t, "101", registryv1.RecognitionLevel_STANDARD, "2020-09-01")
	wantFigures(t, "after a recognition", districtFigures(t, e.crit), afterRecog101)
	ward101(t, e)
	wantFigures(t, "after a commune became a ward", districtFigures(t, e.crit), afterWard101)
	if got := cacheReads(t, reg); got["miss"] != 8 || got["hit"] != 2 {
		t.Fatalf("cache reads %v, want every read after a write to miss", got)
	}
}

// A write's checks read the registry's answers held for its generation:
// once the map changes, the next write is checked against the new map, on
// either replica, though the old answer was held.
func TestWritesSeeTheMapAsItIsNow(t *testing.T) {
	prefix := cachetest.Prefix(t)
	url := dbtest.PostgresDatabase(t, migrations.Postgres)
	e := startRegistry(t, newRedis(t, cachetest.RedisAddr(), prefix))
	a := e.startCriteria(t, criteria.Config{PostgresURL: url, Cache: newRedis(t, cachetest.RedisAddr(), prefix)})
	b := e.startCriteria(t, criteria.Config{PostgresURL: url, Cache: newRedis(t, cachetest.RedisAddr(), prefix)})
	write := func(c criteriav1.CriteriaServiceClient) error {
		_, err := c.CreateAssessment(context.Background(), &criteriav1.CreateAssessmentRequest{UnitCode: "101", Assessment: verdicts("101", "2020-11-01", 4)})
		return err
	}
	for name, c := range map[string]criteriav1.CriteriaServiceClient{"A": a, "B": b} {
		if err := write(c); err != nil {
			t.Fatalf("%s: assessment of commune 101: %v", name, err)
		}
	}
	ward101(t, e) // from 2020-10-01
	for name, c := range map[string]criteriav1.CriteriaServiceClient{"A": a, "B": b} {
		if err := write(c); status.Code(err) != codes.InvalidArgument {
			t.Errorf("%s: a commune set's assessment of 101, a ward on its date: %v, want InvalidArgument", name, err)
		}
	}
}

// Two replicas of the criteria service share one PostgreSQL database and one
// Redis: a write acknowledged by A is in B's very next read, although B had
// the old figures cached.
func TestReplicasShareRedis(t *testing.T) {
	prefix := cachetest.Prefix(t)
	url := dbtest.PostgresDatabase(t, migrations.Postgres)
	e := startRegistry(t, newRedis(t, cachetest.RedisAddr(), prefix))
	regB := prometheus.NewRegistry()
	a := e.startCriteria(t, criteria.Config{PostgresURL: url, Cache: newRedis(t, cachetest.RedisAddr(), prefix)})
	b := e.startCriteria(t, criteria.Config{PostgresURL: url, Cache: newRedis(t, cachetest.RedisAddr(), prefix), Registerer: regB})
	e.crit = a
	e.seedAssessments(t)

	wantFigures(t, "B, first read", districtFigures(t, b), initial)
	wantFigures(t, "A, reading what B cached", districtFigures(t, a), initial)
	wantFigures(t, "B, cached", districtFigures(t, b), initial)
	if got := cacheReads(t, regB); got["hit"] != 2 || got["miss"] != 2 || got["error"] != 0 {
		t.Fatalf("B's cache reads %v, want 2 misses then 2 hits", got)
	}
	flip102(t, a)
	wantFigures(t, "B after A's write", districtFigures(t, b), after102)
	e.recognise(t, "101", registryv1.RecognitionLevel_STANDARD, "2020-09-01")
	wantFigures(t, "B after a recognition", districtFigures(t, b), afterRecog101)
	wantFigures(t, "A after a recognition", districtFigures(t, a), afterRecog101)
	ward101(t, e)
	wantFigures(t, "A after a commune became a ward", districtFigures(t, a), afterWard101)
	wantFigures(t, "B after a commune became a ward", districtFigures(t, b), afterWard101)
}

// Redis becomes unreachable mid-test: reads are computed directly, writes
// succeed, and every answer stays right, also once Redis is back with the
// figures it cached before.
func TestRedisGoesAway(t *testing.T) {
	prefix := cachetest.Prefix(t)
	p := cachetest.StartProxy(t, cachetest.RedisAddr())
	e := startRegistry(t, newRedis(t, p.Addr(), prefix))
	reg := prometheus.NewRegistry()
	e.crit = e.startCriteria(t, criteria.Config{SQLitePath: filepath.Join(t.TempDir(), "criteria.db"), Cache: newRedis(t, p.Addr(), prefix), Registerer: reg})
	e.seedAssessments(t)
	wantFigures(t, "Redis up", districtFigures(t, e.crit), initial)
	wantFigures(t, "Redis up, cached", districtFigures(t, e.crit), initial)

	p.Stop()
	wantFigures(t, "Redis down", districtFigures(t, e.crit), initial)
	flip102(t, e.crit)
	wantFigures(t, "Redis down, after an assessment", districtFigures(t, e.crit), after102)
	e.recognise(t, "101", registryv1.RecognitionLevel_STANDARD, "2020-09-01")
	wantFigures(t, "Redis down, after a recognition", districtFigures(t, e.crit), afterRecog101)
	if got := cacheReads(t, reg); got["error"] < 6 {
		t.Fatalf("cache reads %v: the reads while Redis was down did not fail over", got)
	}

	p.Start(t)
	wantFigures(t, "Redis back", districtFigures(t, e.crit), afterRecog101)
	ward101(t, e)
	wantFigures(t, "Redis back, after a commune became a ward", districtFigures(t, e.crit), afterWard101)
}

// A replica that saw nothing of the outage reads right soon after Redis is
// back: the replica whose write lost its Bump heals the cache by itself.
func TestIdleReplicaReadsRightAfterOutage(t *testing.T) {
	prefix := cachetest.Prefix(t)
	p := cachetest.StartProxy(t, cachetest.RedisAddr())
	e := startRegistry(t, newRedis(t, p.Addr(), prefix))
	file := filepath.Join(t.TempDir(), "criteria.db") // one database, two services
	a := e.startCriteria(t, criteria.Config{SQLitePath: file, Cache: newRedis(t, p.Addr(), prefix)})
	b := e.startCriteria(t, criteria.Config{SQLitePath: file, Cache: newRedis(t, p.Addr(), prefix)})
	e.crit = a
	e.seedAssessments(t)
	wantFigures(t, "B before", districtFigures(t, b), initial)

	p.Stop()
	flip102(t, a) // committed; its Bump is lost
	p.Start(t)
	deadline := time.Now().Add(10 * time.Second)
	for got := districtFigures(t, b); got != after102; got = districtFigures(t, b) {
		if time.Now().After(deadline) {
			t.Fatalf("B still reads %+v 10s after Redis came back, want %+v", got, after102)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A replica restarted with its province's own level titles (a --catalog-dir)
// shares Redis with one that cached the district's figures under the shipped
// catalog: it computes its own rather than serving the other's titles, though
// no write happened in between.
func TestReplicaWithAnotherCatalogDoesNotReadTheOthersFigures(t *testing.T) {
	prefix := cachetest.Prefix(t)
	e := startRegistry(t, newRedis(t, cachetest.RedisAddr(), prefix))
	shipped := e.startCriteria(t, criteria.Config{SQLitePath: filepath.Join(t.TempDir(), "a.db"), Cache: newRedis(t, cachetest.RedisAddr(), prefix)})
	dir := t.TempDir()
	levels := "schema: ntm-criteria-levels/v1\nsets:\n  NTM_COMMUNE_2016_2020:\n" +
		"    - {level: STANDARD, name_vi: \"Xã đạt chuẩn NTM (tỉnh)\", legal_basis: [\"1/QĐ-UBND\"], confirmed: true}\n"
	if err := os.WriteFile(filepath.Join(dir, "levels.yaml"), []byte(levels), 0o644); err != nil {
		t.Fatal(err)
	}
	own := e.startCriteria(t, criteria.Config{SQLitePath: filepath.Join(t.TempDir(), "b.db"), Cache: newRedis(t, cachetest.RedisAddr(), prefix), CatalogDir: dir})
	title := func(c criteriav1.CriteriaServiceClient) string {
		a, err := c.GetAggregate(context.Background(), &criteriav1.GetAggregateRequest{UnitCode: district, AsOf: "2020-10-31"})
		if err != nil {
			t.Fatal(err)
		}
		return a.GetRecognitions()[0].GetDisplayName()
	}
	if got := title(shipped); got != "Xã đạt chuẩn nông thôn mới" {
		t.Fatalf("shipped title = %q", got)
	}
	if got := title(own); got != "Xã đạt chuẩn NTM (tỉnh)" {
		t.Errorf("the replica with its own levels read %q, the other's cached title", got)
	}
}

// A write of commune 102 dated 2020-06-01 reaches the aggregates of 102's
// district and province as of that date or later, and no other: the other
// district, and 102's own district on an earlier date, are served from
// the content-level cache under the new stamp, not computed again.
func TestWriteReachesOnlyTheAggregatesItChanges(t *testing.T) {
	prefix := cachetest.Prefix(t)
	e := startRegistry(t, newRedis(t, cachetest.RedisAddr(), prefix))
	reg := prometheus.NewRegistry()
	e.crit = e.startCriteria(t, criteria.Config{SQLitePath: filepath.Join(t.TempDir(), "criteria.db"), Cache: newRedis(t, cachetest.RedisAddr(), prefix), Registerer: reg})
	e.seedAssessments(t)
	reads := []*criteriav1.GetAggregateRequest{
		{UnitCode: district, AsOf: "2020-10-31"},  // reached
		{UnitCode: province, AsOf: "2020-10-31"},  // reached
		{UnitCode: district2, AsOf: "2020-10-31"}, // another district
		{UnitCode: district, AsOf: "2020-05-31"},  // before the write's date
	}
	readAll := func() []int32 {
		var met []int32 // criterion 4 (Điện) of each read
		for _, r := range reads {
			met = append(met, e.aggregate(t, r).GetCriteria()[3].GetMet())
		}
		return met
	}
	if got, want := readAll(), []int32{2, 3, 1, 2}; !slices.Equal(got, want) {
		t.Fatalf("before the write, criterion 4 met by %v, want %v", got, want)
	}
	flip102(t, e.crit)
	if got, want := readAll(), []int32{3, 4, 1, 2}; !slices.Equal(got, want) {
		t.Fatalf("after the write, criterion 4 met by %v, want %v", got, want)
	}
	if got := cacheReads(t, reg); got["miss"] != 8 {
		t.Errorf("request-level reads %v: every read after a write misses at that level", got)
	}
	if got := cacheReadsOf(t, reg, "criteria_aggregate_content"); got["miss"] != 6 || got["hit"] != 2 {
		t.Errorf("content-level reads %v, want 4 misses, then 2 misses (the aggregates reached) and 2 hits", got)
	}
}
