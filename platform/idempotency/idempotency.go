// Package idempotency makes a retried request (AIP-155 request_id, or the
// Idempotency-Key header through the gateway) get the first call's answer
// instead of writing twice. It keeps, in the service's own database
// (table idempotency_keys, a platform migration), each key a caller sent
// with a method, a hash of the request and, once the call succeeded, its
// response and response headers. platform/grpcserver applies it to every
// call that carries a key.
package idempotency

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/fault"
)

// Field is the request field that carries the key (AIP-155); errors about
// the key name it, whether the key came in it or in the header.
const Field = "request_id"

const (
	// MinRetention is how long a key is kept at least: a client retrying
	// within a day must never write twice.
	MinRetention     = 24 * time.Hour
	defaultRetention = 48 * time.Hour
	// defaultWaitLimit is long enough for the slowest create (a province's
	// unit import).
	defaultWaitLimit = 5 * time.Minute
	// purgeBatch bounds the expired rows one insert deletes, so that no
	// call pays for a backlog.
	purgeBatch = 100
	// Waiters poll a pending key from firstPoll, doubling up to maxPoll.
	firstPoll = 5 * time.Millisecond
	maxPoll   = 200 * time.Millisecond
)

// Options tunes a Store; the zero value keeps keys 48 hours.
type Options struct {
	// Retention is how long a key is remembered: zero means 48 hours, and
	// less than MinRetention means MinRetention.
	Retention time.Duration
	// WaitLimit is how long a retry waits for the first call with its key
	// to finish; a key pending longer is answered ABORTED (the first call
	// may have died after writing, so running again could write twice).
	// Zero means 5 minutes.
	WaitLimit time.Duration
	// Now is the clock (for tests); nil = time.Now.
	Now func() time.Time
}

// Store remembers keys and answers in a service's database.
type Store struct {
	db        *db.DB
	retention time.Duration
	waitLimit time.Duration
	now       func() time.Time
}

