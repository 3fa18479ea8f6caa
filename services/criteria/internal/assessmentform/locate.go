package assessmentform

import (
	"strconv"
	"strings"

	"github.com/ntmsuite/ntm/platform/fault"
)

// Locate records the API's violations of the draft's assessment (fields
// relative to it, as "values[3]" or "assessed_on") as conflicts at the
// columns the values came from.
func (dr *Draft) Locate(vs []fault.Violation) { dr.Row.Locate(vs, dr.column) }

// column is the key of the column that filled field, "" when it is the
// row's as a whole (a row with neither values nor verdicts).
func (dr *Draft) column(field string) string {
	for list, cols := range map[string][]string{"values": dr.valueCols, "verdicts": dr.verdictCols} {
		rest, ok := strings.CutPrefix(field, list+"[")
		if !ok {
			continue
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return ""
		}
		i, err := strconv.Atoi(rest[:end])
		if err != nil || i < 0 || i >= len(cols) {
			return ""
		}
		return cols[i]
	}
	name, _, _ := strings.Cut(field, ".")
	switch name {
	case KeyUnitCode, KeyAssessedOn, KeyCriteriaSet, KeyAuthor, KeyNote, KeyEvidenceRef:
		return name
	}
	return ""
}
