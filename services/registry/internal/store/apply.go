package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// Applied is what the store recorded for one change.
type Applied struct {
	ID        int64
	CreatedAt time.Time
	Links     []unit.Link
}

// ApplyChanges plans and writes changes in order, all in one transaction,
// with a row of the audit trail for every unit written: either every change
// is recorded or none is.
func (s *Store) ApplyChanges(ctx context.Context, changes []unit.Change) ([]Applied, error) {
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
		for _, c := range changes {
			plan, err := unit.PlanChange(c, st)
			if err != nil {
				return err
			}
			a, err := st.write(c, plan)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DecisionApplied is what the store recorded for a decision.
type DecisionApplied struct {
	ID        int64
	CreatedAt time.Time
	// Changes are the decision's changes with their number and date as
	// recorded, and what was recorded for each, in order.
	Changes []unit.Change
	Applied []Applied
}

// ApplyDecision records decision d: its changes, each taking the decision's
// number and date, are planned and written in order in one transaction, each
// seeing the map the earlier ones left, with the audit trail's rows. Either
// the whole decision is recorded or nothing.
func (s *Store) ApplyDecision(ctx context.Context, d unit.MapDecision) (DecisionApplied, error) {
	changes, err := d.Resolve()
	if err != nil {
		return DecisionApplied{}, err
	}
	var out DecisionApplied
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		out = DecisionApplied{Changes: changes}
		if err := s.serializeMapWrites(ctx, tx); err != nil {
			return err
		}
		var created db.Timestamp
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO decisions (decision_number, effective_date, note) VALUES ($1, $2, $3) RETURNING id, created_at`,
			d.Number, d.Effective, d.Note).Scan(&out.ID, &created); err != nil {
			return fmt.Errorf("record decision: %w", err)
		}
		out.CreatedAt = created.T
		st, err := newTxState(ctx, tx)
		if err != nil {
			return err
		}
		var earlier []int64
		for i, c := range changes {
			plan, err := unit.PlanInDecision(c, st, earlier)
			if err != nil {
				return err
			}
			a, err := st.write(c, plan)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO decision_changes (decision_id, position, change_id) VALUES ($1, $2, $3)`,
				out.ID, i, a.ID); err != nil {
				return fmt.Errorf("record change %d of decision %d: %w", a.ID, out.ID, err)
			}
			earlier = append(earlier, a.ID)
			out.Applied = append(out.Applied, a)
		}
		return nil
	})
	if err != nil {
		return DecisionApplied{}, err
	}
	return out, nil
}

// mapWriteLock is the PostgreSQL advisory lock key that serialises map changes.
const mapWriteLock = 0x6e746d7265670001 // "ntmreg" + 1

// serializeMapWrites makes map changes run one at a time. A change is planned
// from rows it reads (a parent, its children) but writes other rows, so under
// READ COMMITTED two racing changes (a transfer into a district and the
// district's abolition) could both commit. Map changes are rare decisions, so
// one lock costs nothing; SQLite already serialises writers (BEGIN IMMEDIATE).
func (s *Store) serializeMapWrites(ctx context.Context, tx *sql.Tx) error {
	if s.db.Dialect != db.Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(mapWriteLock))
	return err
}

func childrenFrom(ctx context.Context, q queryer, code string, d date.Date) ([]unit.Version, error) {
	return scanVersions(q.QueryContext(ctx,
		`SELECT `+versionColumns+` FROM unit_versions WHERE parent_code = $1 AND (valid_to IS NULL OR valid_to > $2) ORDER BY code, valid_from`, code, d))
}

// txState is the map as a change sees it inside the transaction that writes
// it (a unit.State), and the writing. An import reads the versions of every
// unit it creates: that query is prepared once, as parsing it anew was a
// third of an import's time on SQLite.
type txState struct {
	ctx context.Context
	tx  *sql.Tx
	// versions reads every version of a code, as versionsOf does; the
	// transaction closes it when it ends.
	versions *sql.Stmt
}

func newTxState(ctx context.Context, tx *sql.Tx) (txState, error) {
	versions, err := tx.PrepareContext(ctx, versionsQuery)
	return txState{ctx: ctx, tx: tx, versions: versions}, err
}

