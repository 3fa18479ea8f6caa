package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ntmsuite/ntm/platform/date"
)

// ListQuery selects one unit's assessments up to a date, a page at a time.
type ListQuery struct {
	UnitCode string
	AsOf     date.Date // assessments with AssessedOn <= AsOf
	SetCode  string    // "" = every set
	After    *Cursor   // nil = first page
	Limit    int       // > 0; the server caps page sizes
}

// Cursor is the position of the last row of a page (newest-first order).
// Both fields are needed: several assessments can share a day, and a date
// alone would skip or repeat them across a page boundary.
type Cursor struct {
	AssessedOn date.Date
	ID         int64
}

// List returns newest first: AssessedOn DESC, then ID DESC (the later
// recorded of two same-day assessments comes first).
func (s *Store) List(ctx context.Context, q ListQuery) ([]Assessment, error) {
	if q.Limit <= 0 {
		// SQLite reads a negative LIMIT as none and PostgreSQL rejects it, and
		// 0 gives a page that never advances: a caller bug either way.
		return nil, fmt.Errorf("store: list limit %d must be positive", q.Limit)
	}
	query := `SELECT ` + assessmentColumns + ` FROM assessments WHERE unit_code = $1 AND assessed_on <= $2`
	args := []any{q.UnitCode, q.AsOf}
	param := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.SetCode != "" {
		query += ` AND set_code = ` + param(q.SetCode)
	}
	if q.After != nil {
		// Spelled out rather than a row value, so both planners see a range
		// on the index (unit_code, assessed_on, id).
		on, id := param(q.After.AssessedOn), param(q.After.ID)
		query += ` AND (assessed_on < ` + on + ` OR (assessed_on = ` + on + ` AND id < ` + id + `))`
	}
	query += ` ORDER BY assessed_on DESC, id DESC LIMIT ` + param(q.Limit)
	return scanAssessments(s.db.QueryContext(ctx, query, args...))
}

// Latest is the assessment that counts for unitCode under setCode on asOf:
// the one with the greatest (AssessedOn, ID) with AssessedOn <= asOf.
// ErrNotFound if none.
func (s *Store) Latest(ctx context.Context, unitCode, setCode string, asOf date.Date) (Assessment, error) {
	as, err := scanAssessments(s.db.QueryContext(ctx, `SELECT `+assessmentColumns+` FROM assessments
		WHERE set_code = $1 AND unit_code = $2 AND assessed_on <= $3
		ORDER BY assessed_on DESC, id DESC LIMIT 1`, setCode, unitCode, asOf))
	if err != nil {
		return Assessment{}, err
	}
	if len(as) == 0 {
		return Assessment{}, ErrNotFound
	}
	return as[0], nil
}
