package catalog

import (
	"strings"
	"testing"
)

func TestShippedCrosswalksMapEveryNewerCriterion(t *testing.T) {
	c := shipped(t)
	for _, tt := range []struct {
		from, to  string
		confirmed []string // criteria whose mapping is confirmed
		missing   []string // criteria nothing older stands for
	}{
		{"NTM_COMMUNE_2016_2020", "NTM_COMMUNE_2021_2025", []string{"1", "2", "4", "5", "6", "7", "8", "9", "10", "16", "19"}, nil},
		{"NTM_COMMUNE_2021_2025", "NTM_COMMUNE_2026_2030", nil, []string{"7"}},
	} {
		x, ok := c.CrosswalkTo(tt.from, tt.to)
		if !ok {
			t.Fatalf("no crosswalk %s -> %s", tt.from, tt.to)
		}
		to := mustSet(t, c, tt.to)
		if len(x.Mappings) != len(to.Criteria) {
			t.Fatalf("%s: %d mappings for %d criteria", tt.to, len(x.Mappings), len(to.Criteria))
		}
		var confirmed, missing []string
		for i, m := range x.Mappings {
			if m.To != to.Criteria[i].Code {
				t.Errorf("%s: mapping %d is of %s, want the set's order (%s)", tt.to, i, m.To, to.Criteria[i].Code)
			}
			if m.Confirmed {
				confirmed = append(confirmed, m.To)
			}
			if len(m.From) == 0 {
				missing = append(missing, m.To)
			}
		}
		if strings.Join(confirmed, ",") != strings.Join(tt.confirmed, ",") {
			t.Errorf("%s: confirmed %v, want %v", tt.to, confirmed, tt.confirmed)
		}
		if strings.Join(missing, ",") != strings.Join(tt.missing, ",") {
			t.Errorf("%s: missing %v, want %v", tt.to, missing, tt.missing)
		}
	}
	x, _ := c.CrosswalkTo("NTM_COMMUNE_2021_2025", "NTM_COMMUNE_2026_2030")
	if m, _ := x.Mapping("2"); strings.Join(m.From, ",") != "2,3,4,5,6,7,9" || m.Rule != RuleAllOf {
		t.Errorf("2026 criterion 2 = %+v, want all of the seven infrastructure criteria", m)
	}
}

// crosswalkFiles are two one-criterion sets and a crosswalk between them
// whose mappings are given.
func crosswalkFiles(mappings string) map[string]string {
	older := national("percent", "{op: '>=', default: 1}")
	older = strings.Replace(older, "code: T,", "code: OLD,", 1)
	older = strings.Replace(older, "applies_from: 2030-01-01", "applies_from: 2020-01-01, applies_to: 2029-12-31", 1)
	return map[string]string{
		"old.yaml": older,
		"new.yaml": national("percent", "{op: '>=', default: 1}"),
		"x.yaml":   "schema: ntm-criteria-crosswalk/v1\nfrom_set: OLD\nto_set: T\nmappings:\n" + mappings,
	}
}

func TestLoadCrosswalk(t *testing.T) {
	c, err := Load(mapFS(crosswalkFiles(`  - {to: "1", from: ["1"], indicators: ["1.2"], rule: partly, note: "n"}` + "\n")))
	if err != nil {
		t.Fatal(err)
	}
	x, ok := c.CrosswalkTo("OLD", "T")
	if !ok || len(x.Mappings) != 1 || x.Mappings[0].Rule != RulePartly || x.Mappings[0].Confirmed {
		t.Fatalf("crosswalk = %+v", x)
	}
}

func TestLoadCrosswalkErrors(t *testing.T) {
	path := "mappings[0]"
	for _, tt := range []struct {
		name, mappings string
		want           []string
	}{
		{"unknown older criterion", `  - {to: "1", from: ["9"], rule: all_of}`, []string{"x.yaml", path + ".from[0]", `no criterion "9"`}},
		{"unknown newer criterion", `  - {to: "9", from: ["1"], rule: all_of}`, []string{"x.yaml", path + ".to", `no criterion "9"`}},
		{"criterion left out", "  []", []string{"x.yaml", "criterion 1 of T is not mapped"}},
		{"mapped twice", "  - {to: \"1\", from: [\"1\"], rule: all_of}\n  - {to: \"1\", from: [\"1\"], rule: any_of}", []string{"mappings[1].to", "also mapped"}},
		{"no rule", `  - {to: "1", from: ["1"]}`, []string{path + ".rule", "missing"}},
		{"bad rule", `  - {to: "1", from: ["1"], rule: most_of}`, []string{path + ".rule", "most_of"}},
		{"indicators not partly", `  - {to: "1", from: ["1"], indicators: ["1.1"], rule: all_of}`, []string{path + ".rule", "partly"}},
		{"indicator of another criterion", `  - {to: "1", from: ["1"], indicators: ["2.1"], rule: partly}`, []string{path + ".indicators[0]", "2.1"}},
		{"missing with a rule", `  - {to: "1", from: [], rule: all_of, note: "n"}`, []string{path, "without `from`"}},
		{"missing without a reason", `  - {to: "1", from: []}`, []string{path + ".note", "missing"}},
		{"misspelt key", `  - {to: "1", form: ["1"], rule: all_of}`, []string{path + ".form", "unknown"}},
	} {
		t.Run(tt.name, func(t *testing.T) { wantLoadError(t, crosswalkFiles(tt.mappings+"\n"), tt.want) })
	}
	t.Run("unknown set", func(t *testing.T) {
		files := crosswalkFiles(`  - {to: "1", from: ["1"], rule: all_of}` + "\n")
		files["x.yaml"] = strings.Replace(files["x.yaml"], "from_set: OLD", "from_set: NTM_X", 1)
		wantLoadError(t, files, []string{"x.yaml", "from_set", "NTM_X"})
	})
	t.Run("newer set first", func(t *testing.T) {
		files := crosswalkFiles(`  - {to: "1", from: ["1"], rule: all_of}` + "\n")
		files["x.yaml"] = strings.Replace(strings.Replace(files["x.yaml"], "from_set: OLD", "from_set: T", 1), "to_set: T", "to_set: OLD", 1)
		wantLoadError(t, files, []string{"x.yaml", "does not start before"})
	})
}
