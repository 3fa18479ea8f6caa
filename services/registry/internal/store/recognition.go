package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/etag"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

const recognitionColumns = `r.id, r.unit_code, r.level, r.decision_number, r.effective_date, r.criteria_set, r.year, r.revoked_on,
	r.revocation_decision, r.override_reason, r.unit_type, r.check_assessment, r.check_assessed_on, r.check_criteria_met,
	r.check_criteria_count, r.check_unmet_criteria, r.check_units_at_level, r.check_units_counted, r.check_units_min_percent, r.version`

// inForceOn filters recognitions in force on the date bound to $n.
func inForceOn(n int) string {
	return fmt.Sprintf("r.effective_date <= $%[1]d AND (r.revoked_on IS NULL OR r.revoked_on > $%[1]d)", n)
}

// scanRecognition reads recognitionColumns, then extra.
func scanRecognition(row db.Scanner, extra ...any) (unit.Recognition, error) {
	var r unit.Recognition
	var level, typ, unmet string
	c := &r.Check
	dest := append([]any{&r.ID, &r.UnitCode, &level, &r.DecisionNumber, &r.Valid.From, &r.CriteriaSet, &r.Year, &r.Valid.To,
		&r.RevocationNo, &r.OverrideReason, &typ, &c.Assessment, &c.AssessedOn, &c.CriteriaMet,
		&c.CriteriaCount, &unmet, &c.UnitsAtLevel, &c.UnitsCounted, &c.UnitsMinPercent, &r.Version}, extra...)
	if err := row.Scan(dest...); err != nil {
		return r, err
	}
	l, ok := unit.ParseLevel(level)
	if !ok {
		return r, fmt.Errorf("recognition %d has unknown level %q in the database", r.ID, level)
	}
	r.Level = l
	r.UnitType, _ = unit.ParseType(typ) // unspecified for a unit missing on its date, which no check let through
	if err := json.Unmarshal([]byte(unmet), &c.Unmet); err != nil {
		return r, fmt.Errorf("recognition %d: unmet criteria: %w", r.ID, err)
	}
	return r, nil
}

func scanRecognitions(rows *sql.Rows, err error) ([]unit.Recognition, error) {
	return db.ScanAll(rows, err, func(s db.Scanner) (unit.Recognition, error) { return scanRecognition(s) })
}

// Subject is the unit a recognition would be of, on day d.
func (s *Store) Subject(ctx context.Context, code string, d date.Date) (unit.Subject, error) {
	return subjectAt(ctx, s.db, code, d)
}

func subjectAt(ctx context.Context, q queryer, code string, d date.Date) (unit.Subject, error) {
	v, err := unitAt(ctx, q, code, d)
	if errors.Is(err, ErrNotFound) {
		return unit.Subject{}, nil
	}
	if err != nil {
		return unit.Subject{}, err
	}
	anc, err := ancestors(ctx, q, code, d)
	if err != nil {
		return unit.Subject{}, err
	}
	subj := unit.Subject{Version: v, Exists: true, ProvinceCode: v.Code}
	if len(anc) > 0 {
		subj.ProvinceCode = anc[len(anc)-1].Code
	}
	return subj, nil
}

// AddRecognition decides a recognition request (f carries the request, and
// the set and score the criteria service gave) on the facts read in the
// same serialised transaction that writes it, so two racing requests of one
// decision or one level make one row. A retry of a recorded decision
// returns that record with Retry set, and writes nothing.
func (s *Store) AddRecognition(ctx context.Context, f unit.RecognitionFacts) (unit.Decision, error) {
	decs, err := s.AddRecognitions(ctx, []unit.RecognitionFacts{f})
	if err != nil {
		return unit.Decision{}, err
	}
	return decs[0], nil
}

// AddRecognitions decides and writes many requests in order, as
// AddRecognition does each, in one transaction: each sees those before
// it, and either all are recorded or none.
func (s *Store) AddRecognitions(ctx context.Context, fs []unit.RecognitionFacts) ([]unit.Decision, error) {
	var decs []unit.Decision
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		decs = decs[:0]
		if err := s.serializeMapWrites(ctx, tx); err != nil {
			return err
		}
		for _, f := range fs {
			dec, err := decideOn(ctx, tx, f)
			if err == nil && !dec.Retry {
				err = insertRecognition(ctx, tx, &dec.Recognition)
			}
			if err != nil {
				return err
			}
			decs = append(decs, dec)
		}
		return nil
	})
	return decs, err
}

