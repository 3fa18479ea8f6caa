package operation_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"

	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/operation"
)

// staleMessage is the error of an operation whose process died.
const staleMessage = "the service stopped while the operation ran; whether its rows were written is unknown: look them up before importing the file again"

var summary = &operationv1.ImportSummary{Rows: 3, Created: 2, Rejected: 1, ConflictsTotal: 1,
	Conflicts: []*operationv1.Conflict{{Sheet: "Xã", Row: 4, Column: "Mã xã", Value: "9x", Message: "không phải mã đơn vị", Field: "unit_code"}}}

// Rows done are written while the run goes on, with the caller as actor;
// the run's summary is there once it succeeded.
func TestProgressThenSummary(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		r := newRunner(t, d)
		release := make(chan struct{})
		started, err := r.Start(as(t, officer), "import/assessments", 10000, blocked(7, summary, release))
		if err != nil {
			t.Fatal(err)
		}
		id := idOf(t, started)
		if !strings.HasPrefix(id, "criteria-") || started.GetState() != operationv1.Operation_RUNNING || started.GetDone() ||
			started.GetActor() != officer.Subject || started.GetKind() != "import/assessments" || started.GetRowsTotal() != 10000 {
			t.Fatalf("started = %v", started)
		}
		running := eventually(t, r.Store(), id, "showed 7 rows done", func(op *operationv1.Operation) bool { return op.GetRowsDone() == 7 })
		if running.GetState() != operationv1.Operation_RUNNING || running.GetDone() || running.GetRowsTotal() != 10000 ||
			running.GetUpdateTime().AsTime().Before(started.GetCreateTime().AsTime()) {
			t.Errorf("while running = %v", running)
		}
		close(release)
		op := wait(t, r, id)
		if op.GetState() != operationv1.Operation_SUCCEEDED || !op.GetDone() || op.GetError() != nil ||
			!proto.Equal(op.GetSummary(), summary) || op.GetActor() != officer.Subject {
			t.Errorf("done = %v, want SUCCEEDED with the summary", op)
		}
	})
}

// A failed run keeps its summary, and its error is the status a client
// would have got from the call; an error that is not a fault says no more
// than "internal error".
func TestFailureKeepsSummary(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		r := newRunner(t, d)
		for _, tc := range []struct {
			err  error
			code codes.Code
			msg  string
		}{
			{fault.Invalid("file", "the sheet Xã is missing"), codes.InvalidArgument, "invalid file: the sheet Xã is missing"},
			{errors.New("disk on fire"), codes.Internal, "internal error"},
		} {
			op, err := r.Start(as(t, officer), "import/units", 3, func(context.Context, *operation.Progress) (*operationv1.ImportSummary, error) {
				return summary, tc.err
			})
			if err != nil {
				t.Fatal(err)
			}
			op = wait(t, r, idOf(t, op))
			if op.GetState() != operationv1.Operation_FAILED || !op.GetDone() || !proto.Equal(op.GetSummary(), summary) ||
				codes.Code(op.GetError().GetCode()) != tc.code || op.GetError().GetMessage() != tc.msg {
				t.Errorf("run failing with %v = %v, want FAILED %s %q with the summary", tc.err, op, tc.code, tc.msg)
			}
		}
	})
}

// A panicking run fails its operation, not the process.
func TestPanicFails(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		r := newRunner(t, d)
		op, err := r.Start(as(t, officer), "import/units", 0, func(context.Context, *operation.Progress) (*operationv1.ImportSummary, error) {
			panic("index out of range")
		})
		if err != nil {
			t.Fatal(err)
		}
		if op = wait(t, r, idOf(t, op)); op.GetState() != operationv1.Operation_FAILED || codes.Code(op.GetError().GetCode()) != codes.Internal {
			t.Errorf("after a panic = %v, want FAILED INTERNAL", op)
		}
	})
}

