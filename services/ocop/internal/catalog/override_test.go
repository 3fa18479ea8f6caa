package catalog

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/services/ocop/catalogs"
)

// A directory loaded after the shipped catalogs replaces what it gives.
func TestLaterFSReplaces(t *testing.T) {
	// A province's real sheet for OCOP_2023 (one line per part, confirmed),
	// and a newer decision from 2027 that also changes the certificate.
	dir := fstest.MapFS{
		"sheet.yaml": {Data: []byte(`schema: ocop-scoring-catalog/v1
catalogs:
  - code: OCOP_2023
    name_vi: "Bộ tiêu chí 148 (phiếu của tỉnh)"
    legal_basis: [{doc: "148/QĐ-TTg", date: 2023-02-24}, {doc: "1489/QĐ-TTg", date: 2025-07-06}, "123/QĐ-UBND"]
    applies_from: 2023-02-24
    total_max_points: 100
    parts:
      - {code: A, name_vi: "A", max_points: 40, confirmed: true}
      - {code: B, name_vi: "B", max_points: 25, confirmed: true}
      - {code: C, name_vi: "C", max_points: 35, confirmed: true}
    lines:
      - {part: A, code: "1", name_vi: "Nguồn nguyên liệu", max_points: 40, confirmed: true}
      - {part: B, code: "2", name_vi: "Tiếp thị", max_points: 25}
      - {part: C, code: "3", name_vi: "Chất lượng", max_points: 35, confirmed: true}
`)},
		"2027.yml": {Data: []byte(`schema: ocop-scoring-catalog/v1
catalogs:
  - code: OCOP_2027
    name_vi: "Bộ tiêu chí mới"
    legal_basis: [{doc: "99/QĐ-TTg", date: 2027-01-01}]
    applies_from: 2027-01-01
    total_max_points: 100
    parts: [{code: A, name_vi: "A", max_points: 50}, {code: C, name_vi: "C", max_points: 50}]
certificate: {valid_months: 24, renewal: {notice_days_before_expiry: 60}}
`)},
	}
	c, err := Load(catalogs.FS, dir)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, s := range c.Sets {
		codes = append(codes, s.Code)
	}
	if want := []string{"OCOP_2019", "OCOP_2023", "OCOP_2027"}; !slices.Equal(codes, want) {
		t.Fatalf("sets = %v", codes)
	}
	s23 := c.Sets[1]
	want := []Line{
		{Code: "1", Part: "A", Name: "Nguồn nguyên liệu", MaxPoints: 40, Confirmed: true},
		{Code: "2", Part: "B", Name: "Tiếp thị", MaxPoints: 25},
		{Code: "3", Part: "C", Name: "Chất lượng", MaxPoints: 35, Confirmed: true},
	}
	if s23.Name != "Bộ tiêu chí 148 (phiếu của tỉnh)" || !slices.Equal(s23.Lines, want) || s23.PerPart || len(s23.LegalBasis) != 3 {
		t.Errorf("OCOP_2023 = %s %+v %v", s23.Name, s23.Lines, s23.LegalBasis)
	}
	// Without applies_to, OCOP_2023 ends where the newer catalog starts.
	if s23.Valid != (date.Range{From: d("2023-02-24"), To: d("2027-01-01")}) {
		t.Errorf("OCOP_2023 valid %v", s23.Valid)
	}
	if s, _ := c.For(d("2027-01-01")); s.Code != "OCOP_2027" || !s.PerPart || len(s.Lines) != 2 {
		t.Errorf("For(2027-01-01) = %+v", s)
	}
	if c.Certificate != (CertificateRules{ValidMonths: 24, NoticeDays: 60}) {
		t.Errorf("certificate = %+v", c.Certificate)
	}
	// Sections the directory does not give are the shipped ones; the last
	// council period now names the newer decision.
	if len(c.Bands) != 5 || len(c.ProductGroups) != 6 || len(c.Periods) != 3 || c.Periods[2].Basis != "1489/QĐ-TTg" {
		t.Errorf("bands %d groups %d periods %d (last %+v)", len(c.Bands), len(c.ProductGroups), len(c.Periods), c.Periods[len(c.Periods)-1])
	}
}

func TestLaterCouncilsReplaceAll(t *testing.T) {
	dir := fstest.MapFS{"councils.yaml": {Data: []byte(`schema: ocop-scoring-catalog/v1
councils:
  - rules:
      - {level: PROVINCE, certifies_stars: [3, 4, 5]}
`)}}
	c, err := Load(catalogs.FS, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Periods) != 1 {
		t.Fatalf("%d periods", len(c.Periods))
	}
	p := c.Periods[0]
	if p.Valid != (date.Range{From: d("2019-08-21")}) || p.Basis != "1048/QĐ-TTg" || p.Confirmed {
		t.Errorf("period = %+v", p)
	}
	if r, ok := p.Certifier(5); !ok || r.Level != Province {
		t.Errorf("Certifier(5) = %+v", r)
	}
}
