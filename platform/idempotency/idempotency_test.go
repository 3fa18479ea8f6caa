package idempotency_test

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/idempotency"
)

// serviceMigrations stand for a service's own (dbtest.StandIn).
var serviceMigrations = dbtest.StandIn("idempotency_test")

// eachDialect runs test on a fresh database of each dialect with serviceMigrations.
func eachDialect(t *testing.T, test func(t *testing.T, d *db.DB)) {
	t.Helper()
	dbtest.EachDialect(t, serviceMigrations, test)
}

// clock is a settable time for the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// counted is a run that counts its calls and answers a, response numbered
// by the call.
func counted(calls *atomic.Int64, header map[string][]string) func() (idempotency.Answer, error) {
	return func() (idempotency.Answer, error) {
		n := calls.Add(1)
		return idempotency.Answer{Response: []byte(fmt.Sprintf("answer %d", n)), Header: header}, nil
	}
}

func countRows(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(t.Context(), "SELECT count(*) FROM idempotency_keys").Scan(&n); err != nil {
		t.Fatalf("count keys: %v", err)
	}
	return n
}

var (
	key    = idempotency.Key{Caller: "officer-19", Method: "/ntm.funding.v1.FundingService/CreatePlan", ID: "plan-2026-1"}
	hashA  = []byte{0xa}
	hashB  = []byte{0xb}
	header = map[string][]string{"x-http-code": {"201"}}
)

// The first call runs and is remembered; a retry gets the same answer and
// headers without running; the same id from another caller or for another
// method is another key.
func TestReplay(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		s := idempotency.New(d, idempotency.Options{})
		var calls atomic.Int64
		first, replayed, err := s.Do(t.Context(), key, hashA, counted(&calls, header))
		if err != nil || replayed {
			t.Fatalf("first call = %v, replayed %v", err, replayed)
		}
		again, replayed, err := s.Do(t.Context(), key, hashA, counted(&calls, nil))
		if err != nil || !replayed {
			t.Fatalf("retry = %v, replayed %v", err, replayed)
		}
		if !reflect.DeepEqual(again, first) || calls.Load() != 1 {
			t.Errorf("retry answered %+v after %d runs, want %+v after 1", again, calls.Load(), first)
		}
		otherCaller, otherMethod := key, key
		otherCaller.Caller, otherMethod.Method = "officer-20", "/ntm.funding.v1.FundingService/CreateDisbursement"
		for _, k := range []idempotency.Key{otherCaller, otherMethod} {
			if _, replayed, err := s.Do(t.Context(), k, hashA, counted(&calls, nil)); err != nil || replayed {
				t.Errorf("%+v = %v, replayed %v: want a run of its own", k, err, replayed)
			}
		}
		if got := countRows(t, d); got != 3 {
			t.Errorf("%d keys, want 3", got)
		}
	})
}

// An empty response (a message with every field unset) is an answer too.
func TestReplayEmptyResponse(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		s := idempotency.New(d, idempotency.Options{})
		empty := func() (idempotency.Answer, error) { return idempotency.Answer{}, nil }
		if _, _, err := s.Do(t.Context(), key, hashA, empty); err != nil {
			t.Fatal(err)
		}
		a, replayed, err := s.Do(t.Context(), key, hashA, empty)
		if err != nil || !replayed || len(a.Response) != 0 || len(a.Header) != 0 {
			t.Errorf("retry = %+v, %v, replayed %v; want the empty answer again", a, err, replayed)
		}
	})
}

// The same id with another request is refused naming request_id, and the
// first answer stays.
func TestKeyReusedWithAnotherRequest(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		s := idempotency.New(d, idempotency.Options{})
		var calls atomic.Int64
		if _, _, err := s.Do(t.Context(), key, hashA, counted(&calls, nil)); err != nil {
			t.Fatal(err)
		}
		_, _, err := s.Do(t.Context(), key, hashB, counted(&calls, nil))
		f, ok := fault.As(err)
		if !ok || f.Kind != fault.KindInvalid || f.Reason != "IDEMPOTENCY_KEY_REUSED" ||
			len(f.Violations) != 1 || f.Violations[0].Field != "request_id" {
			t.Fatalf("other request with the same id = %#v, want IDEMPOTENCY_KEY_REUSED naming request_id", err)
		}
		if calls.Load() != 1 {
			t.Errorf("%d runs, want 1", calls.Load())
		}
		if a, replayed, err := s.Do(t.Context(), key, hashA, counted(&calls, nil)); err != nil || !replayed || string(a.Response) != "answer 1" {
			t.Errorf("first request again = %q, %v, replayed %v", a.Response, err, replayed)
		}
	})
}

// Twenty concurrent calls with one key run once and all get its answer.
func TestConcurrentRetriesRunOnce(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		s := idempotency.New(d, idempotency.Options{})
		var calls atomic.Int64
		const n = 20
		answers := make([]idempotency.Answer, n)
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				answers[i], _, errs[i] = s.Do(t.Context(), key, hashA, counted(&calls, header))
			})
		}
		close(start)
		wg.Wait()
		for i := range n {
			if errs[i] != nil || !reflect.DeepEqual(answers[i], answers[0]) {
				t.Errorf("call %d = %+v, %v; want %+v", i, answers[i], errs[i], answers[0])
			}
		}
		if calls.Load() != 1 || countRows(t, d) != 1 {
			t.Errorf("%d runs, %d keys; want 1 and 1", calls.Load(), countRows(t, d))
		}
	})
}