// Cancelling an operation of this process stops its run at once.
func TestCancelInProcess(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		r := newRunner(t, d)
		op, err := r.Start(as(t, officer), "import/assessments", 100, blocked(5, summary, nil))
		if err != nil {
			t.Fatal(err)
		}
		id := idOf(t, op)
		if _, err := r.Cancel(t.Context(), id); err != nil {
			t.Fatal(err)
		}
		op = wait(t, r, id)
		if op.GetState() != operationv1.Operation_CANCELLED || !op.GetDone() || codes.Code(op.GetError().GetCode()) != codes.Canceled ||
			!proto.Equal(op.GetSummary(), summary) || op.GetRowsDone() != 5 {
			t.Errorf("after cancel = %v, want CANCELLED with 5 rows and the summary", op)
		}
		// Cancelling a finished operation changes nothing.
		again, err := r.Cancel(t.Context(), id)
		if err != nil || !proto.Equal(again, op) {
			t.Errorf("cancel again = %v, %v; want %v unchanged", again, err, op)
		}
	})
}

// A replica cancels an operation another replica runs: the runner sees
// the request at its next heartbeat.
func TestCancelFromAnotherReplica(t *testing.T) {
	eachShared(t, func(t *testing.T, open func() *db.DB) {
		a, b := newRunner(t, open()), newRunner(t, open())
		op, err := a.Start(as(t, officer), "import/assessments", 100, blocked(5, nil, nil))
		if err != nil {
			t.Fatal(err)
		}
		id := idOf(t, op)
		if _, err := b.Cancel(t.Context(), id); err != nil {
			t.Fatal(err)
		}
		op = wait(t, b, id)
		if op.GetState() != operationv1.Operation_CANCELLED || codes.Code(op.GetError().GetCode()) != codes.Canceled {
			t.Errorf("after another replica cancelled it = %v, want CANCELLED", op)
		}
	})
}

// An operation whose process died (its heartbeat stopped, nothing closed)
// is marked FAILED by another replica's sweeper once the lease is over,
// with what it had recorded.
func TestCrashedReplicaFailsAfterLease(t *testing.T) {
	eachShared(t, func(t *testing.T, open func() *db.DB) {
		crashing := open()
		a := newRunner(t, crashing)
		op, err := a.Start(as(t, officer), "import/assessments", 100, blocked(7, summary, nil))
		if err != nil {
			t.Fatal(err)
		}
		id := idOf(t, op)
		other := operation.NewStore(open())
		eventually(t, other, id, "showed 7 rows done", func(op *operationv1.Operation) bool { return op.GetRowsDone() == 7 })
		// The crash: the process loses its database for good, so its
		// heartbeats stop and it writes nothing more.
		if err := crashing.Close(); err != nil {
			t.Fatal(err)
		}
		const lease = 300 * time.Millisecond
		crashed := time.Now()
		b := newRunner(t, open(), operation.WithLease(lease))
		op = wait(t, b, id)
		if since := time.Since(crashed); since < lease-50*time.Millisecond {
			t.Errorf("failed %s after the crash, before the lease of %s was over", since, lease)
		}
		if op.GetState() != operationv1.Operation_FAILED || codes.Code(op.GetError().GetCode()) != codes.Unavailable ||
			op.GetError().GetMessage() != staleMessage ||
			op.GetRowsDone() != 7 || op.GetActor() != officer.Subject {
			t.Errorf("after the crash = %v, want FAILED with 7 rows done", op)
		}
	})
}

// Close stops the runs and marks their operations FAILED before it
// returns, keeping a summary a run returned; a run that ignores its
// context is marked anyway after the close wait. No operation starts
// after Close.
func TestCloseFailsRunning(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		r := newRunner(t, d, operation.WithCloseWait(200*time.Millisecond))
		stopping, err := r.Start(as(t, officer), "import/assessments", 100, blocked(5, summary, nil))
		if err != nil {
			t.Fatal(err)
		}
		stuck := make(chan struct{})
		defer close(stuck)
		deaf, err := r.Start(as(t, officer), "import/units", 100, func(ctx context.Context, p *operation.Progress) (*operationv1.ImportSummary, error) {
			p.Set(9)
			<-stuck
			return nil, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, r.Store(), idOf(t, deaf), "showed 9 rows done", func(op *operationv1.Operation) bool { return op.GetRowsDone() == 9 })
		r.Close()
		for _, tc := range []struct {
			op      *operationv1.Operation
			summary *operationv1.ImportSummary
		}{{stopping, summary}, {deaf, nil}} {
			op, err := r.Store().Get(t.Context(), idOf(t, tc.op))
			if err != nil {
				t.Fatal(err)
			}
			if op.GetState() != operationv1.Operation_FAILED || codes.Code(op.GetError().GetCode()) != codes.Unavailable ||
				op.GetError().GetMessage() != "the service was stopped while the operation ran" || !proto.Equal(op.GetSummary(), tc.summary) {
				t.Errorf("%s after Close = %v, want FAILED, summary %v", op.GetKind(), op, tc.summary)
			}
		}
		_, err = r.Start(as(t, officer), "import/units", 1, blocked(1, nil, nil))
		if f, ok := fault.As(err); !ok || f.Kind != fault.KindUnavailable {
			t.Errorf("Start after Close = %v, want UNAVAILABLE", err)
		}
	})
}

