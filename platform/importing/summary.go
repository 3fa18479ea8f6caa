// Package importing is what every file import reports, whatever it
// imports: an import summary in the manner of DHIS2's (rows created,
// updated, skipped, rejected) with every conflict located by sheet, row
// and column, so that an office can fix its spreadsheet in one pass.
package importing

import "unicode/utf8"

// MaxConflicts bounds the conflicts a summary lists: enough to fix a
// spreadsheet in one pass, not megabytes of the same mistake. The total is
// still counted.
const MaxConflicts = 1000

// Conflict is one problem of a file, where an office finds it.
type Conflict struct {
	Sheet string
	// Row is the row number as the spreadsheet shows it (1-based); 0 for
	// the file as a whole.
	Row int
	// Column is the column's key (an indicator code, "unit_code"), "" for
	// the whole row.
	Column string
	// Value is the cell as read.
	Value string
	// Message says what is wrong, naming the rule.
	Message string
	// Field is the API field the column fills, as a request would name it.
	Field string
}

// Summary is the outcome of an import or of its dry run.
type Summary struct {
	DryRun bool
	// Written is true when the import stored its rows.
	Written bool
	// Rows counts the data rows read; Created, Updated and Skipped those
	// that were (or in a dry run would be) created, updated or left as
	// they are; Rejected those with a conflict.
	Rows, Created, Updated, Skipped, Rejected int
	// Conflicts are the first MaxConflicts, in file order; ConflictsTotal
	// counts them all.
	Conflicts      []Conflict
	ConflictsTotal int
}

// MaxConflictText bounds a conflict's value and message, in bytes: a cell
// may hold megabytes (Excel's own limit is 32,767 characters, a CSV has
// none), and a summary holding them whole outgrew what a client reads (4
// MiB by default, 32 MiB through the gateway), leaving the operation
// unreadable.
const MaxConflictText = 512

// Add records a conflict, its value and message cut to MaxConflictText.
func (s *Summary) Add(c Conflict) {
	s.ConflictsTotal++
	if len(s.Conflicts) < MaxConflicts {
		c.Value, c.Message = clip(c.Value), clip(c.Message)
		s.Conflicts = append(s.Conflicts, c)
	}
}

// clip cuts s to at most MaxConflictText bytes, at a rune's start, marking
// the cut with an ellipsis.
func clip(s string) string {
	if len(s) <= MaxConflictText {
		return s
	}
	end := MaxConflictText - len("…")
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[:end] + "…"
}

// Clean reports a file without conflicts.
func (s *Summary) Clean() bool { return s.ConflictsTotal == 0 }
