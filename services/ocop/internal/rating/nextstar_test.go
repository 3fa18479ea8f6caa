package rating

import (
	"reflect"
	"testing"
	"testing/fstest"
)

func TestNextStar(t *testing.T) {
	c := load(t)
	s23, s19 := set(t, c, "OCOP_2023"), set(t, c, "OCOP_2019")
	// full is the 2023 sheet at its maxima except the lines given.
	full := func(except map[string]float64) []LineScore {
		var out []LineScore
		for _, l := range s23.Lines {
			p, ok := except[l.Code]
			if !ok {
				p = l.MaxPoints
			}
			out = append(out, LineScore{l.Code, p})
		}
		return out
	}
	tests := []struct {
		name   string
		scores []LineScore
		want   NextStar
	}{
		// Nothing given: 1 star, 30 to go. 10, 10, then three lines of 8
		// ordered by code; A7 and B2 reach 36 >= 30.
		{"empty sheet", nil, NextStar{Stars: 2, PointsNeeded: 30, Open: []OpenLine{
			{"C1", "Chỉ tiêu cảm quan, tính độc đáo của sản phẩm", 10}, {"C2", "Công bố tiêu chuẩn chất lượng và kiểm nghiệm", 10},
			{"A7", "Kế hoạch kinh doanh, kế toán, quản lý chất lượng", 8}, {"B2", "Kênh phân phối và tiêu thụ", 8},
		}}},
		// 80 points: 10 to 5 stars. C1 has 8 open, then B2 and C2 tie at 5: B2 first.
		{"4 stars", full(map[string]float64{"C1": 2, "B2": 3, "C2": 5, "A1": 4}), NextStar{Stars: 5, PointsNeeded: 10, Open: []OpenLine{
			{"C1", "Chỉ tiêu cảm quan, tính độc đáo của sản phẩm", 8}, {"B2", "Kênh phân phối và tiêu thụ", 5},
		}}},
		// 89.99: 0.01 to go, the largest open line suffices.
		{"just below 5 stars", full(map[string]float64{"A1": 5.99, "C1": 0}), NextStar{Stars: 5, PointsNeeded: 0.01, Open: []OpenLine{
			{"C1", "Chỉ tiêu cảm quan, tính độc đáo của sản phẩm", 10},
		}}},
		{"5 stars", full(map[string]float64{"A1": 0}), NextStar{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Score(s23, tt.scores, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := r.NextStar(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("NextStar() = %+v\nwant %+v", got, tt.want)
			}
		})
	}
	// Per part under 2019: 49.5 points, 0.5 to 3 stars; C (40 open) first.
	r, err := Score(s19, []LineScore{{"A", 35}, {"B", 14.5}}, "")
	if err != nil {
		t.Fatal(err)
	}
	want := NextStar{Stars: 3, PointsNeeded: 0.5, Open: []OpenLine{{"C", "Chất lượng sản phẩm", 40}}}
	if got := r.NextStar(); !reflect.DeepEqual(got, want) {
		t.Errorf("2019: NextStar() = %+v, want %+v", got, want)
	}
}

// A line cannot offer more than its part still can.
func TestNextStarCapsByPart(t *testing.T) {
	c := load(t, fstest.MapFS{"wide.yaml": {Data: []byte(`schema: ocop-scoring-catalog/v1
catalogs:
  - code: OCOP_2023
    name_vi: "Phiếu rộng"
    applies_from: 2023-02-24
    total_max_points: 100
    parts: [{code: A, name_vi: A, max_points: 40}, {code: B, name_vi: B, max_points: 25}, {code: C, name_vi: C, max_points: 35}]
    lines:
      - {part: A, code: A1, name_vi: "A1", max_points: 30}
      - {part: A, code: A2, name_vi: "A2", max_points: 20}
      - {part: B, code: B1, name_vi: "B1", max_points: 25}
      - {part: C, code: C1, name_vi: "C1", max_points: 35}
`)}})
	r, err := Score(set(t, c, "OCOP_2023"), []LineScore{{"A1", 30}, {"A2", 6}, {"C1", 35}}, "")
	if err != nil {
		t.Fatal(err)
	}
	// 71 points: 19 to 5 stars. A2 has 14 open on its line but part A only 4.
	want := NextStar{Stars: 5, PointsNeeded: 19, Open: []OpenLine{{"B1", "B1", 25}}}
	if got := r.NextStar(); !reflect.DeepEqual(got, want) {
		t.Errorf("NextStar() = %+v, want %+v", got, want)
	}
	r, _ = Score(set(t, c, "OCOP_2023"), []LineScore{{"A1", 30}, {"A2", 6}, {"B1", 20}, {"C1", 30}}, "")
	// 86 points: 4 to go. B1 and C1 have 5 open, A2 4 (capped from 14).
	want = NextStar{Stars: 5, PointsNeeded: 4, Open: []OpenLine{{"B1", "B1", 5}}}
	if got := r.NextStar(); !reflect.DeepEqual(got, want) {
		t.Errorf("NextStar() = %+v, want %+v", got, want)
	}
}