// New returns a store over d, which must have the platform migrations
// (db.Open applies them).
func New(d *db.DB, o Options) *Store {
	s := &Store{db: d, retention: o.Retention, waitLimit: o.WaitLimit, now: o.Now}
	if s.retention == 0 {
		s.retention = defaultRetention
	}
	s.retention = max(s.retention, MinRetention)
	if s.waitLimit <= 0 {
		s.waitLimit = defaultWaitLimit
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Key is what a call is remembered by: the same id from another caller, or
// for another method, is another key.
type Key struct {
	Caller string // the token's subject, "" without authentication
	Method string // the full gRPC method, /package.Service/Method
	ID     string // the client's request id
}

// Answer is what a successful call answered.
type Answer struct {
	Response []byte              // the response message, proto wire form
	Header   map[string][]string // the response headers the handler set
}

// Do answers the call of k whose request hashes to hash. The first call with
// k runs run and, if it succeeds, remembers its answer; later calls with k
// and the same hash get that answer without running anything (replayed is
// true), and calls with k and another hash are refused (InvalidArgument
// IDEMPOTENCY_KEY_REUSED naming request_id). Calls arriving while the first
// still runs wait for its answer. A failed run is forgotten, so that a retry
// runs again: errors are not answers.
func (s *Store) Do(ctx context.Context, k Key, hash []byte, run func() (Answer, error)) (a Answer, replayed bool, err error) {
	h := hex.EncodeToString(hash)
	poll := firstPoll
	for {
		inserted, err := s.insert(ctx, k, h)
		if err != nil {
			return Answer{}, false, err
		}
		if inserted {
			a, err := s.runOnce(ctx, k, run)
			return a, false, err
		}
		r, found, err := s.read(ctx, k)
		switch {
		case err != nil:
			return Answer{}, false, err
		case !found:
			continue // the first call failed in between: run it here
		case r.hash != h:
			return Answer{}, false, &fault.Error{Kind: fault.KindInvalid, Reason: "IDEMPOTENCY_KEY_REUSED",
				Message: fmt.Sprintf("invalid %s: %q was sent before with another request", Field, k.ID),
				Violations: []fault.Violation{{Field: Field,
					Description: fmt.Sprintf("%q was sent before with another request; a new request needs a new id", k.ID)}}}
		case r.done:
			return r.answer, true, nil
		case s.now().Sub(r.created) > s.waitLimit:
			return Answer{}, false, fault.Conflict("the request with %s %q has been running since %s and its outcome is unknown; check whether it was recorded before sending it again with a new id",
				Field, k.ID, r.created.Format(time.RFC3339))
		}
		// Still running elsewhere: look again soon.
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return Answer{}, false, ctx.Err()
		case <-t.C:
		}
		poll = min(2*poll, maxPoll)
	}
}

// runOnce runs run for k, whose pending row this call inserted, and records
// the answer. The row goes if run fails or panics; once run succeeded its
// writes are committed, so the row stays even if recording fails: a retry
// is then told the outcome is unknown rather than run twice.
func (s *Store) runOnce(ctx context.Context, k Key, run func() (Answer, error)) (Answer, error) {
	forget := true
	defer func() {
		if forget {
			// Even when ctx ended (often why run failed): a row left
			// pending would hold every retry until the wait limit.
			_, _ = s.db.ExecContext(context.WithoutCancel(ctx),
				`DELETE FROM idempotency_keys WHERE caller = $1 AND method = $2 AND request_id = $3 AND state = 'pending'`,
				k.Caller, k.Method, k.ID)
		}
	}()
	a, err := run()
	if err != nil {
		return Answer{}, err
	}
	forget = false
	header, err := json.Marshal(a.Header)
	if err != nil {
		return Answer{}, fmt.Errorf("idempotency: encode headers: %w", err)
	}
	// A nil slice would be stored as NULL; an empty message is empty bytes.
	response := append([]byte{}, a.Response...)
	// Without ctx's cancellation: a client gone after the write must still
	// find the answer when it retries.
	if _, err := s.db.ExecContext(context.WithoutCancel(ctx),
		`UPDATE idempotency_keys SET state = 'done', response = $4, response_headers = $5
		 WHERE caller = $1 AND method = $2 AND request_id = $3 AND state = 'pending'`,
		k.Caller, k.Method, k.ID, response, string(header)); err != nil {
		return Answer{}, fmt.Errorf("idempotency: record the answer of %s %q: %w", k.Method, k.ID, err)
	}
	return a, nil
}

// insert adds k as pending unless it is already there; an expired row of k
// is dropped first, and a few other expired rows with it.
func (s *Store) insert(ctx context.Context, k Key, hash string) (bool, error) {
	now := s.now()
	cutoff := s.at(now.Add(-s.retention))
	if _, err := s.db.ExecContext(ctx,
		`DELETE FROM idempotency_keys WHERE (caller, method, request_id) IN (
		     SELECT caller, method, request_id FROM idempotency_keys WHERE created_at < $1 LIMIT `+fmt.Sprint(purgeBatch)+`)
		 OR (caller = $2 AND method = $3 AND request_id = $4 AND created_at < $1)`,
		cutoff, k.Caller, k.Method, k.ID); err != nil {
		return false, fmt.Errorf("idempotency: purge expired keys: %w", err)
	}
	res, err := s.db.ExecContext(ctx,
		`INSERT INTO idempotency_keys (caller, method, request_id, request_hash, state, created_at)
		 VALUES ($1, $2, $3, $4, 'pending', $5) ON CONFLICT DO NOTHING`,
		k.Caller, k.Method, k.ID, hash, s.at(now))
	if err != nil {
		return false, fmt.Errorf("idempotency: insert key: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("idempotency: insert key: %w", err)
	}
	return n == 1, nil
}

type row struct {
	hash    string
	done    bool
	answer  Answer
	created time.Time
}

// read is k's row, found false if there is none.
func (s *Store) read(ctx context.Context, k Key) (r row, found bool, err error) {
	var (
		state, header string
		created       db.Timestamp
	)
	err = s.db.QueryRowContext(ctx,
		`SELECT request_hash, state, response, response_headers, created_at FROM idempotency_keys
		 WHERE caller = $1 AND method = $2 AND request_id = $3`,
		k.Caller, k.Method, k.ID).Scan(&r.hash, &state, &r.answer.Response, &header, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return row{}, false, nil
	}
	if err != nil {
		return row{}, false, fmt.Errorf("idempotency: read key: %w", err)
	}
	if err := json.Unmarshal([]byte(header), &r.answer.Header); err != nil {
		return row{}, false, fmt.Errorf("idempotency: decode headers of %s %q: %w", k.Method, k.ID, err)
	}
	r.done, r.created = state == "done", created.T
	return r, true, nil
}

// at is t as created_at holds it: a timestamptz on PostgreSQL, fixed-width
// RFC 3339 UTC text on SQLite (so that text order is time order).
func (s *Store) at(t time.Time) any {
	if s.db.Dialect == db.SQLite {
		return t.UTC().Format("2006-01-02T15:04:05.000000Z")
	}
	return t
}
