package store

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ntmsuite/ntm/platform/audit"
)

// Name is an assessment's resource name, as the API gives it and the audit
// trail records it.
func Name(unitCode string, id int64) string {
	return fmt.Sprintf("units/%s/assessments/%d", unitCode, id)
}

// auditedAssessment is an assessment as the trail keeps it: the row as
// stored, its JSON columns verbatim, so that an entry reads the same as the
// row it describes and outlives Go field names. createdChange writes the
// JSON columns in after these fields, in this order: "values", "verdicts",
// "result", then "created_at".
type auditedAssessment struct {
	ID          int64  `json:"id"`
	UnitCode    string `json:"unit_code"`
	AssessedOn  string `json:"assessed_on"`
	SetCode     string `json:"set_code"`
	Author      string `json:"author"`
	Note        string `json:"note"`
	EvidenceRef string `json:"evidence_ref"`
}

// createdChange is the trail's entry for a, just recorded with columns r.
// The columns are already JSON and go in as they are, rather than through
// json.Marshal again, which would check and copy every byte of the
// kilobytes each assessment holds.
func createdChange(a Assessment, r row) (audit.Change, error) {
	head, err := json.Marshal(auditedAssessment{
		ID: a.ID, UnitCode: a.UnitCode, AssessedOn: a.AssessedOn.String(), SetCode: a.SetCode,
		Author: a.Author, Note: a.Note, EvidenceRef: a.EvidenceRef,
	})
	if err != nil {
		return audit.Change{}, err
	}
	created, err := json.Marshal(a.CreatedAt)
	if err != nil {
		return audit.Change{}, err
	}
	var b strings.Builder
	b.Grow(len(head) + len(r.values) + len(r.verdicts) + len(r.result) + len(created) + 64)
	b.Write(head[:len(head)-1]) // without its closing brace
	b.WriteString(`,"values":`)
	b.WriteString(r.values)
	b.WriteString(`,"verdicts":`)
	b.WriteString(r.verdicts)
	b.WriteString(`,"result":`)
	b.WriteString(r.result)
	b.WriteString(`,"created_at":`)
	b.Write(created)
	b.WriteByte('}')
	return audit.Change{Resource: Name(a.UnitCode, a.ID), Unit: a.UnitCode, After: audit.JSON(b.String())}, nil
}
