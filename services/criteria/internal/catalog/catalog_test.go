package catalog

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/period"
	"github.com/ntmsuite/ntm/services/criteria/catalogs"
)

const (
	set2016      = "NTM_COMMUNE_2016_2020"
	set2021      = "NTM_COMMUNE_2021_2025"
	set2026      = "NTM_COMMUNE_2026_2030"
	village2016  = "NTM_VILLAGE_2016_2020"
	village2021  = "NTM_VILLAGE_2021_2025"
	district2016 = "NTM_DISTRICT_2016_2020"
	district2021 = "NTM_DISTRICT_2021_2025"
	province2016 = "NTM_PROVINCE_2016_2020"
	province2021 = "NTM_PROVINCE_2021_2025"
	province2026 = "NTM_PROVINCE_2026_2030"
)

var d = date.MustParse

func shipped(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load(catalogs.FS)
	if err != nil {
		t.Fatalf("Load(shipped): %v", err)
	}
	return c
}

func mustSet(t *testing.T, c *Catalog, code string) *Set {
	t.Helper()
	s, ok := c.Set(code)
	if !ok {
		t.Fatalf("set %s not loaded", code)
	}
	return s
}

func TestShippedSets(t *testing.T) {
	c := shipped(t)
	tests := []struct {
		code                 string
		unitType             UnitType
		criteria, indicators int
		dim                  Dimension
		scopes               int
		valid                date.Range
		bands                int
		below                []int
		levels               []Level
	}{
		// 49 indicators in the file + 17.1b, the clean-water part of 17.1.
		{set2016, UnitCommune, 19, 50, DimRegion, 7, date.Range{From: d("2016-12-01"), To: d("2022-03-08")}, 5, []int{5, 10, 15}, []Level{"STANDARD", "ADVANCED", "MODEL"}},
		{set2021, UnitCommune, 19, 57, DimRegion, 7, date.Range{From: d("2022-03-08"), To: d("2026-02-15")}, 5, []int{5, 10, 15}, []Level{"STANDARD", "ADVANCED", "MODEL"}},
		{set2026, UnitCommune, 10, 47, DimCommuneGroup, 3, date.Range{From: d("2026-02-15")}, 4, []int{5}, []Level{"STANDARD", "MODERN"}},
		// Sets whose indicators are not in the data: one yes/no indicator per criterion, no bands.
		{village2016, UnitVillage, 12, 12, DimRegion, 7, date.Range{From: d("2016-12-01"), To: d("2022-03-08")}, 0, nil, []Level{"STANDARD", "MODEL"}},
		{village2021, UnitVillage, 12, 12, DimRegion, 7, date.Range{From: d("2022-03-08"), To: d("2026-02-15")}, 0, nil, []Level{"STANDARD", "MODEL"}},
		{district2016, UnitDistrict, 9, 9, DimRegion, 7, date.Range{From: d("2016-04-05"), To: d("2022-03-08")}, 0, nil, []Level{"STANDARD", "COMPLETED"}},
		{district2021, UnitDistrict, 9, 9, DimRegion, 7, date.Range{From: d("2022-03-08"), To: d("2025-07-01")}, 0, nil, []Level{"STANDARD", "COMPLETED", "ADVANCED", "MODEL"}},
		{province2016, UnitProvince, 1, 1, DimRegion, 7, date.Range{From: d("2016-12-30"), To: d("2022-03-08")}, 0, nil, []Level{"COMPLETED"}},
		{province2021, UnitProvince, 1, 1, DimRegion, 7, date.Range{From: d("2022-03-08"), To: d("2026-02-15")}, 0, nil, []Level{"COMPLETED"}},
		{province2026, UnitProvince, 1, 1, DimRegion, 7, date.Range{From: d("2026-02-15")}, 0, nil, []Level{"COMPLETED"}},
	}
	var codes, want []string
	for _, s := range c.Sets() {
		codes = append(codes, s.Code)
	}
	for _, tt := range tests {
		want = append(want, tt.code)
	}
	if !slices.Equal(codes, want) {
		t.Errorf("Sets() = %v, want %v", codes, want)
	}
	for _, tt := range tests {
		s := mustSet(t, c, tt.code)
		if s.UnitType != tt.unitType {
			t.Errorf("%s: unit type %s, want %s", tt.code, s.UnitType, tt.unitType)
		}
		if len(s.Criteria) != tt.criteria || s.IndicatorCount() != tt.indicators {
			t.Errorf("%s: %d criteria, %d indicators; want %d, %d", tt.code, len(s.Criteria), s.IndicatorCount(), tt.criteria, tt.indicators)
		}
		if s.Dimension != tt.dim || len(s.Scopes) != tt.scopes {
			t.Errorf("%s: dimension %s scopes %v; want %s with %d", tt.code, s.Dimension, s.Scopes, tt.dim, tt.scopes)
		}
		if s.Valid != tt.valid {
			t.Errorf("%s: valid %v, want %v", tt.code, s.Valid, tt.valid)
		}
		if len(s.Bands) != tt.bands || !slices.Equal(s.Below, tt.below) {
			t.Errorf("%s: bands %v below %v", tt.code, s.Bands, s.Below)
		}
		if s.ProvinceCode != "" || s.Base != "" || len(s.LegalBasis) == 0 {
			t.Errorf("%s: province %q base %q legal basis %v", tt.code, s.ProvinceCode, s.Base, s.LegalBasis)
		}
		var levels []Level
		for _, l := range s.Levels {
			levels = append(levels, l.Level)
			if l.Name == "" {
				t.Errorf("%s %s: no name", tt.code, l.Level)
			}
		}
		if !slices.Equal(levels, tt.levels) {
			t.Errorf("%s: levels %v, want %v", tt.code, levels, tt.levels)
		}
	}
}

