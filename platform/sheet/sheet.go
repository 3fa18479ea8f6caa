// Package sheet reads the spreadsheets that offices upload (.xlsx, or .csv
// as exported by Excel) without trusting them, and writes the .xlsx
// templates they fill in. It is the shared base of the file imports:
// communes fill indicator forms in Excel, provinces upload a whole province
// in one file.
//
// Reading is bounded: the file size, the declared unzipped size, the
// compression ratio of each zip entry, the number of rows, columns and cells
// are checked before or while the file is parsed, so a zip bomb or a sheet
// with a million rows is refused in milliseconds with an error wrapping
// ErrTooLarge. Every error of Read wraps one of the exported sentinels, so a
// service maps them all to InvalidArgument.
//
// Formulas are never evaluated: for a formula cell Read returns the value
// Excel cached when it last saved the file (empty if it never computed it).
// Cells come back as Excel displays them (excelize applies the number
// format), except that the built-in short date format is shown as
// yyyy-mm-dd; DateCell turns the other date spellings into that form.
package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The errors of Read and FindHeader. They are wrapped with the detail a
// user needs (the limit, the cell), so test them with errors.Is.
var (
	// ErrTooLarge: the file exceeds one of the Limits.
	ErrTooLarge = errors.New("spreadsheet too large")
	// ErrFormat: the bytes are not a readable .xlsx or CSV file.
	ErrFormat = errors.New("unreadable spreadsheet")
	// ErrText: a cell holds a NUL character or bytes that are not UTF-8.
	ErrText = errors.New("invalid text in spreadsheet")
	// ErrNoSheet: the workbook has no sheet of the requested name.
	ErrNoSheet = errors.New("no such sheet")
	// ErrNoHeader: none of the first rows looks like the expected header.
	ErrNoHeader = errors.New("header row not found")
)

// Format is the kind of file Read parses.
type Format int

// The formats Detect tells apart.
const (
	CSV Format = iota
	XLSX
)

func (f Format) String() string {
	if f == XLSX {
		return "XLSX"
	}
	return "CSV"
}

// zipMagic opens every zip archive, hence every .xlsx (and .ods, which
// excelize then refuses).
var zipMagic = []byte("PK\x03\x04")

// oleMagic opens legacy .xls workbooks and password-protected .xlsx files;
// neither can be imported, and read as CSV they would only give a confusing
// text error.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Detect tells an .xlsx (a zip archive) from a CSV file by its first bytes;
// the file name an upload claims is not trusted.
func Detect(data []byte) Format {
	if bytes.HasPrefix(data, zipMagic) {
		return XLSX
	}
	return CSV
}

// Limits bound what Read accepts. A zero field takes its DefaultLimits value.
type Limits struct {
	MaxBytes    int64 // size of the uploaded file
	MaxUnzipped int64 // total uncompressed size an .xlsx declares
	MaxCells    int   // cells kept, counting the empty ones before a row's last value
	MaxRows     int   // highest row number
	MaxColumns  int   // widest row, counting empty cells before its last one
}

// DefaultLimits fit one province's file of 10,000 communes × ~70 columns
// with room to spare (700,000 cells; such an .xlsx is ~5 MB zipped, ~30 MB
// unzipped). What excelize holds in memory grows with the unzipped size
// and, many times over, with the shared strings' count (MaxCells bounds
// it): a 280 MB workbook of 16 million tiny strings took 6.6 GB.
var DefaultLimits = Limits{
	MaxBytes:    25 << 20,
	MaxUnzipped: 128 << 20,
	MaxCells:    1_000_000,
	MaxRows:     50_000,
	MaxColumns:  1_000,
}

func (l Limits) orDefaults() Limits {
	d := DefaultLimits
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxUnzipped <= 0 {
		l.MaxUnzipped = d.MaxUnzipped
	}
	if l.MaxCells <= 0 {
		l.MaxCells = d.MaxCells
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = d.MaxColumns
	}
	return l
}

// reading holds a place for each file being read (see Read).
var reading = make(chan struct{}, 2)

// Row is one row of a sheet.
type Row struct {
	Sheet  string   // sheet name; "" for CSV
	Number int      // 1-based row number as Excel (or, for CSV, a text editor) shows it
	Cells  []string // trimmed NFC values up to the last non-empty one
}

// Cell returns the value in column i (0 for column A), "" beyond the last
// non-empty cell.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}

// Ref names cell i of the row the way Excel does ("C7", "'Xã 1'!C7") for
// messages to the user.
func (r Row) Ref(i int) string {
	return ref(r.Sheet, i, r.Number)
}

