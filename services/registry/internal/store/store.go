// Package store keeps the registry's map in SQL: unit versions, changes and
// lineage. One implementation serves SQLite and PostgreSQL (the SQL text is
// shared; each dialect has its own migrations), and both pass the conformance
// suite in storetest. Rules live in package unit; the store reads the state a
// change needs and writes its plan in the same transaction.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// ErrNotFound is returned when no unit matches on the requested date.
var ErrNotFound = errors.New("not found")

// Store is the registry's database.
type Store struct {
	db *db.DB
}

func New(d *db.DB) *Store { return &Store{db: d} }

// Ping reports whether the database answers (gRPC health readiness).
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// queryer is what reads need: the pool, or a transaction when planning a change.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const versionColumns = `code, valid_from, valid_to, name, type, COALESCE(parent_code, ''), region, commune_group, change_id`

// validOn filters versions valid on the date bound to $n.
func validOn(alias string, n int) string {
	return fmt.Sprintf("%[1]svalid_from <= $%[2]d AND (%[1]svalid_to IS NULL OR %[1]svalid_to > $%[2]d)", alias, n)
}

func scanVersions(rows *sql.Rows, err error) ([]unit.Version, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []unit.Version
	for rows.Next() {
		var v unit.Version
		var typ string
		if err := rows.Scan(&v.Code, &v.Valid.From, &v.Valid.To, &v.Name, &typ, &v.ParentCode, &v.Region, &v.CommuneGroup, &v.ChangeID); err != nil {
			return nil, err
		}
		t, ok := unit.ParseType(typ)
		if !ok {
			return nil, fmt.Errorf("unit %s has unknown type %q in the database", v.Code, typ)
		}
		v.Type = t
		out = append(out, v)
	}
	return out, rows.Err()
}

// UnitAt returns the version of code valid on d.
func (s *Store) UnitAt(ctx context.Context, code string, d date.Date) (unit.Version, error) {
	vs, err := scanVersions(s.db.QueryContext(ctx,
		`SELECT `+versionColumns+` FROM unit_versions WHERE code = $1 AND `+validOn("", 2), code, d))
	if err != nil {
		return unit.Version{}, err
	}
	if len(vs) == 0 {
		return unit.Version{}, ErrNotFound
	}
	return vs[0], nil
}

// Versions returns every version of code, oldest first.
func (s *Store) Versions(ctx context.Context, code string) ([]unit.Version, error) {
	return versionsOf(ctx, s.db, code)
}

func versionsOf(ctx context.Context, q queryer, code string) ([]unit.Version, error) {
	return scanVersions(q.QueryContext(ctx,
		`SELECT `+versionColumns+` FROM unit_versions WHERE code = $1 ORDER BY valid_from`, code))
}

func childrenAt(ctx context.Context, q queryer, code string, d date.Date) ([]unit.Version, error) {
	return scanVersions(q.QueryContext(ctx,
		`SELECT `+versionColumns+` FROM unit_versions WHERE parent_code = $1 AND `+validOn("", 2)+` ORDER BY code`, code, d))
}

// ListQuery selects units on one date, ordered by code, after a page cursor.
type ListQuery struct {
	Parent string    // empty: top level (or every unit when Type is set)
	Type   unit.Type // zero: direct children; set: every descendant of this type
	AsOf   date.Date
	After  string // last code of the previous page
	Limit  int
}

// ListUnits lists children of a parent, or its descendants of a type at any
// depth (the depth changed in 2025, when districts were abolished).
func (s *Store) ListUnits(ctx context.Context, q ListQuery) ([]unit.Version, error) {
	var query string
	args := []any{q.AsOf, q.After, q.Limit}
	switch {
	case q.Type == 0 && q.Parent == "":
		query = `SELECT ` + versionColumns + ` FROM unit_versions WHERE parent_code IS NULL AND ` + validOn("", 1)
	case q.Type == 0:
		query = `SELECT ` + versionColumns + ` FROM unit_versions WHERE parent_code = $4 AND ` + validOn("", 1)
		args = append(args, q.Parent)
	case q.Parent == "":
		query = `SELECT ` + versionColumns + ` FROM unit_versions WHERE type = $4 AND ` + validOn("", 1)
		args = append(args, q.Type.String())
	default:
		query = `WITH RECURSIVE tree (code) AS (
			SELECT code FROM unit_versions WHERE parent_code = $4 AND ` + validOn("", 1) + `
			UNION ALL
			SELECT v.code FROM unit_versions v JOIN tree t ON v.parent_code = t.code WHERE ` + validOn("v.", 1) + `
		)
		SELECT ` + versionColumns + ` FROM unit_versions
		WHERE code IN (SELECT code FROM tree) AND type = $5 AND ` + validOn("", 1)
		args = append(args, q.Parent, q.Type.String())
	}
	return scanVersions(s.db.QueryContext(ctx, query+` AND code > $2 ORDER BY code LIMIT $3`, args...))
}