// The sets whose indicators are not in the data hold a verdict per
// criterion: one yes/no indicator each, all flagged unconfirmed.
func TestVerdictSetsAreUnconfirmedYesNo(t *testing.T) {
	c := shipped(t)
	for _, code := range []string{village2016, village2021, district2016, district2021, province2016, province2021, province2026} {
		for _, cr := range mustSet(t, c, code).Criteria {
			ind := cr.Indicators[0]
			if cr.Confirmed || len(cr.Indicators) != 1 || ind.Kind != KindBoolean || ind.Confirmed || ind.Note == "" || ind.Code != cr.Code+".1" {
				t.Errorf("%s criterion %s: %+v", code, cr.Code, cr)
			}
		}
	}
}

// Every shipped national set names its programme phase, whatever the unit
// type; the catalog lists each phase once, in time order.
func TestShippedPhases(t *testing.T) {
	c := shipped(t)
	for _, s := range c.Sets() {
		if want := strings.ReplaceAll(s.Code[len(s.Code)-9:], "_", "-"); s.Phase.Text != want || s.Phase.Kind != period.Phase {
			t.Errorf("%s names phase %+v, want %s", s.Code, s.Phase, want)
		}
	}
	var got []string
	for _, p := range c.Phases() {
		got = append(got, fmt.Sprintf("%s %s..%s", p, p.From, p.To))
	}
	want := []string{"2016-2020 2016-01-01..2020-12-31", "2021-2025 2021-01-01..2025-12-31", "2026-2030 2026-01-01..2030-12-31"}
	if !slices.Equal(got, want) {
		t.Errorf("Phases() = %q, want %q", got, want)
	}
}

