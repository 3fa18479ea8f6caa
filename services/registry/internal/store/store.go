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

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
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

// underCTE is a WITH clause naming `tree` the codes of the units under the
// unit bound to $p (itself excluded) on the date bound to $d, at any depth:
// the depth changed in 2025, when districts were abolished.
func underCTE(p, d int) string {
	return fmt.Sprintf(`WITH RECURSIVE tree (code) AS (
		SELECT code FROM unit_versions WHERE parent_code = $%[1]d AND %[2]s
		UNION ALL
		SELECT v.code FROM unit_versions v JOIN tree t ON v.parent_code = t.code WHERE %[3]s
	) `, p, validOn("", d), validOn("v.", d))
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
	return unitAt(ctx, s.db, code, d)
}

func unitAt(ctx context.Context, q queryer, code string, d date.Date) (unit.Version, error) {
	vs, err := scanVersions(q.QueryContext(ctx,
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

const versionsQuery = `SELECT ` + versionColumns + ` FROM unit_versions WHERE code = $1 ORDER BY valid_from`

func versionsOf(ctx context.Context, q queryer, code string) ([]unit.Version, error) {
	return scanVersions(q.QueryContext(ctx, versionsQuery, code))
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
		query = underCTE(4, 1) + `SELECT ` + versionColumns + ` FROM unit_versions
		WHERE code IN (SELECT code FROM tree) AND type = $5 AND ` + validOn("", 1)
		args = append(args, q.Parent, q.Type.String())
	}
	return scanVersions(s.db.QueryContext(ctx, query+` AND code > $2 ORDER BY code LIMIT $3`, args...))
}

// Ancestors returns the parents of code on d, nearest first.
func (s *Store) Ancestors(ctx context.Context, code string, d date.Date) ([]unit.Version, error) {
	return ancestors(ctx, s.db, code, d)
}

func ancestors(ctx context.Context, q queryer, code string, d date.Date) ([]unit.Version, error) {
	v, err := unitAt(ctx, q, code, d)
	if err != nil {
		return nil, err
	}
	var out []unit.Version
	for v.ParentCode != "" && len(out) < 10 {
		if v, err = unitAt(ctx, q, v.ParentCode, d); err != nil {
			return nil, fmt.Errorf("parent of %s on %s: %w", code, d, err)
		}
		out = append(out, v)
	}
	return out, nil
}
