package grpcserver_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
)

func errorInfo(reason string) *errdetails.ErrorInfo {
	return &errdetails.ErrorInfo{Reason: reason, Domain: "ntm"}
}

func TestStatus(t *testing.T) {
	existing := status.New(codes.ResourceExhausted, "slow down")
	tests := []struct {
		name    string
		err     error
		code    codes.Code
		msg     string
		details []proto.Message
	}{
		{
			name: "invalid",
			err:  fault.Invalids(fault.Violation{Field: "code", Description: "must be digits"}, fault.Violation{Field: "as_of", Description: "not a date"}),
			code: codes.InvalidArgument,
			msg:  "invalid code: must be digits; as_of: not a date",
			details: []proto.Message{errorInfo("INVALID_ARGUMENT"), &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
				{Field: "code", Description: "must be digits"},
				{Field: "as_of", Description: "not a date"},
			}}},
		},
		{
			name:    "not found, wrapped",
			err:     fmt.Errorf("get unit: %w", fault.NotFound("unit", "00001", "unit 00001 not found on 2025-07-01")),
			code:    codes.NotFound,
			msg:     "unit 00001 not found on 2025-07-01",
			details: []proto.Message{errorInfo("UNIT_NOT_FOUND"), &errdetails.ResourceInfo{ResourceType: "unit", ResourceName: "00001", Description: "unit 00001 not found on 2025-07-01"}},
		},
		{
			name:    "already exists",
			err:     fault.AlreadyExists("unit", "01", "unit 01 exists"),
			code:    codes.AlreadyExists,
			msg:     "unit 01 exists",
			details: []proto.Message{errorInfo("UNIT_ALREADY_EXISTS"), &errdetails.ResourceInfo{ResourceType: "unit", ResourceName: "01", Description: "unit 01 exists"}},
		},
		{
			name: "precondition",
			err:  fault.Precondition("UNIT_HAS_CHILDREN", "unit", "01", "unit 01 still has 3 children"),
			code: codes.FailedPrecondition,
			msg:  "unit 01 still has 3 children",
			details: []proto.Message{errorInfo("UNIT_HAS_CHILDREN"), &errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{
				{Type: "UNIT_HAS_CHILDREN", Subject: "01", Description: "unit 01 still has 3 children"},
			}}},
		},
		{
			name:    "conflict",
			err:     fault.Conflict("unit 01 changed meanwhile"),
			code:    codes.Aborted,
			msg:     "unit 01 changed meanwhile",
			details: []proto.Message{errorInfo("CONFLICT")},
		},
		{
			name: "permission denied",
			err:  fault.PermissionDenied("unit", "units/06006", "a commune_officer of unit 06005 may not write unit 06006"),
			code: codes.PermissionDenied,
			msg:  "a commune_officer of unit 06005 may not write unit 06006",
			details: []proto.Message{errorInfo("PERMISSION_DENIED"), &errdetails.ResourceInfo{ResourceType: "unit", ResourceName: "units/06006",
				Description: "a commune_officer of unit 06005 may not write unit 06006"}},
		},
		{
			name:    "unauthenticated",
			err:     &fault.Error{Kind: fault.KindUnauthenticated, Reason: "NO_TOKEN", Message: "sign in"},
			code:    codes.Unauthenticated,
			msg:     "sign in",
			details: []proto.Message{errorInfo("NO_TOKEN")},
		},
		{
			name:    "unavailable",
			err:     fault.Unavailable("registry is down"),
			code:    codes.Unavailable,
			msg:     "registry is down",
			details: []proto.Message{errorInfo("DEPENDENCY_UNAVAILABLE")},
		},
		{
			name:    "out of range",
			err:     fault.OutOfRange("the sum exceeds int64"),
			code:    codes.OutOfRange,
			msg:     "the sum exceeds int64",
			details: []proto.Message{errorInfo("OUT_OF_RANGE")},
		},
		{name: "fault without kind", err: &fault.Error{Message: "oops"}, code: codes.Internal, msg: "internal error"},
		{name: "plain error", err: errors.New("pq: password authentication failed"), code: codes.Internal, msg: "internal error"},
		{name: "canceled", err: fmt.Errorf("query: %w", context.Canceled), code: codes.Canceled, msg: "context canceled"},
		{name: "deadline", err: context.DeadlineExceeded, code: codes.DeadlineExceeded, msg: "context deadline exceeded"},
		{name: "status passes through", err: existing.Err(), code: codes.ResourceExhausted, msg: "slow down"},
		{name: "wrapped status keeps its message", err: fmt.Errorf("call funding: %w", existing.Err()), code: codes.ResourceExhausted, msg: "slow down"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := grpcserver.Status(tt.err)
			if st.Code() != tt.code || st.Message() != tt.msg {
				t.Fatalf("Status() = %v %q, want %v %q", st.Code(), st.Message(), tt.code, tt.msg)
			}
			var got []proto.Message
			for _, d := range st.Details() {
				m, ok := d.(proto.Message)
				if !ok {
					t.Fatalf("undecodable detail: %v", d)
				}
				got = append(got, m)
			}
			if diff := cmp.Diff(tt.details, got, protocmp.Transform()); diff != "" {
				t.Errorf("details (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStatusNil(t *testing.T) {
	if st := grpcserver.Status(nil); st.Code() != codes.OK || st.Err() != nil {
		t.Errorf("Status(nil) = %v, want OK", st)
	}
}
