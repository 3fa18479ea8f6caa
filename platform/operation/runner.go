package operation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"

	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
)

const (
	defaultHeartbeat = time.Second
	defaultLease     = 30 * time.Second
	defaultCloseWait = 10 * time.Second
	// defaultMaxRun is far over the slowest import (a province's units
	// take seconds), and short enough that a run stuck on a downstream
	// call that never answers is failed the same day.
	defaultMaxRun = 30 * time.Minute
	// defaultRetention keeps a month of finished operations, for an office
	// to look back at an import; minRetention keeps them a day at least,
	// so that a client following one never finds it gone.
	defaultRetention = 30 * 24 * time.Hour
	minRetention     = 24 * time.Hour
	// finishTimeout bounds writing a final state, which runs detached
	// from any request.
	finishTimeout = 10 * time.Second
	// closingMessage is the error of an operation Close stopped.
	closingMessage = "the service was stopped while the operation ran"
	// cancelledMessage is the error of an operation someone cancelled.
	cancelledMessage = "the operation was cancelled before it finished"
)

// Why a run's context was cancelled, read back as its cause.
var (
	errCancelled = errors.New("operation cancelled")
	errClosing   = errors.New("service stopping")
	errLeaseLost = errors.New("operation given up for dead by another replica")
	errMaxRun    = errors.New("operation ran past its maximum run time")
)

// Progress is how a run reports the rows it has done. Its methods only
// touch atomics, so a run may call them for every row; the runner
// persists the count at each heartbeat.
type Progress struct {
	done, total atomic.Int64
}

// Add counts n more rows done.
func (p *Progress) Add(n int64) { p.done.Add(n) }

// Set sets the rows done.
func (p *Progress) Set(done int64) { p.done.Store(done) }

// SetTotal sets the rows to do, for a run that learns it only once it has
// read its file.
func (p *Progress) SetTotal(total int64) { p.total.Store(total) }

// Done is the rows done so far.
func (p *Progress) Done() int64 { return p.done.Load() }

// RunFunc is an operation's work. It stops early, with an error, when
// ctx is cancelled; its summary is kept even with an error.
type RunFunc func(ctx context.Context, p *Progress) (*operationv1.ImportSummary, error)

// Option tunes a Runner.
type Option func(*Runner)

// WithHeartbeat sets how often a running operation's progress and
// heartbeat are written (default 1 s); it must be well under the lease.
func WithHeartbeat(d time.Duration) Option { return func(r *Runner) { r.heartbeat = d } }

// WithLease sets how long an operation's heartbeat may be silent before it
// is given up for dead (default 30 s); the sweeper looks every half lease.
func WithLease(d time.Duration) Option { return func(r *Runner) { r.lease = d } }

// WithCloseWait sets how long Close waits for runs to stop (default 10 s)
// before it marks them FAILED regardless.
func WithCloseWait(d time.Duration) Option { return func(r *Runner) { r.closeWait = d } }

// WithMaxRun sets how long a run may take (default 30 min): past it, its
// context is cancelled and the operation ends FAILED, DEADLINE_EXCEEDED,
// with the summary the run returns. A run's heartbeats show it alive, not
// moving: without this, a call that never answers keeps it RUNNING.
func WithMaxRun(d time.Duration) Option { return func(r *Runner) { r.maxRun = d } }

// WithRetention sets how long finished operations are kept (default 30
// days, never under a day) before the sweeper deletes them.
func WithRetention(d time.Duration) Option {
	return func(r *Runner) { r.retention = max(d, minRetention) }
}

// Runner runs a service process's operations; one per process.
type Runner struct {
	service   string
	store     *Store
	log       *slog.Logger
	heartbeat time.Duration
	lease     time.Duration
	closeWait time.Duration
	maxRun    time.Duration
	retention time.Duration

	stopSweeper context.CancelFunc
	sweeperDone chan struct{}

	mu      sync.Mutex
	closed  bool
	running map[string]*running // by id
	wg      sync.WaitGroup
	once    sync.Once
}

// running is an operation of this process.
type running struct {
	id       string
	progress *Progress
	cancel   context.CancelCauseFunc
	done     chan struct{} // closed once its final state is written
}

