package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Above ratioFloor uncompressed bytes an entry may be compressed at most
// maxRatio:1. Worksheet XML of real data compresses about 10:1; a run of
// zeros compresses 1000:1, and excelize would inflate it into memory before
// the first row could be counted.
const (
	ratioFloor = 4 << 20
	maxRatio   = 100
)

// checkZip reads the zip central directory (a few KB, nothing inflated) and
// refuses a workbook that declares more than lim.MaxUnzipped bytes or holds
// a suspiciously compressed entry. The declared sizes can be trusted as
// bounds: archive/zip fails an entry that inflates to more than it declares,
// and excelize reads through archive/zip.
func checkZip(data []byte, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%w: not an .xlsx file: %v", ErrFormat, err)
	}
	var total uint64
	for _, f := range zr.File {
		if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64 > maxRatio*f.CompressedSize64 {
			return fmt.Errorf("%w: %s is compressed %d:1, more than %d:1 (a zip bomb?)",
				ErrTooLarge, f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1), maxRatio)
		}
		total += f.UncompressedSize64
		if total > uint64(lim.MaxUnzipped) {
			return fmt.Errorf("%w: the workbook unzips to more than %d bytes", ErrTooLarge, lim.MaxUnzipped)
		}
	}
	// Only once the sizes are known sane is anything inflated.
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, sharedStrings) {
			return checkSharedStrings(f, lim)
		}
	}
	return nil
}

// sharedStrings is the workbook part holding every distinct text of its
// cells, which excelize reads whole into memory before the first row.
const sharedStrings = "xl/sharedStrings.xml"

// checkSharedStrings refuses a workbook with more shared strings than
// cells may be read: each costs excelize a few hundred bytes however short
// it is. It inflates the part once, counting its <si> entries as they
// stream by (bounded by MaxUnzipped, checked first).
func checkSharedStrings(f *zip.File, lim Limits) error {
	r, err := f.Open()
	if err != nil {
		return fmt.Errorf("%w: not an .xlsx file: %v", ErrFormat, err)
	}
	defer r.Close()
	n, err := countTags(r, []byte("<si>"), []byte("<si "), lim.MaxCells)
	if err != nil {
		return fmt.Errorf("%w: not an .xlsx file: %v", ErrFormat, err)
	}
	if n > lim.MaxCells {
		return fmt.Errorf("%w: more than %d distinct texts", ErrTooLarge, lim.MaxCells)
	}
	return nil
}

// countTags counts the occurrences of any of tags in r, stopping past max.
func countTags(r io.Reader, a, b []byte, max int) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	n := 0
	// A tag split across two reads is found by keeping the last few bytes.
	var carry []byte
	buf := make([]byte, 64<<10)
	for n <= max {
		k, err := br.Read(buf)
		chunk := append(append(make([]byte, 0, len(carry)+k), carry...), buf[:k]...)
		n += bytes.Count(chunk, a) + bytes.Count(chunk, b)
		if len(chunk) >= len(a) {
			carry = append(carry[:0], chunk[len(chunk)-len(a)+1:]...)
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// readXLSX streams one sheet row by row (excelize's Rows, not GetRows,
// which would build the whole sheet first) and stops at the first limit.
func readXLSX(data []byte, lim Limits, sheetName string) ([]Row, error) {
	if err := checkZip(data, lim); err != nil {
		return nil, err
	}
	// UnzipXMLSizeLimit as large as the whole budget keeps every part in
	// memory: excelize would otherwise spill big sheets to temporary files.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    lim.MaxUnzipped,
		UnzipXMLSizeLimit: lim.MaxUnzipped,
		ShortDatePattern:  "yyyy-mm-dd",
	})
	if err != nil {
		return nil, fmt.Errorf("%w: not an .xlsx file: %v", ErrFormat, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("%w: the workbook has no sheet", ErrNoSheet)
	}
	if sheetName == "" {
		sheetName = sheets[0]
	}
	it, err := f.Rows(sheetName)
	if err != nil {
		return nil, fmt.Errorf("%w: %q (the workbook has %s)", ErrNoSheet, sheetName, strings.Join(sheets, ", "))
	}
	defer it.Close()
	// The same rows again, as the file holds their values (see stored).
	raw, err := f.Rows(sheetName)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrNoSheet, sheetName, err)
	}
	defer raw.Close()
	b := budget{lim: lim}
	var rows []Row
	for n := 1; it.Next() && raw.Next(); n++ {
		// A row with no cells is still yielded, so n is the row number.
		cells, err := it.Columns()
		if err != nil {
			return nil, fmt.Errorf("%w: %s row %d: %v", ErrFormat, sheetName, n, err)
		}
		values, err := raw.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("%w: %s row %d: %v", ErrFormat, sheetName, n, err)
		}
		for i := range min(len(cells), len(values)) {
			cells[i] = stored(cells[i], values[i])
		}
		row, err := b.add(sheetName, n, cells)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrFormat, sheetName, err)
	}
	return rows, nil
}

// stored is a cell's value as the file holds it when its display would be
// misread. excelize shows a number in the cell's format with en-US
// separators ("1,500" for 1500 under #,##0), which a reader of Vietnamese
// figures would take for a decimal comma; the stored value is plain
// ("1500"). A percentage ("85.5%", stored 0.855), a date ("2024-12-31",
// stored as a serial) and a boolean (TRUE, stored 1) keep their display,
// which says what they mean.
func stored(shown, raw string) string {
	if shown == raw || strings.HasSuffix(shown, "%") || shown == "TRUE" || shown == "FALSE" {
		return shown // a boolean cell is stored as 1 or 0
	}
	if _, err := strconv.ParseFloat(raw, 64); err != nil {
		return shown // text
	}
	if _, isDate := DateCell(shown); isDate && shown != raw {
		if _, plain := strconv.ParseFloat(shown, 64); plain != nil {
			return shown
		}
	}
	return raw
}
