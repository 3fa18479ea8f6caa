package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

const recognitionColumns = `r.id, r.unit_code, r.level, r.decision_number, r.effective_date, r.criteria_set, r.year, r.revoked_on, r.revocation_decision`

// inForceOn filters recognitions in force on the date bound to $n.
func inForceOn(n int) string {
	return fmt.Sprintf("r.effective_date <= $%[1]d AND (r.revoked_on IS NULL OR r.revoked_on > $%[1]d)", n)
}

func scanRecognition(row db.Scanner) (unit.Recognition, error) {
	var r unit.Recognition
	var level string
	if err := row.Scan(&r.ID, &r.UnitCode, &level, &r.DecisionNumber, &r.Valid.From, &r.CriteriaSet, &r.Year, &r.Valid.To, &r.RevocationNo); err != nil {
		return r, err
	}
	l, ok := unit.ParseLevel(level)
	if !ok {
		return r, fmt.Errorf("recognition %d has unknown level %q in the database", r.ID, level)
	}
	r.Level = l
	return r, nil
}

func scanRecognitions(rows *sql.Rows, err error) ([]unit.Recognition, error) {
	return db.ScanAll(rows, err, scanRecognition)
}

// AddRecognition records a recognition of a unit that exists on its effective date.
func (s *Store) AddRecognition(ctx context.Context, r unit.Recognition) (unit.Recognition, error) {
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.serializeMapWrites(ctx, tx); err != nil {
			return err
		}
		vs, err := versionsOf(ctx, tx, r.UnitCode)
		if err != nil {
			return err
		}
		v, exists := unit.At(vs, r.Valid.From)
		if err := unit.CheckRecognition(r, v, exists); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO recognitions (unit_code, level, decision_number, effective_date, criteria_set, year)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			r.UnitCode, r.Level.String(), r.DecisionNumber, r.Valid.From, r.CriteriaSet, r.Year).Scan(&r.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, recognitionAudit(nil, r))
	})
	return r, err
}

// RevokeRecognition records that a recognition no longer holds from day on.
func (s *Store) RevokeRecognition(ctx context.Context, unitCode string, id int64, day date.Date, decision string) (unit.Recognition, error) {
	var r unit.Recognition
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		before, err := scanRecognition(tx.QueryRowContext(ctx,
			`SELECT `+recognitionColumns+` FROM recognitions r WHERE r.id = $1 AND r.unit_code = $2`, id, unitCode))
		if errors.Is(err, sql.ErrNoRows) {
			missing := unit.Recognition{UnitCode: unitCode, ID: id}
			return fault.NotFound("recognition", missing.Name(), "unit %s has no recognition %d", unitCode, id)
		}
		if err != nil {
			return err
		}
		if err := unit.CheckRevocation(before, day); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE recognitions SET revoked_on = $1, revocation_decision = $2 WHERE id = $3 AND revoked_on IS NULL`, day, decision, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fault.Conflict("recognition %d was revoked by another request at the same time", id)
		}
		r = before
		r.Valid.To, r.RevocationNo = day, decision
		return audit.Record(ctx, tx, recognitionAudit(&before, r))
	})
	return r, err
}

// RecognitionInForce is a recognition in force on a date, with its unit's type that day.
type RecognitionInForce struct {
	unit.Recognition
	TypeAsOf unit.Type // zero when the unit no longer exists
	Former   bool      // no longer a commune that day, but a commune under the parent when recognised
}

// RecognitionsUnder lists the recognitions in force on d of parent and the
// units under it on d (every unit when parent is "": the whole country); with
// includeFormer, also those of units that were communes under parent when
// recognised but are not communes on d.
func (s *Store) RecognitionsUnder(ctx context.Context, parent string, d date.Date, includeFormer bool) ([]RecognitionInForce, error) {
	under := `r.unit_code IN (SELECT code FROM tree)`
	if parent == "" {
		under = `$1 = ''` // keeps $1 bound; the tree is not needed
	}
	rows, err := s.db.QueryContext(ctx, `WITH RECURSIVE tree (code) AS (
			SELECT CAST($1 AS TEXT)
			UNION ALL
			SELECT v.code FROM unit_versions v JOIN tree t ON v.parent_code = t.code WHERE `+validOn("v.", 2)+`
		)
		SELECT `+recognitionColumns+`, v.type FROM recognitions r
		JOIN unit_versions v ON v.code = r.unit_code AND `+validOn("v.", 2)+`
		WHERE `+under+` AND `+inForceOn(2)+`
		ORDER BY r.unit_code, r.effective_date`, parent, d)
	if err != nil {
		return nil, err
	}
	var out []RecognitionInForce
	for rows.Next() {
		var rf RecognitionInForce
		var typ string
		var level string
		if err := rows.Scan(&rf.ID, &rf.UnitCode, &level, &rf.DecisionNumber, &rf.Valid.From, &rf.CriteriaSet, &rf.Year, &rf.Valid.To, &rf.RevocationNo, &typ); err != nil {
			rows.Close()
			return nil, err
		}
		rf.Level, _ = unit.ParseLevel(level)
		rf.TypeAsOf, _ = unit.ParseType(typ)
		out = append(out, rf)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !includeFormer {
		return out, nil
	}
	former, err := s.formerCommuneRecognitions(ctx, parent, d)
	if err != nil {
		return nil, err
	}
	// A commune that became a ward under the same parent is in both lists: mark it, don't repeat it.
	for _, f := range former {
		if i := slices.IndexFunc(out, func(r RecognitionInForce) bool { return r.ID == f.ID }); i >= 0 {
			out[i].Former = true
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

// formerCommuneRecognitions finds recognitions still in force on d whose unit
// is not a commune on d, and keeps those whose unit was a commune under parent
// (anywhere, for parent "") on its recognition date. There are few such rows, so the ancestry check is in Go.
func (s *Store) formerCommuneRecognitions(ctx context.Context, parent string, d date.Date) ([]RecognitionInForce, error) {
	candidates, err := scanRecognitions(s.db.QueryContext(ctx, `SELECT `+recognitionColumns+` FROM recognitions r
		WHERE `+inForceOn(1)+` AND NOT EXISTS (
			SELECT 1 FROM unit_versions v WHERE v.code = r.unit_code AND v.type = 'COMMUNE' AND `+validOn("v.", 1)+`)
		ORDER BY r.unit_code, r.effective_date`, d))
	if err != nil {
		return nil, err
	}
	var out []RecognitionInForce
	for _, r := range candidates {
		then, err := s.UnitAt(ctx, r.UnitCode, r.Valid.From)
		if errors.Is(err, ErrNotFound) || (err == nil && then.Type != unit.Commune) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if parent != "" {
			ancestors, err := s.Ancestors(ctx, r.UnitCode, r.Valid.From)
			if err != nil {
				return nil, err
			}
			if !slices.ContainsFunc(ancestors, func(v unit.Version) bool { return v.Code == parent }) {
				continue
			}
		}
		rf := RecognitionInForce{Recognition: r, Former: true}
		if now, err := s.UnitAt(ctx, r.UnitCode, d); err == nil {
			rf.TypeAsOf = now.Type
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		out = append(out, rf)
	}
	return out, nil
}