// NewRunner returns the runner of service (the prefix of its operations'
// ids) keeping operations in d, and starts its sweeper, which fails the
// operations of dead processes, and deletes those finished past the
// retention, at once and then every half lease.
func NewRunner(service string, d *db.DB, log *slog.Logger, opts ...Option) *Runner {
	r := &Runner{service: service, store: NewStore(d), log: log,
		heartbeat: defaultHeartbeat, lease: defaultLease, closeWait: defaultCloseWait, maxRun: defaultMaxRun,
		retention: defaultRetention,
		running:   map[string]*running{}, sweeperDone: make(chan struct{})}
	for _, o := range opts {
		o(r)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.stopSweeper = cancel
	go r.sweep(ctx)
	return r
}

// Store is where the runner keeps its operations.
func (r *Runner) Store() *Store { return r.store }

// Start records a RUNNING operation of kind with total rows to do (0 if
// unknown yet), started by the caller of ctx, and runs run on its own
// goroutine. run's context keeps ctx's values (the caller's identity, for
// the audit) but not its end: the operation outlives the request. It ends
// when the operation is cancelled, the runner closed or the maximum run
// time over.
func (r *Runner) Start(ctx context.Context, kind string, total int64, run RunFunc) (*operationv1.Operation, error) {
	actor := audit.Anonymous
	if id, ok := auth.FromContext(ctx); ok {
		actor = id.Subject
	}
	id := r.service + "-" + uuid.NewString()
	// Counted before the insert, so that a Close meanwhile waits for it.
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, fault.Unavailable("the service is stopping: send the request again")
	}
	r.wg.Add(1)
	r.mu.Unlock()
	op, err := r.store.Create(ctx, id, kind, actor, total)
	if err != nil {
		r.wg.Done()
		return nil, err
	}
	runCtx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	e := &running{id: id, progress: &Progress{}, cancel: cancel, done: make(chan struct{})}
	e.progress.total.Store(total)
	r.mu.Lock()
	if r.closed {
		// Close came during the insert: the run ends at once, FAILED.
		cancel(errClosing)
	}
	r.running[id] = e
	r.mu.Unlock()
	go r.execute(runCtx, e, run)
	return op, nil
}

// outcome is what a run returned.
type outcome struct {
	summary *operationv1.ImportSummary
	err     error
}

// execute runs run, writing its progress at each heartbeat and its final
// state when it returns.
func (r *Runner) execute(ctx context.Context, e *running, run RunFunc) {
	defer r.wg.Done()
	defer close(e.done)
	defer e.cancel(nil)
	// A deadline, not only a cancel, so that downstream calls carry it.
	ctx, stop := context.WithTimeoutCause(ctx, r.maxRun, errMaxRun)
	defer stop()
	result := make(chan outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				result <- outcome{err: fmt.Errorf("panic: %v", p)}
			}
		}()
		s, err := run(ctx, e.progress)
		result <- outcome{s, err}
	}()
	tick := time.NewTicker(r.heartbeat)
	defer tick.Stop()
	beats := tick.C
	for {
		select {
		case o := <-result:
			r.finish(ctx, e, o)
			return
		case <-beats:
			if !r.beat(ctx, e) {
				beats = nil // no longer this runner's to keep alive
			}
		}
	}
}

// beat writes e's progress and heartbeat, and stops its run if someone
// asked, or if another replica gave it up for dead (or Close did); it
// returns false in the latter case.
func (r *Runner) beat(ctx context.Context, e *running) bool {
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.heartbeat)
	defer cancel()
	cancelRequested, stillRunning, err := r.store.Heartbeat(bctx, e.id, e.progress.Done(), e.progress.total.Load())
	switch {
	case err != nil:
		// A missed heartbeat or two is fine; a lease's worth and another
		// replica fails the operation, which the next beat finds.
		r.log.Warn("operation heartbeat failed", "operation", Name(e.id), "err", err)
	case !stillRunning:
		r.log.Warn("operation no longer running in the database: stopping it", "operation", Name(e.id))
		e.cancel(errLeaseLost)
		return false
	case cancelRequested:
		e.cancel(errCancelled)
	}
	return true
}

