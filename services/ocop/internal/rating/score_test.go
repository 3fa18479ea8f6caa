package rating

import (
	"math"
	"testing"
	"testing/fstest"
)

// Every edge of the star bands (min inclusive, below exclusive), under both
// catalogs: the 2023 sheet line by line, the 2019 catalog per part.
func TestScoreStarBands(t *testing.T) {
	c := load(t)
	tests := []struct {
		total float64
		stars int
	}{
		{0, 1}, {29.99, 1}, {30, 2}, {49.99, 2}, {50, 3}, {69.5, 3}, {70, 4}, {89.99, 4}, {90, 5}, {100, 5},
	}
	for _, code := range []string{"OCOP_2023", "OCOP_2019"} {
		s := set(t, c, code)
		for _, tt := range tests {
			r, err := Score(s, fill(s, tt.total), "evaluation.")
			if err != nil {
				t.Fatalf("%s %v: %v", code, tt.total, err)
			}
			if r.Total != tt.total || r.Stars != tt.stars {
				t.Errorf("%s: %v points = total %v, %d stars; want %d stars", code, tt.total, r.Total, r.Stars, tt.stars)
			}
		}
	}
}

func TestScoreTotals(t *testing.T) {
	s := set(t, load(t), "OCOP_2023")
	r, err := Score(s, []LineScore{{"C4", 7}, {"A1", 5.5}, {"B1", 0}, {"A7", 2.25}}, "evaluation.")
	if err != nil {
		t.Fatal(err)
	}
	want := []PartTotal{{"A", 7.75, 40}, {"B", 0, 25}, {"C", 7, 35}}
	for i, p := range r.Parts {
		if p != want[i] {
			t.Errorf("part %d = %+v, want %+v", i, p, want[i])
		}
	}
	if r.Total != 14.75 || r.Stars != 1 || r.Set != s {
		t.Errorf("total %v stars %d", r.Total, r.Stars)
	}
	// Every sheet line is in the result, in sheet order; those not given count 0.
	if len(r.Lines) != 15 || r.Lines[0].Code != "A1" || r.Lines[0].Points != 5.5 || r.Lines[1].Points != 0 || r.Lines[14].Points != 7 || r.Lines[14].MaxPoints != 7 {
		t.Errorf("lines = %+v", r.Lines)
	}
}

// Averages add up as decimals: these 15 values make 50 (3 stars), which
// summed as floats is 49.99999999999999.
func TestScoreSumsAsDecimals(t *testing.T) {
	s := set(t, load(t), "OCOP_2023")
	points := []float64{1.3, 1.7, 2.3, 5.3, 4.5, 2.0, 4.4, 3.2, 7.2, 4.8, 0.9, 0.3, 2.8, 3.2, 6.1}
	var scores []LineScore
	for i, l := range s.Lines {
		scores = append(scores, LineScore{l.Code, points[i]})
	}
	r, err := Score(s, scores, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 50 || r.Stars != 3 {
		t.Errorf("total %v, %d stars; want 50, 3", r.Total, r.Stars)
	}
}

func TestScoreRefusesBadLines(t *testing.T) {
	c := load(t)
	s23, s19 := set(t, c, "OCOP_2023"), set(t, c, "OCOP_2019")
	// A line above its maximum, an unknown line, a line given twice, an
	// empty code, negative and non-finite points: all reported at once.
	_, err := Score(s23, []LineScore{
		{"A1", 6.5}, {"Z9", 1}, {"B1", 3}, {"B1", 2}, {"", 1}, {"C1", -1}, {"C2", math.NaN()}, {"C3", math.Inf(1)}, {"C4", 7},
	}, "evaluation.")
	wantInvalid(t, err,
		violation{"evaluation.scores[0].points", `line A1 ("Nguồn gốc nguyên liệu (tại địa phương)") has at most 6 points: 6.5 is above it`},
		violation{"evaluation.scores[1].criterion_code", `no line "Z9" in the scoring sheet of catalog OCOP_2023 (lines A1, A2,`},
		violation{"evaluation.scores[3].criterion_code", "line B1 is already given in scores[2]"},
		violation{"evaluation.scores[4].criterion_code", "required"},
		violation{"evaluation.scores[5].points", "-1 must not be negative"},
		violation{"evaluation.scores[6].points", "must be a finite number"},
		violation{"evaluation.scores[7].points", "must be a finite number"},
	)
	// Under 2019 a sheet line is a part: its maximum is the part's.
	_, err = Score(s19, []LineScore{{"A", 35.01}, {"A1", 3}, {"C", 40}}, "evaluation.")
	wantInvalid(t, err,
		violation{"evaluation.scores[0].points", `line A ("Sản phẩm và sức mạnh cộng đồng") has at most 35 points: 35.01 is above it`},
		violation{"evaluation.scores[1].criterion_code", `catalog OCOP_2019 has no scoring sheet in the data and is scored per part: "A1" is not one of A, B, C`},
	)
}

// A sheet whose lines add up to more than their part (allowed: the part
// maximum caps it) refuses a part above its maximum, so no total exceeds 100.
func TestScorePartMaxima(t *testing.T) {
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
      - {part: C, code: C2, name_vi: "C2", max_points: 5}
`)}})
	s := set(t, c, "OCOP_2023")
	_, err := Score(s, []LineScore{{"A1", 30}, {"A2", 20}, {"B1", 25}, {"C1", 35}, {"C2", 0.5}}, "evaluation.")
	wantInvalid(t, err,
		violation{"evaluation.scores", "part A totals 50 points, above its maximum of 40"},
		violation{"evaluation.scores", "part C totals 35.5 points, above its maximum of 35"},
	)
	r, err := Score(s, []LineScore{{"A1", 30}, {"A2", 10}, {"B1", 25}, {"C1", 30}, {"C2", 5}}, "evaluation.")
	if err != nil || r.Total != 100 || r.Stars != 5 {
		t.Errorf("full sheet: %+v, %v", r, err)
	}
}
