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
	importing.Row
	// Assessment is what the row says; a cell that could not be read is
	// left out of it and is in Conflicts instead.
	Assessment *criteriav1.Assessment
	// valueCols and verdictCols name the column of each entry of
	// Assessment.Values and Verdicts, for locating the API's violations.
	valueCols, verdictCols []string
	// values and numbers hold the row's values, one allocation each
	// rather than two per cell: a country's form has 570,000 cells.
	values  []criteriav1.IndicatorValue
	numbers []criteriav1.IndicatorValue_Number
}

// Parse finds the header among rows (the key row or the titles of known)
// and reads every non-empty row below it. Header cells that are no
// column of known are conflicts of the file, as are files without a
// unit_code column.
func Parse(rows []sheet.Row, known []sheet.Column, d Defaults) ([]Draft, []importing.Conflict, error) {
	return importing.ReadEach(rows, known, func(r importing.Row) Draft { return readRow(r, d) }, KeyUnitCode)
}

func readRow(r importing.Row, d Defaults) Draft {
	dr := Draft{Row: r, Assessment: &criteriav1.Assessment{Author: d.Author, CriteriaSet: d.CriteriaSet,
		Values: make([]*criteriav1.IndicatorValue, 0, len(r.Keys))}, valueCols: make([]string, 0, len(r.Keys)),
		values: make([]criteriav1.IndicatorValue, len(r.Keys)), numbers: make([]criteriav1.IndicatorValue_Number, len(r.Keys))}
	a := dr.Assessment
	for _, key := range r.Keys {
		cell := r.Cells[key]
		switch key {
		case KeyUnitCode:
			a.UnitCode = cell
		case KeyUnitName:
			// For the reader's eyes only: the code says which unit.
		case KeyAssessedOn:
			if iso, ok := sheet.DateCell(cell); ok {
				a.AssessedOn = iso
			} else {
				dr.Add(key, "not a date: write day/month/year (31/12/2024) or 2024-12-31", "assessed_on")
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
			dr.Add(key, "not a verdict: write Đ (đạt), B (cơ bản đạt) or C (chưa đạt)", "verdicts")
			return
		}
		a.Verdicts = append(a.Verdicts, &criteriav1.CriterionVerdict{CriterionCode: code, Status: st})
		dr.verdictCols = append(dr.verdictCols, key)
		return
	}
	i := len(a.Values)
	v := &dr.values[i]
	v.IndicatorCode = key
	// Numbers first: most cells are, and no flag word reads as one.
	if n, ok := Number(cell); ok {
		dr.numbers[i].Number = n
		v.Value = &dr.numbers[i]
	} else if flag, ok := flagWord(cell); ok {
		v.Value = &criteriav1.IndicatorValue_Flag{Flag: flag}
	} else {
		dr.Add(key, "not a number, nor Đạt / Không đạt", "values")
		return
	}
	a.Values = append(a.Values, v)
	dr.valueCols = append(dr.valueCols, key)
}

// verdict reads a criterion's verdict as forms write it.
func verdict(cell string) (criteriav1.CriterionStatus, bool) {
	return wordOf(cell, verdictWords)
}

var verdictWords = []word[criteriav1.CriterionStatus]{
	{"đ", criteriav1.CriterionStatus_MET}, {"đạt", criteriav1.CriterionStatus_MET}, {"x", criteriav1.CriterionStatus_MET},
	{"b", criteriav1.CriterionStatus_BASICALLY_MET}, {"cơ bản đạt", criteriav1.CriterionStatus_BASICALLY_MET}, {"cbđ", criteriav1.CriterionStatus_BASICALLY_MET},
	{"c", criteriav1.CriterionStatus_NOT_MET}, {"chưa đạt", criteriav1.CriterionStatus_NOT_MET}, {"không đạt", criteriav1.CriterionStatus_NOT_MET},
}

// flagWord reads a boolean indicator's value.
func flagWord(cell string) (flag, ok bool) {
	return wordOf(cell, flagWords)
}

var flagWords = []word[bool]{
	{"đạt", true}, {"đ", true}, {"có", true}, {"x", true}, {"true", true}, {"yes", true},
	{"không đạt", false}, {"chưa đạt", false}, {"không", false}, {"c", false}, {"false", false}, {"no", false},
}

// word is a word a form may write, in lower case, and what it means.
type word[T any] struct {
	text    string
	meaning T
}

// wordOf is the meaning of cell among words, whatever its case: compared
// without lowering the cell first, which copied every non-ASCII cell (a
// country's form has tens of thousands of Đạt).
func wordOf[T any](cell string, words []word[T]) (T, bool) {
	for _, w := range words {
		if strings.EqualFold(cell, w.text) {
			return w.meaning, true
		}
	}
	var zero T
	return zero, false
}

// Number reads an indicator's value as sheet.Decimal does; a trailing %
// is dropped, as the indicator's unit says it already.
func Number(cell string) (float64, bool) {
	d, ok := sheet.Decimal(strings.TrimSuffix(strings.TrimSpace(cell), "%"))
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseFloat(d, 64)
	return n, err == nil
}
