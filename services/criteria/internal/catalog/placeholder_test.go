package catalog

import (
	"strings"
	"testing"
	"testing/fstest"
)

// groupSet is a minimal commune-group file whose one criterion takes its
// indicators from indicators_placeholder with the given names lines.
func groupSet(names string) string {
	return `schema: ntm-criteria-catalog/v1
set: {code: G, name_vi: "Bộ G", phase: "2026-2030", applies_from: 2030-01-01, threshold_dimension: commune_group}
commune_groups: [{code: "1"}, {code: "2"}]
criteria:
  - {code: "1", name_vi: "Một"}
indicators_placeholder:
  synthetic_default_rule: "percent indicators: by_group {'1': 95, '2': 90}; '<=' indicators (poverty): {'1': 1, '2': 2}"
  per_criterion:
    "1": {count: 2, ` + names + `}
`
}

// The Vietnamese name is the indicator's name; the English one stays beside
// it and still decides which placeholders are ceilings.
func TestPlaceholderNames(t *testing.T) {
	c, err := Load(fstest.MapFS{"g.yaml": {Data: []byte(groupSet(`names_vi: ["Tỷ lệ hộ nghèo", "Tỷ lệ hộ có điện"], names_en: ["Poverty rate", "Electricity"]`))}})
	if err != nil {
		t.Fatal(err)
	}
	s := mustSet(t, c, "G")
	for _, want := range []Indicator{
		{Code: "1.1", Name: "Tỷ lệ hộ nghèo", NameEN: "Poverty rate", Op: OpAtMost},
		{Code: "1.2", Name: "Tỷ lệ hộ có điện", NameEN: "Electricity", Op: OpAtLeast},
	} {
		ind, _, ok := s.Indicator(want.Code)
		if !ok || ind.Name != want.Name || ind.NameEN != want.NameEN || ind.Op != want.Op {
			t.Errorf("%s = %+v, want %q (%q) %s", want.Code, ind, want.Name, want.NameEN, want.Op)
		}
	}
}

func TestPlaceholderNamesRefused(t *testing.T) {
	p := "indicators_placeholder.per_criterion.1"
	tests := []struct {
		name, names string
		want        []string
	}{
		{"no Vietnamese names", `names_en: ["a", "b"]`, []string{p + ".count", "names_vi has 0 names"}},
		{"one Vietnamese name short", `names_vi: ["một"], names_en: ["a", "b"]`, []string{p + ".count", "names_vi has 1 names"}},
		{"one English name short", `names_vi: ["một", "hai"], names_en: ["a"]`, []string{p + ".count", "names_en has 1 names"}},
		{"empty Vietnamese name", `names_vi: ["một", ""], names_en: ["a", "b"]`, []string{p + ".names_vi[1]", "empty"}},
		{"empty English name", `names_vi: ["một", "hai"], names_en: ["", "b"]`, []string{p + ".names_en[0]", "empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(fstest.MapFS{"g.yaml": {Data: []byte(groupSet(tt.names))}})
			if err == nil {
				t.Fatalf("Load succeeded, want an error containing %q", tt.want)
			}
			for _, w := range append(tt.want, "g.yaml") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
