package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
)

// Name is an assessment's resource name, as the API gives it and the audit
// trail records it.
func Name(unitCode string, id int64) string {
	return fmt.Sprintf("units/%s/assessments/%d", unitCode, id)
}

// auditedAssessment is an assessment as the trail keeps it: who recorded
// which unit on which date under which set, the statuses it decided, and
// the SHA-256 of each JSON column as stored (hex of the column's bytes).
// The columns themselves stay in the assessments row, which is written
// once and which the database keeps from being updated or deleted (the
// migration assessments_append_only): the digests prove that row is the
// one recorded, without the trail holding a second copy of the
// kilobytes of values and scores each assessment carries, which made the
// trail half of a country's import.
type auditedAssessment struct {
	ID             int64     `json:"id"`
	UnitCode       string    `json:"unit_code"`
	AssessedOn     string    `json:"assessed_on"`
	SetCode        string    `json:"set_code"`
	Author         string    `json:"author"`
	Note           string    `json:"note"`
	EvidenceRef    string    `json:"evidence_ref"`
	Statuses       string    `json:"statuses"`
	MetCount       int       `json:"met_count"`
	ValuesSHA256   string    `json:"values_sha256"`
	VerdictsSHA256 string    `json:"verdicts_sha256"`
	ResultSHA256   string    `json:"result_sha256"`
	CreatedAt      time.Time `json:"created_at"`
}

// digests are the SHA-256 of a row's JSON columns, as the trail gives them.
type digests struct{ values, verdicts, result string }

// createdChange is the trail's entry for a, just recorded with the
// statuses column statuses and JSON columns whose digests are d.
func createdChange(a Assessment, statuses string, d digests) audit.Change {
	return audit.Change{Resource: Name(a.UnitCode, a.ID), Unit: a.UnitCode, After: auditedAssessment{
		ID: a.ID, UnitCode: a.UnitCode, AssessedOn: a.AssessedOn.String(), SetCode: a.SetCode,
		Author: a.Author, Note: a.Note, EvidenceRef: a.EvidenceRef,
		Statuses: statuses, MetCount: a.Result.MetCount,
		ValuesSHA256: d.values, VerdictsSHA256: d.verdicts, ResultSHA256: d.result,
		CreatedAt: a.CreatedAt,
	}}
}

// digest is the hex SHA-256 of a column's text as stored.
func digest(column []byte) string {
	sum := sha256.Sum256(column)
	return hex.EncodeToString(sum[:])
}
