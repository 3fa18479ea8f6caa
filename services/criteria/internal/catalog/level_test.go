package catalog

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// typed is a minimal national file of a set of unit type typ ("" leaves
// unit_type out) valid from `from`.
func typed(code, typ, from string) string {
	unitType := ""
	if typ != "" {
		unitType = ", unit_type: " + typ
	}
	return fmt.Sprintf(`schema: ntm-criteria-catalog/v1
set: {code: %s%s, name_vi: "Bộ %s", phase: "2026-2030", applies_from: %s}
regions: [{code: R1}]
criteria:
  - {code: "1", name_vi: "Một", indicators: [{code: "1.1", name_vi: "x", kind: boolean, threshold: {op: bool, default: true}}]}
`, code, unitType, code, from)
}

// levelsFile is a levels file whose set C (communes) and D (districts)
// entries are given.
func levelsFile(c, d string) string {
	return "schema: ntm-criteria-levels/v1\nsets:\n  C:\n" + c + "  D:\n" + d
}

const (
	communeLevels = `    - {level: STANDARD, name_vi: "Xã đạt chuẩn", legal_basis: ["1/QĐ-TTg"], confirmed: true}
    - {level: ADVANCED, name_vi: "Xã nâng cao", requires: [STANDARD], note: "n"}
`
	districtLevels = `    - {level: STANDARD, name_vi: "Huyện đạt chuẩn", units: {type: COMMUNE, levels: [STANDARD, ADVANCED], min_percent: 100}}
`
	kindsHead = "schema: ntm-target-kinds/v1\nkinds:\n"
	goodKinds = kindsHead + `  - {code: C_NEW, name_vi: "Số xã", value_unit: "xã", measure: RECOGNISED_IN_PERIOD, unit_type: COMMUNE, levels: [STANDARD]}
  - {code: C_PCT, name_vi: "Tỷ lệ xã", value_unit: "%", measure: RECOGNISED_PERCENT, unit_type: COMMUNE, levels: [STANDARD, ADVANCED], confirmed: true}
  - {code: OCOP, name_vi: "Sản phẩm", value_unit: "sản phẩm", measure: OCOP_CERTIFIED_TOTAL, min_stars: 3}
  - {code: POOR, name_vi: "Tỷ lệ hộ nghèo", value_unit: "%", measure: NOT_COMPUTED, at_most: true, note: "ceiling"}
`
)

// typedFiles are a commune set, a district set, their levels and kinds.
func typedFiles() map[string]string {
	return map[string]string{
		"c.yaml":      typed("C", "", "2030-01-01"),
		"d.yaml":      typed("D", "DISTRICT", "2030-01-01"),
		"levels.yaml": levelsFile(communeLevels, districtLevels),
		"kinds.yaml":  goodKinds,
	}
}

func TestLoadLevelsAndUnitTypes(t *testing.T) {
	files := typedFiles()
	files["p.yaml"] = "schema: ntm-criteria-province/v1\ncode: D_P\nname_vi: \"Tỉnh\"\nprovince_code: \"99\"\nbase: D\n"
	c, err := Load(mapFS(files))
	if err != nil {
		t.Fatal(err)
	}
	cs, ds := mustSet(t, c, "C"), mustSet(t, c, "D")
	if cs.UnitType != UnitCommune || ds.UnitType != UnitDistrict {
		t.Fatalf("unit types %s, %s; want COMMUNE (the default), DISTRICT", cs.UnitType, ds.UnitType)
	}
	want := []LevelRule{
		{Level: "STANDARD", Name: "Xã đạt chuẩn", LegalBasis: []string{"1/QĐ-TTg"}, Confirmed: true},
		{Level: "ADVANCED", Name: "Xã nâng cao", Requires: []Level{"STANDARD"}, Note: "n"},
	}
	if !reflect.DeepEqual(cs.Levels, want) {
		t.Errorf("C levels = %+v\nwant %+v", cs.Levels, want)
	}
	l, ok := ds.Level("STANDARD")
	if !ok || !reflect.DeepEqual(l.Units, &UnitsCondition{Type: UnitCommune, Levels: []Level{"STANDARD", "ADVANCED"}, MinPercent: 100}) {
		t.Errorf("D STANDARD = %+v, %v", l, ok)
	}
	if _, ok := ds.Level("ADVANCED"); ok {
		t.Error("D defines ADVANCED")
	}
	// Both types have a set on the same days; each type gets its own, and
	// the province's variant of its base's type.
	day := d("2031-01-01")
	for _, tt := range []struct {
		province string
		typ      UnitType
		want     string
	}{{"", UnitCommune, "C"}, {"", UnitDistrict, "D"}, {"99", UnitDistrict, "D_P"}, {"99", UnitCommune, "C"}, {"", UnitVillage, ""}} {
		if got := codeOf(c.SetFor(day, tt.province, tt.typ)); got != tt.want {
			t.Errorf("SetFor(%s, %q, %s) = %q, want %q", day, tt.province, tt.typ, got, tt.want)
		}
	}
	if v := mustSet(t, c, "D_P"); v.UnitType != UnitDistrict || !reflect.DeepEqual(v.Levels, ds.Levels) {
		t.Errorf("variant: unit type %s, levels %+v; want its base's", v.UnitType, v.Levels)
	}
}

