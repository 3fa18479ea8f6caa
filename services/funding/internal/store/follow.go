package store

import (
	"context"
	"database/sql"

	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/services/funding/internal/planindex"
)

// followPage is how many rows PlansAfter and DisbursementsAfter read per
// query.
const followPage = 10_000

// PlansAfter returns every plan with an id above after, in id order, as
// the in-memory index (planindex) holds them: what it loads at start and
// catches up with after any replica's writes. Ids commit in order
// (db.OrderIDs), so a plan with a lower id never appears later.
func (s *Store) PlansAfter(ctx context.Context, after int64) ([]planindex.Plan, error) {
	return db.ReadAfter(ctx, s.db, after, followPage, `SELECT id, unit_code, source, purpose, year, allocated_on, amount_vnd, quantity_milli
		FROM plans WHERE id > $1 ORDER BY id LIMIT $2`, func(rows *sql.Rows) (planindex.Plan, int64, error) {
		var p planindex.Plan
		var year int64
		err := rows.Scan(&p.ID, &p.Unit, &p.Source, &p.Purpose, &year, &p.AllocatedOn, &p.Planned.AmountVND, &p.Planned.QuantityMilli)
		p.Year = int(year)
		return p, p.ID, err
	})
}

// DisbursementsAfter returns every disbursement with an id above after, in
// id order, as PlansAfter does for plans.
func (s *Store) DisbursementsAfter(ctx context.Context, after int64) ([]planindex.Disbursement, error) {
	return db.ReadAfter(ctx, s.db, after, followPage, `SELECT id, plan_id, disbursed_on, amount_vnd, quantity_milli
		FROM disbursements WHERE id > $1 ORDER BY id LIMIT $2`, func(rows *sql.Rows) (planindex.Disbursement, int64, error) {
		var d planindex.Disbursement
		err := rows.Scan(&d.ID, &d.PlanID, &d.DisbursedOn, &d.Disbursed.AmountVND, &d.Disbursed.QuantityMilli)
		return d, d.ID, err
	})
}