// finish writes e's final state from what its run returned and why its
// context ended, if it did.
func (r *Runner) finish(ctx context.Context, e *running, o outcome) {
	state, st := operationv1.Operation_SUCCEEDED, (*spb.Status)(nil)
	if o.err != nil {
		state = operationv1.Operation_FAILED
		switch cause := context.Cause(ctx); {
		case errors.Is(cause, errCancelled):
			state, st = operationv1.Operation_CANCELLED, &spb.Status{Code: int32(codes.Canceled), Message: cancelledMessage}
		case errors.Is(cause, errClosing):
			st = stoppedStatus(closingMessage)
		case errors.Is(cause, errMaxRun):
			st = &spb.Status{Code: int32(codes.DeadlineExceeded),
				Message: fmt.Sprintf("the operation ran longer than its maximum of %s and was stopped", r.maxRun)}
			r.log.Error("operation stopped past its maximum run time", "operation", Name(e.id), "max_run", r.maxRun)
		default:
			st = grpcserver.Status(o.err).Proto()
			r.log.Error("operation failed", "operation", Name(e.id), "err", o.err)
		}
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	finished, err := r.store.Finish(fctx, e.id, state, e.progress.Done(), o.summary, st)
	switch {
	case err != nil:
		// Left RUNNING, its heartbeat stopped: a sweeper fails it.
		r.log.Error("operation: final state not written", "operation", Name(e.id), "state", state, "err", err)
	case !finished:
		r.log.Warn("operation: final state not written, it was no longer running", "operation", Name(e.id), "state", state)
	}
	r.mu.Lock()
	delete(r.running, e.id)
	r.mu.Unlock()
}

// Get is the operation id; ErrNotFound if there is none.
func (r *Runner) Get(ctx context.Context, id string) (*operationv1.Operation, error) {
	return r.store.Get(ctx, id)
}

// Cancel stops the operation id: at once if it runs in this process,
// else at its runner's next heartbeat. It answers the operation as it
// stands, which may still be RUNNING; a finished one is left as it is.
func (r *Runner) Cancel(ctx context.Context, id string) (*operationv1.Operation, error) {
	r.mu.Lock()
	e, here := r.running[id]
	r.mu.Unlock()
	if here {
		e.cancel(errCancelled)
	} else if err := r.store.RequestCancel(ctx, id); err != nil {
		return nil, err
	}
	return r.store.Get(ctx, id)
}

// Wait waits until the operation id is done and returns it.
func (r *Runner) Wait(ctx context.Context, id string) (*operationv1.Operation, error) {
	r.mu.Lock()
	e, here := r.running[id]
	r.mu.Unlock()
	if here {
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	for {
		op, err := r.store.Get(ctx, id)
		if err != nil || op.GetDone() {
			return op, err
		}
		// Run elsewhere: look again at the pace its runner writes.
		select {
		case <-time.After(r.heartbeat):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// sweep fails the operations of dead processes and deletes those finished
// past the retention: now, then every half lease.
func (r *Runner) sweep(ctx context.Context) {
	defer close(r.sweeperDone)
	tick := time.NewTicker(r.lease / 2)
	defer tick.Stop()
	for {
		n, err := r.store.FailStale(ctx, time.Now().Add(-r.lease), r.runningIDs()...)
		switch {
		case err != nil && ctx.Err() == nil:
			r.log.Warn("operation sweep failed", "err", err)
		case n > 0:
			r.log.Warn("operations of a stopped process marked FAILED", "count", n)
		}
		n, err = r.store.DeleteFinished(ctx, time.Now().Add(-r.retention))
		switch {
		case err != nil && ctx.Err() == nil:
			r.log.Warn("deleting old operations failed", "err", err)
		case n > 0:
			r.log.Info("finished operations past the retention deleted", "count", n, "retention", r.retention)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// runningIDs are the ids of the operations running in this process.
func (r *Runner) runningIDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Collect(maps.Keys(r.running))
}

// Close stops the sweeper and every operation running in this process,
// and returns once each is marked FAILED (with its summary if its run
// returned one): those whose runs do not stop within the close wait are
// marked without it. Start refuses new operations from then on.
func (r *Runner) Close() {
	r.once.Do(func() {
		r.stopSweeper()
		<-r.sweeperDone
		r.mu.Lock()
		r.closed = true
		for _, e := range r.running {
			e.cancel(errClosing)
		}
		r.mu.Unlock()
		stopped := make(chan struct{})
		go func() {
			r.wg.Wait()
			close(stopped)
		}()
		select {
		case <-stopped:
			return
		case <-time.After(r.closeWait):
		}
		r.mu.Lock()
		stuck := make([]*running, 0, len(r.running))
		for _, e := range r.running {
			stuck = append(stuck, e)
		}
		r.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), finishTimeout)
		defer cancel()
		for _, e := range stuck {
			r.log.Error("operation did not stop when the service did", "operation", Name(e.id))
			if _, err := r.store.Finish(ctx, e.id, operationv1.Operation_FAILED, e.progress.Done(), nil, stoppedStatus(closingMessage)); err != nil {
				r.log.Error("operation: final state not written", "operation", Name(e.id), "err", err)
			}
		}
	})
}