// A runner that finds its operation given up for dead by another replica
// (its heartbeats failed for a lease) stops the run and leaves the
// FAILED state others were told.
func TestLeaseLostStopsRun(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		r := newRunner(t, d)
		stopped := make(chan error, 1)
		op, err := r.Start(as(t, officer), "import/units", 1, func(ctx context.Context, p *operation.Progress) (*operationv1.ImportSummary, error) {
			<-ctx.Done()
			stopped <- ctx.Err()
			return summary, ctx.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		// As another replica's sweeper would after missed heartbeats.
		if n, err := operation.NewStore(d).FailStale(t.Context(), time.Now().Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("FailStale = %d, %v; want 1", n, err)
		}
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Fatal("the run went on after its operation was given up")
		}
		op = wait(t, r, idOf(t, op))
		if op.GetState() != operationv1.Operation_FAILED || op.GetSummary() != nil ||
			op.GetError().GetMessage() != staleMessage {
			t.Errorf("after the lease was lost = %v, want the sweeper's FAILED", op)
		}
	})
}

// A run past the maximum run time is stopped: its operation ends FAILED
// DEADLINE_EXCEEDED with the summary it returned, though its heartbeats
// went on all along.
func TestMaxRunStopsRun(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		const maxRun = 200 * time.Millisecond
		r := newRunner(t, d, operation.WithMaxRun(maxRun))
		started := time.Now()
		op, err := r.Start(as(t, officer), "import/units", 10, blocked(4, summary, nil))
		if err != nil {
			t.Fatal(err)
		}
		op = wait(t, r, idOf(t, op))
		if since := time.Since(started); since < maxRun {
			t.Errorf("stopped after %s, before the maximum of %s", since, maxRun)
		}
		if op.GetState() != operationv1.Operation_FAILED || codes.Code(op.GetError().GetCode()) != codes.DeadlineExceeded ||
			!strings.Contains(op.GetError().GetMessage(), "200ms") || !proto.Equal(op.GetSummary(), summary) || op.GetRowsDone() != 4 {
			t.Errorf("past the maximum run time = %v, want FAILED DEADLINE_EXCEEDED with 4 rows and the summary", op)
		}
	})
}

// A process never fails its own running operations for a late heartbeat
// (on SQLite an import's long write holds the heartbeat's write back); a
// replica that does not run it does, once the lease is over.
func TestOwnRunsOutliveALateHeartbeat(t *testing.T) {
	eachShared(t, func(t *testing.T, open func() *db.DB) {
		const lease = 100 * time.Millisecond
		release := make(chan struct{})
		// Heartbeats far apart: the first is the start's, then none for an hour.
		a := newRunner(t, open(), operation.WithLease(lease), operation.WithHeartbeat(time.Hour))
		op, err := a.Start(as(t, officer), "import/assessments", 10, blocked(3, summary, release))
		if err != nil {
			t.Fatal(err)
		}
		id := idOf(t, op)
		time.Sleep(4 * lease) // several of a's sweeps
		s := operation.NewStore(open())
		if got, err := s.Get(t.Context(), id); err != nil || got.GetState() != operationv1.Operation_RUNNING {
			t.Fatalf("its own process's sweeper failed it: %v %v", got, err)
		}
		newRunner(t, open(), operation.WithLease(lease))
		eventually(t, s, id, "was failed by another replica", func(op *operationv1.Operation) bool {
			return op.GetState() == operationv1.Operation_FAILED
		})
		close(release)
	})
}
