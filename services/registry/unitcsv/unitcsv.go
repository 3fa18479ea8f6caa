// Package unitcsv reads the unit import file that offices keep in Excel and
// save as CSV: a header row, then one unit per row with the columns
//
//	code,name,type,parent_code,valid_from[,region,commune_group]
//
// in any order. It only parses and checks each row on its own; whether parents
// exist and validity ranges fit is the registry's job when the rows arrive.
package unitcsv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/ntmsuite/ntm/platform/date"
)

// Row is one unit of the file.
type Row struct {
	Line         int // 1-based line in the file, for error messages
	Code         string
	Name         string
	Type         string // PROVINCE, DISTRICT, COMMUNE, WARD, TOWNSHIP or VILLAGE
	ParentCode   string
	ValidFrom    date.Date
	Region       string
	CommuneGroup string
}

// Error points at the line and column of a bad value.
type Error struct {
	Line   int
	Column string
	Msg    string
}

func (e *Error) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d, column %s: %s", e.Line, e.Column, e.Msg)
}

// MaxRows bounds a file so a mistaken upload cannot exhaust memory. It equals
// the registry's limit per ImportUnits request, so a file the parser accepts is
// not refused by the server; a whole country's villages take two files.
const MaxRows = 100_000

var (
	required = []string{"code", "name", "type", "parent_code", "valid_from"}
	optional = []string{"region", "commune_group"}
	types    = map[string]bool{"PROVINCE": true, "DISTRICT": true, "COMMUNE": true, "WARD": true, "TOWNSHIP": true, "VILLAGE": true}
	codeRE   = regexp.MustCompile(`^[0-9]{1,12}$`)
	regionRE = regexp.MustCompile(`^[A-Z]{2,8}$`)
)

// Parse reads every row, or returns the first *Error.
func Parse(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked per row, to report the line
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &Error{Line: 1, Msg: "the file is empty; expected a header row " + strings.Join(required, ",")}
	}
	if err != nil {
		return nil, csvError(err)
	}
	cols, err := columns(header)
	if err != nil {
		return nil, err
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, &Error{Line: line, Msg: fmt.Sprintf("has %d values, the header has %d", len(rec), len(header))}
		}
		if len(rows) == MaxRows {
			return nil, &Error{Line: line, Msg: fmt.Sprintf("too many rows; at most %d per file", MaxRows)}
		}
		row, err := parseRow(line, rec, cols)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, &Error{Line: 2, Msg: "no units after the header row"}
	}
	return rows, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{Line: pe.Line, Msg: pe.Err.Error()}
	}
	return err
}

// columns maps column names to their index, accepting any order and a UTF-8 BOM (Excel writes one).
func columns(header []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !contains(required, name) && !contains(optional, name) {
			return nil, &Error{Line: 1, Column: h, Msg: "unknown column; expected " + strings.Join(append(required, optional...), ", ")}
		}
		if _, dup := cols[name]; dup {
			return nil, &Error{Line: 1, Column: name, Msg: "column appears twice"}
		}
		cols[name] = i
	}
	for _, name := range required {
		if _, ok := cols[name]; !ok {
			return nil, &Error{Line: 1, Column: name, Msg: "required column is missing"}
		}
	}
	return cols, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func parseRow(line int, rec []string, cols map[string]int) (Row, error) {
	get := func(name string) string {
		if i, ok := cols[name]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	bad := func(col, format string, args ...any) (Row, error) {
		return Row{}, &Error{Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
	}
	r := Row{Line: line, Code: get("code"), Name: norm.NFC.String(get("name")), Type: strings.ToUpper(get("type")),
		ParentCode: get("parent_code"), Region: strings.ToUpper(get("region")), CommuneGroup: get("commune_group")}
	if !codeRE.MatchString(r.Code) {
		return bad("code", "%q is not an official code (1 to 12 digits)", r.Code)
	}
	if !utf8.ValidString(r.Name) {
		return bad("name", "is not UTF-8 text; save the sheet as \"CSV UTF-8\"")
	}
	if r.Name == "" || utf8.RuneCountInString(r.Name) > 200 {
		return bad("name", "must have 1 to 200 characters")
	}
	if !types[r.Type] {
		return bad("type", "%q is not one of PROVINCE, DISTRICT, COMMUNE, WARD, TOWNSHIP, VILLAGE", r.Type)
	}
	if r.ParentCode != "" && !codeRE.MatchString(r.ParentCode) {
		return bad("parent_code", "%q is not an official code (1 to 12 digits)", r.ParentCode)
	}
	d, err := date.Parse(get("valid_from"))
	if err != nil {
		return bad("valid_from", "%v", err)
	}
	r.ValidFrom = d
	if r.Region != "" && !regionRE.MatchString(r.Region) {
		return bad("region", "%q is not a region code such as TDMNPB", r.Region)
	}
	if r.CommuneGroup != "" && r.CommuneGroup != "1" && r.CommuneGroup != "2" && r.CommuneGroup != "3" {
		return bad("commune_group", "%q is not 1, 2 or 3", r.CommuneGroup)
	}
	return r, nil
}
