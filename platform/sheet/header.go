package sheet

import (
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// headerScan is how many leading rows may hold the header: official forms
// put a title, the issuing office and a date above the table.
const headerScan = 10

// FindHeader finds the header row among the first rows: the first row
// whose cells name at least half of cols, by Key or by Title, ignoring case,
// spaces around and Unicode normalisation. If the next row also matches (a
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
	scan := rows[:min(len(rows), headerScan)]
	for i, r := range scan {
		index := match(r, names)
		if len(cols) == 0 || 2*len(index) < len(cols) {
			continue
		}
		if i+1 < len(rows) {
			if next := match(rows[i+1], names); 2*len(next) >= len(cols) {
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
	want := make([]string, 0, len(cols))
	for _, c := range cols {
		want = append(want, fmt.Sprintf("%q", c.Title))
	}
	return 0, nil, fmt.Errorf("%w: none of the first %d rows names at least half of the columns %s",
		ErrNoHeader, headerScan, strings.Join(want, ", "))
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