func (s txState) Versions(code string) ([]unit.Version, error) {
	return scanVersions(s.versions.QueryContext(s.ctx, code))
}

func (s txState) ChildrenAt(code string, d date.Date) ([]unit.Version, error) {
	return childrenAt(s.ctx, s.tx, code, d)
}

func (s txState) ChildrenFrom(code string, d date.Date) ([]unit.Version, error) {
	return childrenFrom(s.ctx, s.tx, code, d)
}

// write records change c and writes its plan p, with the audit trail's rows.
func (s txState) write(c unit.Change, p unit.Plan) (Applied, error) {
	var a Applied
	var created db.Timestamp
	err := s.tx.QueryRowContext(s.ctx,
		`INSERT INTO unit_changes (kind, decision_number, effective_date, note) VALUES ($1, $2, $3, $4) RETURNING id, created_at`,
		string(c.Kind), c.DecisionNumber, c.Effective, c.Note).Scan(&a.ID, &created)
	if err != nil {
		return a, fmt.Errorf("record change: %w", err)
	}
	a.CreatedAt = created.T
	closed := make([]unit.Version, 0, len(p.Close))
	for _, cl := range p.Close {
		// RETURNING hands the audit trail the version as it was. A version
		// an earlier change of the decision opened that day is withdrawn:
		// no one ever saw it apply, and closing it would leave it no day.
		query, args := `UPDATE unit_versions SET valid_to = $3 WHERE code = $1 AND valid_from = $2 AND valid_to IS NULL RETURNING `+versionColumns,
			[]any{cl.Code, cl.From, cl.To}
		if cl.Withdraws() {
			query, args = `DELETE FROM unit_versions WHERE code = $1 AND valid_from = $2 AND valid_to IS NULL RETURNING `+versionColumns, args[:2]
		}
		vs, err := scanVersions(s.tx.QueryContext(s.ctx, query, args...))
		if err != nil {
			return a, fmt.Errorf("close version of %s: %w", cl.Code, err)
		}
		if len(vs) != 1 {
			return a, fault.Conflict("unit %s was changed by another request at the same time; read it again and retry", cl.Code)
		}
		vs[0].Valid.To = cl.To
		closed = append(closed, vs[0])
	}
	if err := s.open(a.ID, p.Open); err != nil {
		return a, err
	}
	for _, l := range p.Links {
		if _, err := s.tx.ExecContext(s.ctx,
			`INSERT INTO unit_lineage (change_id, from_code, to_code) VALUES ($1, $2, $3)`, a.ID, l.From, l.To); err != nil {
			return a, fmt.Errorf("record lineage %s -> %s: %w", l.From, l.To, err)
		}
	}
	a.Links = p.Links
	return a, audit.Record(s.ctx, s.tx, unitAudit(a.ID, closed, p.Open)...)
}

// versionBatch is how many versions one INSERT opens: an import opens
// thousands, and a round trip each was most of its time on PostgreSQL. Not
// more: SQLite looks numbered parameters up one by one, so a statement costs
// it the square of its parameters (500 rows took longer than one by one).
const versionBatch = 50

// open writes versions vs, opened by change id.
func (s txState) open(id int64, vs []unit.Version) error {
	for len(vs) > 0 {
		batch := vs[:min(len(vs), versionBatch)]
		vs = vs[len(batch):]
		var q strings.Builder
		q.WriteString(`INSERT INTO unit_versions (code, valid_from, valid_to, name, type, parent_code, region, commune_group, change_id) VALUES `)
		args := make([]any, 0, 8*len(batch))
		for i, v := range batch {
			if i > 0 {
				q.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&q, "($%d, $%d, NULL, $%d, $%d, NULLIF($%d, ''), $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8)
			args = append(args, v.Code, v.Valid.From, v.Name, v.Type.String(), v.ParentCode, v.Region, v.CommuneGroup, id)
		}
		_, err := s.tx.ExecContext(s.ctx, q.String(), args...)
		if db.IsUniqueViolation(err) {
			return fault.Conflict("a unit of this change was changed by another request at the same time; read it again and retry")
		}
		if err != nil {
			return fmt.Errorf("open versions of %s…: %w", batch[0].Code, err)
		}
	}
	return nil
}