// Phases come from the data: a catalog directory adding a set of another
// phase adds the phase, listed in its place in time.
func TestPhasesFollowTheData(t *testing.T) {
	early := strings.NewReplacer(`"2026-2030"`, `"2010-2015"`, "applies_from: 2011-01-01", "applies_from: 2011-01-01, applies_to: 2016-11-30").
		Replace(typed("NTM_COMMUNE_2010_2015", "", "2011-01-01"))
	c, err := Load(catalogs.FS, fstest.MapFS{"early.yaml": {Data: []byte(early)}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.Phases() {
		got = append(got, p.Text)
	}
	if want := []string{"2010-2015", "2016-2020", "2021-2025", "2026-2030"}; !slices.Equal(got, want) {
		t.Errorf("Phases() = %q, want %q", got, want)
	}
}

// codeOf is the code of the set a lookup found, "" when none.
func codeOf(s *Set, found bool) string {
	if !found {
		return ""
	}
	return s.Code
}

func TestSetFor(t *testing.T) {
	c := shipped(t)
	tests := []struct {
		day  string
		typ  UnitType
		want string
	}{
		{"2016-11-30", UnitCommune, ""},
		{"2016-12-01", UnitCommune, set2016},
		{"2020-10-31", UnitCommune, set2016},
		{"2022-03-07", UnitCommune, set2016}, // applies_to is the last day in force
		{"2022-03-08", UnitCommune, set2021},
		{"2026-02-14", UnitCommune, set2021}, // ends where its successor starts
		{"2026-02-15", UnitCommune, set2026},
		{"2040-01-01", UnitCommune, set2026},
		{"2016-04-04", UnitDistrict, ""},
		{"2016-04-05", UnitDistrict, district2016}, // before the commune set of the phase
		{"2022-03-08", UnitDistrict, district2021},
		{"2025-06-30", UnitDistrict, district2021},
		{"2025-07-01", UnitDistrict, ""}, // districts were abolished
		{"2019-12-31", UnitProvince, province2016},
		{"2025-12-31", UnitProvince, province2021},
		{"2026-02-15", UnitProvince, province2026},
		{"2020-10-31", UnitVillage, village2016},
		{"2026-02-14", UnitVillage, village2021},
		{"2026-02-15", UnitVillage, ""}, // no village set after 2021-2025 is shipped
		{"2020-10-31", "WARD", ""},
	}
	for _, tt := range tests {
		if got := codeOf(c.SetFor(d(tt.day), "19", tt.typ)); got != tt.want {
			t.Errorf("SetFor(%s, %s) = %q, want %q", tt.day, tt.typ, got, tt.want)
		}
	}
}

// The set a year is measured under, on the shipped catalog: the one of the
// year's last day, or the last one in force during the year.
func TestSetForYear(t *testing.T) {
	c := shipped(t)
	for _, tt := range []struct {
		year int
		typ  UnitType
		want string
	}{
		{2016, UnitCommune, set2016},
		{2021, UnitCommune, set2016}, // in force until 2022-03-07
		{2022, UnitCommune, set2021},
		{2025, UnitCommune, set2021},
		{2026, UnitCommune, set2026},
		{2015, UnitCommune, ""},
		{2021, UnitDistrict, district2016},
		{2024, UnitDistrict, district2021},
		{2025, UnitDistrict, district2021}, // ended 2025-06-30, with the districts
		{2026, UnitDistrict, ""},
		{2026, UnitVillage, village2021}, // in force until 2026-02-14
		{2027, UnitVillage, ""},
		{2026, UnitProvince, province2026},
		{2020, "WARD", ""},
	} {
		if got := codeOf(c.SetForYear(tt.year, "19", tt.typ)); got != tt.want {
			t.Errorf("SetForYear(%d, %s) = %q, want %q", tt.year, tt.typ, got, tt.want)
		}
	}
}

// A province's variant counts like the national set it replaces: the one
// in force on the year's last day, else the one of the latest day of the
// year that has one, national or the province's.
func TestSetForYearWithProvincialVariants(t *testing.T) {
	set := func(code, province, from, to string) *Set {
		s := &Set{Code: code, ProvinceCode: province, UnitType: UnitDistrict, Valid: date.Range{From: d(from)}}
		if to != "" {
			s.Valid.To = d(to)
		}
		return s
	}
	c := &Catalog{
		national: []*Set{set("N1", "", "2016-01-01", "2020-07-01"), set("N2", "", "2021-01-01", "2022-04-01"), set("N3", "", "2023-01-01", "2023-10-01")},
		provincial: []*Set{
			set("P17_1", "17", "2017-01-01", "2020-09-01"), // outlives N1
			set("P17_2", "17", "2021-06-01", "2022-02-01"), // ends before N2
			set("P17_3", "17", "2023-03-01", ""),           // outlives N3
		},
	}
	for _, tt := range []struct {
		year     int
		province string
		want     string
	}{
		{2019, "17", "P17_1"},
		{2019, "19", "N1"},
		{2019, "", "N1"},
		{2020, "17", "P17_1"}, // its last day, 2020-08-31, is later than N1's
		{2020, "19", "N1"},
		{2021, "17", "P17_2"},
		{2022, "17", "N2"}, // the variant ended first: N2 applies on 2022-03-31
		{2023, "17", "P17_3"},
		{2023, "19", "N3"},
		{2024, "17", "P17_3"},
		{2024, "19", ""},
		{2015, "17", ""},
	} {
		if got := codeOf(c.SetForYear(tt.year, tt.province, UnitDistrict)); got != tt.want {
			t.Errorf("SetForYear(%d, %q) = %q, want %q", tt.year, tt.province, got, tt.want)
		}
	}
}

func TestBandOf(t *testing.T) {
	c := shipped(t)
	tests := []struct {
		set  string
		met  int
		want string
	}{
		{set2016, 19, "19"}, {set2016, 18, "15-18"}, {set2016, 15, "15-18"}, {set2016, 14, "10-14"},
		{set2021, 10, "10-14"}, {set2021, 9, "5-9"}, {set2021, 5, "5-9"}, {set2021, 4, "<5"}, {set2021, 0, "<5"},
		{set2021, 20, ""},
		{set2026, 10, "10"}, {set2026, 8, "8-9"}, {set2026, 7, "5-7"}, {set2026, 4, "<5"},
	}
	for _, tt := range tests {
		if got := mustSet(t, c, tt.set).BandOf(tt.met); got != tt.want {
			t.Errorf("%s.BandOf(%d) = %q, want %q", tt.set, tt.met, got, tt.want)
		}
	}
}

func TestNames(t *testing.T) {
	c := shipped(t)
	s := mustSet(t, c, set2016)
	cr, i, ok := s.Criterion("10")
	if !ok || i != 9 || cr.Name != "Thu nhập" || cr.NameEN != "Income" {
		t.Fatalf("Criterion(10) = %+v, %d, %v", cr, i, ok)
	}
	// The shipped copy gives every 2016-2020 indicator its Vietnamese name;
	// the English one stays beside it.
	ind, cr, _ := s.Indicator("1.1")
	if ind.Name != "Có quy hoạch chung xây dựng xã được phê duyệt và được công bố công khai đúng thời hạn" ||
		ind.NameEN != "Approved commune plan, published" || cr.Name != "Quy hoạch" {
		t.Errorf("1.1: name %q (%q), criterion %q", ind.Name, ind.NameEN, cr.Name)
	}
	for _, c := range s.Criteria {
		for _, ind := range c.Indicators {
			if ind.Name == ind.NameEN {
				t.Errorf("%s has no Vietnamese name: %q", ind.Code, ind.Name)
			}
		}
	}
	ind, _, _ = s.Indicator("4.2")
	if ind.Name != "Tỷ lệ hộ sử dụng điện thường xuyên, an toàn từ các nguồn" {
		t.Errorf("4.2: name %q", ind.Name)
	}
	if _, _, ok := s.Indicator("99.1"); ok {
		t.Error("Indicator(99.1) found")
	}
	if _, _, ok := s.Criterion("20"); ok {
		t.Error("Criterion(20) found")
	}
}

func TestCleanWaterSubset(t *testing.T) {
	s := mustSet(t, shipped(t), set2016)
	ind, cr, ok := s.Indicator("17.1b")
	if !ok || cr.Code != "17" {
		t.Fatalf("17.1b missing or not in criterion 17")
	}
	want := Indicator{Code: "17.1b", Name: "Tỷ lệ hộ được sử dụng nước sạch theo quy định",
		NameEN: "Households using clean water (subset of 17.1)", Kind: KindPercent, Op: OpAtLeast, Unit: "%",
		Confirmed: true, Note: "second part of the two-part threshold of 17.1"}
	got := *ind
	got.Thresholds = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("17.1b = %+v\nwant %+v", got, want)
	}
	if th, _ := ind.ThresholdFor("TDMNPB", 2020); th.Value != 45 {
		t.Errorf("17.1b TDMNPB = %v, want 45", th.Value)
	}
	if th, _ := ind.ThresholdFor("DBSH", 2020); th.Value != 50 {
		t.Errorf("17.1b DBSH = %v, want 50", th.Value)
	}
	first, _, _ := s.Indicator("17.1")
	if th, _ := first.ThresholdFor("TDMNPB", 2020); th.Value != 80 {
		t.Errorf("17.1 TDMNPB = %v, want 80 (the hygienic-water part)", th.Value)
	}
	if cr.Indicators[1].Code != "17.1b" {
		t.Errorf("17.1b should follow 17.1, got order %s, %s", cr.Indicators[0].Code, cr.Indicators[1].Code)
	}
}

func TestPlaceholders2026(t *testing.T) {
	s := mustSet(t, shipped(t), set2026)
	perCriterion := []int{2, 8, 5, 3, 7, 3, 4, 8, 4, 3}
	for i, c := range s.Criteria {
		if len(c.Indicators) != perCriterion[i] {
			t.Errorf("criterion %s: %d indicators, want %d", c.Code, len(c.Indicators), perCriterion[i])
		}
		for _, ind := range c.Indicators {
			if ind.Confirmed || ind.Note != PlaceholderNote || ind.Name == ind.NameEN || ind.Kind != KindPercent || ind.Unit != "%" {
				t.Errorf("%s: %+v", ind.Code, ind)
			}
		}
	}
	tests := []struct {
		code, name, nameEN, op string
		groups                 [3]float64
	}{
		{"1.1", "Có quy hoạch chung xây dựng xã được phê duyệt và được công bố công khai đúng thời hạn",
			"Commune general plan approved and published", OpAtLeast, [3]float64{95, 90, 80}},
		{"2.8", "Xã có chợ nông thôn hoặc nơi mua bán, trao đổi hàng hóa", "Rural market / commercial infrastructure", OpAtLeast, [3]float64{95, 90, 80}},
		{"6.1", "Tỷ lệ nghèo đa chiều giai đoạn 2026 - 2030", "Multidimensional poverty rate", OpAtMost, [3]float64{1, 2, 5}},
		{"10.3", "Xã đạt chuẩn an toàn về an ninh, trật tự xã hội và đảm bảo bình yên", "Security and order standard", OpAtLeast, [3]float64{95, 90, 80}},
	}
	for _, tt := range tests {
		ind, _, ok := s.Indicator(tt.code)
		if !ok || ind.Name != tt.name || ind.NameEN != tt.nameEN || ind.Op != tt.op {
			t.Errorf("%s = %+v, want %q (%q) %s", tt.code, ind, tt.name, tt.nameEN, tt.op)
			continue
		}
		for g, want := range tt.groups {
			th, ok := ind.ThresholdFor(string(rune('1'+g)), 2027)
			if !ok || th.Value != want || th.Source != SourceSynthetic || th.Confirmed {
				t.Errorf("%s group %d = %+v, %v; want synthetic %v", tt.code, g+1, th, ok, want)
			}
		}
	}
}