// CheckRecognition decides a request as AddRecognition would, on the
// facts as they are now, and writes nothing; earlier are recognitions of
// the unit not recorded yet that the decision must see (the rows of a
// file above this one).
func (s *Store) CheckRecognition(ctx context.Context, f unit.RecognitionFacts, earlier []unit.Recognition) (unit.Decision, error) {
	f.Recognitions = earlier
	return decideOn(ctx, s.db, f)
}

// decideOn reads the facts of f's request that the registry holds (the
// unit, its recognitions after those f has, the units condition) and
// decides it.
func decideOn(ctx context.Context, q queryer, f unit.RecognitionFacts) (unit.Decision, error) {
	req := f.Request
	var err error
	if f.Subject, err = subjectAt(ctx, q, req.UnitCode, req.Valid.From); err != nil {
		return unit.Decision{}, err
	}
	stored, err := scanRecognitions(q.QueryContext(ctx,
		`SELECT `+recognitionColumns+` FROM recognitions r WHERE r.unit_code = $1 ORDER BY r.effective_date, r.id`, req.UnitCode))
	if err != nil {
		return unit.Decision{}, err
	}
	f.Recognitions = append(stored, f.Recognitions...)
	if f.Set != nil && f.Subject.Exists {
		if rule, ok := f.Set.Rule(req.Level); ok && rule.UnitsMinPercent > 0 {
			if f.Units, err = unitsAtLevel(ctx, q, req.UnitCode, req.Valid.From, rule); err != nil {
				return unit.Decision{}, err
			}
		}
	}
	return unit.DecideRecognition(f)
}

// insertRecognition writes r, setting its id and version, with its row of
// the audit trail.
func insertRecognition(ctx context.Context, tx *sql.Tx, r *unit.Recognition) error {
	c := r.Check
	unmet, err := json.Marshal(nonNil(c.Unmet))
	if err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO recognitions (unit_code, level, decision_number, effective_date, criteria_set, year,
			override_reason, unit_type, check_assessment, check_assessed_on, check_criteria_met, check_criteria_count,
			check_unmet_criteria, check_units_at_level, check_units_counted, check_units_min_percent)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		r.UnitCode, r.Level.String(), r.DecisionNumber, r.Valid.From, r.CriteriaSet, r.Year,
		r.OverrideReason, r.UnitType.String(), c.Assessment, c.AssessedOn, c.CriteriaMet, c.CriteriaCount,
		string(unmet), c.UnitsAtLevel, c.UnitsCounted, c.UnitsMinPercent).Scan(&r.ID); err != nil {
		return err
	}
	r.Version = 1 // the column's default
	return audit.Record(ctx, tx, recognitionAudit(nil, *r))
}

