package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// TypeCount is how many units of one type there are.
type TypeCount struct {
	Type  unit.Type
	Units int
}

// CountUnits counts the units of each type under parent on d, at any depth
// (every unit of the country when parent is ""), in the order of the types;
// types with no unit are left out.
func (s *Store) CountUnits(ctx context.Context, parent string, d date.Date) ([]TypeCount, error) {
	query := `SELECT type, COUNT(*) FROM unit_versions WHERE ` + validOn("", 1) + ` AND $2 = '' GROUP BY type`
	if parent != "" {
		query = underCTE(2, 1) + `SELECT type, COUNT(*) FROM unit_versions
			WHERE code IN (SELECT code FROM tree) AND ` + validOn("", 1) + ` GROUP BY type`
	}
	rows, err := s.db.QueryContext(ctx, query, d, parent)
	var out []TypeCount
	err = db.EachRow(rows, err, func(rows *sql.Rows) error {
		var typ string
		var c TypeCount
		if err := rows.Scan(&typ, &c.Units); err != nil {
			return err
		}
		t, ok := unit.ParseType(typ)
		if !ok {
			return fmt.Errorf("units of unknown type %q in the database", typ)
		}
		c.Type = t
		out = append(out, c)
		return nil
	})
	slices.SortFunc(out, func(a, b TypeCount) int { return int(a.Type) - int(b.Type) })
	return out, err
}
