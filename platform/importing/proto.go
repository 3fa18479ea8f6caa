package importing

import operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"

// Proto is the summary as an operation reports it.
func (s Summary) Proto() *operationv1.ImportSummary {
	out := &operationv1.ImportSummary{
		DryRun: s.DryRun, Written: s.Written,
		Rows: int64(s.Rows), Created: int64(s.Created), Updated: int64(s.Updated), Skipped: int64(s.Skipped), Rejected: int64(s.Rejected),
		ConflictsTotal: int64(s.ConflictsTotal),
	}
	for _, c := range s.Conflicts {
		out.Conflicts = append(out.Conflicts, &operationv1.Conflict{Sheet: c.Sheet, Row: int64(c.Row), Column: c.Column, Value: c.Value, Message: c.Message, Field: c.Field})
	}
	return out
}
