package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
)

// PlanFacts is one plan with what was disbursed against it in a window: what
// a funding summary adds up.
type PlanFacts struct {
	PlanID    int64
	UnitCode  string
	Source    string
	Purpose   string
	Year      int
	Planned   Totals // the plan's amount and quantity
	Disbursed Totals // its disbursements dated in the window
}

// FactsQuery selects the plans and the disbursements a summary counts. A
// zero bound leaves its side open.
type FactsQuery struct {
	// Units are the unit codes whose plans count (queried 500 at a time,
	// repeats counted once).
	Units []string
	// Plans whose budget year is in [FromYear, ToYear] and allocated on or
	// before AllocatedBy: a plan decided after the summary's date did not
	// exist that day.
	FromYear, ToYear int
	AllocatedBy      date.Date
	// Disbursements of those plans dated in [DisbursedFrom, DisbursedTo].
	DisbursedFrom date.Date
	DisbursedTo   date.Date
}

// Facts lists the selected plans (ordered by id) with their disbursed totals
// in the window (zero when none: a plan nothing was spent on still counts
// as planned). Sums are per plan in SQL: the caller guarantees at write
// time that a plan's disbursements fit in int64, but nothing bounds the sum
// of many plans, so adding across plans is the caller's job with checked
// arithmetic. It runs one query, binding every unit code as one list,
// on every call; the caller caches.
func (s *Store) Facts(ctx context.Context, q FactsQuery) ([]PlanFacts, error) {
	toYear := q.ToYear
	if toYear == 0 {
		toYear = date.MaxYear
	}
	var out []PlanFacts
	// The window is in the join, not the WHERE, so a plan with nothing
	// disbursed in it is kept with zero sums.
	rows, err := s.db.QueryList(ctx, `SELECT p.id, p.unit_code, p.source, p.purpose, p.year, p.amount_vnd, p.quantity_milli, `+sumTotals("d.")+`
		FROM plans p LEFT JOIN disbursements d ON d.plan_id = p.id AND d.disbursed_on >= $4 AND d.disbursed_on <= $5
		WHERE p.year >= $1 AND p.year <= $2 AND p.allocated_on <= $3 AND p.unit_code IN {list}
		GROUP BY p.id, p.unit_code, p.source, p.purpose, p.year, p.amount_vnd, p.quantity_milli`, q.Units,
		q.FromYear, toYear, upTo(q.AllocatedBy), since(q.DisbursedFrom), upTo(q.DisbursedTo))
	if err := db.EachRow(rows, err, func(rows *sql.Rows) error {
		var f PlanFacts
		err := rows.Scan(&f.PlanID, &f.UnitCode, &f.Source, &f.Purpose, &f.Year, &f.Planned.AmountVND, &f.Planned.QuantityMilli,
			&f.Disbursed.AmountVND, &f.Disbursed.QuantityMilli)
		out = append(out, f)
		return err
	}); err != nil {
		return nil, fmt.Errorf("read plan facts: %w", err)
	}
	// Sorted here, whatever order the database returned.
	slices.SortFunc(out, func(a, b PlanFacts) int { return cmp.Compare(a.PlanID, b.PlanID) })
	return out, nil
}
