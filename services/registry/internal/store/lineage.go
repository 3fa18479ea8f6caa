package store

import (
	"context"
	"database/sql"

	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// maxLineageDepth bounds the walk; real chains are a few merges long.
const maxLineageDepth = 20

// Lineage returns the links into code followed back to the oldest units
// (predecessors) and the links out of it followed forward (successors).
func (s *Store) Lineage(ctx context.Context, code string) (preds, succs []unit.LinkRecord, err error) {
	if preds, err = s.walk(ctx, code, `to_code`); err != nil {
		return nil, nil, err
	}
	if succs, err = s.walk(ctx, code, `from_code`); err != nil {
		return nil, nil, err
	}
	return preds, succs, nil
}

// walk follows links whose column `from` matches, breadth first.
func (s *Store) walk(ctx context.Context, code, column string) ([]unit.LinkRecord, error) {
	next := func(l unit.LinkRecord) string {
		if column == "to_code" {
			return l.From
		}
		return l.To
	}
	var out []unit.LinkRecord
	seen := map[string]bool{code: true}
	frontier := []string{code}
	for depth := 0; len(frontier) > 0 && depth < maxLineageDepth; depth++ {
		var following []string
		for _, c := range frontier {
			links, err := s.links(ctx, column, c)
			if err != nil {
				return nil, err
			}
			for _, l := range links {
				out = append(out, l)
				if n := next(l); !seen[n] {
					seen[n] = true
					following = append(following, n)
				}
			}
		}
		frontier = following
	}
	return out, nil
}

func (s *Store) links(ctx context.Context, column, code string) ([]unit.LinkRecord, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT l.from_code, l.to_code, c.id, c.kind, c.effective_date, c.decision_number
		FROM unit_lineage l JOIN unit_changes c ON c.id = l.change_id
		WHERE l.`+column+` = $1 ORDER BY c.effective_date, l.from_code, l.to_code`, code)
	if err != nil {
		return nil, err
	}
	return scanLinks(rows)
}

func scanLinks(rows *sql.Rows) ([]unit.LinkRecord, error) {
	defer rows.Close()
	var out []unit.LinkRecord
	for rows.Next() {
		var l unit.LinkRecord
		var kind string
		if err := rows.Scan(&l.From, &l.To, &l.ChangeID, &kind, &l.Effective, &l.DecisionNumber); err != nil {
			return nil, err
		}
		l.Kind = unit.Kind(kind)
		out = append(out, l)
	}
	return out, rows.Err()
}

// LinkKey orders the links of the map: by change, then by the codes linked
// (the table's primary key). Its zero value is before every link.
type LinkKey struct {
	ChangeID int64
	From, To string
}

// ListLinks returns up to limit links of the map after the one at after,
// ordered by LinkKey, in one query: what a service follows many units back
// through without a walk per unit.
func (s *Store) ListLinks(ctx context.Context, after LinkKey, limit int) ([]unit.LinkRecord, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT l.from_code, l.to_code, c.id, c.kind, c.effective_date, c.decision_number
		FROM unit_lineage l JOIN unit_changes c ON c.id = l.change_id
		WHERE (l.change_id, l.from_code, l.to_code) > ($1, $2, $3)
		ORDER BY l.change_id, l.from_code, l.to_code LIMIT $4`, after.ChangeID, after.From, after.To, limit)
	if err != nil {
		return nil, err
	}
	return scanLinks(rows)
}
