package catalog

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ntmsuite/ntm/services/ocop/catalogs"
)

const file = "ocop-scoring.yaml"

func shippedText(t *testing.T) string {
	t.Helper()
	b, err := fs.ReadFile(catalogs.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// edit replaces the single occurrence of old in text.
func edit(t *testing.T, text, old, new string) string {
	t.Helper()
	if n := strings.Count(text, old); n != 1 {
		t.Fatalf("%q occurs %d times in %s", old, n, file)
	}
	return strings.Replace(text, old, new, 1)
}

func TestLoadErrorsNameFileAndKey(t *testing.T) {
	text := shippedText(t)
	sheet := "synthetic_sheet_OCOP_2023"
	tests := []struct {
		name string
		old  string // replaced by new in the shipped file
		new  string
		want []string // substrings of the error, besides the file name
	}{
		{"yaml syntax", "schema: ocop-scoring-catalog/v1", "schema: [", nil},
		{"no schema", "schema: ocop-scoring-catalog/v1", "", []string{"schema", "missing"}},
		{"unknown schema", "schema: ocop-scoring-catalog/v1", "schema: ocop/v9", []string{"schema", "ocop/v9"}},
		{"part max not a number", "        max_points: 40\n", "        max_points: forty\n", []string{"catalogs[1].parts[0].max_points", `"forty" is not a number`}},
		{"part max zero", "        max_points: 40\n", "        max_points: 0\n", []string{"catalogs[1].parts[0].max_points", "above 0"}},
		{"part maxima off the total", `"Product and community strength", max_points: 35`, `"Product and community strength", max_points: 36`,
			[]string{"catalogs[0].parts", "add up to 101", "total_max_points 100"}},
		{"part key misspelt", `"Product and community strength", max_points: 35`, `"Product and community strength", max_point: 35`,
			[]string{"catalogs[0].parts[0].max_point", "unknown key"}},
		{"no total", "    total_max_points: 100\n    parts:\n      - {code: A, name_vi: \"Sản phẩm", "    parts:\n      - {code: A, name_vi: \"Sản phẩm",
			[]string{"catalogs[0].total_max_points", "missing"}},
		{"bad applies_from", "applies_from: 2023-02-24\n    total_max_points", "applies_from: 2023-02-30\n    total_max_points", []string{"catalogs[1].applies_from", "2023-02-30"}},
		{"catalogs overlap", "    applies_to: 2023-02-23\n    total_max_points", "    applies_to: 2023-03-01\n    total_max_points",
			[]string{"catalogs[0] (OCOP_2019) ends on 2023-03-01, after", "catalogs[1] (OCOP_2023) starts on 2023-02-24"}},
		{"gap between catalogs", "    applies_to: 2023-02-23\n    total_max_points", "    applies_to: 2023-02-20\n    total_max_points",
			[]string{"OCOP_2019", "ends on 2023-02-20", "OCOP_2023", "no rules in between"}},
		{"line above its part", `name_en: "Raw material origin (local)", max_points: 6`, `name_en: "Raw material origin (local)", max_points: 41`,
			[]string{sheet + "[0].max_points", "above the maximum 40 of part A"}},
		{"line of no part", "{part: A, code: A1,", "{part: D, code: A1,", []string{sheet + "[0].part", `no part "D"`}},
		{"line twice", "code: A2,", "code: A1,", []string{sheet + "[1].code", `"A1" appears twice`}},
		{"synthetic line confirmed", `code: A1, name_vi:`, `code: A1, confirmed: true, name_vi:`,
			[]string{sheet + "[0].confirmed", "unknown key"}},
		{"sheet cannot reach a part", "quality management\", max_points: 8}", "quality management\", max_points: 7}", []string{sheet, "part A add up to 39", "maximum 40"}},
		{"line without a Vietnamese name", `name_vi: "Câu chuyện về sản phẩm", `, "", []string{sheet + "[10].name_vi", "missing"}},
		{"sheet and lines", "    total_max_points: 100\n    parts:\n      - code: A", "    total_max_points: 100\n    lines: [{part: A, code: X, name_vi: x, max_points: 40}]\n    parts:\n      - code: A",
			[]string{"catalogs[1].lines", "give one sheet"}},
		{"band gap", "{stars: 3, min: 50,", "{stars: 3, min: 51,", []string{"star_bands.bands[2].min", "previous band's below (50)"}},
		{"band stars out of order", "{stars: 3, min: 50,", "{stars: 4, min: 50,", []string{"star_bands.bands[2].stars", "in order"}},
		{"bands stop short", "{stars: 5, min: 90, below: 101,", "{stars: 5, min: 90, below: 100,", []string{"star_bands.bands", "OCOP_2019 (100) has no stars"}},
		{"certified from too high", "certified_from_stars: 3", "certified_from_stars: 6", []string{"star_bands.certified_from_stars", "above the highest band"}},
		{"unknown level", "{level: PROVINCE, role: \"provincial council scores;", "{level: PROVINCIAL, role: \"provincial council scores;",
			[]string{"councils[0].rules[1].level", `"PROVINCIAL"`}},
		{"level twice", "{level: CENTRAL,  role: \"central council (Ministry", "{level: PROVINCE,  role: \"central council (Ministry",
			[]string{"councils[1].rules[2].level", "PROVINCE appears twice"}},
		{"min points misspelt", "min_points_to_propose: 90", "min_point_to_propose: 90", []string{"councils[2].rules[2].min_point_to_propose", "unknown key"}},
		{"min points not a number", "min_points_to_propose: 90", "min_points_to_propose: ninety", []string{"councils[2].rules[2].min_points_to_propose", "not a number"}},
		{"stars certified twice", "to province\", certifies_stars: [3]", "to province\", certifies_stars: [3, 4]",
			[]string{"councils[1].rules[1].certifies_stars", "4 stars are also certified by DISTRICT"}},
		{"stars nobody certifies", "\"central council; products proposed by the province\", certifies_stars: [5]", "\"central council; products proposed by the province\", certifies_stars: []",
			[]string{"councils[0].rules", "no level certifies 5 stars"}},
		{"uncertified stars", "scores; Provincial People's Committee certifies\", certifies_stars: [3, 4]", "scores; Provincial People's Committee certifies\", certifies_stars: [2, 3, 4]",
			[]string{"councils[2].rules[1].certifies_stars", "2 stars are not certified"}},
		{"stars not a number", "certifies_stars: [4]", "certifies_stars: [four]", []string{"councils[1].rules[1].certifies_stars[0]", "not a whole number"}},
		{"later period without start", "    applies_from: 2025-07-06\n", "", []string{"councils[2].applies_from", "missing"}},
		{"periods overlap", "    applies_to: 2025-07-05\n", "    applies_to: 2025-07-10\n", []string{"councils[1] ends on 2025-07-10, after", "councils[2] starts on 2025-07-06"}},
		{"valid months zero", "valid_months: 36", "valid_months: 0", []string{"certificate.valid_months", "below 1"}},
		{"notice days missing", "notice_days_before_expiry: 30", "notice_days: 30", []string{"certificate.renewal.notice_days_before_expiry", "missing"}},
		{"certificate stars differ", "applies_to_stars: [3, 4, 5]", "applies_to_stars: [4, 5]", []string{"certificate.applies_to_stars", "[4 5] differs from the certified stars [3 4 5]"}},
		{"group twice", "{code: BEVERAGE, name_vi: \"Đồ uống\"}\n    - {code: HERBAL", "{code: FOOD, name_vi: \"Đồ uống\"}\n    - {code: HERBAL",
			[]string{"product_groups_2023.items[1].code", `"FOOD" appears twice`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(fstest.MapFS{file: {Data: []byte(edit(t, text, tt.old, tt.new))}})
			if err == nil {
				t.Fatalf("Load succeeded, want an error containing %q", tt.want)
			}
			t.Log(err)
			for _, w := range append([]string{file + ": "}, tt.want...) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadFileLevelErrors(t *testing.T) {
	text := shippedText(t)
	tests := []struct {
		name  string
		files fstest.MapFS
		want  []string
	}{
		{"empty file", fstest.MapFS{"a.yaml": {Data: []byte("")}}, []string{"a.yaml", "empty file"}},
		{"a section missing", fstest.MapFS{"a.yml": {Data: []byte("schema: ocop-scoring-catalog/v1\ncatalogs: []\n")}}, []string{"no file gives catalogs"}},
		{"sheet without its catalog", fstest.MapFS{"a.yaml": {Data: []byte(text)}, "b.yaml": {Data: []byte("schema: ocop-scoring-catalog/v1\nsynthetic_sheet_OCOP_2019: [{part: A, code: A1, name_en: x, max_points: 35}]\n")}},
			[]string{"b.yaml: synthetic_sheet_OCOP_2019", `no catalog "OCOP_2019" in this file`}},
		{"same catalog twice in one fs", fstest.MapFS{"a.yaml": {Data: []byte(text)}, "b.yaml": {Data: []byte(text)}},
			[]string{"b.yaml: catalogs[0].code", "OCOP_2019 is also defined in a.yaml"}},
		{"same section twice in one fs", fstest.MapFS{"a.yaml": {Data: []byte(text)}, "b.yaml": {Data: []byte("schema: ocop-scoring-catalog/v1\ncertificate: {valid_months: 24, renewal: {notice_days_before_expiry: 10}}\n")}},
			[]string{"b.yaml: certificate", "also given in a.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.files)
			if err == nil {
				t.Fatalf("Load succeeded, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
