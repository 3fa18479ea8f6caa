package grpctest_test

import (
	"fmt"
	"runtime"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/grpctest"
)

// recorder is a testing.TB whose Fatalf records the failure and stops the
// goroutine, as the real one does.
type recorder struct {
	testing.TB
	failure string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failure = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// failure runs fn against a recorder and returns what it failed with ("" when it passed).
func failure(fn func(t testing.TB)) string {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(r)
	}()
	<-done
	return r.failure
}

func TestAssertions(t *testing.T) {
	invalid := grpcserver.Status(fault.Invalids(fault.Violation{Field: "plan.source"}, fault.Violation{Field: "plan.purpose"})).Err()
	notFound := grpcserver.Status(fault.NotFound("plan", "plans/9", "no plan 9")).Err()
	precondition := grpcserver.Status(fault.Precondition("DISBURSEMENT_ABOVE_PLAN", "plan", "plans/1", "above")).Err()
	bare := status.Error(codes.FailedPrecondition, "no details")
	exists := grpcserver.Status(fault.AlreadyExists("recognition", "units/06002/recognitions/3", "in force")).Err()

	if got := grpctest.Violations(t, invalid); !slices.Equal(got, []string{"plan.source", "plan.purpose"}) {
		t.Errorf("Violations = %q", got)
	}
	for _, tc := range []struct {
		name string
		fn   func(t testing.TB)
		fail bool
	}{
		{"violations, exactly", func(t testing.TB) { grpctest.WantViolations(t, invalid, "plan.source", "plan.purpose") }, false},
		{"violations, one missing", func(t testing.TB) { grpctest.WantViolations(t, invalid, "plan.source") }, true},
		{"violations, other order", func(t testing.TB) { grpctest.WantViolations(t, invalid, "plan.purpose", "plan.source") }, true},
		{"violations of another code", func(t testing.TB) { grpctest.Violations(t, notFound) }, true},
		{"violations of no error", func(t testing.TB) { grpctest.Violations(t, nil) }, true},
		{"code", func(t testing.TB) { grpctest.WantCode(t, notFound, codes.NotFound) }, false},
		{"code OK of no error", func(t testing.TB) { grpctest.WantCode(t, nil, codes.OK) }, false},
		{"another code", func(t testing.TB) { grpctest.WantCode(t, notFound, codes.InvalidArgument) }, true},
		{"precondition", func(t testing.TB) { grpctest.WantPrecondition(t, precondition, "DISBURSEMENT_ABOVE_PLAN", "plans/1") }, false},
		{"precondition of another type", func(t testing.TB) { grpctest.WantPrecondition(t, precondition, "UNIT_HAS_CHILDREN", "plans/1") }, true},
		{"precondition about another subject", func(t testing.TB) { grpctest.WantPrecondition(t, precondition, "DISBURSEMENT_ABOVE_PLAN", "plans/2") }, true},
		{"precondition of another code", func(t testing.TB) { grpctest.WantPrecondition(t, invalid, "DISBURSEMENT_ABOVE_PLAN", "plans/1") }, true},
		{"already exists, naming it", func(t testing.TB) { grpctest.WantAlreadyExists(t, exists, "units/06002/recognitions/3") }, false},
		{"already exists, naming another", func(t testing.TB) { grpctest.WantAlreadyExists(t, exists, "units/06002/recognitions/4") }, true},
		{"already exists of another code", func(t testing.TB) { grpctest.WantAlreadyExists(t, notFound, "plans/9") }, true},
		{"precondition without details", func(t testing.TB) { grpctest.WantPrecondition(t, bare, "", "") }, true},
	} {
		if got := failure(tc.fn); (got != "") != tc.fail {
			t.Errorf("%s: failure %q, want a failure: %v", tc.name, got, tc.fail)
		}
	}
	if grpctest.Logger() == nil {
		t.Error("Logger is nil")
	}
}
