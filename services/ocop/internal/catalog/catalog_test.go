package catalog

import (
	"slices"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/services/ocop/catalogs"
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

func TestShippedSets(t *testing.T) {
	c := shipped(t)
	tests := []struct {
		code     string
		valid    date.Range
		parts    []float64 // A, B, C
		lines    int
		perPart  bool
		sectors  int
		firstDoc string
	}{
		{"OCOP_2019", date.Range{From: d("2019-08-21"), To: d("2023-02-24")}, []float64{35, 25, 40}, 3, true, 6, "1048/QĐ-TTg"},
		{"OCOP_2023", date.Range{From: d("2023-02-24")}, []float64{40, 25, 35}, 15, false, 0, "148/QĐ-TTg"},
	}
	if len(c.Sets) != len(tests) {
		t.Fatalf("%d sets, want %d", len(c.Sets), len(tests))
	}
	for i, tt := range tests {
		s := c.Sets[i]
		if s.Code != tt.code || s.Valid != tt.valid || s.TotalMax != 100 || s.PerPart != tt.perPart {
			t.Errorf("set %d = %s %v total %v perPart %v; want %s %v 100 %v", i, s.Code, s.Valid, s.TotalMax, s.PerPart, tt.code, tt.valid, tt.perPart)
		}
		var maxima []float64
		for _, p := range s.Parts {
			maxima = append(maxima, p.MaxPoints)
		}
		if !slices.Equal(maxima, tt.parts) || len(s.Lines) != tt.lines || len(s.Sectors) != tt.sectors || s.LegalBasis[0] != tt.firstDoc {
			t.Errorf("%s: parts %v lines %d sectors %d basis %v", s.Code, maxima, len(s.Lines), len(s.Sectors), s.LegalBasis)
		}
		if len(s.Bands) != 5 {
			t.Errorf("%s: %d bands", s.Code, len(s.Bands))
		}
	}
}

// The 2019 catalog has no sheet in the data: its lines are its parts.
func TestPerPartLines(t *testing.T) {
	s, _ := shipped(t).Set("OCOP_2019")
	want := []Line{
		{Code: "A", Part: "A", Name: "Sản phẩm và sức mạnh cộng đồng", MaxPoints: 35, Confirmed: true},
		{Code: "B", Part: "B", Name: "Khả năng tiếp thị", MaxPoints: 25, Confirmed: true},
		{Code: "C", Part: "C", Name: "Chất lượng sản phẩm", MaxPoints: 40, Confirmed: true},
	}
	if !slices.Equal(s.Lines, want) {
		t.Errorf("lines = %+v", s.Lines)
	}
}

func TestSyntheticSheet(t *testing.T) {
	s, _ := shipped(t).Set("OCOP_2023")
	sums := map[string]float64{}
	for _, l := range s.Lines {
		if l.Confirmed {
			t.Errorf("synthetic line %s is confirmed", l.Code)
		}
		sums[l.Part] += l.MaxPoints
	}
	if sums["A"] != 40 || sums["B"] != 25 || sums["C"] != 35 {
		t.Errorf("part sums = %v", sums)
	}
	if l, i, ok := s.Line("A1"); !ok || i != 0 || l.Name != "Nguồn gốc nguyên liệu (tại địa phương)" || l.MaxPoints != 6 {
		t.Errorf("Line(A1) = %+v %d %v", l, i, ok)
	}
	if _, _, ok := s.Line("A"); ok {
		t.Error("OCOP_2023 has a per-part line A")
	}
}

func TestFor(t *testing.T) {
	c := shipped(t)
	tests := []struct {
		on, want string // "" = none
	}{
		{"2019-08-20", ""},
		{"2019-08-21", "OCOP_2019"},
		{"2023-02-23", "OCOP_2019"},
		{"2023-02-24", "OCOP_2023"},
		{"2025-07-06", "OCOP_2023"},
		{"2030-01-01", "OCOP_2023"},
	}
	for _, tt := range tests {
		s, ok := c.For(d(tt.on))
		got := ""
		if ok {
			got = s.Code
		}
		if got != tt.want {
			t.Errorf("For(%s) = %q, want %q", tt.on, got, tt.want)
		}
	}
}

func TestCouncilPeriods(t *testing.T) {
	c := shipped(t)
	type rule struct {
		level CouncilLevel
		stars []int
		min   float64
	}
	want := []struct {
		valid date.Range
		basis string
		rules []rule
	}{
		{date.Range{From: d("2019-08-21"), To: d("2023-02-24")}, "1048/QĐ-TTg",
			[]rule{{District, nil, 0}, {Province, []int{3, 4}, 0}, {Central, []int{5}, 0}}},
		{date.Range{From: d("2023-02-24"), To: d("2025-07-06")}, "148/QĐ-TTg",
			[]rule{{District, []int{3}, 0}, {Province, []int{4}, 0}, {Central, []int{5}, 0}}},
		{date.Range{From: d("2025-07-06")}, "1489/QĐ-TTg",
			[]rule{{Commune, nil, 0}, {Province, []int{3, 4}, 0}, {Central, []int{5}, 90}}},
	}
	if len(c.Periods) != len(want) {
		t.Fatalf("%d periods", len(c.Periods))
	}
	for i, w := range want {
		p := c.Periods[i]
		if p.Valid != w.valid || p.Basis != w.basis || !p.Confirmed || len(p.Rules) != len(w.rules) {
			t.Errorf("period %d = %v %q confirmed %v, %d rules", i, p.Valid, p.Basis, p.Confirmed, len(p.Rules))
			continue
		}
		for j, r := range w.rules {
			got := p.Rules[j]
			if got.Level != r.level || !slices.Equal(got.CertifiesStars, r.stars) || got.MinPointsToPropose != r.min || got.Role == "" {
				t.Errorf("period %d rule %d = %+v, want %+v", i, j, got, r)
			}
		}
	}
	for _, tt := range []struct {
		on   string
		want int // index in Periods, -1 = none
	}{{"2019-08-20", -1}, {"2019-08-21", 0}, {"2023-02-23", 0}, {"2023-02-24", 1}, {"2025-07-05", 1}, {"2025-07-06", 2}} {
		p, ok := c.CouncilPeriodFor(d(tt.on))
		got := slices.Index(c.Periods, p)
		if !ok {
			got = -1
		}
		if got != tt.want {
			t.Errorf("CouncilPeriodFor(%s) = period %d, want %d", tt.on, got, tt.want)
		}
	}
	p := c.Periods[2]
	if _, ok := p.Rule(District); ok {
		t.Error("a district council from 2025-07-06")
	}
	if r, ok := p.Certifier(5); !ok || r.Level != Central {
		t.Errorf("Certifier(5) = %+v, %v", r, ok)
	}
	if _, ok := p.Certifier(2); ok {
		t.Error("someone certifies 2 stars")
	}
}

// The stars only the central council certifies, period by period, as the
// data gives them; a level that certifies nothing has no periods.
func TestStarsCertifiedBy(t *testing.T) {
	c := shipped(t)
	want := []PeriodStars{
		{date.Range{From: d("2019-08-21"), To: d("2023-02-24")}, []int{5}},
		{date.Range{From: d("2023-02-24"), To: d("2025-07-06")}, []int{5}},
		{date.Range{From: d("2025-07-06")}, []int{5}},
	}
	if got := c.StarsCertifiedBy(Central); !slices.EqualFunc(got, want, samePeriodStars) {
		t.Errorf("StarsCertifiedBy(Central) = %v, want %v", got, want)
	}
	district := []PeriodStars{{date.Range{From: d("2023-02-24"), To: d("2025-07-06")}, []int{3}}}
	if got := c.StarsCertifiedBy(District); !slices.EqualFunc(got, district, samePeriodStars) {
		t.Errorf("StarsCertifiedBy(District) = %v, want %v", got, district)
	}
	if got := c.StarsCertifiedBy(Commune); len(got) != 0 {
		t.Errorf("StarsCertifiedBy(Commune) = %v, want none", got)
	}
}

func samePeriodStars(a, b PeriodStars) bool {
	return a.Valid == b.Valid && slices.Equal(a.Stars, b.Stars)
}

func TestBandsGroupsCertificate(t *testing.T) {
	c := shipped(t)
	wantBands := []StarBand{{1, 0, 30, ""}, {2, 30, 50, ""}, {3, 50, 70, ""}, {4, 70, 90, ""}, {5, 90, 101, ""}}
	for i, b := range c.Bands {
		b.Label = ""
		if b != wantBands[i] {
			t.Errorf("band %d = %+v, want %+v", i, b, wantBands[i])
		}
	}
	if c.CertifiedFromStars != 3 || c.Certificate != (CertificateRules{ValidMonths: 36, NoticeDays: 30}) {
		t.Errorf("certified from %d, certificate %+v", c.CertifiedFromStars, c.Certificate)
	}
	var codes []string
	for _, g := range c.ProductGroups {
		codes = append(codes, g.Code)
	}
	if want := []string{"FOOD", "BEVERAGE", "HERBAL", "HANDICRAFT", "ORNAMENTAL", "TOURISM"}; !slices.Equal(codes, want) {
		t.Errorf("groups = %v", codes)
	}
	if g, ok := c.ProductGroup("ORNAMENTAL"); !ok || g.Name != "Sinh vật cảnh" {
		t.Errorf("ProductGroup(ORNAMENTAL) = %+v %v", g, ok)
	}
	// 2019 sectors stay with their catalog, not among the groups of new products.
	if _, ok := c.ProductGroup("SOUVENIR_DECOR"); ok {
		t.Error("a 2019 sector is a 2023 product group")
	}
	s, _ := c.Set("OCOP_2019")
	if s.Sectors[4] != (ProductGroup{"SOUVENIR_DECOR", "Lưu niệm - nội thất - trang trí"}) {
		t.Errorf("sector 4 = %+v", s.Sectors[4])
	}
}

// The enums have the numbers and names of ntm.ocop.v1.CouncilLevel and
// ProducerKind, so the server converts with a cast.
func TestEnumsMatchProto(t *testing.T) {
	for n, want := range map[CouncilLevel]string{0: "COUNCIL_LEVEL_UNSPECIFIED", 1: "COMMUNE", 2: "DISTRICT", 3: "PROVINCE", 4: "CENTRAL", 9: "COUNCIL_LEVEL_UNSPECIFIED"} {
		if n.String() != want {
			t.Errorf("CouncilLevel(%d) = %s, want %s", n, n, want)
		}
		if l, ok := ParseCouncilLevel(want); ok != (n >= 1 && n <= 4) || (ok && l != n) {
			t.Errorf("ParseCouncilLevel(%s) = %d, %v", want, l, ok)
		}
	}
	for n, want := range map[ProducerKind]string{0: "PRODUCER_KIND_UNSPECIFIED", 1: "ENTERPRISE", 2: "COOPERATIVE", 3: "COOPERATIVE_GROUP", 4: "HOUSEHOLD_BUSINESS", -1: "PRODUCER_KIND_UNSPECIFIED"} {
		if n.String() != want {
			t.Errorf("ProducerKind(%d) = %s, want %s", n, n, want)
		}
	}
}
