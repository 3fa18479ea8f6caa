package grpctest

import (
	"log/slog"
	"slices"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Violations returns the fields named by the google.rpc.BadRequest details of
// err, in order, failing t unless err is INVALID_ARGUMENT naming at least one.
func Violations(t testing.TB, err error) []string {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument {
		t.Fatalf("code = %v (%v), want InvalidArgument", st.Code(), err)
	}
	var fields []string
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
	}
	if len(fields) == 0 {
		t.Fatalf("no BadRequest field violations in %v", err)
	}
	return fields
}

// WantViolations fails t unless err is INVALID_ARGUMENT naming exactly fields, in order.
func WantViolations(t testing.TB, err error, fields ...string) {
	t.Helper()
	if got := Violations(t, err); !slices.Equal(got, fields) {
		t.Fatalf("violations = %q, want %q (%v)", got, fields, err)
	}
}

// WantCode fails t unless err has code (codes.OK for a nil error).
func WantCode(t testing.TB, err error, code codes.Code) {
	t.Helper()
	if status.Code(err) != code {
		t.Fatalf("error %v, want %v", err, code)
	}
}

// WantDenied fails t unless err is PERMISSION_DENIED whose
// google.rpc.ResourceInfo names resource (units/06006, plans/12); it
// returns the message, for tests that compare two refusals.
func WantDenied(t testing.TB, err error, resource string) string {
	t.Helper()
	return wantResource(t, err, codes.PermissionDenied, resource)
}

// WantAlreadyExists fails t unless err is ALREADY_EXISTS whose
// google.rpc.ResourceInfo names resource, the record in the way
// (units/06002/recognitions/3); it returns the message.
func WantAlreadyExists(t testing.TB, err error, resource string) string {
	t.Helper()
	return wantResource(t, err, codes.AlreadyExists, resource)
}

func wantResource(t testing.TB, err error, code codes.Code, resource string) string {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != code {
		t.Fatalf("code = %v (%v), want %v", st.Code(), err, code)
	}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ResourceInfo); ok && info.GetResourceName() == resource {
			return st.Message()
		}
	}
	t.Fatalf("%v: no ResourceInfo naming %s in %v", err, resource, st.Details())
	return ""
}

// WantPrecondition fails t unless err is FAILED_PRECONDITION whose
// google.rpc.PreconditionFailure has exactly one violation, of type typ
// about subject.
func WantPrecondition(t testing.TB, err error, typ, subject string) {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != codes.FailedPrecondition {
		t.Fatalf("code = %v (%v), want FailedPrecondition", st.Code(), err)
	}
	var got []*errdetails.PreconditionFailure_Violation
	for _, d := range st.Details() {
		if pf, ok := d.(*errdetails.PreconditionFailure); ok {
			got = append(got, pf.GetViolations()...)
		}
	}
	if len(got) != 1 || got[0].GetType() != typ || got[0].GetSubject() != subject {
		t.Fatalf("precondition violations %v, want one of type %s about %s (%v)", got, typ, subject, err)
	}
}

// Logger is the logger to give services under test: their logs show with
// go test -v only.
func Logger() *slog.Logger {
	if testing.Verbose() {
		return slog.Default()
	}
	return slog.New(slog.DiscardHandler)
}
