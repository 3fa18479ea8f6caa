package server_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/cache/cachetest"
	"github.com/ntmsuite/ntm/platform/dbtest"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	"github.com/ntmsuite/ntm/services/ocop"
	"github.com/ntmsuite/ntm/services/ocop/internal/store/migrations"
)

// The summary the cache tests read: district 171 (Hóa Thượng, 110) as of
// the end of 2024.
func districtFigures(t *testing.T, a *api) figures {
	t.Helper()
	return a.figuresAt(t, district2, "2024-12-31", 0, 0)
}

func wantFigures(t *testing.T, what string, got, want figures) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: figures\n got %+v\nwant %+v", what, got, want)
	}
}

// cycle is a product's cycle in 110, one write of each kind, and the
// district's figures after each; the registry moves 110 to district 170 last.
type cycle struct {
	producer, product, evaluation, certificate int64
}

var afterEachWrite = []figures{
	{producers: 1},
	{producers: 1, products: 1, groups: "HERBAL 1/0/0"},
	{producers: 1, products: 1, registered: 1, groups: "HERBAL 1/1/0"},
	{producers: 1, products: 1, registered: 1, eligible: 1, groups: "HERBAL 1/1/0"},
	{producers: 1, products: 1, registered: 1, eligible: 1, evaluated: "3★1", groups: "HERBAL 1/1/0"},
	// The provincial council's 5-star sheet proposes it to the central council.
	{producers: 1, products: 1, registered: 1, eligible: 1, evaluated: "5★1", groups: "HERBAL 1/1/0", proposed: 1},
	{producers: 1, products: 1, registered: 1, eligible: 1, evaluated: "5★1", newly: "3★1", certified: "3★1", total: 1, groups: "HERBAL 1/1/1", proposed: 1},
	{producers: 1, products: 1, registered: 1, eligible: 1, evaluated: "5★1", newly: "3★1", groups: "HERBAL 1/1/0", proposed: 1}, // revoked
	{}, // 110 moved to district 170
}

var writeNames = []string{"producer", "product", "registration", "review", "evaluation", "proposal", "certificate", "revocation", "registry change"}

// write makes write i of the cycle through a (the registry change through e).
func (c *cycle) write(t *testing.T, e *env, a *api, i int) {
	t.Helper()
	switch i {
	case 0:
		c.producer = a.producer(t, "HTX Dược liệu Hóa Thượng", ocopv1.ProducerKind_COOPERATIVE, "110", "2020-01-01")
	case 1:
		c.product = a.product(t, c.producer, "Trà hoa vàng Hóa Thượng", "HERBAL")
	case 2:
		a.register(t, c.product, 2024, "2024-03-01")
	case 3:
		a.review(t, c.product, 2024, eligible, "2024-04-01", "")
	case 4:
		c.evaluation = a.evaluate(t, c.product, 2024, "2024-05-10", byDistrict, fill23(60)).GetId()
	case 5:
		a.evaluate(t, c.product, 2024, "2024-05-20", byProvince, fill23(95))
	case 6:
		c.certificate = a.certify(t, c.product, c.evaluation, "2024-06-01").GetId()
	case 7:
		a.revoke(t, c.product, c.certificate, "2024-10-01")
	case 8:
		e.transfer(t, "110", district, "2024-07-01")
	}
}

// cacheReads counts the summary cache's reads by result (hit, miss, error).
func cacheReads(t *testing.T, reg *prometheus.Registry) map[string]float64 {
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
			for _, l := range m.GetLabel() {
				if l.GetName() == "result" {
					out[l.GetValue()] = m.GetCounter().GetValue()
				}
			}
		}
	}
	return out
}

// Every kind of write, here or in the registry, is in the very next summary
// read, although the summary before it was cached.
func TestNextSummaryReadSeesEveryWrite(t *testing.T) {
	c := cache.NewMemory()
	e := startRegistry(t, c)
	reg := prometheus.NewRegistry()
	e.api = startOcop(t, e.regConn, ocop.Config{SQLitePath: filepath.Join(t.TempDir(), "ocop.db"), Cache: c, Registerer: reg})

	wantFigures(t, "first read", districtFigures(t, e.api), figures{})
	wantFigures(t, "second read", districtFigures(t, e.api), figures{})
	if got := cacheReads(t, reg); got["miss"] != 1 || got["hit"] != 1 {
		t.Fatalf("cache reads %v, want a miss then a hit", got)
	}
	var cy cycle
	for i, want := range afterEachWrite {
		cy.write(t, e, e.api, i)
		wantFigures(t, "after the "+writeNames[i], districtFigures(t, e.api), want)
		wantFigures(t, "after the "+writeNames[i]+", cached", districtFigures(t, e.api), want)
	}
	if got := cacheReads(t, reg); got["miss"] != 10 || got["hit"] != 10 {
		t.Fatalf("cache reads %v, want every first read after a write to miss", got)
	}
	// The district the commune moved to counts it from then on.
	moved := figures{producers: 1, products: 1, registered: 1, eligible: 1, evaluated: "5★1", newly: "3★1", groups: "HERBAL 1/1/0", proposed: 1}
	wantFigures(t, "district 170", e.api.figuresAt(t, district, "2024-12-31", 0, 0), moved)
}

