package store

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
)

// The trail's entry of a created assessment is put together from the
// row's JSON columns; it must read byte for byte as json.Marshal of the
// whole record would, HTML-escaped text included.
func TestCreatedChangeIsTheMarshalledRecord(t *testing.T) {
	a := Assessment{ID: 42, UnitCode: "06005", AssessedOn: date.MustParse("2024-05-06"), SetCode: "2021-2025/commune",
		Author: `Lan <lan@06005> & "Hà"`, Note: "ghi chú\n", EvidenceRef: "QĐ 12/2024",
		Values:   []scoring.IndicatorValue{{Code: "1.1", Value: scoring.Value{Number: 0.5}}, {Code: "2", Value: scoring.Value{Flag: true, IsFlag: true}}},
		Verdicts: []scoring.Verdict{{Criterion: "3", Status: scoring.BasicallyMet}},
		Result: scoring.Result{Criteria: []scoring.CriterionResult{{Code: "1", Name: "Quy hoạch <a>", Status: scoring.NotMet, Basis: scoring.BasisValues,
			Failing: []scoring.Gap{{Indicator: "1.1", Name: "Tỷ lệ", Op: ">=", Unit: "%", Threshold: 90, Value: 0.5, Summary: "0.5 < 90"}}}},
			Total: 1, Band: "x"},
		CreatedAt: time.Date(2026, 12, 6, 14, 0, 0, 123456789, time.UTC),
	}
	r, err := encode(a)
	if err != nil {
		t.Fatal(err)
	}
	c, err := createdChange(a, r)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(struct {
		auditedAssessment
		Values    json.RawMessage `json:"values"`
		Verdicts  json.RawMessage `json:"verdicts"`
		Result    json.RawMessage `json:"result"`
		CreatedAt time.Time       `json:"created_at"`
	}{auditedAssessment{ID: a.ID, UnitCode: a.UnitCode, AssessedOn: a.AssessedOn.String(), SetCode: a.SetCode,
		Author: a.Author, Note: a.Note, EvidenceRef: a.EvidenceRef},
		json.RawMessage(r.values), json.RawMessage(r.verdicts), json.RawMessage(r.result), a.CreatedAt})
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := c.After.(audit.JSON); !ok || string(got) != string(want) {
		t.Errorf("after-image\n%v\nwant\n%s", c.After, want)
	}
	if c.Resource != "units/06005/assessments/42" || c.Unit != "06005" {
		t.Errorf("entry of %s in unit %s", c.Resource, c.Unit)
	}
}
