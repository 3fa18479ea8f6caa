package sheet

import (
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// headerScan is how many leading rows may hold the header: official forms
// put a title, the issuing office and a date above the table.
const headerScan = 10

// FindHeader finds the header row among the first rows: the first row at
// least half of whose cells name one of cols, by Key or by Title, ignoring
// case, spaces around and Unicode normalisation. A file may have any of
// cols (an importer's columns of every criteria set, of which a form has
// one set's, or a provincial system's export a few), so it is the row's
// cells that must be mostly names, not cols that must be mostly named. If the next row also matches (a
// template's row of Keys under its Titles) it belongs to the header too.
// header is the index in rows of the last header row, so the data are
// rows[header+1:]; index maps each Key found to its cell index in Row.Cells.
// Cells naming no column are ignored, and a column that is absent is simply
// not in index: which columns are required is the caller's decision.
func FindHeader(rows []Row, cols []Column) (header int, index map[string]int, err error) {
	names := make(map[string]string, 2*len(cols))
	for _, c := range cols {
		names[fold(c.Key)] = c.Key
		if c.Title != "" {
			names[fold(c.Title)] = c.Key
		}
	}
	delete(names, "")
	if len(names) == 0 {
		return 0, nil, fmt.Errorf("%w: no columns to look for", ErrNoHeader)
	}
	scan := rows[:min(len(rows), headerScan)]
	for i, r := range scan {
		index := match(r, names)
		if !isHeader(r, index) {
			continue
		}
		if i+1 < len(rows) {
			if next := match(rows[i+1], names); isHeader(rows[i+1], next) {
				for k, j := range next {
					if _, ok := index[k]; !ok {
						index[k] = j
					}
				}
				i++
			}
		}
		return i, index, nil
	}
	return 0, nil, fmt.Errorf("%w: in none of the first %d rows are most cells the names of columns (the keys of a template's row 2, such as %q, or their titles)",
		ErrNoHeader, headerScan, cols[0].Key)
}

// isHeader reports a row whose cells are mostly names: index holds the
// columns it names.
func isHeader(r Row, index map[string]int) bool {
	filled := 0
	for _, c := range r.Cells {
		if c != "" {
			filled++
		}
	}
	return len(index) > 0 && 2*len(index) >= filled
}

// match maps the Keys that row r names to their cell index; the first cell
// naming a Key wins.
func match(r Row, names map[string]string) map[string]int {
	index := make(map[string]int)
	for j, c := range r.Cells {
		key, ok := names[fold(c)]
		if !ok {
			continue
		}
		if _, dup := index[key]; !dup {
			index[key] = j
		}
	}
	return index
}

// fold makes header spellings comparable: Read already trims and normalises
// cells, but Column titles come from code and may be typed decomposed.
func fold(s string) string {
	return strings.ToLower(norm.NFC.String(strings.TrimSpace(s)))
}
