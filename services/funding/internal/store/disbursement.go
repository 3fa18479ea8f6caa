package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/fault"
)

// sumTotals adds up the amount and quantity columns of the disbursements
// aliased x. SUM of BIGINT is NUMERIC on PostgreSQL, so it is cast back to
// BIGINT (an overflow then fails instead of scanning a number int64 cannot
// hold); SQLite's sum() of integers is an integer and fails on overflow too.
// COALESCE makes "no rows" zero.
func sumTotals(x string) string {
	return `CAST(COALESCE(SUM(` + x + `amount_vnd), 0) AS BIGINT), CAST(COALESCE(SUM(` + x + `quantity_milli), 0) AS BIGINT)`
}

const disbursementColumns = `d.id, d.plan_id, d.disbursed_on, d.amount_vnd, d.quantity_milli, d.overrun_reason, d.note, p.unit_code, d.created_at`

// disbursementsFrom is what disbursementColumns read from: the unit is the
// plan's.
const disbursementsFrom = ` FROM disbursements d JOIN plans p ON p.id = d.plan_id`

func scanDisbursement(sc db.Scanner) (Disbursement, error) {
	var d Disbursement
	var created db.Timestamp
	err := sc.Scan(&d.ID, &d.PlanID, &d.DisbursedOn, &d.AmountVND, &d.QuantityMilli, &d.OverrunReason, &d.Note, &d.UnitCode, &created)
	d.CreatedAt = created.T
	return d, err
}

// CheckFunc decides whether disbursement i may be recorded. plan is nil when
// ds[i].PlanID does not exist. before is the plan's totals of ALL its
// disbursements already recorded (any date), including those of earlier
// items of the same batch. d is ds[i] with UnitCode set to the plan's (empty
// when there is none). It returns an error (typically a *fault.Error naming
// the field) to refuse. It runs inside the transaction, with the plan
// locked: it must not call the store.
type CheckFunc func(i int, plan *Plan, before Totals, d Disbursement) error

// CreateDisbursements records ds in one transaction (all or none): for each,
// in order, it reads the plan (locked) and the sum of its disbursements,
// calls check, and inserts. The first error from check is returned
// unchanged, and nothing is written. Returns the rows with ID, UnitCode (the
// plan's; ds[i].UnitCode is ignored) and CreatedAt set.
//
// The overrun rule is decided from the sum check is given, so two batches
// against one plan must not both read it before either inserts: every plan
// of the batch is locked until the transaction ends. On PostgreSQL a no-op
// update takes the plan's row lock (SELECT ... FOR UPDATE is not SQLite's),
// so concurrent writers against one plan run one after the other; SQLite
// already serialises writers (BEGIN IMMEDIATE). The plans are locked up
// front in id order, not in the batch's order, so two batches naming the
// same plans in opposite orders wait for each other instead of deadlocking.
//
// An item whose plan does not exist is check's to refuse; if check lets it
// through, the batch fails with fault.NotFound for the plan.
func (s *Store) CreateDisbursements(ctx context.Context, ds []Disbursement, check CheckFunc) ([]Disbursement, error) {
	if check == nil {
		// The overrun rule is the caller's; recording without one would
		// silently skip it.
		return nil, errors.New("store: CreateDisbursements needs a check")
	}
	out := make([]Disbursement, len(ds))
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		// The in-memory index of every replica follows disbursements by id.
		if err := s.db.OrderIDs(ctx, tx, "disbursements"); err != nil {
			return err
		}
		plans, err := lockPlans(ctx, tx, ds)
		if err != nil {
			return err
		}
		for i, d := range ds {
			plan, ok := plans[d.PlanID]
			var before Totals
			var arg *Plan
			d.UnitCode = ""
			if ok {
				d.UnitCode = plan.UnitCode
				if err := tx.QueryRowContext(ctx, `SELECT `+sumTotals("")+` FROM disbursements WHERE plan_id = $1`, d.PlanID).
					Scan(&before.AmountVND, &before.QuantityMilli); err != nil {
					return fmt.Errorf("sum disbursements of plan %d: %w", d.PlanID, err)
				}
				// plan is this item's copy: what check does to it does not
				// reach later items.
				arg = &plan
			}
			if err := check(i, arg, before, d); err != nil {
				return err
			}
			if !ok {
				return fault.NotFound("plan", fmt.Sprintf("plans/%d", d.PlanID), "plan %d does not exist", d.PlanID)
			}
			var created db.Timestamp
			if err := tx.QueryRowContext(ctx, `INSERT INTO disbursements (plan_id, disbursed_on, amount_vnd, quantity_milli, overrun_reason, note)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at`,
				d.PlanID, d.DisbursedOn, d.AmountVND, d.QuantityMilli, d.OverrunReason, d.Note).Scan(&d.ID, &created); err != nil {
				return fmt.Errorf("record disbursement %d of %d (plan %d): %w", i, len(ds), d.PlanID, err)
			}
			d.CreatedAt = created.T
			if err := audit.Record(ctx, tx, audit.Change{Resource: fmt.Sprintf("disbursements/%d", d.ID), Unit: d.UnitCode, After: d}); err != nil {
				return err
			}
			out[i] = d
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// lockPlans locks and reads the plans of ds until tx ends, in id order (see
// CreateDisbursements). A plan that does not exist is absent from the map.
func lockPlans(ctx context.Context, tx *sql.Tx, ds []Disbursement) (map[int64]Plan, error) {
	plans := make(map[int64]Plan)
	ids := make(map[int64]bool, len(ds))
	for _, d := range ds {
		ids[d.PlanID] = true
	}
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		p, err := scanPlan(tx.QueryRowContext(ctx, `UPDATE plans SET note = note WHERE id = $1 RETURNING `+planColumns, id))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("lock plan %d: %w", id, err)
		}
		plans[id] = p
	}
	return plans, nil
}

// Disbursed returns, for each plan id, the totals of its disbursements dated
// on or before asOf (a zero asOf leaves the date open). Plans without any
// are absent from the map, as are ids of no plan. Each sum is of one plan's
// disbursements, which the caller keeps within int64 when it records them.
func (s *Store) Disbursed(ctx context.Context, planIDs []int64, asOf date.Date) (map[int64]Totals, error) {
	out := make(map[int64]Totals)
	for _, ids := range db.Chunks(planIDs, db.InChunk) {
		rows, err := db.QueryIn(ctx, s.db, `SELECT plan_id, `+sumTotals("")+` FROM disbursements
			WHERE disbursed_on <= $1 AND plan_id IN ({in}) GROUP BY plan_id`, ids, upTo(asOf))
		if err := db.EachRow(rows, err, func(rows *sql.Rows) error {
			var id int64
			var t Totals
			err := rows.Scan(&id, &t.AmountVND, &t.QuantityMilli)
			out[id] = t
			return err
		}); err != nil {
			return nil, fmt.Errorf("sum disbursements: %w", err)
		}
	}
	return out, nil
}
