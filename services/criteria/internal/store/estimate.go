package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/services/criteria/internal/plan"
)

// auditedEstimate is an estimate as the trail keeps it: the row as stored.
type auditedEstimate struct {
	ID          int64     `json:"id"`
	UnitCode    string    `json:"unit_code"`
	Year        int       `json:"year"`
	Kind        string    `json:"kind"`
	Value       float64   `json:"value"`
	EstimatedOn string    `json:"estimated_on"`
	Note        string    `json:"note"`
	CreatedAt   time.Time `json:"created_at"`
}

const estimateColumns = `id, unit_code, year, kind, value, estimated_on, note, created_at`

func scanEstimate(sc db.Scanner) (plan.Estimate, error) {
	var e plan.Estimate
	var created db.Timestamp
	err := sc.Scan(&e.ID, &e.UnitCode, &e.Year, &e.Kind, &e.Value, &e.EstimatedOn, &e.Note, &created)
	e.CreatedAt = created.T
	return e, err
}

// CreateEstimate records e with its audit entry and returns it with created
// true. If e's unit already has an estimate of its kind and year made on its
// date, nothing is written and that one is returned with created false.
func (s *Store) CreateEstimate(ctx context.Context, e plan.Estimate) (plan.Estimate, bool, error) {
	out := e
	created, err := s.createOnce(ctx, `INSERT INTO estimates (unit_code, year, kind, value, estimated_on, note)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (unit_code, year, kind, estimated_on) DO NOTHING RETURNING id, created_at`,
		[]any{e.UnitCode, e.Year, e.Kind, e.Value, e.EstimatedOn, e.Note},
		func(id int64, at time.Time) audit.Change {
			out.ID, out.CreatedAt = id, at
			return audit.Change{Resource: out.Name(), Unit: out.UnitCode, After: auditedEstimate{
				ID: out.ID, UnitCode: out.UnitCode, Year: out.Year, Kind: out.Kind, Value: out.Value,
				EstimatedOn: out.EstimatedOn.String(), Note: out.Note, CreatedAt: out.CreatedAt,
			}}
		},
		func(tx *sql.Tx) (err error) {
			out, err = scanEstimate(tx.QueryRowContext(ctx, `SELECT `+estimateColumns+` FROM estimates
				WHERE unit_code = $1 AND year = $2 AND kind = $3 AND estimated_on = $4`, e.UnitCode, e.Year, e.Kind, e.EstimatedOn))
			return err
		})
	if err != nil {
		return plan.Estimate{}, false, fmt.Errorf("record estimate %s of unit %s for %d: %w", e.Kind, e.UnitCode, e.Year, err)
	}
	return out, created, nil
}

// ListEstimates returns the estimates of unitCode's year in force on asOf:
// of each kind, the latest made on or before asOf, by kind.
func (s *Store) ListEstimates(ctx context.Context, unitCode string, year int, asOf date.Date) ([]plan.Estimate, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+estimateColumns+` FROM estimates e
		WHERE unit_code = $1 AND year = $2 AND estimated_on <= $3
		AND NOT EXISTS (SELECT 1 FROM estimates l WHERE l.unit_code = e.unit_code AND l.year = e.year AND l.kind = e.kind
			AND l.estimated_on <= $3 AND l.estimated_on > e.estimated_on)
		ORDER BY kind`, unitCode, year, asOf)
	return db.ScanAll(rows, err, scanEstimate)
}
