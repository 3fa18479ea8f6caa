package store

import (
	"context"
	"database/sql"
	"fmt"
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

// CreateTarget records t with its audit entry and returns it with created
// true. If t's unit already has a target of its kind for its period,
// nothing is written and the target on file is returned with created false.
func (s *Store) CreateTarget(ctx context.Context, t plan.Target) (plan.Target, bool, error) {
	out := t
	created, err := s.createOnce(ctx, `INSERT INTO targets (unit_code, period, kind, value, decision_number, decided_on, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (unit_code, period, kind) DO NOTHING RETURNING id, created_at`,
		[]any{t.UnitCode, t.Period.Text, t.Kind, t.Value, t.DecisionNumber, t.DecidedOn, t.Note},
		func(id int64, at time.Time) audit.Change {
			out.ID, out.CreatedAt = id, at
			return audit.Change{Resource: out.Name(), Unit: out.UnitCode, After: auditedTarget{
				ID: out.ID, UnitCode: out.UnitCode, Period: out.Period.Text, Kind: out.Kind, Value: out.Value,
				DecisionNumber: out.DecisionNumber, DecidedOn: out.DecidedOn.String(), Note: out.Note, CreatedAt: out.CreatedAt,
			}}
		},
		func(tx *sql.Tx) (err error) {
			out, err = scanTarget(tx.QueryRowContext(ctx, `SELECT `+targetColumns+` FROM targets
				WHERE unit_code = $1 AND period = $2 AND kind = $3`, t.UnitCode, t.Period.Text, t.Kind))
			return err
		})
	if err != nil {
		return plan.Target{}, false, fmt.Errorf("record target %s of unit %s for %s: %w", t.Kind, t.UnitCode, t.Period, err)
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
