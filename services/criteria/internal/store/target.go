package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/period"
	"github.com/ntmsuite/ntm/services/criteria/internal/plan"
)

// auditedTarget is a target as the trail keeps it: the row as stored.
type auditedTarget struct {
	ID             int64     `json:"id"`
	UnitCode       string    `json:"unit_code"`
	Period         string    `json:"period"`
	Kind           string    `json:"kind"`
	Value          float64   `json:"value"`
	DecisionNumber string    `json:"decision_number"`
	DecidedOn      string    `json:"decided_on"`
	Note           string    `json:"note"`
	CreatedAt      time.Time `json:"created_at"`
}

const targetColumns = `id, unit_code, period, kind, value, decision_number, decided_on, note, created_at`

func scanTarget(sc db.Scanner) (plan.Target, error) {
	var t plan.Target
	var p string
	var created db.Timestamp
	if err := sc.Scan(&t.ID, &t.UnitCode, &p, &t.Kind, &t.Value, &t.DecisionNumber, &t.DecidedOn, &t.Note, &created); err != nil {
		return t, err
	}
	t.CreatedAt = created.T
	var err error
	if t.Period, err = period.Parse(p); err != nil {
		return t, fmt.Errorf("target %d: %w", t.ID, err)
	}
	return t, nil
}

// CreateTarget records t once per unit, period and kind, as
// CreateRegistration records a registration.
func (s *Store) CreateTarget(ctx context.Context, t plan.Target) (plan.Target, bool, error) {
	out, created, err := s.CreateTargets(ctx, []plan.Target{t}, true)
	if err != nil {
		return plan.Target{}, false, err
	}
	return out[0], created[0], nil
}

// CreateTargets records ts in one transaction as CreateTarget records one,
// and returns each as on file with whether it was written; with keep false
// nothing stays written (see createEachOnce).
func (s *Store) CreateTargets(ctx context.Context, ts []plan.Target, keep bool) ([]plan.Target, []bool, error) {
	out := slices.Clone(ts)
	created, err := s.createEachOnce(ctx, len(ts), keep, func(tx *sql.Tx, i int) (bool, error) {
		t := ts[i]
		created, err := createOnceIn(ctx, tx, `INSERT INTO targets (unit_code, period, kind, value, decision_number, decided_on, note)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (unit_code, period, kind) DO NOTHING RETURNING id, created_at`,
			[]any{t.UnitCode, t.Period.Text, t.Kind, t.Value, t.DecisionNumber, t.DecidedOn, t.Note},
			func(id int64, at time.Time) audit.Change {
				o := &out[i]
				o.ID, o.CreatedAt = id, at
				return audit.Change{Resource: o.Name(), Unit: o.UnitCode, After: auditedTarget{
					ID: o.ID, UnitCode: o.UnitCode, Period: o.Period.Text, Kind: o.Kind, Value: o.Value,
					DecisionNumber: o.DecisionNumber, DecidedOn: o.DecidedOn.String(), Note: o.Note, CreatedAt: o.CreatedAt,
				}}
			},
			func(tx *sql.Tx) (err error) {
				out[i], err = scanTarget(tx.QueryRowContext(ctx, `SELECT `+targetColumns+` FROM targets
					WHERE unit_code = $1 AND period = $2 AND kind = $3`, t.UnitCode, t.Period.Text, t.Kind))
				return err
			})
		if err != nil {
			return false, fmt.Errorf("record target %s of unit %s for %s: %w", t.Kind, t.UnitCode, t.Period, err)
		}
		return created, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, created, nil
}

// TargetQuery selects a unit's targets.
type TargetQuery struct {
	UnitCode string
	// Period is the targets' period; the zero Period (Text "") is every period.
	Period period.Period
	// AsOf, when not zero, leaves out the targets decided after it: the plan
	// as known that day. A target with no decision date is always listed.
	AsOf date.Date
}

// ListTargets returns the targets q selects, by period (a year before the
// phases starting with it, phases by their end) then kind.
func (s *Store) ListTargets(ctx context.Context, q TargetQuery) ([]plan.Target, error) {
	query := `SELECT ` + targetColumns + ` FROM targets WHERE unit_code = $1`
	args := []any{q.UnitCode}
	if q.Period.Text != "" {
		args = append(args, q.Period.Text)
		query += ` AND period = $` + strconv.Itoa(len(args))
	}
	if !q.AsOf.IsZero() {
		args = append(args, q.AsOf)
		query += ` AND (decided_on IS NULL OR decided_on <= $` + strconv.Itoa(len(args)) + `)`
	}
	rows, err := s.db.QueryContext(ctx, query+` ORDER BY period, kind`, args...)
	return db.ScanAll(rows, err, scanTarget)
}
