// Package store keeps the funding service's plans (allocations) and the
// disbursements made against them in SQL. One implementation serves SQLite
// and PostgreSQL (the SQL text is shared; each dialect has its own
// migrations), and both pass the conformance suite in storetest.
//
// The store is plain data. Whether a unit, a source or a purpose exists, and
// whether a disbursement may exceed its plan, are decided by the caller; the
// store records what it is given (refusing only what its constraints forbid:
// negative amounts, years outside 2010-2100, a disbursement of no plan),
// serialises the writes against one plan so the caller's overrun rule sees
// every earlier disbursement, and answers as-of questions.
//
// Money is int64 VND and goods are int64 thousandths of the source's unit,
// never floats, so totals are exact. Sums are taken per plan only: adding
// plans together is the caller's job, with checked arithmetic.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
)

// ErrNotFound is returned when a read finds no such row.
var ErrNotFound = errors.New("not found")

// Totals are money and goods added together.
type Totals struct {
	AmountVND int64
	// QuantityMilli is goods in thousandths of the source's unit (120.5
	// tonnes of cement is 120500), so fractions add up exactly.
	QuantityMilli int64
}

// Plan is an allocation: what a unit may spend from one funding source on
// one purpose in a budget year.
type Plan struct {
	ID       int64
	Year     int // the budget year, 2010 to 2100
	UnitCode string
	Source   string // catalog source code
	Purpose  string // catalog purpose code
	// AmountVND and QuantityMilli are what was allocated: money, goods in
	// kind, or both (cement valued in VND).
	AmountVND     int64
	QuantityMilli int64
	// AllocatedOn is the date of the allocation decision: as-of reads leave
	// out plans allocated later, so a past date's figures never change.
	AllocatedOn    date.Date
	DecisionNumber string
	Note           string
	// CreatedAt is set by the database (UTC), so replicas with drifting
	// clocks agree on one time source.
	CreatedAt time.Time
}

// Disbursement is a dated actual against one plan.
type Disbursement struct {
	ID            int64
	PlanID        int64
	DisbursedOn   date.Date
	AmountVND     int64
	QuantityMilli int64
	// OverrunReason is why the plan was exceeded, when the caller's rule
	// let it be.
	OverrunReason string
	Note          string
	// UnitCode is the plan's, set by the store on reads and creates: it is
	// not stored with the disbursement, so the two can never disagree.
	UnitCode  string
	CreatedAt time.Time
}

// Store is the funding service's database.
type Store struct {
	db *db.DB
}

// New returns the store of a migrated database (see package migrations).
func New(d *db.DB) *Store { return &Store{db: d} }

// Ping reports whether the database answers (gRPC health readiness).
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

const planColumns = `id, year, unit_code, source, purpose, amount_vnd, quantity_milli, allocated_on, decision_number, note, created_at`

func scanPlan(sc db.Scanner) (Plan, error) {
	var p Plan
	var created db.Timestamp
	err := sc.Scan(&p.ID, &p.Year, &p.UnitCode, &p.Source, &p.Purpose, &p.AmountVND, &p.QuantityMilli,
		&p.AllocatedOn, &p.DecisionNumber, &p.Note, &created)
	p.CreatedAt = created.T
	return p, err
}

// CreatePlans records plans, with their audit rows, in one transaction (all or none) and returns
// them with ID and CreatedAt set, in order. A province's yearly allocation
// decision lists many plans; recording half of one would leave figures no
// decision ever made. An error names the index of the row refused.
func (s *Store) CreatePlans(ctx context.Context, plans []Plan) ([]Plan, error) {
	out := make([]Plan, len(plans))
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		// The in-memory index of every replica follows plans by id.
		if err := s.db.OrderIDs(ctx, tx, "plans"); err != nil {
			return err
		}
		for i, p := range plans {
			var created db.Timestamp
			if err := tx.QueryRowContext(ctx, `INSERT INTO plans (year, unit_code, source, purpose, amount_vnd, quantity_milli, allocated_on, decision_number, note)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id, created_at`,
				p.Year, p.UnitCode, p.Source, p.Purpose, p.AmountVND, p.QuantityMilli, p.AllocatedOn, p.DecisionNumber, p.Note).Scan(&p.ID, &created); err != nil {
				return fmt.Errorf("record plan %d of %d: %w", i, len(plans), err)
			}
			p.CreatedAt = created.T
			if err := audit.Record(ctx, tx, audit.Change{Resource: fmt.Sprintf("plans/%d", p.ID), Unit: p.UnitCode, After: p}); err != nil {
				return err
			}
			out[i] = p
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetPlan returns one plan; ErrNotFound when there is none with id.
func (s *Store) GetPlan(ctx context.Context, id int64) (Plan, error) {
	p, err := scanPlan(s.db.QueryRowContext(ctx, `SELECT `+planColumns+` FROM plans WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Plan{}, ErrNotFound
	}
	if err != nil {
		return Plan{}, fmt.Errorf("read plan %d: %w", id, err)
	}
	return p, nil
}
