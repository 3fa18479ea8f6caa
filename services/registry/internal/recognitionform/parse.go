package recognitionform

import (
	"strconv"
	"strings"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/sheet"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// Draft is one filled row read as a CreateRecognition request, before the
// API's checks.
type Draft struct {
	importing.Row
	// Request is what the row says; a cell that could not be read is left
	// out of it and is in Conflicts instead.
	Request *registryv1.CreateRecognitionRequest
}

// Parse finds the header among rows (the key row or the titles) and reads
// every non-empty row below it. Header cells that are no column of the
// form are conflicts of the file, as are files without a unit_code column.
func Parse(rows []sheet.Row) ([]Draft, []importing.Conflict, error) {
	return importing.ReadEach(rows, Columns(), readRow, KeyUnitCode)
}

func readRow(r importing.Row) Draft {
	dr := Draft{Row: r, Request: &registryv1.CreateRecognitionRequest{Recognition: &registryv1.Recognition{}}}
	rec := dr.Request.Recognition
	for _, key := range r.Keys {
		cell := r.Cells[key]
		switch key {
		case KeyUnitCode:
			dr.Request.UnitCode = cell
		case KeyUnitName:
			// For the reader's eyes only: the code says which unit.
		case KeyLevel:
			l, ok := registryclient.ReadLevel(cell)
			if !ok {
				dr.Add(key, "not a recognition level: choose one of the list (Đạt chuẩn nông thôn mới, Nông thôn mới nâng cao, Nông thôn mới kiểu mẫu…) or write STANDARD, ADVANCED, MODEL, MODERN, COMPLETED", "recognition.level")
			}
			rec.Level = l
		case KeyDecisionNumber:
			rec.DecisionNumber = cell
		case KeyEffectiveDate:
			if iso, ok := sheet.DateCell(cell); ok {
				rec.EffectiveDate = iso
			} else {
				dr.Add(key, "not a date: write day/month/year (31/12/2019) or 2019-12-31", "recognition.effective_date")
			}
		case KeyCriteriaSet:
			rec.CriteriaSet = cell
		case KeyYear:
			if y, err := strconv.ParseInt(cell, 10, 32); err == nil {
				rec.Year = int32(y)
			} else {
				dr.Add(key, "not a year: write it in digits (2019)", "recognition.year")
			}
		case KeyOverrideReason:
			rec.OverrideReason = cell
		}
	}
	return dr
}

// Locate records the API's violations of the row's request (fields as
// CreateRecognitionRequest names them, "recognition.level") as conflicts
// at their columns.
func (dr *Draft) Locate(vs []fault.Violation) { dr.Row.Locate(vs, Column) }

// Column is the key of the column that fills field of a
// CreateRecognitionRequest, "" for the row as a whole.
func Column(field string) string {
	name, _ := strings.CutPrefix(field, "recognition.")
	switch name {
	case KeyUnitCode, KeyLevel, KeyDecisionNumber, KeyEffectiveDate, KeyCriteriaSet, KeyYear, KeyOverrideReason:
		return name
	}
	return ""
}
