package server_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ntmsuite/ntm/platform/cache/cachetest"
	"github.com/ntmsuite/ntm/platform/dbtest"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/funding"
	"github.com/ntmsuite/ntm/services/funding/internal/store/migrations"
)

// look is what the cache tests read: the 2026 budgets of province 19,
// province 20 and commune 150 as of 2026-10-31, each as
// "unit planned/disbursed (rows)" in millions.
func look(t *testing.T, a *api) string {
	t.Helper()
	var parts []string
	for _, u := range []string{province, province2, "150"} {
		s := a.summary(t, &fundingv1.GetFundingSummaryRequest{UnitCode: u, AsOf: "2026-10-31"})
		var rows []string
		for _, r := range s.GetByUnit() {
			rows = append(rows, fmt.Sprintf("%s %s/%s", r.GetUnitCode(), mil(r.GetProgress().GetPlannedVnd()), mil(r.GetProgress().GetDisbursedVnd())))
		}
		parts = append(parts, fmt.Sprintf("%s %s/%s (%s)", u, mil(s.GetTotal().GetPlannedVnd()), mil(s.GetTotal().GetDisbursedVnd()), strings.Join(rows, ", ")))
	}
	return strings.Join(parts, " | ")
}

func wantLook(t *testing.T, what string, a *api, want string) {
	t.Helper()
	if got := look(t, a); got != want {
		t.Fatalf("%s:\n got %s\nwant %s", what, got, want)
	}
}

// cycle is one write of each kind in 2026, made through a (the map's
// through the registry), and what look reads after each.
type cycle struct {
	plan110, plan102 int64
}

const nothing = "19 0/0 () | 20 0/0 () | 150 0/0 ()"

var afterEachWrite = []string{
	"19 500/0 (110 500/0) | 20 0/0 () | 150 0/0 ()",
	"19 500/200 (110 500/200) | 20 0/0 () | 150 0/0 ()",
	"19 800/200 (102 300/0, 110 500/200) | 20 0/0 () | 150 0/0 ()",
	"19 800/350 (102 300/100, 110 500/250) | 20 0/0 () | 150 0/0 ()",
	"19 300/100 (102 300/100) | 20 500/250 (110 500/250) | 150 0/0 ()",                // 110 moves to province 20
	"19 300/100 (150 300/100) | 20 500/250 (110 500/250) | 150 300/100 (150 300/100)", // 102 merges into 150
}

var writeNames = []string{"plan", "disbursement", "batch of plans", "batch of disbursements", "transfer", "merger"}

func (c *cycle) write(t *testing.T, e *env, a *api, i int) {
	t.Helper()
	switch i {
	case 0:
		c.plan110 = a.plan(t, money("110", 2026, "CENTRAL_BUDGET", "TRANSPORT", 500*M, "2026-02-01")).GetId()
	case 1:
		a.disburse(t, c.plan110, "2026-03-01", 200*M, "")
	case 2:
		c.plan102 = a.plans(t, money("102", 2026, "PROVINCIAL_BUDGET", "SCHOOLS", 300*M, "2026-02-01"))[0].GetId()
	case 3:
		if _, err := a.BatchCreateDisbursements(context.Background(), &fundingv1.BatchCreateDisbursementsRequest{Disbursements: []*fundingv1.Disbursement{
			{PlanId: c.plan102, DisbursedOn: "2026-04-01", AmountVnd: 100 * M},
			{PlanId: c.plan110, DisbursedOn: "2026-04-01", AmountVnd: 50 * M},
		}}); err != nil {
			t.Fatal(err)
		}
	case 4:
		e.change(t, &registryv1.UnitChange{DecisionNumber: "5/NQ-UBTVQH16", EffectiveDate: "2026-06-01",
			Kind: &registryv1.UnitChange_Transfer{Transfer: &registryv1.TransferUnit{Code: "110", NewParentCode: province2}}})
	case 5:
		e.change(t, &registryv1.UnitChange{DecisionNumber: "6/NQ-UBTVQH16", EffectiveDate: "2026-08-01",
			Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{SourceCodes: []string{"150", "102"},
				Target: &registryv1.MergeUnits_AbsorbingCode{AbsorbingCode: "150"}}}})
	}
}

