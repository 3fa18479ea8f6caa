package catalog

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// national is a minimal national file whose first indicator has the given
// kind and threshold.
func national(kind, threshold string) string {
	return fmt.Sprintf(`schema: ntm-criteria-catalog/v1
set: {code: T, name_vi: "Bộ T", phase: "2026-2030", applies_from: 2030-01-01}
regions: [{code: R1}, {code: R2}]
criteria:
  - code: "1"
    name_vi: "Một"
    indicators:
      - {code: "1.1", name_en: "x", kind: %s, threshold: %s}
      - {code: "1.2", name_en: "y", kind: boolean, threshold: {op: bool, default: true}}
`, kind, threshold)
}

const province = `schema: ntm-criteria-province/v1
code: P
name_vi: "Tỉnh P"
province_code: "99"
base: T
`

func TestLoadMinimal(t *testing.T) {
	c, err := Load(fstest.MapFS{"t.yaml": {Data: []byte(national("percent", `{op: ">=", unit: "%", by_region: {R1: 80, R2: null}, default: 70}`))}})
	if err != nil {
		t.Fatal(err)
	}
	s := mustSet(t, c, "T")
	ind, _, _ := s.Indicator("1.1")
	for scope, want := range map[string]float64{"R1": 80, "R2": 70} {
		if th, _ := ind.ThresholdFor(scope, 2030); th.Value != want {
			t.Errorf("%s = %v, want %v", scope, th.Value, want)
		}
	}
	if !s.Valid.To.IsZero() || s.Bands != nil {
		t.Errorf("set = %+v", s)
	}
}