// A --catalog-dir levels file replaces the entries of the sets it names and
// keeps the others.
func TestLevelsFromALaterDirReplaceBySet(t *testing.T) {
	dir := "schema: ntm-criteria-levels/v1\nsets:\n  C:\n" + strings.Replace(communeLevels, "Xã đạt chuẩn", "Xã đạt chuẩn (tỉnh)", 1)
	c, err := Load(mapFS(typedFiles()), mapFS(map[string]string{"levels.yaml": dir}))
	if err != nil {
		t.Fatal(err)
	}
	if l := mustSet(t, c, "C").Levels; len(l) != 2 || l[0].Name != "Xã đạt chuẩn (tỉnh)" {
		t.Errorf("C levels = %+v, want the directory's", l)
	}
	if l := mustSet(t, c, "D").Levels; len(l) != 1 || l[0].Units == nil {
		t.Errorf("D levels = %+v, want the shipped ones", l)
	}
}

func TestTargetKinds(t *testing.T) {
	c, err := Load(mapFS(typedFiles()), mapFS(map[string]string{"k.yaml": kindsHead +
		`  - {code: OCOP, name_vi: "Sản phẩm 4 sao", value_unit: "sản phẩm", measure: OCOP_CERTIFIED_TOTAL, min_stars: 4}
  - {code: D_NEW, name_vi: "Số huyện", value_unit: "huyện", measure: RECOGNISED_IN_PERIOD, unit_type: DISTRICT, levels: [STANDARD]}
`}))
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, k := range c.TargetKinds() {
		codes = append(codes, k.Code)
	}
	if want := []string{"C_NEW", "C_PCT", "OCOP", "POOR", "D_NEW"}; !slices.Equal(codes, want) {
		t.Errorf("kinds %v, want %v (a replaced kind keeps its place)", codes, want)
	}
	k, ok := c.TargetKind("C_PCT")
	want := TargetKind{Code: "C_PCT", Name: "Tỷ lệ xã", ValueUnit: "%", Measure: "RECOGNISED_PERCENT", UnitType: UnitCommune,
		Levels: []Level{"STANDARD", "ADVANCED"}, Confirmed: true}
	if !ok || !reflect.DeepEqual(*k, want) {
		t.Errorf("TargetKind(C_PCT) = %+v, %v\nwant %+v", k, ok, want)
	}
	if k, _ := c.TargetKind("OCOP"); k.MinStars != 4 || k.Name != "Sản phẩm 4 sao" {
		t.Errorf("OCOP = %+v, want the directory's", k)
	}
	if k, _ := c.TargetKind("POOR"); !k.AtMost || k.UnitType != "" || k.Levels != nil {
		t.Errorf("POOR = %+v", k)
	}
	if _, ok := c.TargetKind("NOPE"); ok {
		t.Error("TargetKind(NOPE) found")
	}
}

