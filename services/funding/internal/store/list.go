package store

import (
	"context"
	"fmt"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
)

// The bounds a zero date stands for: the filters' zero values leave a side
// open, as Year 0 and Source "" select everything. Parse accepts no date
// outside these years, so they bound every stored date, and binding them
// keeps one SQL text for open and closed ranges.
var (
	earliest = date.Of(date.MinYear, time.January, 1)
	latest   = date.Of(date.MaxYear, time.December, 31)
)

// upTo is d as an inclusive upper bound: latest when zero.
func upTo(d date.Date) date.Date {
	if d.IsZero() {
		return latest
	}
	return d
}

// since is d as an inclusive lower bound: earliest when zero.
func since(d date.Date) date.Date {
	if d.IsZero() {
		return earliest
	}
	return d
}

// PlanFilter selects plans for ListPlans. Zero values leave a criterion
// open, except Units (no units, no plans) and Limit (which must be positive).
type PlanFilter struct {
	// Units are the unit codes whose plans are listed: the communes under a
	// province as the registry has them on AsOf. There may be 10,000 and
	// more; they are queried 500 at a time, repeats counted once.
	Units   []string
	Year    int    // 0 = every year
	Source  string // "" = every source
	Purpose string // "" = every purpose
	// AsOf leaves out plans allocated after it, so a past date's list never
	// changes (zero = every date).
	AsOf    date.Date
	AfterID int64 // pagination: ids greater than this (0 for the first page)
	Limit   int   // at most this many, smallest ids first
}

// ListPlans lists the plans f selects, by ID.
func (s *Store) ListPlans(ctx context.Context, f PlanFilter) ([]Plan, error) {
	ps, err := db.ListIn(ctx, s.db, `SELECT `+planColumns+` FROM plans
		WHERE id > $1 AND allocated_on <= $3 AND ($4 = 0 OR year = $4) AND ($5 = '' OR source = $5) AND ($6 = '' OR purpose = $6)
			AND unit_code IN ({in})
		ORDER BY id LIMIT $2`, scanPlan, func(p Plan) int64 { return p.ID },
		f.Units, f.AfterID, f.Limit, upTo(f.AsOf), f.Year, f.Source, f.Purpose)
	if err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	return ps, nil
}

// DisbursementFilter selects disbursements for ListDisbursements.
type DisbursementFilter struct {
	PlanID int64    // when > 0, only this plan's disbursements (Units ignored)
	Units  []string // else the disbursements of plans of these units (chunked)
	// From and To bound disbursed_on, both inclusive; a zero date leaves
	// its side open.
	From, To date.Date
	AfterID  int64 // pagination: ids greater than this (0 for the first page)
	Limit    int   // at most this many, smallest ids first
}

// ListDisbursements lists the disbursements f selects, by ID, each with its
// plan's unit.
func (s *Store) ListDisbursements(ctx context.Context, f DisbursementFilter) ([]Disbursement, error) {
	query := func(in string) string {
		return `SELECT ` + disbursementColumns + disbursementsFrom + `
			WHERE d.id > $1 AND d.disbursed_on >= $3 AND d.disbursed_on <= $4 AND ` + in + `
			ORDER BY d.id LIMIT $2`
	}
	id := func(d Disbursement) int64 { return d.ID }
	var ds []Disbursement
	var err error
	if f.PlanID > 0 {
		ds, err = db.ListIn(ctx, s.db, query(`d.plan_id IN ({in})`), scanDisbursement, id,
			[]int64{f.PlanID}, f.AfterID, f.Limit, since(f.From), upTo(f.To))
	} else {
		ds, err = db.ListIn(ctx, s.db, query(`p.unit_code IN ({in})`), scanDisbursement, id,
			f.Units, f.AfterID, f.Limit, since(f.From), upTo(f.To))
	}
	if err != nil {
		return nil, fmt.Errorf("list disbursements: %w", err)
	}
	return ds, nil
}