func TestLoadErrorsNameFileAndKey(t *testing.T) {
	ind := "criteria[0].indicators[0]"
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error
	}{
		{"yaml syntax", map[string]string{"a.yaml": "schema: [\n"}, []string{"a.yaml"}},
		{"no schema", map[string]string{"a.yaml": "set: {}\n"}, []string{"a.yaml", "schema", "missing"}},
		{"unknown schema", map[string]string{"a.yaml": "schema: other/v1\n"}, []string{"a.yaml", "schema", "other/v1"}},
		{"missing applies_from", map[string]string{"t.yaml": strings.Replace(national("percent", "{op: '>=', default: 1}"), ", applies_from: 2030-01-01", "", 1)},
			[]string{"t.yaml", "set.applies_from", "missing"}},
		{"missing phase", map[string]string{"t.yaml": strings.Replace(national("percent", "{op: '>=', default: 1}"), ` phase: "2026-2030",`, "", 1)},
			[]string{"t.yaml", "set.phase", "missing"}},
		{"phase of one year", map[string]string{"t.yaml": strings.Replace(national("percent", "{op: '>=', default: 1}"), `"2026-2030"`, `"2026"`, 1)},
			[]string{"t.yaml", "set.phase", "not a phase"}},
		{"phase of six months", map[string]string{"t.yaml": strings.Replace(national("percent", "{op: '>=', default: 1}"), `"2026-2030"`, `"2026-H1"`, 1)},
			[]string{"t.yaml", "set.phase", "not a phase"}},
		{"phase running backwards", map[string]string{"t.yaml": strings.Replace(national("percent", "{op: '>=', default: 1}"), `"2026-2030"`, `"2030-2026"`, 1)},
			[]string{"t.yaml", "set.phase", "2030-2026"}},
		{"phase in words", map[string]string{"t.yaml": strings.Replace(national("percent", "{op: '>=', default: 1}"), `"2026-2030"`, `"giai đoạn 2026 - 2030"`, 1)},
			[]string{"t.yaml", "set.phase", "not a period"}},
		{"bad date", map[string]string{"t.yaml": strings.Replace(national("percent", "{op: '>=', default: 1}"), "2030-01-01", "2030-02-30", 1)},
			[]string{"t.yaml", "set.applies_from"}},
		{"bad op", map[string]string{"t.yaml": national("percent", "{op: '>', default: 1}")}, []string{"t.yaml", ind + ".threshold.op"}},
		{"no op", map[string]string{"t.yaml": national("percent", "{default: 1}")}, []string{"t.yaml", ind + ".threshold.op", "missing"}},
		{"bad kind", map[string]string{"t.yaml": national("ratio", "{op: '>=', default: 1}")}, []string{"t.yaml", ind + ".kind", "ratio"}},
		{"kind and op disagree", map[string]string{"t.yaml": national("boolean", "{op: '>=', default: 1}")}, []string{"t.yaml", ind + ".threshold.op"}},
		{"not a number", map[string]string{"t.yaml": national("percent", "{op: '>=', by_region: {R1: abc}}")}, []string{"t.yaml", ind + ".threshold.by_region.R1", "not a number"}},
		{"unknown region", map[string]string{"t.yaml": national("percent", "{op: '>=', by_region: {R9: 5}}")}, []string{"t.yaml", ind + ".threshold.by_region.R9", "unknown region"}},
		{"by_group in a region set", map[string]string{"t.yaml": national("percent", "{op: '>=', by_group: {'1': 5}}")}, []string{"t.yaml", ind + ".threshold.by_group"}},
		{"boolean false", map[string]string{"t.yaml": national("boolean", "{op: bool, default: false}")}, []string{"t.yaml", ind + ".threshold.default"}},
		{"number for boolean", map[string]string{"t.yaml": national("boolean", "{op: bool, default: 1}")}, []string{"t.yaml", ind + ".threshold.default"}},
		{"unknown threshold key", map[string]string{"t.yaml": national("percent", "{op: '>=', by_regoin: {R1: 1}}")}, []string{"t.yaml", ind + ".threshold.by_regoin", "unknown"}},
		{"bad year", map[string]string{"t.yaml": national("amount", "{op: '>=', by_year_and_region: {twenty: {R1: 1}}}")}, []string{"t.yaml", ind + ".threshold.by_year_and_region.twenty", "not a year"}},
		{"no value at all", map[string]string{"t.yaml": national("percent", "{op: '>=', default: null}")}, []string{"t.yaml", ind + ".threshold", "synthetic_default"}},
		{"bad synthetic", map[string]string{"t.yaml": national("percent", "{op: '>=', default: null}, synthetic_default: {R1: x}")},
			[]string{"t.yaml", ind + ".synthetic_default.R1"}},
		{"duplicate indicator", map[string]string{"t.yaml": strings.Replace(national("percent", "{op: '>=', default: 1}"), `code: "1.2"`, `code: "1.1"`, 1)},
			[]string{"t.yaml", "criteria[0].indicators[1].code", "twice"}},
		{"same set twice in one fs", map[string]string{"t.yaml": national("percent", "{op: '>=', default: 1}"), "u.yaml": national("percent", "{op: '>=', default: 1}")},
			[]string{"u.yaml", "set.code", "t.yaml"}},
		{"overlapping sets", map[string]string{"t.yaml": national("percent", "{op: '>=', default: 1}"),
			"u.yaml": strings.Replace(national("percent", "{op: '>=', default: 1}"), "code: T,", "code: U,", 1)},
			[]string{"t.yaml", "u.yaml", "overlap"}},
		{"report: unknown set", map[string]string{"t.yaml": national("percent", "{op: '>=', default: 1}"),
			"r.yaml": "schema: ntm-criteria-report/v1\nsets:\n  X: {report_bands: [{label: a, min: 0, max: 1}]}\n"},
			[]string{"r.yaml", "sets.X"}},
		{"report: bands leave a gap", map[string]string{"t.yaml": national("percent", "{op: '>=', default: 1}"),
			"r.yaml": "schema: ntm-criteria-report/v1\nsets:\n  T: {report_bands: [{label: a, min: 1, max: 1}]}\n"},
			[]string{"r.yaml", "sets.T.report_bands", "0 criteria met"}},
		{"report: below out of range", map[string]string{"t.yaml": national("percent", "{op: '>=', default: 1}"),
			"r.yaml": "schema: ntm-criteria-report/v1\nsets:\n  T: {report_bands: [{label: a, min: 0, max: 1}], report_below: [5]}\n"},
			[]string{"r.yaml", "sets.T.report_below[0]"}},
		{"report: unknown key", map[string]string{"t.yaml": national("percent", "{op: '>=', default: 1}"),
			"r.yaml": "schema: ntm-criteria-report/v1\nsets:\n  T: {bands: []}\n"},
			[]string{"r.yaml", "bands"}},
		{"province: unknown base", map[string]string{"p.yaml": province}, []string{"p.yaml", "base", `"T"`}},
		{"province: missing field", map[string]string{"t.yaml": national("percent", "{op: '>=', default: 1}"), "p.yaml": strings.Replace(province, "province_code: \"99\"\n", "", 1)},
			[]string{"p.yaml", "province_code", "missing"}},
		{"province: misspelt field", map[string]string{"t.yaml": national("percent", "{op: '>=', default: 1}"), "p.yaml": province + "aplies_from: 2030-01-01\n"},
			[]string{"p.yaml", "aplies_from"}},
		{"province: unknown indicator", map[string]string{"t.yaml": national("percent", "{op: '>=', default: 1}"), "p.yaml": province + "thresholds:\n  \"9.9\": {default: 1}\n"},
			[]string{"p.yaml", "thresholds.9.9", "no indicator"}},
		{"province: op differs", map[string]string{"t.yaml": national("percent", "{op: '>=', default: 1}"), "p.yaml": province + "thresholds:\n  \"1.1\": {op: '<=', default: 1}\n"},
			[]string{"p.yaml", "thresholds.1.1.op"}},
		{"province: bad value", map[string]string{"t.yaml": national("percent", "{op: '>=', default: 1}"), "p.yaml": province + "thresholds:\n  \"1.1\": {by_region: {R1: lots}}\n"},
			[]string{"p.yaml", "thresholds.1.1.by_region.R1"}},
		{"province: before its base", map[string]string{"t.yaml": national("percent", "{op: '>=', default: 1}"), "p.yaml": province + "applies_from: 2029-01-01\n"},
			[]string{"p.yaml", "applies_from", "outside"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantLoadError(t, tt.files, tt.want) })
	}
}

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

// wantLoadError loads files and wants an error holding each of want (the
// file, the key...).
func wantLoadError(t *testing.T, files map[string]string, want []string) {
	t.Helper()
	_, err := Load(mapFS(files))
	if err == nil {
		t.Fatalf("Load succeeded, want an error containing %q", want)
	}
	t.Log(err)
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}
