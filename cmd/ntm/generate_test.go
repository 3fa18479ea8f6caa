package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/services/criteria/synthetic"
)

// A small synthetic country goes in through the APIs, and each province's
// aggregate counts exactly the communes and met criteria the generator drew.
func TestGenerateCountry(t *testing.T) {
	s := startTestSuite(t, upConfig{})
	args := []string{"generate", "country", "--communes", "200", "--provinces", "4", "--seed", "9", "--batch", "64",
		"--registry-addr", s.registryAddr, "--criteria-addr", s.criteriaAddr, "--token", tokenOf(t, demoAdmin)}
	var out bytes.Buffer
	if err := run(context.Background(), args, &out, slog.Default()); err != nil {
		t.Fatalf("ntm %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	for _, want := range []string{"generated 200 communes in 4 provinces", "imported 204 units", "recorded 200 assessments in 4 batches"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	want, err := synthetic.New(synthetic.Options{Communes: 200, Provinces: 4, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range want.Provinces {
		met := make([]int, len(want.Communes[0].Met))
		for _, cm := range want.Communes {
			if cm.Province != p.Code {
				continue
			}
			for i, m := range cm.Met {
				if m {
					met[i]++
				}
			}
		}
		var a aggregate
		getJSON(t, s.httpURL+"/v1/units/"+p.Code+"/aggregate?as_of="+want.AssessedOn, http.StatusOK, &a)
		if a.Communes != 50 || a.AssessedCommunes != 50 || a.CriteriaSet != synthetic.DefaultCriteriaSet {
			t.Errorf("province %s: %d communes, %d assessed, set %s; want 50, 50, %s", p.Code, a.Communes, a.AssessedCommunes, a.CriteriaSet, synthetic.DefaultCriteriaSet)
		}
		for i, c := range a.Criteria {
			if c.Met != met[i] || c.Denominator != 50 {
				t.Errorf("province %s criterion %s: %d/%d met, generator drew %d/50", p.Code, c.Code, c.Met, c.Denominator, met[i])
			}
		}
	}

	// Twice into the same suite: refused before anything is written.
	err = run(context.Background(), args, &out, slog.Default())
	if err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("second generate: %v, want an error saying the country is already there", err)
	}
}

func TestGenerateRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"generate"},
		{"generate", "planet"},
		{"generate", "country", "--batch", "0"},
		{"generate", "country", "--communes", "0", "--registry-addr", "127.0.0.1:1"},
		{"generate", "country", "extra"},
	} {
		if err := run(context.Background(), args, &bytes.Buffer{}, slog.Default()); err == nil {
			t.Errorf("ntm %s: no error", strings.Join(args, " "))
		}
	}
}