func TestLevelAndKindErrorsNameFileAndKey(t *testing.T) {
	withLevels := func(c, d string) map[string]string {
		f := typedFiles()
		f["levels.yaml"] = levelsFile(c, d)
		return f
	}
	withKinds := func(kinds string) map[string]string {
		f := typedFiles()
		f["kinds.yaml"] = kindsHead + kinds
		return f
	}
	withKind := func(kind string) map[string]string {
		return withKinds("  - {code: K, name_vi: \"K\", value_unit: \"xã\", " + kind + "}\n")
	}
	std := `    - {level: STANDARD, name_vi: "S"}` + "\n"
	units := func(u string) string {
		return `    - {level: STANDARD, name_vi: "H", units: ` + u + "}\n"
	}
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"unknown unit type", map[string]string{"c.yaml": typed("C", "WARD", "2030-01-01")}, []string{"c.yaml", "set.unit_type", "WARD"}},
		{"same type overlaps", map[string]string{"c.yaml": typed("C", "DISTRICT", "2030-01-01"), "d.yaml": typed("D", "DISTRICT", "2031-01-01")},
			[]string{"c.yaml", "d.yaml", "DISTRICT", "overlap"}},
		{"successor of another type", map[string]string{"c.yaml": strings.Replace(typed("C", "", "2030-01-01"), "applies_from", "superseded_by: D, applies_from", 1),
			"d.yaml": typed("D", "DISTRICT", "2031-01-01")}, []string{"c.yaml", "DISTRICT"}},
		{"unknown level", withLevels(`    - {level: SUPERB, name_vi: "S"}`+"\n", districtLevels), []string{"levels.yaml", "sets.C[0].level", "SUPERB"}},
		{"level twice", withLevels(std+std, districtLevels), []string{"levels.yaml", "sets.C[1].level", "twice"}},
		{"no name", withLevels(`    - {level: STANDARD}`+"\n", districtLevels), []string{"levels.yaml", "sets.C[0].name_vi", "missing"}},
		{"misspelt key", withLevels(`    - {level: STANDARD, name_vi: "S", require: []}`+"\n", districtLevels), []string{"levels.yaml", "sets.C[0].require", "unknown key"}},
		{"requires a level the set does not define", withLevels(`    - {level: ADVANCED, name_vi: "A", requires: [STANDARD]}`+"\n", districtLevels),
			[]string{"levels.yaml", "sets.C[0].requires[0]", "STANDARD"}},
		{"requires an unknown level", withLevels(std+`    - {level: ADVANCED, name_vi: "A", requires: [STANDART]}`+"\n", districtLevels),
			[]string{"levels.yaml", "sets.C[1].requires[0]", "STANDART"}},
		{"requires is not a list", withLevels(std+`    - {level: ADVANCED, name_vi: "A", requires: STANDARD}`+"\n", districtLevels),
			[]string{"levels.yaml", "sets.C[1].requires", "list"}},
		{"set not loaded", withLevels(communeLevels, districtLevels+"  X:\n"+std), []string{"levels.yaml", "sets.X", "no national set"}},
		{"a set's levels twice in one fs", func() map[string]string {
			f := typedFiles()
			f["more.yaml"] = "schema: ntm-criteria-levels/v1\nsets:\n  C:\n" + std
			return f
		}(), []string{"more.yaml", "sets.C", "levels.yaml"}},
		{"units: unknown type", withLevels(communeLevels, units("{type: HAMLET, levels: [STANDARD], min_percent: 100}")),
			[]string{"levels.yaml", "sets.D[0].units.type", "HAMLET"}},
		{"units: type as a number", withLevels(communeLevels, units("{type: 3, levels: [STANDARD], min_percent: 100}")),
			[]string{"levels.yaml", "sets.D[0].units.type", `"3"`}},
		{"units: no levels", withLevels(communeLevels, units("{type: COMMUNE, min_percent: 100}")), []string{"levels.yaml", "sets.D[0].units.levels", "missing"}},
		{"units: levels not a list", withLevels(communeLevels, units("{type: COMMUNE, levels: {a: 1}, min_percent: 100}")),
			[]string{"levels.yaml", "sets.D[0].units.levels", "list"}},
		{"units: unknown level", withLevels(communeLevels, units("{type: COMMUNE, levels: [GOOD], min_percent: 100}")),
			[]string{"levels.yaml", "sets.D[0].units.levels[0]", "GOOD"}},
		{"units: level no set of the type defines", withLevels(communeLevels, units("{type: COMMUNE, levels: [MODEL], min_percent: 100}")),
			[]string{"levels.yaml", "sets.D[0].units.levels[0]", "no COMMUNE set defines level MODEL"}},
		{"units: type not below", withLevels(communeLevels, units("{type: DISTRICT, levels: [STANDARD], min_percent: 100}")),
			[]string{"levels.yaml", "sets.D[0].units.type", "below"}},
		{"units: percent over 100", withLevels(communeLevels, units("{type: COMMUNE, levels: [STANDARD], min_percent: 101}")),
			[]string{"levels.yaml", "sets.D[0].units.min_percent", "101", "1..100"}},
		{"units: percent negative", withLevels(communeLevels, units("{type: COMMUNE, levels: [STANDARD], min_percent: -5}")),
			[]string{"levels.yaml", "sets.D[0].units.min_percent", "1..100"}},
		{"units: percent not a number", withLevels(communeLevels, units("{type: COMMUNE, levels: [STANDARD], min_percent: all}")),
			[]string{"levels.yaml", "sets.D[0].units.min_percent", `"all"`}},
		{"units: percent a fraction", withLevels(communeLevels, units("{type: COMMUNE, levels: [STANDARD], min_percent: 99.5}")),
			[]string{"levels.yaml", "sets.D[0].units.min_percent", "whole number"}},
		{"units: no percent", withLevels(communeLevels, units("{type: COMMUNE, levels: [STANDARD]}")), []string{"levels.yaml", "sets.D[0].units.min_percent", "missing"}},
		{"units: misspelt key", withLevels(communeLevels, units("{type: COMMUNE, levels: [STANDARD], min_pct: 100}")),
			[]string{"levels.yaml", "sets.D[0].units.min_pct", "unknown key"}},
		{"kind: no code", withKinds("  - {name_vi: \"K\", value_unit: \"xã\", measure: MIN_CRITERIA}\n"), []string{"kinds.yaml", "kinds[0].code", "missing"}},
		{"kind: twice in a file", withKinds("  - {code: K, name_vi: \"K\", value_unit: \"xã\", measure: MIN_CRITERIA}\n  - {code: K, name_vi: \"K\", value_unit: \"xã\", measure: MIN_CRITERIA}\n"),
			[]string{"kinds.yaml: kinds[1].code", "also defined in kinds.yaml"}},
		{"kind: twice in one fs", func() map[string]string {
			f := typedFiles()
			f["more.yaml"] = kindsHead + "  - {code: OCOP, name_vi: \"K\", value_unit: \"xã\", measure: MIN_CRITERIA}\n"
			return f
		}(), []string{"more.yaml", "kinds[0].code", "kinds.yaml"}},
		{"kind: unknown measure", withKind("measure: COUNTED"), []string{"kinds.yaml", "kinds[0].measure", "COUNTED"}},
		{"kind: no value unit", withKinds("  - {code: K, name_vi: \"K\", measure: MIN_CRITERIA}\n"), []string{"kinds.yaml", "kinds[0].value_unit", "missing"}},
		{"kind: percent measure not in %", withKind("measure: RECOGNISED_PERCENT, unit_type: COMMUNE, levels: [STANDARD]"),
			[]string{"kinds.yaml", "kinds[0].value_unit", "%"}},
		{"kind: recognition without unit type", withKind("measure: RECOGNISED_TOTAL, levels: [STANDARD]"), []string{"kinds.yaml", "kinds[0].unit_type", "missing"}},
		{"kind: recognition without levels", withKind("measure: RECOGNISED_TOTAL, unit_type: COMMUNE"), []string{"kinds.yaml", "kinds[0].levels", "missing"}},
		{"kind: level no set of the type defines", withKind("measure: RECOGNISED_TOTAL, unit_type: DISTRICT, levels: [ADVANCED]"),
			[]string{"kinds.yaml", "kinds[0].levels[0]", "no DISTRICT set defines level ADVANCED"}},
		{"kind: units for a criteria measure", withKind("measure: AVERAGE_CRITERIA, unit_type: COMMUNE"), []string{"kinds.yaml", "kinds[0]", "recognition measures only"}},
		{"kind: OCOP without stars", withKind("measure: OCOP_CERTIFIED_IN_PERIOD"), []string{"kinds.yaml", "kinds[0].min_stars", "missing"}},
		{"kind: six stars", withKind("measure: OCOP_CERTIFIED_IN_PERIOD, min_stars: 6"), []string{"kinds.yaml", "kinds[0].min_stars", "1 to 5"}},
		{"kind: stars for a recognition measure", withKind("measure: RECOGNISED_TOTAL, unit_type: COMMUNE, levels: [STANDARD], min_stars: 3"),
			[]string{"kinds.yaml", "kinds[0].min_stars", "OCOP"}},
		{"kind: misspelt key", withKind("measure: MIN_CRITERIA, atmost: true"), []string{"kinds.yaml", "kinds[0].atmost", "unknown key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantLoadError(t, tt.files, tt.want) })
	}
}

