package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	utf16LEBOM = []byte{0xFF, 0xFE}
	utf16BEBOM = []byte{0xFE, 0xFF}
)

// readCSV parses a comma- or semicolon-separated file. Excel writes a BOM
// before "CSV UTF-8" and, with Vietnamese regional settings (decimal comma),
// separates fields with ';'.
func readCSV(data []byte, lim Limits) ([]Row, error) {
	if bytes.HasPrefix(data, utf16LEBOM) || bytes.HasPrefix(data, utf16BEBOM) {
		return nil, fmt.Errorf("%w: the file is UTF-16 text; save it as \"CSV UTF-8\"", ErrFormat)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	sep := separator(data)
	if err := checkWidth(data, sep, lim.MaxColumns); err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.LazyQuotes = false
	b := budget{lim: lim}
	var rows []Row
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		// encoding/csv skips blank lines; the line a record starts on is
		// still the number an editor shows.
		line, _ := r.FieldPos(0)
		row, err := b.add("", line, rec)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
}

// separator returns ';' when the first line has more semicolons than commas
// outside quotes, else ','.
func separator(data []byte) rune {
	commas, semis := 0, 0
	quoted := false
	for _, c := range data {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			return sepOf(commas, semis)
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
	return sepOf(commas, semis)
}

func sepOf(commas, semis int) rune {
	if semis > commas {
		return ';'
	}
	return ','
}

// checkWidth refuses a record wider than maxCols before encoding/csv
// allocates it: 25 MB of separators on one line would otherwise become
// millions of fields at once. A doubled quote inside a quoted field toggles
// twice, so counting quotes tracks RFC 4180 quoting exactly.
func checkWidth(data []byte, sep rune, maxCols int) error {
	fields, line := 1, 1
	quoted := false
	for _, c := range data {
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\n':
			line++
			if !quoted {
				fields = 1
			}
		case quoted:
		case rune(c) == sep:
			fields++
			if fields > maxCols {
				return fmt.Errorf("%w: line %d has more than %d columns", ErrTooLarge, line, maxCols)
			}
		}
	}
	return nil
}
