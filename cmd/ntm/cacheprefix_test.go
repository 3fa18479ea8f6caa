package main

import (
	"net/http"
	"testing"

	"github.com/ntmsuite/ntm/platform/cache/cachetest"
)

// Two stacks on one Redis under one prefix (two offices, or a stack and
// its restored backup) never read each other's cached figures: stack B,
// with one plan more, does not get the summary stack A just cached under
// the same generations, and A does not get B's.
func TestStacksSharingRedisNeverReadEachOthersFigures(t *testing.T) {
	prefix := cachetest.Prefix(t)
	a := startTestSuite(t, upConfig{redisAddr: cachetest.RedisAddr(), cachePrefix: prefix}).httpURL
	b := startTestSuite(t, upConfig{redisAddr: cachetest.RedisAddr(), cachePrefix: prefix}).httpURL
	postJSON(t, b+"/v1/plans", `{"year":2026,"unitCode":"06005","source":"CENTRAL_BUDGET","purpose":"TRANSPORT","amountVnd":"500000000","allocatedOn":"2026-02-01"}`, http.StatusCreated, nil)

	planned := func(base string) int64 {
		var s fundingSummary
		getJSON(t, base+"/v1/units/19/fundingSummary?from=2026-01-01&to=2026-12-31&as_of=2026-12-31", http.StatusOK, &s)
		return s.Total.PlannedVnd
	}
	fromA := planned(a) // computed from A's database and cached
	if fromB := planned(b); fromB != fromA+500*million {
		t.Errorf("stack B planned %d, want A's %d plus its own 500 million: it read A's cached summary", fromB, fromA)
	}
	if again := planned(a); again != fromA {
		t.Errorf("stack A planned %d then %d: it read B's cached summary", fromA, again)
	}
}
