package operation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"

	"github.com/ntmsuite/ntm/platform/db"
)

// ErrNotFound is Store.Get's answer for an id it does not hold.
var ErrNotFound = errors.New("operation: not found")

// Store keeps operations in a service's database (table operations, a
// platform migration), where every replica of the service sees them.
type Store struct{ db *db.DB }

// NewStore returns a store over d, which must have the platform migrations
// (db.Open applies them).
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// Listed is an operation as a list returns it, with its place in the list.
type Listed struct {
	// Seq orders operations by creation: a page token carries the last.
	Seq       int64
	Operation *operationv1.Operation
}

// ListFilter selects a page of operations, newest first.
type ListFilter struct {
	// Actor keeps the operations of this actor only; empty keeps all.
	Actor string
	// Before keeps those with Seq below it; 0 starts at the newest.
	Before int64
	Limit  int
}

const columns = `seq, id, kind, actor, state, rows_done, rows_total, summary, error, created_at, updated_at`

// Create records a new RUNNING operation started by actor, with a
// heartbeat of now.
func (s *Store) Create(ctx context.Context, id, kind, actor string, total int64) (*operationv1.Operation, error) {
	now := time.Now()
	if _, err := s.db.ExecContext(ctx,
		`INSERT INTO operations (id, kind, actor, state, rows_total, created_at, updated_at, heartbeat_at)
		 VALUES ($1, $2, $3, 'RUNNING', $4, $5, $5, $5)`,
		id, kind, actor, total, s.at(now)); err != nil {
		return nil, fmt.Errorf("operation: create %s: %w", id, err)
	}
	t := timestamppb.New(now)
	return &operationv1.Operation{Name: Name(id), Kind: kind, Actor: actor, State: operationv1.Operation_RUNNING,
		RowsTotal: total, CreateTime: t, UpdateTime: t}, nil
}

