// Package store keeps the criteria service's assessments in SQL. One
// implementation serves SQLite and PostgreSQL (the SQL text is shared; each
// dialect has its own migrations), and both pass the conformance suite in
// storetest. Scoring lives in package scoring: the store records the result
// decided when an assessment was written and never scores anything itself.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
)

// ErrNotFound is returned when no assessment matches.
var ErrNotFound = errors.New("not found")

// Assessment is one recorded assessment with the score decided when it was written.
type Assessment struct {
	ID                        int64
	UnitCode                  string
	AssessedOn                date.Date
	SetCode                   string
	Author, Note, EvidenceRef string
	// Values, Verdicts and the lists inside Result come back nil when empty.
	Values   []scoring.IndicatorValue
	Verdicts []scoring.Verdict
	// Result is stored at write time: history is never re-scored when
	// thresholds change, so a report of 2020 still reads as it did then.
	Result scoring.Result
	// CreatedAt is set by the database when Create writes the row (UTC), so
	// replicas with drifting clocks agree on one time source.
	CreatedAt time.Time
}

// Store is the criteria service's database.
type Store struct {
	db *db.DB
}

func New(d *db.DB) *Store { return &Store{db: d} }

// Ping reports whether the database answers (gRPC health readiness).
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

var insertedColumns = []string{"unit_code", "assessed_on", "set_code", "author", "note", "evidence_ref",
	"values_json", "verdicts_json", "result_json", "statuses", "met_count"}

// inserted is what the database sets on an inserted assessment, with its
// unit to check it is matched with the right input.
type inserted struct {
	id   int64
	unit string
	at   db.Timestamp
}

// insertAssessments inserts the rows next yields (insertedColumns), in
// order (db.CopyEach), and returns what the database set on each, in the
// same order. The caller holds db.OrderIDs, so no other transaction
// inserts meanwhile and the rows after the last id seen before are these,
// numbered in the order written; the caller checks each against its unit,
// so a mismatch fails the import rather than labelling a commune's
// assessment with another's id.
func insertAssessments(ctx context.Context, tx *sql.Tx, next func() ([]any, bool, error)) ([]inserted, error) {
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM assessments`).Scan(&last); err != nil {
		return nil, fmt.Errorf("record assessments: %w", err)
	}
	n, err := db.CopyEach(ctx, tx, "assessments", insertedColumns, next)
	if err != nil {
		return nil, fmt.Errorf("record assessments: %w", err)
	}
	res, err := tx.QueryContext(ctx, `SELECT id, unit_code, created_at FROM assessments WHERE id > $1 ORDER BY id`, last)
	out, err := db.ScanAll(res, err, func(sc db.Scanner) (inserted, error) {
		var r inserted
		err := sc.Scan(&r.id, &r.unit, &r.at)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("record assessments: %w", err)
	}
	if len(out) != n {
		return nil, fmt.Errorf("record assessments: the database holds %d new rows for %d", len(out), n)
	}
	return out, nil
}

// Create records the assessments in one transaction (all or none), each
// with its entry in the audit trail of ctx's caller, and returns them with
// ID and CreatedAt set, in input order: an import of a district's
// spreadsheet must not leave half its communes recorded.
func (s *Store) Create(ctx context.Context, as []Assessment) ([]Assessment, error) {
	i := 0
	return s.CreateEach(ctx, func() (Assessment, bool, error) {
		if i == len(as) {
			return Assessment{}, false, nil
		}
		i++
		return as[i-1], true, nil
	})
}

// CreateEach is Create for assessments made as they are written: next
// returns each and true, then false once there are no more. On PostgreSQL
// next runs on a goroutine of its own, up to 256 assessments ahead of the
// database taking in the ones before (db.CopyEach), so that an import
// checks and scores rows as the ones before are written; CreateEach
// returns once next no longer runs. An error of next writes nothing and is
// returned as it is.
func (s *Store) CreateEach(ctx context.Context, next func() (Assessment, bool, error)) ([]Assessment, error) {
	var out []Assessment
	// What the trail needs of each row: its JSON columns themselves are
	// left to the garbage collector once the database has them.
	var statuses []string
	var sums []digests
	var enc encoder
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		// The in-memory index of every replica follows assessments by id.
		if err := s.db.OrderIDs(ctx, tx, "assessments"); err != nil {
			return err
		}
		created, err := insertAssessments(ctx, tx, func() ([]any, bool, error) {
			a, more, err := next()
			if err != nil || !more {
				return nil, false, err
			}
			r, d, err := enc.encode(a)
			if err != nil {
				return nil, false, fmt.Errorf("assessment %d of unit %s: %w", len(out), a.UnitCode, err)
			}
			out, statuses, sums = append(out, a), append(statuses, r.statuses), append(sums, d)
			return []any{a.UnitCode, a.AssessedOn, a.SetCode, a.Author, a.Note, a.EvidenceRef,
				r.values, r.verdicts, r.result, r.statuses, a.Result.MetCount}, true, nil
		})
		if err != nil {
			return err
		}
		changes := make([]audit.Change, len(out))
		for i := range out {
			a := &out[i]
			if created[i].unit != a.UnitCode {
				return fmt.Errorf("record assessment %d: the database returned the row of unit %s for unit %s", i, created[i].unit, a.UnitCode)
			}
			a.ID, a.CreatedAt = created[i].id, created[i].at.T
			changes[i] = createdChange(*a, statuses[i], sums[i])
		}
		return audit.Record(ctx, tx, changes...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

const assessmentColumns = `id, unit_code, assessed_on, set_code, author, note, evidence_ref, values_json, verdicts_json, result_json, created_at`

func scanAssessment(sc db.Scanner) (Assessment, error) {
	var a Assessment
	var r row
	var created db.Timestamp
	if err := sc.Scan(&a.ID, &a.UnitCode, &a.AssessedOn, &a.SetCode, &a.Author, &a.Note, &a.EvidenceRef,
		&r.values, &r.verdicts, &r.result, &created); err != nil {
		return a, err
	}
	a.CreatedAt = created.T
	if err := r.decode(&a); err != nil {
		return a, fmt.Errorf("assessment %d in the database: %w", a.ID, err)
	}
	return a, nil
}

func scanAssessments(rows *sql.Rows, err error) ([]Assessment, error) {
	return db.ScanAll(rows, err, scanAssessment)
}

// Get returns one assessment of unitCode by id (ErrNotFound if the id belongs
// to another unit or does not exist): ids are only meaningful under their
// unit's resource name, and guessing ids must not reveal other units' rows.
func (s *Store) Get(ctx context.Context, unitCode string, id int64) (Assessment, error) {
	a, err := scanAssessment(s.db.QueryRowContext(ctx,
		`SELECT `+assessmentColumns+` FROM assessments WHERE id = $1 AND unit_code = $2`, id, unitCode))
	if errors.Is(err, sql.ErrNoRows) {
		return Assessment{}, ErrNotFound
	}
	return a, err
}