// Ancestors returns the parents of code on d, nearest first.
func (s *Store) Ancestors(ctx context.Context, code string, d date.Date) ([]unit.Version, error) {
	v, err := s.UnitAt(ctx, code, d)
	if err != nil {
		return nil, err
	}
	var out []unit.Version
	for v.ParentCode != "" && len(out) < 10 {
		if v, err = s.UnitAt(ctx, v.ParentCode, d); err != nil {
			return nil, fmt.Errorf("parent of %s on %s: %w", code, d, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// Applied is what the store recorded for one change.
type Applied struct {
	ID        int64
	CreatedAt time.Time
	Links     []unit.Link
}

// ApplyChanges plans and writes changes in order, all in one transaction:
// either every change is recorded or none is.
func (s *Store) ApplyChanges(ctx context.Context, changes []unit.Change) ([]Applied, error) {
	var out []Applied
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		if err := s.serializeMapWrites(ctx, tx); err != nil {
			return err
		}
		st := txState{ctx: ctx, tx: tx}
		for _, c := range changes {
			plan, err := unit.PlanChange(c, st)
			if err != nil {
				return err
			}
			a, err := writePlan(ctx, tx, c, plan)
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

type txState struct {
	ctx context.Context
	tx  *sql.Tx
}

func (s txState) Versions(code string) ([]unit.Version, error) { return versionsOf(s.ctx, s.tx, code) }

func (s txState) ChildrenAt(code string, d date.Date) ([]unit.Version, error) {
	return childrenAt(s.ctx, s.tx, code, d)
}

func (s txState) ChildrenFrom(code string, d date.Date) ([]unit.Version, error) {
	return childrenFrom(s.ctx, s.tx, code, d)
}

func writePlan(ctx context.Context, tx *sql.Tx, c unit.Change, p unit.Plan) (Applied, error) {
	var a Applied
	var created db.Timestamp
	err := tx.QueryRowContext(ctx,
		`INSERT INTO unit_changes (kind, decision_number, effective_date, note) VALUES ($1, $2, $3, $4) RETURNING id, created_at`,
		string(c.Kind), c.DecisionNumber, c.Effective, c.Note).Scan(&a.ID, &created)
	if err != nil {
		return a, fmt.Errorf("record change: %w", err)
	}
	a.CreatedAt = created.T
	for _, cl := range p.Close {
		res, err := tx.ExecContext(ctx,
			`UPDATE unit_versions SET valid_to = $1 WHERE code = $2 AND valid_from = $3 AND valid_to IS NULL`, cl.To, cl.Code, cl.From)
		if err != nil {
			return a, fmt.Errorf("close version of %s: %w", cl.Code, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return a, fault.Conflict("unit %s was changed by another request at the same time; read it again and retry", cl.Code)
		}
	}
	for _, v := range p.Open {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO unit_versions (code, valid_from, valid_to, name, type, parent_code, region, commune_group, change_id)
			 VALUES ($1, $2, NULL, $3, $4, NULLIF($5, ''), $6, $7, $8)`,
			v.Code, v.Valid.From, v.Name, v.Type.String(), v.ParentCode, v.Region, v.CommuneGroup, a.ID)
		if db.IsUniqueViolation(err) {
			return a, fault.Conflict("unit %s was changed by another request at the same time; read it again and retry", v.Code)
		}
		if err != nil {
			return a, fmt.Errorf("open version of %s: %w", v.Code, err)
		}
	}
	for _, l := range p.Links {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO unit_lineage (change_id, from_code, to_code) VALUES ($1, $2, $3)`, a.ID, l.From, l.To); err != nil {
			return a, fmt.Errorf("record lineage %s -> %s: %w", l.From, l.To, err)
		}
	}
	a.Links = p.Links
	return a, nil
}