// Get is the operation id; ErrNotFound if there is none.
func (s *Store) Get(ctx context.Context, id string) (*operationv1.Operation, error) {
	l, err := scan(s.db.QueryRowContext(ctx, `SELECT `+columns+` FROM operations WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("operation: get %s: %w", id, err)
	}
	return l.Operation, nil
}

// Heartbeat records that the operation id still runs, done rows of total
// so far, and says whether someone asked for it to stop. running is false
// when the operation is no longer RUNNING: another replica gave it up for
// dead, and its runner must stop too.
func (s *Store) Heartbeat(ctx context.Context, id string, done, total int64) (cancelRequested, running bool, err error) {
	now := s.at(time.Now())
	// update_time is when something a client sees changed, not the heartbeat.
	err = s.db.QueryRowContext(ctx,
		`UPDATE operations SET
		     updated_at = CASE WHEN rows_done <> $2 OR rows_total <> $3 THEN $4 ELSE updated_at END,
		     rows_done = $2, rows_total = $3, heartbeat_at = $4
		 WHERE id = $1 AND state = 'RUNNING'
		 RETURNING cancel_requested`,
		id, done, total, now).Scan(&cancelRequested)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("operation: heartbeat of %s: %w", id, err)
	}
	return cancelRequested, true, nil
}

// Finish records the final state of the RUNNING operation id: its rows
// done, its summary and error (each nil for none). finished is false when
// the operation was no longer RUNNING (a replica gave it up for dead, or
// Close did): what others were told stands.
func (s *Store) Finish(ctx context.Context, id string, state operationv1.Operation_State, done int64,
	summary *operationv1.ImportSummary, st *spb.Status) (finished bool, err error) {
	if state == operationv1.Operation_RUNNING || state == operationv1.Operation_STATE_UNSPECIFIED {
		return false, fmt.Errorf("operation: finish %s as %s: not a final state", id, state)
	}
	sum, err := marshal(summary)
	if err != nil {
		return false, fmt.Errorf("operation: finish %s: %w", id, err)
	}
	e, err := marshal(st)
	if err != nil {
		return false, fmt.Errorf("operation: finish %s: %w", id, err)
	}
	res, err := s.db.ExecContext(ctx,
		`UPDATE operations SET state = $2, rows_done = $3, summary = $4, error = $5, updated_at = $6, heartbeat_at = $6
		 WHERE id = $1 AND state = 'RUNNING'`,
		id, state.String(), done, sum, e, s.at(time.Now()))
	if err != nil {
		return false, fmt.Errorf("operation: finish %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("operation: finish %s: %w", id, err)
	}
	return n == 1, nil
}

// RequestCancel asks the runner of the operation id, wherever it runs, to
// stop it; it sees the request at its next heartbeat. A finished
// operation is left as it is.
func (s *Store) RequestCancel(ctx context.Context, id string) error {
	if _, err := s.db.ExecContext(ctx,
		`UPDATE operations SET cancel_requested = TRUE WHERE id = $1 AND state = 'RUNNING'`, id); err != nil {
		return fmt.Errorf("operation: request cancel of %s: %w", id, err)
	}
	return nil
}

// List is a page of operations, newest first.
func (s *Store) List(ctx context.Context, f ListFilter) ([]Listed, error) {
	before := f.Before
	if before <= 0 {
		before = 1<<63 - 1
	}
	q := `SELECT ` + columns + ` FROM operations WHERE seq < $1`
	args := []any{before}
	if f.Actor != "" {
		q += ` AND actor = $2`
		args = append(args, f.Actor)
	}
	q += fmt.Sprintf(` ORDER BY seq DESC LIMIT %d`, max(f.Limit, 0))
	rows, err := s.db.QueryContext(ctx, q, args...)
	out, err := db.ScanAll(rows, err, scan)
	if err != nil {
		return nil, fmt.Errorf("operation: list: %w", err)
	}
	return out, nil
}

// staleMessage tells a client why an operation failed that was running in a
// process which died. An import writes its rows in one transaction at the
// end, but the process may have died after the commit and before Finish:
// the rows may be there. A retry with the same request_id answers this
// operation again and imports nothing, so the advice is to look first.
const staleMessage = "the service stopped while the operation ran; whether its rows were written is unknown: look them up before importing the file again"

// FailStale marks FAILED every RUNNING operation whose heartbeat is older
// than olderThan (its process died), keeping what it had recorded, and
// says how many. The operations of except run in the caller's own process,
// which knows them alive even when their heartbeat is late: on SQLite an
// import's long write transaction holds back the heartbeat's write.
func (s *Store) FailStale(ctx context.Context, olderThan time.Time, except ...string) (int, error) {
	e, err := marshal(stoppedStatus(staleMessage))
	if err != nil {
		return 0, err
	}
	query := `UPDATE operations SET state = 'FAILED', error = $1, updated_at = $2
		 WHERE state = 'RUNNING' AND heartbeat_at < $3`
	args := []any{e, s.at(time.Now()), s.at(olderThan)}
	for _, id := range except {
		args = append(args, id)
		query += fmt.Sprintf(" AND id <> $%d", len(args))
	}
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("operation: fail stale operations: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("operation: fail stale operations: %w", err)
	}
	return int(n), nil
}

// DeleteFinished deletes the operations that ended (SUCCEEDED, FAILED or
// CANCELLED) before olderThan, and says how many. Their heartbeat is when
// they ended (Finish writes it; a dead process's is its last sign of
// life), which the sweeper's index on (state, heartbeat_at) finds.
func (s *Store) DeleteFinished(ctx context.Context, olderThan time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx,
		`DELETE FROM operations WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND heartbeat_at < $1`,
		s.at(olderThan))
	if err != nil {
		return 0, fmt.Errorf("operation: delete finished operations: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("operation: delete finished operations: %w", err)
	}
	return int(n), nil
}

func scan(r db.Scanner) (Listed, error) {
	var (
		l                Listed
		id, state        string
		sum, e           []byte
		created, updated db.Timestamp
	)
	op := &operationv1.Operation{}
	if err := r.Scan(&l.Seq, &id, &op.Kind, &op.Actor, &state, &op.RowsDone, &op.RowsTotal, &sum, &e, &created, &updated); err != nil {
		return Listed{}, err
	}
	op.Name = Name(id)
	op.State = operationv1.Operation_State(operationv1.Operation_State_value[state])
	op.Done = op.State != operationv1.Operation_RUNNING
	op.CreateTime, op.UpdateTime = timestamppb.New(created.T), timestamppb.New(updated.T)
	if len(sum) > 0 {
		op.Summary = &operationv1.ImportSummary{}
		if err := proto.Unmarshal(sum, op.Summary); err != nil {
			return Listed{}, fmt.Errorf("summary of %s: %w", id, err)
		}
	}
	if len(e) > 0 {
		op.Error = &spb.Status{}
		if err := proto.Unmarshal(e, op.Error); err != nil {
			return Listed{}, fmt.Errorf("error of %s: %w", id, err)
		}
	}
	l.Operation = op
	return l, nil
}

// marshal is m's proto bytes, empty (never nil, which would be NULL) for
// none.
func marshal(m proto.Message) ([]byte, error) {
	b, err := proto.Marshal(m)
	if err != nil {
		return nil, err
	}
	return append([]byte{}, b...), nil
}

// at is t as the time columns hold it: a timestamptz on PostgreSQL, fixed-
// width RFC 3339 UTC text on SQLite (so that text order is time order).
func (s *Store) at(t time.Time) any {
	if s.db.Dialect == db.SQLite {
		return t.UTC().Format("2006-01-02T15:04:05.000000Z")
	}
	return t
}
