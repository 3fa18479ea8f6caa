package demo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

// assessmentColumns are the columns of assessments.csv. `statuses` is the
// table offices keep per commune: its i-th character is criterion i — Đ
// (đạt), B (cơ bản đạt), C (chưa đạt), or "." when the engine decides from
// `values` ("10.1=43.5;17.1=true").
var assessmentColumns = []string{"unit_code", "assessed_on", "criteria_set", "statuses", "values", "author", "evidence_ref", "note"}

var verdictOf = map[rune]criteriav1.CriterionStatus{
	'Đ': criteriav1.CriterionStatus_MET,
	'B': criteriav1.CriterionStatus_BASICALLY_MET,
	'C': criteriav1.CriterionStatus_NOT_MET,
}

// ParseAssessments reads assessments in the format of assessments.csv;
// errors name the line and column.
func ParseAssessments(r io.Reader) ([]*criteriav1.Assessment, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(assessmentColumns)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if strings.Join(header, ",") != strings.Join(assessmentColumns, ",") {
		return nil, fmt.Errorf("header is %q, want %q", strings.Join(header, ","), strings.Join(assessmentColumns, ","))
	}
	var out []*criteriav1.Assessment
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		a, err := parseAssessment(rec)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, a)
	}
}

func parseAssessment(rec []string) (*criteriav1.Assessment, error) {
	for i, f := range rec {
		if !utf8.ValidString(f) {
			return nil, fmt.Errorf("%s: not UTF-8", assessmentColumns[i])
		}
	}
	a := &criteriav1.Assessment{UnitCode: rec[0], AssessedOn: rec[1], CriteriaSet: rec[2], Author: rec[5], EvidenceRef: rec[6], Note: rec[7]}
	i := 0
	for _, ch := range rec[3] {
		i++
		if ch == '.' {
			continue
		}
		st, ok := verdictOf[ch]
		if !ok {
			return nil, fmt.Errorf("statuses: character %d is %q, want one of Đ, B, C and \".\"", i, ch)
		}
		a.Verdicts = append(a.Verdicts, &criteriav1.CriterionVerdict{CriterionCode: strconv.Itoa(i), Status: st})
	}
	if rec[4] == "" {
		return a, nil
	}
	for _, pair := range strings.Split(rec[4], ";") {
		code, val, ok := strings.Cut(pair, "=")
		if !ok || code == "" {
			return nil, fmt.Errorf("values: %q is not indicator=value", pair)
		}
		v := &criteriav1.IndicatorValue{IndicatorCode: code}
		switch val {
		case "true", "false":
			v.Value = &criteriav1.IndicatorValue_Flag{Flag: val == "true"}
		default:
			n, err := strconv.ParseFloat(val, 64)
			if err != nil {
				return nil, fmt.Errorf("values: %s: %q is not a number, true or false", code, val)
			}
			v.Value = &criteriav1.IndicatorValue_Number{Number: n}
		}
		a.Values = append(a.Values, v)
	}
	return a, nil
}

// Assessments returns the demo's assessments, in file order.
func Assessments() ([]*criteriav1.Assessment, error) {
	as, err := ParseAssessments(bytes.NewReader(assessmentsCSV))
	if err != nil {
		return nil, fmt.Errorf("demo assessments.csv: %w", err)
	}
	return as, nil
}