// nonNil keeps "no unmet criteria" as [] rather than null in the column.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// unitsAtLevel tallies rule's units condition for the unit code on d: the
// units of rule.UnitsType under it at any depth, and how many of them hold
// one of rule.UnitsLevels on d.
func unitsAtLevel(ctx context.Context, q queryer, code string, d date.Date, rule unit.LevelRule) (unit.UnitsTally, error) {
	args := []any{code, d, rule.UnitsType.String()}
	marks := make([]string, len(rule.UnitsLevels))
	for i, l := range rule.UnitsLevels {
		args = append(args, l.String())
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	if len(marks) == 0 {
		marks = []string{"NULL"} // a rule that names no level: nobody holds it
	}
	var t unit.UnitsTally
	rows, err := q.QueryContext(ctx, underCTE(1, 2)+`SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (
			SELECT 1 FROM recognitions r WHERE r.unit_code = u.code AND `+inForceOn(2)+` AND r.level IN (`+strings.Join(marks, ", ")+`)
		) THEN 1 ELSE 0 END), 0)
		FROM unit_versions u WHERE u.code IN (SELECT code FROM tree) AND u.type = $3 AND `+validOn("u.", 2), args...)
	err = db.EachRow(rows, err, func(rows *sql.Rows) error { return rows.Scan(&t.Counted, &t.AtLevel) })
	return t, err
}

// RevokeRecognition records that a recognition no longer holds from day on.
// A sentEtag other than the recognition's current one is refused
// (etag.Mismatch), before anything else is checked: the client decided on a
// recognition that has changed since. Empty, it is no condition. The write
// is conditional on the version read, so of two revocations racing only one
// writes; the other is refused as stale when it sent an etag, as a conflict
// otherwise.
func (s *Store) RevokeRecognition(ctx context.Context, unitCode string, id int64, day date.Date, decision, sentEtag string) (unit.Recognition, error) {
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
		if err := etag.Check(sentEtag, before.Version, "recognition", before.Name()); err != nil {
			return err
		}
		if err := unit.CheckRevocation(before, day); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE recognitions SET revoked_on = $1, revocation_decision = $2, version = version + 1
			WHERE id = $3 AND version = $4`, day, decision, id, before.Version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			if sentEtag != "" {
				return etag.Mismatch(sentEtag, "recognition", before.Name())
			}
			return fault.Conflict("recognition %d was revoked by another request at the same time", id)
		}
		r = before
		r.Valid.To, r.RevocationNo = day, decision
		r.Version++
		return audit.Record(ctx, tx, recognitionAudit(&before, r))
	})
	return r, err
}

// RecognitionInForce is a recognition in force on a date, with its unit's type and name that day.
type RecognitionInForce struct {
	unit.Recognition
	TypeAsOf unit.Type // zero when the unit no longer exists
	// Name is the unit's name on the date, or on its last day when it no longer exists.
	Name string
	// Former: the unit no longer has, on the date, the type it was
	// recognised with (Recognition.UnitType), but had it under the parent
	// (or a unit the parent absorbed since) when recognised: a commune that
	// became a ward or merged away, a district abolished, a village merged
	// away.
	Former bool
}

// FormerCommune is a former unit that was recognised as a commune.
func (r RecognitionInForce) FormerCommune() bool {
	return r.Former && r.UnitType == unit.Commune
}

// RecognitionsQuery selects recognitions in force on AsOf under Parent.
type RecognitionsQuery struct {
	Parent string // "" for the whole country
	AsOf   date.Date
	// IncludeFormer adds those of units that had, under Parent when
	// recognised (or under a unit Parent absorbed since: a province merged
	// into it), the type they were recognised with, but not on AsOf.
	IncludeFormer bool
	// EffectiveFrom, when set, keeps recognitions effective on or after it.
	EffectiveFrom date.Date
}

// RecognitionsUnder lists the recognitions in force on q.AsOf of q.Parent and
// the units under it on that day (every unit when Parent is "": the whole
// country) whose type that day is the type they were recognised with: a
// commune that became a ward is not a current commune. With IncludeFormer,
// also those of former units (see RecognitionInForce.Former), marked Former.
func (s *Store) RecognitionsUnder(ctx context.Context, q RecognitionsQuery) ([]RecognitionInForce, error) {
	under := `(r.unit_code = $1 OR r.unit_code IN (SELECT code FROM tree))`
	if q.Parent == "" {
		under = `$1 = ''` // keeps $1 bound; the tree is not needed
	}
	args := []any{q.Parent, q.AsOf}
	if !q.EffectiveFrom.IsZero() {
		args = append(args, q.EffectiveFrom)
		under += ` AND r.effective_date >= $3`
	}
	rows, err := s.db.QueryContext(ctx, underCTE(1, 2)+`
		SELECT `+recognitionColumns+`, v.type, v.name FROM recognitions r
		JOIN unit_versions v ON v.code = r.unit_code AND v.type = r.unit_type AND `+validOn("v.", 2)+`
		WHERE `+under+` AND `+inForceOn(2)+`
		ORDER BY r.unit_code, r.effective_date`, args...)
	out, err := scanInForce(rows, err, false)
	if err != nil || !q.IncludeFormer {
		return out, err
	}
	former, err := s.formerRecognitions(ctx, q)
	return append(out, former...), err
}

// scanInForce reads recognitionColumns, then the unit's type and name.
func scanInForce(rows *sql.Rows, err error, former bool) ([]RecognitionInForce, error) {
	return db.ScanAll(rows, err, func(row db.Scanner) (RecognitionInForce, error) {
		rf := RecognitionInForce{Former: former}
		var typ string
		var err error
		rf.Recognition, err = scanRecognition(row, &typ, &rf.Name)
		rf.TypeAsOf, _ = unit.ParseType(typ) // "" when the unit no longer exists
		return rf, err
	})
}

// formerRecognitions finds the recognitions in force on q.AsOf of units
// that do not have on q.AsOf the type they were recognised with, and keeps
// those whose unit was, on its recognition date, q.Parent or a unit q.Parent
// absorbed since, or under one of them (anywhere, for the country): the
// ancestry is walked upwards in SQL, on each recognition's own date. None of
// them is in the current list, which asks the type to be unchanged.
func (s *Store) formerRecognitions(ctx context.Context, q RecognitionsQuery) ([]RecognitionInForce, error) {
	args := []any{q.AsOf}
	candidate := inForceOn(1) + ` AND r.unit_type <> '' AND NOT EXISTS (
		SELECT 1 FROM unit_versions v WHERE v.code = r.unit_code AND v.type = r.unit_type AND ` + validOn("v.", 1) + `)`
	if !q.EffectiveFrom.IsZero() {
		args = append(args, q.EffectiveFrom)
		candidate += fmt.Sprintf(` AND r.effective_date >= $%d`, len(args))
	}
	with, filter := "", candidate
	if q.Parent != "" {
		// up holds, for each candidate, its unit (depth 0) and every
		// ancestor of it on the recognition's date.
		args = append(args, q.Parent)
		where := fmt.Sprintf(`code = $%d`, len(args))
		absorbed, err := s.absorbed(ctx, q.Parent)
		if err != nil {
			return nil, err
		}
		if len(absorbed) > 0 {
			in := make([]string, len(absorbed))
			for i, code := range absorbed {
				args = append(args, code)
				in[i] = fmt.Sprintf("$%d", len(args))
			}
			// Under a unit the parent absorbed, not that unit itself: a
			// commune merged into the parent commune is not under it.
			where += ` OR (depth > 0 AND code IN (` + strings.Join(in, ", ") + `))`
		}
		with = `WITH RECURSIVE up (id, code, day, depth) AS (
			SELECT r.id, r.unit_code, r.effective_date, 0 FROM recognitions r WHERE ` + candidate + `
			UNION ALL
			SELECT up.id, v.parent_code, up.day, up.depth + 1 FROM up JOIN unit_versions v ON v.code = up.code
				AND v.valid_from <= up.day AND (v.valid_to IS NULL OR v.valid_to > up.day)
		) `
		filter = `r.id IN (SELECT id FROM up WHERE ` + where + `)`
	}
	// The unit's type and name on the date, or its name on its last day.
	rows, err := s.db.QueryContext(ctx, with+`SELECT `+recognitionColumns+`, COALESCE(cur.type, ''),
			COALESCE(cur.name, (SELECT l.name FROM unit_versions l WHERE l.code = r.unit_code ORDER BY l.valid_from DESC LIMIT 1))
		FROM recognitions r LEFT JOIN unit_versions cur ON cur.code = r.unit_code AND `+validOn("cur.", 1)+`
		WHERE `+filter+`
		ORDER BY r.unit_code, r.effective_date`, args...)
	return scanInForce(rows, err, true)
}

// absorbed is every unit that became wholly part of code, at any remove:
// merged into it or abolished into it (a province merged into another in
// 2025, and that province's abolished districts). A split's source is not:
// only part of it went there.
func (s *Store) absorbed(ctx context.Context, code string) ([]string, error) {
	var out []string
	seen := map[string]bool{code: true}
	for i := -1; i < len(out) && i < maxAbsorbed; i++ {
		into := code
		if i >= 0 {
			into = out[i]
		}
		links, err := s.links(ctx, "to_code", into)
		if err != nil {
			return nil, err
		}
		for _, l := range links {
			if (l.Kind == unit.KindMerge || l.Kind == unit.KindAbolish) && !seen[l.From] {
				seen[l.From] = true
				out = append(out, l.From)
			}
		}
	}
	return out, nil
}

// maxAbsorbed bounds the units absorbed looks through; a province absorbs
// a few provinces and their districts.
const maxAbsorbed = 1000
