package operation_test

import (
	"errors"
	"testing"
	"time"

	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"

	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/operation"
)

// finished records the operation id finished as state, or left RUNNING.
func finished(t *testing.T, s *operation.Store, id string, state operationv1.Operation_State) {
	t.Helper()
	if _, err := s.Create(t.Context(), id, "import/units", officer.Subject, 1); err != nil {
		t.Fatal(err)
	}
	if state == operationv1.Operation_RUNNING {
		return
	}
	if ok, err := s.Finish(t.Context(), id, state, 1, summary, nil); err != nil || !ok {
		t.Fatalf("finish %s: %v, %v", id, ok, err)
	}
}

// age makes the operation id look finished (or last alive) ago.
func age(t *testing.T, d *db.DB, id string, ago time.Duration) {
	t.Helper()
	var at any = time.Now().Add(-ago)
	if d.Dialect == db.SQLite {
		at = at.(time.Time).UTC().Format("2006-01-02T15:04:05.000000Z")
	}
	if _, err := d.ExecContext(t.Context(), `UPDATE operations SET heartbeat_at = $1, updated_at = $1 WHERE id = $2`, at, id); err != nil {
		t.Fatal(err)
	}
}

// gone reports whether the operation id is no longer kept.
func gone(t *testing.T, s *operation.Store, id string) bool {
	t.Helper()
	_, err := s.Get(t.Context(), id)
	if err != nil && !errors.Is(err, operation.ErrNotFound) {
		t.Fatal(err)
	}
	return err != nil
}

// DeleteFinished deletes the finished operations older than its time,
// whatever their end, and never a running one.
func TestDeleteFinished(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		s := operation.NewStore(d)
		states := map[string]operationv1.Operation_State{
			"criteria-running": operationv1.Operation_RUNNING, "criteria-ok": operationv1.Operation_SUCCEEDED,
			"criteria-failed": operationv1.Operation_FAILED, "criteria-cancelled": operationv1.Operation_CANCELLED,
		}
		for id, state := range states {
			finished(t, s, id, state)
		}
		if n, err := s.DeleteFinished(t.Context(), time.Now().Add(-time.Hour)); err != nil || n != 0 {
			t.Fatalf("DeleteFinished of those finished an hour ago = %d, %v; want 0", n, err)
		}
		if n, err := s.DeleteFinished(t.Context(), time.Now().Add(time.Hour)); err != nil || n != 3 {
			t.Fatalf("DeleteFinished of all = %d, %v; want 3", n, err)
		}
		for id, state := range states {
			if gone(t, s, id) != (state != operationv1.Operation_RUNNING) {
				t.Errorf("%s (%s): gone = %v", id, state, gone(t, s, id))
			}
		}
		running, err := s.Get(t.Context(), "criteria-running")
		if err != nil || running.GetState() != operationv1.Operation_RUNNING {
			t.Errorf("the running one = %v, %v", running, err)
		}
	})
}

// The sweeper deletes finished operations past the retention: 30 days
// unless told, and never under a day.
func TestSweeperDeletesOldOperations(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		s := operation.NewStore(d)
		ages := map[string]time.Duration{"criteria-31d": 31 * 24 * time.Hour, "criteria-29d": 29 * 24 * time.Hour,
			"criteria-2d": 48 * time.Hour, "criteria-12h": 12 * time.Hour}
		for id, ago := range ages {
			finished(t, s, id, operationv1.Operation_SUCCEEDED)
			age(t, d, id, ago)
		}
		// Each sweep deletes in one statement: once the oldest is gone,
		// what is left was kept.
		byDefault := newRunner(t, d)
		eventually(t, s, "criteria-29d", "kept", func(*operationv1.Operation) bool { return gone(t, s, "criteria-31d") })
		byDefault.Close()
		for _, id := range []string{"criteria-29d", "criteria-2d", "criteria-12h"} {
			if gone(t, s, id) {
				t.Errorf("%s deleted by the default retention of 30 days", id)
			}
		}
		newRunner(t, d, operation.WithRetention(time.Hour))
		eventually(t, s, "criteria-12h", "kept", func(*operationv1.Operation) bool {
			return gone(t, s, "criteria-29d") && gone(t, s, "criteria-2d")
		})
		if gone(t, s, "criteria-12h") {
			t.Error("criteria-12h deleted by a retention of an hour, which is a day")
		}
	})
}
