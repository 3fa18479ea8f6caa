package catalog_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ntmsuite/ntm/services/funding/catalogs"
	"github.com/ntmsuite/ntm/services/funding/internal/catalog"
)

func TestShippedCatalog(t *testing.T) {
	c, err := catalog.Load(catalogs.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sources) != 10 {
		t.Errorf("%d sources, want 10", len(c.Sources))
	}
	cement, ok := c.Source("CEMENT")
	if !ok || cement.Kind != catalog.InKind || cement.QuantityUnit != "tấn" || cement.Confirmed {
		t.Errorf("CEMENT = %+v, %v", cement, ok)
	}
	district, _ := c.Source("DISTRICT_BUDGET")
	if !district.Allows(2025) || district.Allows(2026) {
		t.Errorf("district budget allows 2025 %v, 2026 %v; want true, false", district.Allows(2025), district.Allows(2026))
	}
	for _, tc := range []struct {
		purpose     string
		year        int
		set, code   string
		confirmed   bool
		noCriterion bool
	}{
		{purpose: "TRANSPORT", year: 2019, set: "NTM_COMMUNE_2016_2020", code: "2", confirmed: true},
		// The 2021 budget still reported against the 2016-2020 set.
		{purpose: "IRRIGATION", year: 2021, set: "NTM_COMMUNE_2016_2020", code: "3", confirmed: true},
		{purpose: "IRRIGATION", year: 2022, set: "NTM_COMMUNE_2021_2025", code: "3", confirmed: true},
		{purpose: "SCHOOLS", year: 2026, set: "NTM_COMMUNE_2026_2030", code: "2", confirmed: false},
		{purpose: "OCOP", year: 2024, noCriterion: true},
		{purpose: "TRANSPORT", year: 2015, noCriterion: true},
	} {
		link, ok := c.CriterionOf(tc.purpose, tc.year)
		if tc.noCriterion {
			if ok {
				t.Errorf("%s in %d serves %+v, want no criterion", tc.purpose, tc.year, link)
			}
			continue
		}
		if !ok || link.Set != tc.set || link.Code != tc.code || link.Confirmed != tc.confirmed {
			t.Errorf("%s in %d serves %+v, want %s/%s confirmed=%v", tc.purpose, tc.year, link, tc.set, tc.code, tc.confirmed)
		}
	}
}

func TestProvinceOverridesAndAdds(t *testing.T) {
	province := fstest.MapFS{"province.yaml": {Data: []byte(`schema: ntm-funding-catalog/v1
sources:
  - {code: CEMENT, name: "Xi măng hỗ trợ (tỉnh)", kind: IN_KIND, quantity_unit: "tấn", confirmed: true}
  - {code: STEEL, name: "Thép hỗ trợ", kind: IN_KIND, quantity_unit: "tấn"}
`)}}
	c, err := catalog.Load(catalogs.FS, province)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := c.Source("CEMENT"); s.Name != "Xi măng hỗ trợ (tỉnh)" || !s.Confirmed {
		t.Errorf("CEMENT = %+v, want the province's", s)
	}
	if last := c.Sources[len(c.Sources)-1]; last.Code != "STEEL" || c.Sources[9].Code != "CEMENT" {
		t.Errorf("order: CEMENT stays in place, STEEL appended; got %v", c.Sources)
	}
}

func TestMalformedFilesNameTheKey(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"schema", "schema: other/v1\n", `schema: "other/v1" is not ntm-funding-catalog/v1`},
		{"unknown key", "schema: ntm-funding-catalog/v1\nsources:\n  - {code: A, name: a, kind: MONEY, quantity_units: t}\n",
			"sources[0].quantity_units: unknown key"},
		{"kind", "schema: ntm-funding-catalog/v1\nsources:\n  - {code: A, name: a, kind: CASH}\n", `sources[0].kind: "CASH" is not MONEY or IN_KIND`},
		{"goods without unit", "schema: ntm-funding-catalog/v1\nsources:\n  - {code: A, name: a, kind: IN_KIND}\n", "sources[0].quantity_unit: missing"},
		{"code", "schema: ntm-funding-catalog/v1\nsources:\n  - {code: a b, name: a, kind: MONEY}\n", `sources[0].code: "a b" is not a code`},
		{"duplicate", "schema: ntm-funding-catalog/v1\nsources:\n  - {code: A, name: a, kind: MONEY}\n  - {code: A, name: b, kind: MONEY}\n",
			"sources[1].code: A is also defined in f.yaml"},
		{"years", "schema: ntm-funding-catalog/v1\nsources:\n  - {code: A, name: a, kind: MONEY, from_year: 2025, to_year: 2020}\n", "sources[0].to_year: 2020 is before from_year 2025"},
		{"link shape", "schema: ntm-funding-catalog/v1\npurposes:\n  - code: P\n    name: p\n    criteria: {NTM_COMMUNE_2016_2020: [\"2\"]}\n",
			"purposes[0].criteria.NTM_COMMUNE_2016_2020: expected [criterion code, criterion name]"},
		{"unknown set", "schema: ntm-funding-catalog/v1\npurposes:\n  - code: P\n    name: p\n    criteria: {NO_SUCH_SET: [\"2\", \"Giao thông\"]}\n",
			"purposes[0].criteria.NO_SUCH_SET: no criteria set NO_SUCH_SET in the catalog"},
		{"overlap", "schema: ntm-funding-catalog/v1\ncriteria_sets:\n  - {code: X, name: x, from_year: 2020, to_year: 2022}\n",
			"criteria sets NTM_COMMUNE_2016_2020 and X both cover years 2020-2021"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := catalog.Load(catalogs.FS, fstest.MapFS{"f.yaml": {Data: []byte(tc.yaml)}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
