package store

import (
	"context"
	"database/sql"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// CheckImport plans an import against the map as it is and writes
// nothing: what a file's rows are checked with before they are written.
func (s *Store) CheckImport(ctx context.Context, rows []unit.ImportRow, decision string) (unit.ImportPlan, error) {
	return unit.PlanImport(rows, decision, readState{ctx: ctx, q: s.db})
}

// ImportUnits plans an import in the transaction that writes it, with
// the audit trail's rows: when a row is refused nothing is written and
// the plan says which rows were; otherwise every change is written.
func (s *Store) ImportUnits(ctx context.Context, rows []unit.ImportRow, decision string) (unit.ImportPlan, []Applied, error) {
	var plan unit.ImportPlan
	var out []Applied
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		if err := s.serializeMapWrites(ctx, tx); err != nil {
			return err
		}
		st, err := newTxState(ctx, tx)
		if err != nil {
			return err
		}
		if plan, err = unit.PlanImport(rows, decision, st); err != nil || !plan.Clean() {
			return err
		}
		for i, c := range plan.Changes {
			a, err := st.write(c, plan.Plans[i])
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return unit.ImportPlan{}, nil, err
	}
	return plan, out, nil
}

// readState is the map as the database has it now (a unit.State), for
// checks that write nothing.
type readState struct {
	ctx context.Context
	q   queryer
}

func (s readState) Versions(code string) ([]unit.Version, error) { return versionsOf(s.ctx, s.q, code) }

func (s readState) ChildrenAt(code string, d date.Date) ([]unit.Version, error) {
	return childrenAt(s.ctx, s.q, code, d)
}

func (s readState) ChildrenFrom(code string, d date.Date) ([]unit.Version, error) {
	return childrenFrom(s.ctx, s.q, code, d)
}
