package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/services/funding/internal/planindex"
	"github.com/ntmsuite/ntm/services/funding/internal/progress"
)

// mergeByID merges two lists of plans in id order into one in id order.
func mergeByID(a, b []planindex.Fact) []planindex.Fact {
	out := slices.Grow([]planindex.Fact(nil), len(a)+len(b)) // nil when both are
	for len(a) > 0 && len(b) > 0 {
		if a[0].PlanID < b[0].PlanID {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// disbursedSum is what was disbursed against one plan in a window.
type disbursedSum struct {
	planID int64
	progress.Totals
}

// Facts lists the selected plans (ordered by id) with their disbursed totals
// in the window (zero when none: a plan nothing was spent on still counts
// as planned). Summaries count from the in-memory index (planindex),
// which answers the same from the rows PlansAfter and DisbursementsAfter
// give: Facts is what the tests check the index against, after random
// writes on every replica. Sums are per plan in SQL: the caller guarantees
// at write time that a plan's disbursements fit in int64, but nothing
// bounds the sum of many plans, so adding across plans is the caller's
// job with checked arithmetic.
//
// The plans are read alone, in id order, and the sums only of the plans
// with disbursements in the window: grouping every plan with its
// disbursements would sort all the plans. The plans are read in two halves
// (even and odd ids), each on a connection of its own, at once with the
// sums: converting a country's rows, not finding them, is most of the
// time, and the halves spread it over two cores. The statements may see
// different moments; plans are written once, so that can only add a
// disbursement recorded in between to a plan read, or leave out a plan
// recorded in between, or read it without its disbursements.
func (s *Store) Facts(ctx context.Context, q planindex.Query) ([]planindex.Fact, error) {
	toYear := q.ToYear
	if toYear == 0 {
		toYear = date.MaxYear
	}
	where := `p.year >= $1 AND p.year <= $2 AND p.allocated_on <= $3`
	if !q.EveryUnit {
		where += ` AND p.unit_code IN {list}`
	}
	query := func(ctx context.Context, text string, args ...any) (*sql.Rows, error) {
		args = append([]any{q.FromYear, toYear, upTo(q.AllocatedBy)}, args...)
		if q.EveryUnit {
			return s.db.QueryContext(ctx, text, args...)
		}
		return s.db.QueryList(ctx, text, q.Units, args...)
	}
	var (
		halves [2][]planindex.Fact
		sums   []disbursedSum
	)
	g, gctx := errgroup.WithContext(ctx)
	for half := range halves {
		g.Go(func() error {
			rows, err := query(gctx, `SELECT p.id, p.unit_code, p.source, p.purpose, p.year, p.amount_vnd, p.quantity_milli
				FROM plans p WHERE `+where+` AND p.id % 2 = $4 ORDER BY p.id`, half)
			return db.EachRow(rows, err, func(rows *sql.Rows) error {
				var f planindex.Fact
				// The year is scanned as the driver gives it: into an int,
				// database/sql would format it and parse it back.
				var year int64
				err := rows.Scan(&f.PlanID, &f.UnitCode, &f.Source, &f.Purpose, &year, &f.Planned.AmountVND, &f.Planned.QuantityMilli)
				f.Year = int(year)
				halves[half] = append(halves[half], f)
				return err
			})
		})
	}
	g.Go(func() error {
		rows, err := query(gctx, `SELECT d.plan_id, `+sumTotals("d.")+`
			FROM disbursements d JOIN plans p ON p.id = d.plan_id
			WHERE d.disbursed_on >= $4 AND d.disbursed_on <= $5 AND `+where+`
			GROUP BY d.plan_id ORDER BY d.plan_id`, since(q.DisbursedFrom), upTo(q.DisbursedTo))
		return db.EachRow(rows, err, func(rows *sql.Rows) error {
			var d disbursedSum
			err := rows.Scan(&d.planID, &d.AmountVND, &d.QuantityMilli)
			sums = append(sums, d)
			return err
		})
	})
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("read plan facts: %w", err)
	}
	out := mergeByID(halves[0], halves[1])
	// Both in id order: one pass pairs each sum with its plan.
	i := 0
	for _, d := range sums {
		for i < len(out) && out[i].PlanID < d.planID {
			i++
		}
		if i < len(out) && out[i].PlanID == d.planID {
			out[i].Disbursed = d.Totals
		}
	}
	return out, nil
}