// Read parses an .xlsx or CSV file (told apart by Detect) into rows.
// sheetName picks the sheet of a workbook, "" the first one; it is ignored
// for CSV. Empty rows inside the data are kept (with no Cells) for the
// importer to skip or report; empty rows at the end are dropped. A CSV's
// blank lines (not even a separator) are skipped by encoding/csv, but Row
// numbers still follow the lines.
func Read(data []byte, lim Limits, sheetName string) ([]Row, error) {
	lim = lim.orDefaults()
	// Reading is CPU and memory heavy: a process reads a few files at once,
	// the others wait their turn rather than multiply the peak.
	reading <- struct{}{}
	defer func() { <-reading }()
	if int64(len(data)) > lim.MaxBytes {
		return nil, fmt.Errorf("%w: the file has %d bytes, more than the limit of %d", ErrTooLarge, len(data), lim.MaxBytes)
	}
	if bytes.HasPrefix(data, oleMagic) {
		return nil, fmt.Errorf("%w: a legacy .xls or password-protected workbook; save it as an unprotected .xlsx", ErrFormat)
	}
	var (
		rows []Row
		err  error
	)
	if Detect(data) == XLSX {
		rows, err = readXLSX(data, lim, sheetName)
	} else {
		rows, err = readCSV(data, lim)
	}
	if err != nil {
		return nil, err
	}
	for len(rows) > 0 && len(rows[len(rows)-1].Cells) == 0 {
		rows = rows[:len(rows)-1]
	}
	return rows, nil
}

// budget counts what a reader has kept against the limits.
type budget struct {
	lim   Limits
	cells int
}

// add cleans the raw cells of row number n and counts them; it returns the
// row to keep.
func (b *budget) add(sheet string, n int, raw []string) (Row, error) {
	if n > b.lim.MaxRows {
		return Row{}, fmt.Errorf("%w: more than %d rows", ErrTooLarge, b.lim.MaxRows)
	}
	if len(raw) > b.lim.MaxColumns {
		return Row{}, fmt.Errorf("%w: row %d has %d columns, more than the limit of %d", ErrTooLarge, n, len(raw), b.lim.MaxColumns)
	}
	last := 0
	for i, c := range raw {
		v, err := clean(c)
		if err != nil {
			return Row{}, fmt.Errorf("%w: cell %s %v", ErrText, ref(sheet, i, n), err)
		}
		raw[i] = v
		if v != "" {
			last = i + 1
		}
	}
	b.cells += last
	if b.cells > b.lim.MaxCells {
		return Row{}, fmt.Errorf("%w: more than %d cells", ErrTooLarge, b.lim.MaxCells)
	}
	if last == 0 {
		return Row{Sheet: sheet, Number: n}, nil
	}
	// A copy: raw[:last] would keep the reader's whole record alive, so a
	// CSV line of one value and 999 separators would hold 16 KB per row
	// while counting as one cell (a 23 MB file took 370 MB).
	return Row{Sheet: sheet, Number: n, Cells: slices.Clone(raw[:last])}, nil
}

// clean trims a cell and brings it to NFC: Excel on macOS writes
// decomposed Vietnamese letters, which would not equal the same name typed
// on Windows. A NUL or invalid UTF-8 is refused rather than repaired, as no
// store keeps it and a CSV in a legacy code page would otherwise import as
// garbage.
func clean(s string) (string, error) {
	if printableASCII(s) {
		// Most cells of a form (codes, numbers, dates): already valid and
		// in NFC, and the only check left is trimming.
		return strings.TrimSpace(s), nil
	}
	if !utf8.ValidString(s) {
		return "", errors.New("is not UTF-8 text (save a CSV as \"CSV UTF-8\")")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "", errors.New("holds a NUL character")
	}
	return norm.NFC.String(strings.TrimSpace(s)), nil
}

// printableASCII tells whether s is ASCII with no character below the
// space but tab, newline and carriage return (so no NUL).
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || (c < ' ' && c != '\t' && c != '\n' && c != '\r') {
			return false
		}
	}
	return true
}

// CellName names a cell as Excel does: col is the index into Row.Cells
// (0 for column A) and row is Row.Number, so CellName(2, 7) is "C7".
func CellName(col, row int) string {
	var letters []byte
	for n := col + 1; n > 0; n = (n - 1) / 26 {
		letters = append(letters, byte('A'+(n-1)%26))
	}
	for i, j := 0, len(letters)-1; i < j; i, j = i+1, j-1 {
		letters[i], letters[j] = letters[j], letters[i]
	}
	return string(letters) + strconv.Itoa(row)
}

// ref prefixes CellName with the sheet, quoted as Excel quotes names that
// are not plain words.
func ref(sheet string, col, row int) string {
	if sheet == "" {
		return CellName(col, row)
	}
	plain := true
	for _, r := range sheet {
		if r != '_' && !(r >= '0' && r <= '9') && !(r >= 'A' && r <= 'Z') && !(r >= 'a' && r <= 'z') {
			plain = false
			break
		}
	}
	if !plain {
		sheet = "'" + strings.ReplaceAll(sheet, "'", "''") + "'"
	}
	return sheet + "!" + CellName(col, row)
}
