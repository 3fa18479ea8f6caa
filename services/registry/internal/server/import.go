package server

import (
	"github.com/ntmsuite/ntm/platform/fault"
)

// progressRows is how many rows are checked between two progress reports
// of an import (and chances to stop when it is cancelled).
const progressRows = 1000

// refusedAs is err as the violations of a row: a refusal's bad fields, or
// its message for the row as a whole. ok is false for an error that is no
// refusal (a service down), which ends the import.
func refusedAs(err error) (vs []fault.Violation, ok bool) {
	f, ok := fault.As(err)
	if !ok || f.Kind == fault.KindUnavailable {
		return nil, false
	}
	if len(f.Violations) > 0 {
		return f.Violations, true
	}
	return []fault.Violation{{Description: f.Message}}, true
}