// A retry arriving while the first call runs waits for its answer.
func TestRetryWaitsForTheRunningCall(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		s := idempotency.New(d, idempotency.Options{})
		running, release := make(chan struct{}), make(chan struct{})
		var first idempotency.Answer
		var firstErr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			first, _, firstErr = s.Do(t.Context(), key, hashA, func() (idempotency.Answer, error) {
				close(running)
				<-release
				return idempotency.Answer{Response: []byte("first")}, nil
			})
		}()
		<-running
		retried := make(chan idempotency.Answer)
		go func() {
			a, _, err := s.Do(t.Context(), key, hashA, func() (idempotency.Answer, error) {
				return idempotency.Answer{}, errors.New("the retry must not run")
			})
			if err != nil {
				t.Errorf("retry: %v", err)
			}
			retried <- a
		}()
		close(release)
		got := <-retried
		<-done
		if firstErr != nil || string(got.Response) != "first" || string(first.Response) != "first" {
			t.Errorf("first %q (%v), retry %q; want both first", first.Response, firstErr, got.Response)
		}
	})
}

// A key pending longer than the wait limit is answered ABORTED rather than
// run again: the first call may have written before it died.
func TestPendingBeyondWaitLimit(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		s := idempotency.New(d, idempotency.Options{Now: c.Now, WaitLimit: time.Minute})
		running, release := make(chan struct{}), make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, _, _ = s.Do(t.Context(), key, hashA, func() (idempotency.Answer, error) {
				close(running)
				<-release
				return idempotency.Answer{Response: []byte("first")}, nil
			})
		}()
		<-running
		c.Advance(time.Minute + time.Second)
		var calls atomic.Int64
		_, _, err := s.Do(t.Context(), key, hashA, counted(&calls, nil))
		if f, ok := fault.As(err); !ok || f.Kind != fault.KindConflict || calls.Load() != 0 {
			t.Errorf("retry of a call pending past the limit = %v after %d runs, want a conflict and no run", err, calls.Load())
		}
		close(release)
		<-done
	})
}

// A failed call leaves no key: the retry runs again. So does a panic.
func TestFailedCallIsForgotten(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		s := idempotency.New(d, idempotency.Options{})
		boom := errors.New("unit not found")
		if _, _, err := s.Do(t.Context(), key, hashA, func() (idempotency.Answer, error) { return idempotency.Answer{}, boom }); !errors.Is(err, boom) {
			t.Fatalf("failed run = %v, want its error", err)
		}
		if got := countRows(t, d); got != 0 {
			t.Errorf("%d keys after a failed call, want 0", got)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Error("the run's panic did not carry on")
				}
			}()
			_, _, _ = s.Do(t.Context(), key, hashB, func() (idempotency.Answer, error) { panic("handler bug") })
		}()
		if got := countRows(t, d); got != 0 {
			t.Errorf("%d keys after a panic, want 0", got)
		}
		var calls atomic.Int64
		if a, replayed, err := s.Do(t.Context(), key, hashA, counted(&calls, nil)); err != nil || replayed || string(a.Response) != "answer 1" {
			t.Errorf("retry after failures = %q, %v, replayed %v; want a run", a.Response, err, replayed)
		}
	})
}

// Keys are kept for the retention (48 hours by default, at least 24) and
// forgotten after it; later inserts delete expired rows.
func TestRetention(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		s := idempotency.New(d, idempotency.Options{Now: c.Now})
		var calls atomic.Int64
		if _, _, err := s.Do(t.Context(), key, hashA, counted(&calls, nil)); err != nil {
			t.Fatal(err)
		}
		c.Advance(48 * time.Hour)
		if _, replayed, err := s.Do(t.Context(), key, hashA, counted(&calls, nil)); err != nil || !replayed {
			t.Errorf("retry after 48 hours = %v, replayed %v; want the first answer", err, replayed)
		}
		c.Advance(time.Second)
		// Expired: the id may be used again, even for another request.
		if a, replayed, err := s.Do(t.Context(), key, hashB, counted(&calls, nil)); err != nil || replayed || string(a.Response) != "answer 2" {
			t.Errorf("after 48 hours and a second = %q, %v, replayed %v; want a new run", a.Response, err, replayed)
		}
		other := key
		other.ID = "plan-2026-2"
		c.Advance(49 * time.Hour)
		if _, _, err := s.Do(t.Context(), other, hashA, counted(&calls, nil)); err != nil {
			t.Fatal(err)
		}
		if got := countRows(t, d); got != 1 {
			t.Errorf("%d keys, want only the new one: the expired one is purged", got)
		}

		short := idempotency.New(d, idempotency.Options{Now: c.Now, Retention: time.Hour})
		c.Advance(23 * time.Hour)
		if _, replayed, err := short.Do(t.Context(), other, hashA, counted(&calls, nil)); err != nil || !replayed {
			t.Errorf("retention of an hour, retry after 23 hours = %v, replayed %v; want the first answer (kept at least 24 hours)", err, replayed)
		}
		c.Advance(time.Hour + time.Second)
		if _, replayed, err := short.Do(t.Context(), other, hashB, counted(&calls, nil)); err != nil || replayed {
			t.Errorf("retention of an hour, after 24 hours and a second = %v, replayed %v; want the key forgotten", err, replayed)
		}
	})
}
