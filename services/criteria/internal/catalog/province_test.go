package catalog

import (
	"os"
	"testing"
	"testing/fstest"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/services/criteria/catalogs"
)

const hoaBinh = "NTM_COMMUNE_2016_2020_HOA_BINH"

func withProvince(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load(catalogs.FS, os.DirFS("testdata/province"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestProvinceSetFor(t *testing.T) {
	c := withProvince(t)
	tests := []struct {
		day, province, want string
	}{
		{"2020-10-31", "17", hoaBinh},
		{"2022-03-07", "17", hoaBinh},
		{"2017-05-18", "17", set2016}, // before the provincial decision took effect
		{"2022-03-08", "17", set2021}, // the province has no 2021-2025 variant
		{"2020-10-31", "19", set2016}, // another province
		{"2020-10-31", "", set2016},
	}
	for _, tt := range tests {
		s, ok := c.SetFor(d(tt.day), tt.province, UnitCommune)
		if !ok || s.Code != tt.want {
			t.Errorf("SetFor(%s, %q) = %v, want %s", tt.day, tt.province, s, tt.want)
		}
	}
	if got := c.Sets(); len(got) != 11 || got[10].Code != hoaBinh {
		t.Errorf("Sets(): provincial variants must follow national sets")
	}
	if s := mustSet(t, c, hoaBinh); s.Phase.Text != "2016-2020" {
		t.Errorf("%s names phase %q, want its base's 2016-2020", hoaBinh, s.Phase)
	}
}

func TestProvinceOverridesOnlyItsIndicators(t *testing.T) {
	c := withProvince(t)
	hb := mustSet(t, c, hoaBinh)
	if hb.ProvinceCode != "17" || hb.Base != set2016 || hb.Dimension != DimRegion || len(hb.Criteria) != 19 ||
		hb.Valid != (date.Range{From: d("2017-05-19"), To: d("2022-03-08")}) || len(hb.Bands) != 5 || hb.LegalBasis[0] != "816/QĐ-UBND" ||
		hb.UnitType != UnitCommune || len(hb.Levels) != 3 || hb.Levels[1].Level != "ADVANCED" {
		t.Fatalf("variant = %+v", hb)
	}
	tests := []struct {
		set, code, scope string
		year             int
		want             float64
		confirmed        bool
	}{
		{hoaBinh, "10.1", "TDMNPB", 2020, 38, false}, // the province's value
		{hoaBinh, "10.1", "TDMNPB", 2018, 38, false}, // the province's rows replace the base's
		{set2016, "10.1", "TDMNPB", 2020, 36, true},  // the national set is untouched
		{set2016, "10.1", "TDMNPB", 2018, 30, false},
		{hoaBinh, "2.2", "TDMNPB", 2020, 60, true},
		{set2016, "2.2", "TDMNPB", 2020, 70, false},
		{hoaBinh, "4.2", "TDMNPB", 2020, 98, true}, // not listed: the base's
		{hoaBinh, "17.1b", "TDMNPB", 2020, 45, true},
	}
	for _, tt := range tests {
		ind, _, _ := mustSet(t, c, tt.set).Indicator(tt.code)
		th, ok := ind.ThresholdFor(tt.scope, tt.year)
		if !ok || th.Value != tt.want || th.Confirmed != tt.confirmed {
			t.Errorf("%s %s %s %d = %+v, want %v confirmed %v", tt.set, tt.code, tt.scope, tt.year, th, tt.want, tt.confirmed)
		}
	}
	ind, _, _ := hb.Indicator("10.1")
	if ind.Confirmed {
		t.Error("10.1 of the variant: its thresholds are unconfirmed, so must the indicator be")
	}
	if _, ok := ind.ThresholdFor("DBSH", 2020); ok {
		t.Error("the variant lists TDMNPB only: DBSH must have no 10.1 threshold")
	}
}

// A later fs replaces a set of the same code, and a province's next variant
// ends the previous one.
func TestLaterFSAndSuccessiveVariants(t *testing.T) {
	later := fstest.MapFS{
		"hb-2019.yaml": {Data: []byte(`schema: ntm-criteria-province/v1
code: HB_2019
name_vi: "Hòa Bình, sửa đổi 2019"
province_code: "17"
base: NTM_COMMUNE_2016_2020
applies_from: 2019-01-01
thresholds:
  "2.2": {default: 65}
`)},
		"hoa-binh-2016-2020.yaml": {Data: []byte(`schema: ntm-criteria-province/v1
code: NTM_COMMUNE_2016_2020_HOA_BINH
name_vi: "Hòa Bình (bản thay thế)"
province_code: "17"
base: NTM_COMMUNE_2016_2020
applies_from: 2017-06-01
thresholds:
  "2.2": {default: 61}
`)},
	}
	c, err := Load(catalogs.FS, os.DirFS("testdata/province"), later)
	if err != nil {
		t.Fatal(err)
	}
	first := mustSet(t, c, hoaBinh)
	if first.Name != "Hòa Bình (bản thay thế)" || first.Valid != (date.Range{From: d("2017-06-01"), To: d("2019-01-01")}) {
		t.Errorf("replaced variant = %s %v", first.Name, first.Valid)
	}
	for day, want := range map[string]string{"2018-12-31": hoaBinh, "2019-01-01": "HB_2019", "2022-03-07": "HB_2019", "2022-03-08": set2021} {
		if s, _ := c.SetFor(d(day), "17", UnitCommune); s.Code != want {
			t.Errorf("SetFor(%s) = %s, want %s", day, s.Code, want)
		}
	}
}
