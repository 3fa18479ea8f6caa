package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
)

// Name is an assessment's resource name, as the API gives it and the audit
// trail records it.
func Name(unitCode string, id int64) string {
	return fmt.Sprintf("units/%s/assessments/%d", unitCode, id)
}

// auditedAssessment is an assessment as the trail keeps it: the row as
// stored, its JSON columns verbatim, so that an entry reads the same as the
// row it describes and outlives Go field names.
type auditedAssessment struct {
	ID          int64           `json:"id"`
	UnitCode    string          `json:"unit_code"`
	AssessedOn  string          `json:"assessed_on"`
	SetCode     string          `json:"set_code"`
	Author      string          `json:"author"`
	Note        string          `json:"note"`
	EvidenceRef string          `json:"evidence_ref"`
	Values      json.RawMessage `json:"values"`
	Verdicts    json.RawMessage `json:"verdicts"`
	Result      json.RawMessage `json:"result"`
	CreatedAt   time.Time       `json:"created_at"`
}

// createdChange is the trail's entry for a, just recorded with columns r.
func createdChange(a Assessment, r row) audit.Change {
	return audit.Change{Resource: Name(a.UnitCode, a.ID), Unit: a.UnitCode, After: auditedAssessment{
		ID: a.ID, UnitCode: a.UnitCode, AssessedOn: a.AssessedOn.String(), SetCode: a.SetCode,
		Author: a.Author, Note: a.Note, EvidenceRef: a.EvidenceRef,
		Values: json.RawMessage(r.values), Verdicts: json.RawMessage(r.verdicts), Result: json.RawMessage(r.result),
		CreatedAt: a.CreatedAt,
	}}
}
