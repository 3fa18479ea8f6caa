package operation_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/operation"
)

// serviceMigrations stand for a service's own (dbtest.StandIn).
var serviceMigrations = dbtest.StandIn("operation_test")

// eachDialect runs test on a fresh database of each dialect.
func eachDialect(t *testing.T, test func(t *testing.T, d *db.DB)) {
	t.Helper()
	dbtest.EachDialect(t, serviceMigrations, test)
}

// eachShared runs test on a fresh database of each dialect that open opens
// once more each call, as each replica of a service does; each handle is
// closed at cleanup.
func eachShared(t *testing.T, test func(t *testing.T, open func() *db.DB)) {
	t.Helper()
	t.Parallel()
	opener := func(t *testing.T, o db.Options) func() *db.DB {
		return func() *db.DB {
			d, err := db.Open(t.Context(), o)
			if err != nil {
				t.Fatalf("open %s: %v", o.Dialect, err)
			}
			// A test may have closed it already, as a crash does.
			t.Cleanup(func() { _ = d.Close() })
			return d
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		test(t, opener(t, db.Options{Dialect: db.SQLite, DSN: filepath.Join(t.TempDir(), "shared.db"), Migrations: serviceMigrations}))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		dsn := dbtest.PostgresDatabase(t, serviceMigrations)
		test(t, opener(t, db.Options{Dialect: db.Postgres, DSN: dsn, Migrations: serviceMigrations}))
	})
}

// fast is a runner's pace in tests: a heartbeat every 10 ms.
var fast = operation.WithHeartbeat(10 * time.Millisecond)

// newRunner is a runner of the criteria service over d, closed at cleanup.
func newRunner(t *testing.T, d *db.DB, opts ...operation.Option) *operation.Runner {
	t.Helper()
	r := operation.NewRunner("criteria", d, slog.New(slog.DiscardHandler), append([]operation.Option{fast}, opts...)...)
	t.Cleanup(r.Close)
	return r
}

var (
	officer  = auth.Identity{Subject: "officer-19", Role: auth.ProvinceOfficer, Unit: "19"}
	officer2 = auth.Identity{Subject: "officer-20", Role: auth.ProvinceOfficer, Unit: "20"}
	admin    = auth.Identity{Subject: "admin-1", Role: auth.Admin}
)

func as(t *testing.T, id auth.Identity) context.Context { return auth.NewContext(t.Context(), id) }

// idOf is the id of op.
func idOf(t *testing.T, op *operationv1.Operation) string {
	t.Helper()
	id, ok := operation.ID(op.GetName())
	if !ok {
		t.Fatalf("name %q is not an operation's", op.GetName())
	}
	return id
}

// wait is r.Wait(id), bounded.
func wait(t *testing.T, r *operation.Runner, id string) *operationv1.Operation {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	op, err := r.Wait(ctx, id)
	if err != nil {
		t.Fatalf("wait for %s: %v", id, err)
	}
	return op
}

// eventually polls the operation id in s until ok holds, for up to 10 s,
// and returns it.
func eventually(t *testing.T, s *operation.Store, id string, what string, ok func(*operationv1.Operation) bool) *operationv1.Operation {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		op, err := s.Get(t.Context(), id)
		if err != nil {
			t.Fatalf("get %s: %v", id, err)
		}
		if ok(op) {
			return op
		}
		if time.Now().After(deadline) {
			t.Fatalf("operation %s never %s: %v", id, what, op)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// blocked is a run that reports rows rows done, then waits for release or
// for its context to end; it returns summary, with ctx's error if it ended.
func blocked(rows int64, summary *operationv1.ImportSummary, release <-chan struct{}) operation.RunFunc {
	return func(ctx context.Context, p *operation.Progress) (*operationv1.ImportSummary, error) {
		p.Add(rows)
		select {
		case <-release:
			return summary, nil
		case <-ctx.Done():
			return summary, ctx.Err()
		}
	}
}
