package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
)

// parts writes the part totals of an evaluation: "A 33/40 B 20/25 C 23/35".
func parts(e *ocopv1.Evaluation) string {
	var out []string
	for _, p := range e.GetParts() {
		out = append(out, fmt.Sprintf("%s %v/%v", p.GetPart(), p.GetPoints(), p.GetMaxPoints()))
	}
	return strings.Join(out, " ")
}

// open writes the lines of a next star: "C4 5, C3 3".
func open(n *ocopv1.NextStar) string {
	var out []string
	for _, o := range n.GetOpen() {
		out = append(out, fmt.Sprintf("%s %v", o.GetCriterionCode(), o.GetPointsOpen()))
	}
	return strings.Join(out, ", ")
}

// The server computes the total, the parts, the stars and what the next star
// needs under the catalog in force on the evaluation date: OCOP_2019 (scored
// per part) up to 2023-02-23, OCOP_2023 from 2023-02-24.
func TestEvaluationsAreScoredUnderTheCatalogOfTheirDate(t *testing.T) {
	e := newEnv(t)
	a := e.api
	producer := a.producer(t, "HTX Chè La Hiên", ocopv1.ProducerKind_COOPERATIVE, "100", "2019-03-01")
	product := a.product(t, producer, "Chè xanh La Hiên", "BEVERAGE")
	for _, tc := range []struct {
		name    string
		on      string
		level   ocopv1.CouncilLevel
		scores  []*ocopv1.CriterionScore
		catalog string
		parts   string
		total   float64
		stars   int32
		next    int32
		needed  float64
		open    string
	}{
		{"the e2e sheet: 76 points", "2024-05-20", byProvince, sheet23(5, 4, 4, 5, 4, 5, 6, 6, 6, 4, 4, 8, 8, 5, 2),
			"OCOP_2023", "A 33/40 B 20/25 C 23/35", 76, 4, 5, 14, "C4 5, C3 3, A7 2, B2 2, C1 2"},
		{"lines in any order, fractional points", "2024-05-20", byDistrict,
			[]*ocopv1.CriterionScore{{CriterionCode: "C4", Points: 7}, {CriterionCode: "A1", Points: 5.5}, {CriterionCode: "B1", Points: 0}, {CriterionCode: "A7", Points: 2.25}},
			"OCOP_2023", "A 7.75/40 B 0/25 C 7/35", 14.75, 1, 2, 15.25, "C1 10, C2 10"},
		{"one line at 0: 30 to go, the largest open lines by code", "2023-02-24", byDistrict, sheet23(0),
			"OCOP_2023", "A 0/40 B 0/25 C 0/35", 0, 1, 2, 30, "C1 10, C2 10, A7 8, B2 8"},
		{"the first day of OCOP_2023", "2023-02-24", byDistrict, fill23(50), "OCOP_2023", "A 40/40 B 10/25 C 0/35", 50, 3, 4, 20, "C1 10, C2 10"},
		{"averages add up as decimals: 50, not 49.999…", "2024-01-10", byDistrict,
			sheet23(1.3, 1.7, 2.3, 5.3, 4.5, 2.0, 4.4, 3.2, 7.2, 4.8, 0.9, 0.3, 2.8, 3.2, 6.1),
			"OCOP_2023", "A 21.5/40 B 16.1/25 C 12.4/35", 50, 3, 4, 20, "C1 9.7, C2 7.2, C3 4.8"},
		{"a full sheet: 5 stars, nothing next", "2024-05-20", byCentral, fill23(100), "OCOP_2023", "A 40/40 B 25/25 C 35/35", 100, 5, 0, 0, ""},
		{"the last day of OCOP_2019, per part", "2023-02-23", byProvince, parts19(30, 20, 25), "OCOP_2019", "A 30/35 B 20/25 C 25/40", 75, 4, 5, 15, "C 15"},
		{"49.5 per part: 0.5 to 3 stars", "2020-05-10", byDistrict, parts19(35, 14.5, 0), "OCOP_2019", "A 35/35 B 14.5/25 C 0/40", 49.5, 2, 3, 0.5, "C 40"},
		{"the first day of OCOP_2019", "2019-08-21", byProvince, parts19(0, 25, 40), "OCOP_2019", "A 0/35 B 25/25 C 40/40", 65, 3, 4, 5, "A 35"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := a.evaluate(t, product, int32(mustYear(t, tc.on)), tc.on, tc.level, tc.scores)
			if ev.GetCatalog() != tc.catalog || parts(ev) != tc.parts || ev.GetTotal() != tc.total || ev.GetStars() != tc.stars {
				t.Errorf("%s, %s, %v points, %d stars; want %s, %s, %v, %d", ev.GetCatalog(), parts(ev), ev.GetTotal(), ev.GetStars(), tc.catalog, tc.parts, tc.total, tc.stars)
			}
			n := ev.GetNextStar()
			if n.GetStars() != tc.next || n.GetPointsNeeded() != tc.needed || open(n) != tc.open {
				t.Errorf("next star %d, %v points needed, open %q; want %d, %v, %q", n.GetStars(), n.GetPointsNeeded(), open(n), tc.next, tc.needed, tc.open)
			}
			if ev.GetName() != fmt.Sprintf("products/%d/evaluations/%d", product, ev.GetId()) || ev.GetCouncilLevel() != tc.level || ev.GetEvaluatedOn() != tc.on {
				t.Errorf("evaluation %v", ev)
			}
			// Read back as recorded, with the next star worked out again.
			var stored *ocopv1.Evaluation
			for _, s := range a.get(t, product, "").GetEvaluations() {
				if s.GetId() == ev.GetId() {
					stored = s
				}
			}
			if !proto.Equal(stored, ev) {
				t.Errorf("read back %v\nwant %v", stored, ev)
			}
		})
	}
	// The open lines name the sheet's lines.
	ev := a.evaluate(t, product, 2024, "2024-05-20", byProvince, sheet23(5, 4, 4, 5, 4, 5, 6, 6, 6, 4, 4, 8, 8, 5, 2))
	if o := ev.GetNextStar().GetOpen()[0]; o.GetDisplayName() != "Khả năng xuất khẩu, phân phối tại thị trường quốc tế" {
		t.Errorf("open line %v", o)
	}
	// Evaluations are listed by date, then as recorded.
	var dates []string
	for _, s := range a.get(t, product, "").GetEvaluations() {
		dates = append(dates, s.GetEvaluatedOn())
	}
	if want := "2019-08-21 2020-05-10 2023-02-23 2023-02-24 2023-02-24 2024-01-10 2024-05-20 2024-05-20 2024-05-20 2024-05-20"; strings.Join(dates, " ") != want {
		t.Errorf("evaluations on %v, want %s", dates, want)
	}
	// A note is kept.
	noted, err := a.CreateEvaluation(context.Background(), &ocopv1.CreateEvaluationRequest{ProductId: product, Evaluation: &ocopv1.Evaluation{
		Year: 2024, EvaluatedOn: "2024-06-01", CouncilLevel: byProvince, Scores: fill23(70), Note: "Hội đồng cấp tỉnh, phiên 2"}})
	if err != nil || noted.GetNote() != "Hội đồng cấp tỉnh, phiên 2" || noted.GetStars() != 4 {
		t.Errorf("noted evaluation %v, %v", noted, err)
	}
}
