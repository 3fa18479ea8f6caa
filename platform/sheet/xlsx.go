package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
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
		total += f.UncompressedSize64
		if total > uint64(lim.MaxUnzipped) {
			return fmt.Errorf("%w: the workbook unzips to more than %d bytes", ErrTooLarge, lim.MaxUnzipped)
		}
		if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64 > maxRatio*f.CompressedSize64 {
			return fmt.Errorf("%w: %s is compressed %d:1, more than %d:1 (a zip bomb?)",
				ErrTooLarge, f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1), maxRatio)
		}
	}
	return nil
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
	b := budget{lim: lim}
	var rows []Row
	for n := 1; it.Next(); n++ {
		// A row with no cells is still yielded, so n is the row number.
		cells, err := it.Columns()
		if err != nil {
			return nil, fmt.Errorf("%w: %s row %d: %v", ErrFormat, sheetName, n, err)
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