// The catalog names unit types, levels and measures as the API's enums do:
// the server converts by name, so a name the proto lacks would become
// UNSPECIFIED.
func TestNamesAreTheAPIsEnumNames(t *testing.T) {
	for _, n := range unitTypes {
		if _, ok := registryv1.UnitType_value[string(n)]; !ok {
			t.Errorf("unit type %s is not a registry.v1.UnitType", n)
		}
	}
	for _, n := range levels {
		if _, ok := registryv1.RecognitionLevel_value[string(n)]; !ok {
			t.Errorf("level %s is not a registry.v1.RecognitionLevel", n)
		}
	}
	for n := range measureAsks {
		if _, ok := criteriav1.TargetMeasure_value[string(n)]; !ok {
			t.Errorf("measure %s is not a criteria.v1.TargetMeasure", n)
		}
	}
	if len(measureAsks) != len(criteriav1.TargetMeasure_value)-1 || len(levels) != len(registryv1.RecognitionLevel_value)-1 {
		t.Errorf("the catalog knows %d measures and %d levels; the API %d and %d besides UNSPECIFIED", len(measureAsks), len(levels),
			len(criteriav1.TargetMeasure_value)-1, len(registryv1.RecognitionLevel_value)-1)
	}
}

func TestShippedTargetKinds(t *testing.T) {
	c := shipped(t)
	var codes []string
	for _, k := range c.TargetKinds() {
		codes = append(codes, k.Code)
	}
	want := []string{"COMMUNES_STANDARD_NEW", "COMMUNES_STANDARD_TOTAL", "COMMUNES_STANDARD_PERCENT", "COMMUNES_ADVANCED_NEW",
		"COMMUNES_ADVANCED_TOTAL", "COMMUNES_MODEL_NEW", "COMMUNES_MODEL_TOTAL", "VILLAGES_STANDARD_NEW", "VILLAGES_STANDARD_TOTAL",
		"VILLAGES_MODEL_NEW", "VILLAGES_MODEL_TOTAL", "DISTRICTS_COMPLETED_NEW", "DISTRICTS_COMPLETED_TOTAL", "AVERAGE_CRITERIA",
		"MIN_CRITERIA", "OCOP_3_STARS_NEW", "OCOP_3_STARS_TOTAL", "AVERAGE_ADVANCED_CRITERIA", "AVERAGE_MODEL_CRITERIA",
		"AVERAGE_VILLAGE_CRITERIA"}
	if !slices.Equal(codes, want) {
		t.Errorf("kinds %v\nwant %v", codes, want)
	}
	tests := []TargetKind{
		{Code: "DISTRICTS_COMPLETED_NEW", ValueUnit: "huyện", Measure: "RECOGNISED_IN_PERIOD", UnitType: UnitDistrict, Levels: []Level{"STANDARD", "COMPLETED"}},
		{Code: "COMMUNES_STANDARD_PERCENT", ValueUnit: "%", Measure: "RECOGNISED_PERCENT", UnitType: UnitCommune, Levels: []Level{"STANDARD"}},
		{Code: "OCOP_3_STARS_NEW", ValueUnit: "sản phẩm", Measure: "OCOP_CERTIFIED_IN_PERIOD", MinStars: 3},
		{Code: "AVERAGE_VILLAGE_CRITERIA", ValueUnit: "tiêu chí/thôn", Measure: "NOT_COMPUTED"},
	}
	for _, want := range tests {
		k, _ := c.TargetKind(want.Code)
		got := *k
		if got.Name == "" || got.Note == "" {
			t.Errorf("%s: name %q, note %q", got.Code, got.Name, got.Note)
		}
		got.Name, got.Note, got.Confirmed = "", "", false
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %+v\nwant %+v", want.Code, got, want)
		}
	}
}