// summaryReads counts the summary cache's reads by result (hit, miss, error).
func summaryReads(t *testing.T, reg *prometheus.Registry) map[string]float64 {
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
			if labels["cache"] == "funding_summary" {
				out[labels["result"]] = m.GetCounter().GetValue()
			}
		}
	}
	return out
}

// Every kind of write, here or in the registry, is in the very next summary
// read, although the summaries before it were cached in Redis.
func TestNextSummaryReadSeesEveryWrite(t *testing.T) {
	prefix := cachetest.Prefix(t)
	e := startRegistry(t, newRedis(t, cachetest.RedisAddr(), prefix))
	reg := prometheus.NewRegistry()
	e.api = startFunding(t, e.regConn, funding.Config{SQLitePath: filepath.Join(t.TempDir(), "funding.db"),
		Cache: newRedis(t, cachetest.RedisAddr(), prefix), Registerer: reg})

	wantLook(t, "first read", e.api, nothing)
	wantLook(t, "second read", e.api, nothing)
	if got := summaryReads(t, reg); got["miss"] != 3 || got["hit"] != 3 || got["error"] != 0 {
		t.Fatalf("summary reads %v, want 3 misses then 3 hits", got)
	}
	var c cycle
	for i, want := range afterEachWrite {
		c.write(t, e, e.api, i)
		wantLook(t, "after the "+writeNames[i], e.api, want)
		wantLook(t, "after the "+writeNames[i]+", cached", e.api, want)
	}
	if got := summaryReads(t, reg); got["miss"] != 21 || got["hit"] != 21 || got["error"] != 0 {
		t.Fatalf("summary reads %v, want every first read after a write to miss", got)
	}
}

// Two replicas of the funding service share one PostgreSQL database and one
// Redis: a write acknowledged by A is in B's very next read, although B had
// the old figures cached, and B's writes reach A.
func TestReplicasShareRedis(t *testing.T) {
	prefix := cachetest.Prefix(t)
	url := dbtest.PostgresDatabase(t, migrations.Postgres)
	e := startRegistry(t, newRedis(t, cachetest.RedisAddr(), prefix))
	regB := prometheus.NewRegistry()
	a := startFunding(t, e.regConn, funding.Config{PostgresURL: url, Cache: newRedis(t, cachetest.RedisAddr(), prefix)})
	b := startFunding(t, e.regConn, funding.Config{PostgresURL: url, Cache: newRedis(t, cachetest.RedisAddr(), prefix), Registerer: regB})

	wantLook(t, "B, first read", b, nothing)
	wantLook(t, "A, reading what B cached", a, nothing)
	wantLook(t, "B, cached", b, nothing)
	if got := summaryReads(t, regB); got["miss"] != 3 || got["hit"] != 3 || got["error"] != 0 {
		t.Fatalf("B's summary reads %v, want 3 misses then 3 hits", got)
	}
	var c cycle
	for i, want := range afterEachWrite {
		c.write(t, e, a, i)
		wantLook(t, "B after A's "+writeNames[i], b, want)
		wantLook(t, "A after its "+writeNames[i], a, want)
	}
	if got := summaryReads(t, regB); got["miss"] != 21 || got["hit"] != 3 || got["error"] != 0 {
		t.Fatalf("B's summary reads %v, want every read after a write to miss", got)
	}
	// B's writes reach A just the same, and both see one overrun rule.
	b.disburse(t, c.plan110, "2026-05-01", 250*M, "")
	wantLook(t, "A after B's disbursement", a, "19 300/100 (150 300/100) | 20 500/500 (110 500/500) | 150 300/100 (150 300/100)")
	if err := a.try(c.plan110, "2026-05-02", 1, "", ""); err == nil {
		t.Fatal("A recorded a disbursement above the plan B filled")
	}
}
