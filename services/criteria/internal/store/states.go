package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
	"github.com/ntmsuite/ntm/services/criteria/internal/statusindex"
)

// LatestStates returns, aligned with codes (out[i].Code == codes[i]), the
// statuses and met count of each unit's latest assessment under setCode on or
// before asOf; Statuses is nil for a unit without one. Aggregates count from
// the in-memory index (statusindex), which must always agree with this
// recomputation from the store: the tests of the server check it on every
// replica after random writes. It reads only the compact status columns,
// not the JSON.
func (s *Store) LatestStates(ctx context.Context, setCode string, asOf date.Date, codes []string) ([]scoring.CommuneState, error) {
	// Each distinct code is asked once (Chunks drops repeats), and repeats
	// share its state; a unit never assessed has no entry, so the zero state.
	// A 10,000-commune province takes 20 round trips.
	found := make(map[string]scoring.CommuneState, len(codes))
	for _, chunk := range db.Chunks(codes, db.InChunk) {
		if err := s.latestStates(ctx, setCode, asOf, chunk, found); err != nil {
			return nil, err
		}
	}
	out := make([]scoring.CommuneState, len(codes))
	for i, c := range codes {
		out[i] = found[c]
		out[i].Code = c
	}
	return out, nil
}

// latestOf is the column of a unit's latest assessment under $1 on or before
// $2, for the unit in column1 of the VALUES list. ORDER BY ... LIMIT 1 is one
// seek at the end of the unit's run in the index assessments_latest, which
// also holds statuses and met_count, so the wide rows with their JSON are not
// read. Two such subqueries pick the same row: (assessed_on, id) is unique and
// one statement reads one snapshot.
func latestOf(column string) string {
	return `(SELECT ` + column + ` FROM assessments a
		WHERE a.set_code = $1 AND a.unit_code = c.column1 AND a.assessed_on <= $2
		ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1)`
}

// latestStates fills found for one chunk of distinct codes. The codes drive
// the query as a VALUES list (both dialects name its column column1), so the
// plan is a seek per unit whatever the planner's statistics say. An IN filter
// under ROW_NUMBER() let PostgreSQL scan every assessment of the set for each
// chunk, and SQLite sort each unit's rows, at twice the cost here.
func (s *Store) latestStates(ctx context.Context, setCode string, asOf date.Date, codes []string, found map[string]scoring.CommuneState) error {
	args := make([]any, 0, len(codes)+2)
	args = append(args, setCode, asOf)
	var values strings.Builder
	for i, c := range codes {
		if i > 0 {
			values.WriteString(", ")
		}
		args = append(args, c)
		values.WriteString("($" + strconv.Itoa(len(args)) + ")")
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.column1, `+latestOf("statuses")+`, `+latestOf("met_count")+`
		FROM (VALUES `+values.String()+`) c`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var statuses sql.NullString
		var met sql.NullInt64
		if err := rows.Scan(&code, &statuses, &met); err != nil {
			return err
		}
		if !statuses.Valid {
			continue // not assessed: the zero state
		}
		st, err := decodeStatuses(statuses.String)
		if err != nil {
			return fmt.Errorf("latest assessment of unit %s under %s: %w", code, setCode, err)
		}
		found[code] = scoring.NewCommuneState(code, st, int(met.Int64))
	}
	return rows.Err()
}

// statusChars are the statuses an assessment can hold and their character in
// the statuses column. Every criterion is stored with one, so an unknown
// character is corruption, never "not met".
var statusChars = [...]struct {
	status scoring.Status
	char   byte
}{{scoring.Met, 'M'}, {scoring.BasicallyMet, 'B'}, {scoring.NotMet, 'N'}}

// encodeStatuses writes the statuses column from a result's criteria, in set order.
func encodeStatuses(res scoring.Result) (string, error) {
	b := make([]byte, len(res.Criteria))
	for i, c := range res.Criteria {
		for _, sc := range statusChars {
			if sc.status == c.Status {
				b[i] = sc.char
			}
		}
		if b[i] == 0 {
			return "", fmt.Errorf("criterion %s has no valid status (%v)", c.Code, c.Status)
		}
	}
	return string(b), nil
}

// decodeStatuses reads the statuses column; "" (a set without criteria)
// decodes to an empty, non-nil slice, since nil means "not assessed".
func decodeStatuses(s string) ([]scoring.Status, error) {
	out := make([]scoring.Status, len(s))
	for i := range len(s) {
		for _, sc := range statusChars {
			if sc.char == s[i] {
				out[i] = sc.status
			}
		}
		if out[i] == 0 {
			return nil, fmt.Errorf("corrupt statuses %q: character %d is %q, want M, B or N", s, i+1, s[i])
		}
	}
	return out, nil
}

// StateOf is a's compact state, as StatesAfter reads it back.
func StateOf(a Assessment) statusindex.Row {
	st := make([]scoring.Status, len(a.Result.Criteria))
	for i, c := range a.Result.Criteria {
		st[i] = c.Status
	}
	return statusindex.Row{ID: a.ID, Unit: a.UnitCode, Set: a.SetCode, On: a.AssessedOn, Statuses: st, Met: a.Result.MetCount}
}

// statesPage is how many rows StatesAfter reads per query.
const statesPage = 10_000

// StatesAfter returns the compact state of every assessment with an id
// above after, in id order: what the in-memory index (statusindex) loads at
// start and catches up with after other replicas' writes. Ids commit in
// order (db.OrderIDs), so a row with a lower id never appears later.
func (s *Store) StatesAfter(ctx context.Context, after int64) ([]statusindex.Row, error) {
	return db.ReadAfter(ctx, s.db, after, statesPage, `SELECT id, unit_code, set_code, assessed_on, statuses, met_count
		FROM assessments WHERE id > $1 ORDER BY id LIMIT $2`, func(rows *sql.Rows) (statusindex.Row, int64, error) {
		var r statusindex.Row
		var statuses string
		if err := rows.Scan(&r.ID, &r.Unit, &r.Set, &r.On, &statuses, &r.Met); err != nil {
			return r, r.ID, err
		}
		var err error
		if r.Statuses, err = decodeStatuses(statuses); err != nil {
			return r, r.ID, fmt.Errorf("assessment %d of unit %s: %w", r.ID, r.Unit, err)
		}
		return r, r.ID, nil
	})
}