// Two replicas of the OCOP service share one PostgreSQL database and one
// Redis: a write acknowledged by A is in B's very next read, although B had
// the old figures cached.
func TestReplicasShareRedis(t *testing.T) {
	prefix := cachetest.Prefix(t)
	url := dbtest.PostgresDatabase(t, migrations.Postgres)
	e := startRegistry(t, newRedis(t, cachetest.RedisAddr(), prefix))
	regB := prometheus.NewRegistry()
	a := startOcop(t, e.regConn, ocop.Config{PostgresURL: url, Cache: newRedis(t, cachetest.RedisAddr(), prefix)})
	b := startOcop(t, e.regConn, ocop.Config{PostgresURL: url, Cache: newRedis(t, cachetest.RedisAddr(), prefix), Registerer: regB})

	wantFigures(t, "B, first read", districtFigures(t, b), figures{})
	wantFigures(t, "A, reading what B cached", districtFigures(t, a), figures{})
	wantFigures(t, "B, cached", districtFigures(t, b), figures{})
	if got := cacheReads(t, regB); got["hit"] != 1 || got["miss"] != 1 || got["error"] != 0 {
		t.Fatalf("B's cache reads %v, want a miss then a hit", got)
	}
	var cy cycle
	for i, want := range afterEachWrite {
		cy.write(t, e, a, i)
		wantFigures(t, "B after A's "+writeNames[i], districtFigures(t, b), want)
		wantFigures(t, "A after its "+writeNames[i], districtFigures(t, a), want)
	}
	if got := cacheReads(t, regB); got["miss"] != 10 || got["hit"] != 1 || got["error"] != 0 {
		t.Fatalf("B's cache reads %v, want every read after a write to miss", got)
	}
	// B's writes reach A just the same.
	p := b.producer(t, "Hộ kinh doanh Chi Lăng", ocopv1.ProducerKind_HOUSEHOLD_BUSINESS, "120", "2021-01-01")
	wantFigures(t, "A after B's producer", a.figuresAt(t, province2, "2024-12-31", 0, 0), figures{producers: 1})
	b.product(t, p, "Na dai Chi Lăng", "FOOD")
	wantFigures(t, "A after B's product", a.figuresAt(t, province2, "2024-12-31", 0, 0), figures{producers: 1, products: 1, groups: "FOOD 1/0/0"})
}

// Redis becomes unreachable mid-test: summaries are computed directly,
// writes succeed, and every answer stays right, also right after Redis is
// back with the figures it cached before.
func TestRedisGoesAway(t *testing.T) {
	prefix := cachetest.Prefix(t)
	p := cachetest.StartProxy(t, cachetest.RedisAddr())
	e := startRegistry(t, newRedis(t, p.Addr(), prefix))
	reg := prometheus.NewRegistry()
	e.api = startOcop(t, e.regConn, ocop.Config{SQLitePath: filepath.Join(t.TempDir(), "ocop.db"), Cache: newRedis(t, p.Addr(), prefix), Registerer: reg})
	var cy cycle
	for i := range 2 {
		cy.write(t, e, e.api, i)
	}
	wantFigures(t, "Redis up", districtFigures(t, e.api), afterEachWrite[1])
	wantFigures(t, "Redis up, cached", districtFigures(t, e.api), afterEachWrite[1])

	p.Stop()
	wantFigures(t, "Redis down", districtFigures(t, e.api), afterEachWrite[1])
	for i := 2; i < 5; i++ {
		cy.write(t, e, e.api, i)
		wantFigures(t, "Redis down, after the "+writeNames[i], districtFigures(t, e.api), afterEachWrite[i])
	}
	if got := cacheReads(t, reg); got["error"] < 4 {
		t.Fatalf("cache reads %v: the reads while Redis was down did not fail over", got)
	}

	p.Start(t)
	wantFigures(t, "Redis back", districtFigures(t, e.api), afterEachWrite[4])
	for i := 5; i < len(afterEachWrite); i++ {
		cy.write(t, e, e.api, i)
		wantFigures(t, "Redis back, after the "+writeNames[i], districtFigures(t, e.api), afterEachWrite[i])
	}
}

// A replica that saw nothing of the outage reads right soon after Redis is
// back: the replica whose write lost its bump heals the cache by itself.
func TestIdleReplicaReadsRightAfterOutage(t *testing.T) {
	prefix := cachetest.Prefix(t)
	p := cachetest.StartProxy(t, cachetest.RedisAddr())
	e := startRegistry(t, newRedis(t, p.Addr(), prefix))
	file := filepath.Join(t.TempDir(), "ocop.db") // one database, two services
	a := startOcop(t, e.regConn, ocop.Config{SQLitePath: file, Cache: newRedis(t, p.Addr(), prefix)})
	b := startOcop(t, e.regConn, ocop.Config{SQLitePath: file, Cache: newRedis(t, p.Addr(), prefix)})
	var cy cycle
	cy.write(t, e, a, 0)
	wantFigures(t, "B before", districtFigures(t, b), afterEachWrite[0])

	p.Stop()
	cy.write(t, e, a, 1) // committed; its bump is lost
	p.Start(t)
	deadline := time.Now().Add(10 * time.Second)
	for got := districtFigures(t, b); got != afterEachWrite[1]; got = districtFigures(t, b) {
		if time.Now().After(deadline) {
			t.Fatalf("B still reads %+v 10s after Redis came back, want %+v", got, afterEachWrite[1])
		}
		time.Sleep(50 * time.Millisecond)
	}
}
