package server_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpctest"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria"
)

// setP19 is province 19's own 2016-2020 set from 2018: 34 M VND of income in 2020 for TDMNPB (national: 36).
const setP19 = "NTM_COMMUNE_2016_2020_P19"

// p19 is shared with the service's own tests.
var p19 = func() []byte {
	b, err := os.ReadFile("../../testdata/province19.yaml")
	if err != nil {
		panic(err)
	}
	return b
}()

// newProvinceEnv is newEnv with province 19's variant and Hòa Bình's (province 17) loaded.
func newProvinceEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	hoaBinh, err := os.ReadFile("../catalog/testdata/province/hoa-binh-2016-2020.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"p19.yaml": p19, "hoa-binh.yaml": hoaBinh} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := cache.NewMemory()
	e := startRegistry(t, c)
	e.crit = e.startCriteria(t, criteria.Config{SQLitePath: filepath.Join(t.TempDir(), "criteria.db"), Cache: c, CatalogDir: dir})
	return e
}

func TestProvincialSet(t *testing.T) {
	e := newProvinceEnv(t)
	ctx := context.Background()
	own := e.assess(t, valuesOf2020("110", "2020-06-01")).GetScore()
	if own.GetCriteriaSet() != setP19 || own.GetMetCount() != 4 || criterion(t, own, "10").GetStatus() != met {
		t.Errorf("under the province's set: %s, %d met, income %v; want %s, 4, MET", own.GetCriteriaSet(), own.GetMetCount(), criterion(t, own, "10").GetStatus(), setP19)
	}
	national := valuesOf2020("110", "2020-06-01")
	national.CriteriaSet = set2016
	if s := e.assess(t, national).GetScore(); s.GetMetCount() != 3 || criterion(t, s, "10").GetFailing()[0].GetThreshold() != 36 {
		t.Errorf("under the national set: %d met, income %v", s.GetMetCount(), criterion(t, s, "10").GetFailing())
	}
	if s := e.assess(t, verdicts("110", "2017-06-01", 5)).GetScore(); s.GetCriteriaSet() != set2016 {
		t.Errorf("before the province's set applies: %s, want %s", s.GetCriteriaSet(), set2016)
	}
	hoaBinh := verdicts("110", "2020-06-01", 5)
	hoaBinh.CriteriaSet = "NTM_COMMUNE_2016_2020_HOA_BINH"
	_, err := e.crit.CreateAssessment(ctx, &criteriav1.CreateAssessmentRequest{UnitCode: "110", Assessment: hoaBinh})
	grpctest.WantViolations(t, err, "assessment.criteria_set")

	if s := e.score(t, "110", "2020-12-31", ""); s.GetCriteriaSet() != setP19 || s.GetMetCount() != 4 {
		t.Errorf("score: %s %d, want %s 4", s.GetCriteriaSet(), s.GetMetCount(), setP19)
	}
	if s := e.score(t, "110", "2020-12-31", set2016); s.GetMetCount() != 3 {
		t.Errorf("national score: %d, want 3", s.GetMetCount())
	}
	agg := e.aggregate(t, &criteriav1.GetAggregateRequest{UnitCode: province, AsOf: "2020-10-31"})
	if agg.GetCriteriaSet() != setP19 || agg.GetCommunes() != 5 || agg.GetAssessedCommunes() != 1 || agg.GetAverageMet() != 4 {
		t.Errorf("province aggregate: %s, %d communes, %d assessed, average %v", agg.GetCriteriaSet(), agg.GetCommunes(), agg.GetAssessedCommunes(), agg.GetAverageMet())
	}
	_, err = e.crit.GetAggregate(ctx, &criteriav1.GetAggregateRequest{UnitCode: province, AsOf: "2020-10-31", CriteriaSet: "NTM_COMMUNE_2016_2020_HOA_BINH"})
	grpctest.WantViolations(t, err, "criteria_set")
	// The country is counted under the national set; a province's set is not the country's.
	country := e.aggregate(t, &criteriav1.GetAggregateRequest{UnitCode: "0", AsOf: "2020-10-31"})
	if country.GetCriteriaSet() != set2016 || country.GetAssessedCommunes() != 1 || country.GetAverageMet() != 3 {
		t.Errorf("country aggregate: %s, %d assessed, average %v; want %s, 1, 3", country.GetCriteriaSet(), country.GetAssessedCommunes(), country.GetAverageMet(), set2016)
	}
	_, err = e.crit.GetAggregate(ctx, &criteriav1.GetAggregateRequest{UnitCode: "0", AsOf: "2020-10-31", CriteriaSet: setP19})
	grpctest.WantViolations(t, err, "criteria_set")
}
