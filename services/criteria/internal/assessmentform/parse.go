package assessmentform

import (
	"strconv"
	"strings"

	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/sheet"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

// Defaults fill what a row leaves empty: the author (the uploader, unless
// the file names one) and the criteria set.
type Defaults struct {
	Author, CriteriaSet string
}

// Draft is one filled row read as an assessment, before the API's checks.
type Draft struct {
	Sheet string
	Row   int
	// Assessment is what the row says; a cell that could not be read is
	// left out of it and is in Conflicts instead.
	Assessment *criteriav1.Assessment
	Conflicts  []importing.Conflict
	// cells holds the row's cells by column key, for locating the API's
	// violations; valueCols and verdictCols name the column of each entry
	// of Assessment.Values and Verdicts.
	cells                  map[string]string
	valueCols, verdictCols []string
}

// Parse finds the header among rows (the key row or the titles of known)
// and reads every non-empty row below it. Header cells that are no
// column of known are conflicts of the file, as are files without a
// unit_code column.
func Parse(rows []sheet.Row, known []sheet.Column, d Defaults) ([]Draft, []importing.Conflict, error) {
	header, index, err := sheet.FindHeader(rows, known)
	if err != nil {
		return nil, nil, err
	}
	head := rows[header]
	var fileConflicts []importing.Conflict
	keyOf := make([]string, len(head.Cells)) // cell position → column key
	for key, i := range index {
		keyOf[i] = key
	}
	for i, cell := range head.Cells {
		if keyOf[i] == "" && cell != "" {
			fileConflicts = append(fileConflicts, importing.Conflict{Sheet: head.Sheet, Row: head.Number, Column: sheet.CellName(i, head.Number), Value: cell,
				Message: "unknown column: neither a field of the form nor an indicator or criterion (TC…) code of any criteria set"})
		}
	}
	if _, ok := index[KeyUnitCode]; !ok {
		fileConflicts = append(fileConflicts, importing.Conflict{Sheet: head.Sheet, Row: head.Number, Column: KeyUnitCode,
			Message: "the header has no unit_code (Mã đơn vị) column"})
		return nil, fileConflicts, nil
	}
	var drafts []Draft
	for _, r := range rows[header+1:] {
		if blank(r.Cells) || isKeyRow(r.Cells, keyOf) {
			continue
		}
		drafts = append(drafts, readRow(r, keyOf, d))
	}
	return drafts, fileConflicts, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

// isKeyRow reports the template's key row below its titles, when the
// header found was the titles.
func isKeyRow(cells, keyOf []string) bool {
	for i, c := range cells {
		if c != "" && (i >= len(keyOf) || c != keyOf[i]) {
			return false
		}
	}
	return true
}

func readRow(r sheet.Row, keyOf []string, d Defaults) Draft {
	dr := Draft{Sheet: r.Sheet, Row: r.Number, Assessment: &criteriav1.Assessment{Author: d.Author, CriteriaSet: d.CriteriaSet}, cells: map[string]string{}}
	a := dr.Assessment
	for i, cell := range r.Cells {
		if i >= len(keyOf) || keyOf[i] == "" || cell == "" {
			continue
		}
		key := keyOf[i]
		dr.cells[key] = cell
		switch key {
		case KeyUnitCode:
			a.UnitCode = cell
		case KeyUnitName:
			// For the reader's eyes only: the code says which unit.
		case KeyAssessedOn:
			if iso, ok := sheet.DateCell(cell); ok {
				a.AssessedOn = iso
			} else {
				dr.conflict(key, cell, "not a date: write day/month/year (31/12/2024) or 2024-12-31", "assessed_on")
			}
		case KeyCriteriaSet:
			a.CriteriaSet = cell
		case KeyAuthor:
			a.Author = cell
		case KeyNote:
			a.Note = cell
		case KeyEvidenceRef:
			a.EvidenceRef = cell
		default:
			dr.readCode(key, cell)
		}
	}
	return dr
}

// readCode reads an indicator's value or a criterion's verdict.
func (dr *Draft) readCode(key, cell string) {
	a := dr.Assessment
	if code, ok := strings.CutPrefix(key, verdictPrefix); ok {
		st, ok := verdict(cell)
		if !ok {
			dr.conflict(key, cell, "not a verdict: write Đ (đạt), B (cơ bản đạt) or C (chưa đạt)", "verdicts")
			return
		}
		a.Verdicts = append(a.Verdicts, &criteriav1.CriterionVerdict{CriterionCode: code, Status: st})
		dr.verdictCols = append(dr.verdictCols, key)
		return
	}
	v := &criteriav1.IndicatorValue{IndicatorCode: key}
	if flag, ok := flagWord(cell); ok {
		v.Value = &criteriav1.IndicatorValue_Flag{Flag: flag}
	} else if n, ok := Number(cell); ok {
		v.Value = &criteriav1.IndicatorValue_Number{Number: n}
	} else {
		dr.conflict(key, cell, "not a number, nor Đạt / Không đạt", "values")
		return
	}
	a.Values = append(a.Values, v)
	dr.valueCols = append(dr.valueCols, key)
}

func (dr *Draft) conflict(column, value, message, field string) {
	dr.Conflicts = append(dr.Conflicts, importing.Conflict{Sheet: dr.Sheet, Row: dr.Row, Column: column, Value: value, Message: message, Field: field})
}

// verdict reads a criterion's verdict as forms write it.
func verdict(cell string) (criteriav1.CriterionStatus, bool) {
	switch strings.ToLower(cell) {
	case "đ", "đạt", "x":
		return criteriav1.CriterionStatus_MET, true
	case "b", "cơ bản đạt", "cbđ":
		return criteriav1.CriterionStatus_BASICALLY_MET, true
	case "c", "chưa đạt", "không đạt":
		return criteriav1.CriterionStatus_NOT_MET, true
	}
	return 0, false
}

// flagWord reads a boolean indicator's value.
func flagWord(cell string) (flag, ok bool) {
	switch strings.ToLower(cell) {
	case "đạt", "đ", "có", "x", "true", "yes":
		return true, true
	case "không đạt", "chưa đạt", "không", "c", "false", "no":
		return false, true
	}
	return false, false
}

// Number reads a number as Vietnamese and English spreadsheets write it:
// "85,5" and "85.5" are 85.5; with both separators the last one is the
// decimal mark ("1.234,5", "1,234.5"); a trailing % is dropped, as the
// indicator's unit says it already.
func Number(cell string) (float64, bool) {
	s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(cell), "%"))
	s = strings.ReplaceAll(s, " ", "")
	comma, dot := strings.LastIndexByte(s, ','), strings.LastIndexByte(s, '.')
	switch {
	case comma >= 0 && dot >= 0 && comma > dot:
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	case comma >= 0 && dot >= 0:
		s = strings.ReplaceAll(s, ",", "")
	case comma >= 0 && strings.Count(s, ",") == 1:
		s = strings.Replace(s, ",", ".", 1)
	}
	if !isPlain(s) {
		return 0, false
	}
	n, err := strconv.ParseFloat(s, 64)
	return n, err == nil
}

// isPlain reports digits with a leading sign and points only: ParseFloat
// also takes "1e5", "0x1p-2", "NaN" and "Inf", which no form means.
func isPlain(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if (r < '0' || r > '9') && r != '.' && !(i == 0 && (r == '-' || r == '+')) {
			return false
		}
	}
	return true
}
