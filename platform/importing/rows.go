package importing

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/sheet"
)

// Row is a data row of a file as an importer reads it: where it is, its
// cells by column key, and what is wrong with it.
type Row struct {
	Sheet  string
	Number int
	// Keys are the row's filled columns in file order; Cells their values.
	Keys      []string
	Cells     map[string]string
	Conflicts []Conflict
}

// Add records a conflict at column, with the cell as the file has it.
func (r *Row) Add(column, message, field string) {
	r.Conflicts = append(r.Conflicts, Conflict{Sheet: r.Sheet, Row: r.Number, Column: column, Value: r.Cells[column], Message: message, Field: field})
}

// Locate records the API's violations of the row's request at the columns
// that filled their fields (column maps a field to its column key, "" for
// the row as a whole).
func (r *Row) Locate(vs []fault.Violation, column func(field string) string) {
	for _, v := range vs {
		r.Add(column(v.Field), v.Description, v.Field)
	}
}

// ReadRows finds the header among rows by known's keys and titles and
// returns every non-blank row below it. A header cell naming no column
// of known is a conflict of the file, and so is a missing required column,
// which also leaves no rows.
func ReadRows(rows []sheet.Row, known []sheet.Column, required ...string) ([]Row, []Conflict, error) {
	header, index, err := sheet.FindHeader(rows, known)
	if err != nil {
		return nil, nil, err
	}
	head := rows[header]
	var fileConflicts []Conflict
	// A template's titles and keys make one header: a column may be named
	// by its title alone, further right than the key row reaches.
	width := len(head.Cells)
	for _, i := range index {
		width = max(width, i+1)
	}
	keyOf := make([]string, width) // cell position → column key
	for key, i := range index {
		keyOf[i] = key
	}
	for i, cell := range head.Cells {
		if keyOf[i] == "" && cell != "" {
			fileConflicts = append(fileConflicts, Conflict{Sheet: head.Sheet, Row: head.Number, Column: sheet.CellName(i, head.Number), Value: cell,
				Message: "unknown column: not a column of this form (the template's row 2 lists them)"})
		}
	}
	for _, key := range required {
		if _, ok := index[key]; !ok {
			fileConflicts = append(fileConflicts, Conflict{Sheet: head.Sheet, Row: head.Number, Column: key, Message: "the header has no " + key + " column"})
		}
	}
	if missing(index, required) {
		return nil, fileConflicts, nil
	}
	var out []Row
	for _, r := range rows[header+1:] {
		if blank(r.Cells) || isKeyRow(r.Cells, keyOf) {
			continue
		}
		// Sized once: a country's form is 10,000 rows of 70 cells.
		row := Row{Sheet: r.Sheet, Number: r.Number, Keys: make([]string, 0, len(r.Cells)), Cells: make(map[string]string, len(r.Cells))}
		for i, cell := range r.Cells {
			if i < len(keyOf) && keyOf[i] != "" && cell != "" {
				row.Keys = append(row.Keys, keyOf[i])
				row.Cells[keyOf[i]] = cell
			}
		}
		out = append(out, row)
	}
	return out, fileConflicts, nil
}

func missing(index map[string]int, required []string) bool {
	for _, key := range required {
		if _, ok := index[key]; !ok {
			return true
		}
	}
	return false
}

func blank(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

// isKeyRow reports a template's row of keys below its titles, when the
// header found was the titles.
func isKeyRow(cells, keyOf []string) bool {
	for i, c := range cells {
		if c != "" && (i >= len(keyOf) || c != keyOf[i]) {
			return false
		}
	}
	return true
}

// ReadEach reads rows as ReadRows does and makes each row a draft with
// draft: a form's Parse is its columns and its reading of one row. Rows
// are drafted on every core at once, in contiguous runs, so draft must
// read nothing but its row: a country's form is 570,000 cells, read while
// the upload waits and the database has nothing to do yet.
func ReadEach[D any](rows []sheet.Row, known []sheet.Column, draft func(Row) D, required ...string) ([]D, []Conflict, error) {
	read, fileConflicts, err := ReadRows(rows, known, required...)
	if err != nil || len(read) == 0 {
		return nil, fileConflicts, err
	}
	drafts := make([]D, len(read))
	runs := min(runtime.GOMAXPROCS(0), len(read))
	var wg sync.WaitGroup
	var panicked atomic.Value
	for run := range runs {
		wg.Go(func() {
			// A panic goes on on the caller's goroutine, whose recovery
			// turns it into the call's error rather than end the process.
			defer func() {
				if p := recover(); p != nil {
					panicked.CompareAndSwap(nil, fmt.Sprintf("%v\n%s", p, debug.Stack()))
				}
			}()
			for i := run * len(read) / runs; i < (run+1)*len(read)/runs; i++ {
				drafts[i] = draft(read[i])
			}
		})
	}
	wg.Wait()
	if p := panicked.Load(); p != nil {
		panic(p)
	}
	return drafts, fileConflicts, nil
}
