package grpcserver

import (
	"context"
	"errors"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"

	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/fault"
)

// ErrorDomain is the google.rpc.ErrorInfo domain of every NTM error.
const ErrorDomain = "ntm"

// internalMessage is all a client learns about a failure that is our fault.
const internalMessage = "internal error"

// errDatabaseUnavailable is what a client learns of a database outage; the
// cause stays in the server log.
var errDatabaseUnavailable = fault.Unavailable("the database is unavailable: send the request again shortly")

var kindCodes = map[fault.Kind]codes.Code{
	fault.KindInvalid:          codes.InvalidArgument,
	fault.KindNotFound:         codes.NotFound,
	fault.KindPrecondition:     codes.FailedPrecondition,
	fault.KindAlreadyExists:    codes.AlreadyExists,
	fault.KindConflict:         codes.Aborted,
	fault.KindPermissionDenied: codes.PermissionDenied,
	fault.KindUnauthenticated:  codes.Unauthenticated,
	fault.KindUnavailable:      codes.Unavailable,
	fault.KindOutOfRange:       codes.OutOfRange,
}

// Status converts an error returned by service code into what the client sees:
//   - a *fault.Error (anywhere in the chain) gets its kind's code, its message
//     and google.rpc details (ErrorInfo always; BadRequest, ResourceInfo or
//     PreconditionFailure by kind);
//   - a gRPC status (e.g. from a downstream call) passes through unchanged;
//   - context cancellation and deadline become CANCELLED and DEADLINE_EXCEEDED;
//   - a database that cannot be reached (db.IsUnavailable) is UNAVAILABLE,
//     so that clients retry through an outage instead of giving up on 500s;
//   - anything else is INTERNAL "internal error": the cause stays in the server log.
//
// Status(nil) is nil, which is OK.
func Status(err error) *status.Status {
	if err == nil {
		return nil
	}
	if f, ok := fault.As(err); ok {
		return faultStatus(f)
	}
	// errors.As, not status.FromError: the latter rewrites the message of a
	// wrapped status to the wrapper's text, which is server-side context.
	var gs interface{ GRPCStatus() *status.Status }
	if errors.As(err, &gs) && gs.GRPCStatus() != nil {
		return gs.GRPCStatus()
	}
	switch {
	case errors.Is(err, context.Canceled):
		return status.New(codes.Canceled, context.Canceled.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.New(codes.DeadlineExceeded, context.DeadlineExceeded.Error())
	}
	if db.IsUnavailable(err) {
		return faultStatus(errDatabaseUnavailable)
	}
	return status.New(codes.Internal, internalMessage)
}

func faultStatus(f *fault.Error) *status.Status {
	code, ok := kindCodes[f.Kind]
	if !ok {
		// A fault without a known kind is a programming error.
		return status.New(codes.Internal, internalMessage)
	}
	details := []protoadapt.MessageV1{&errdetails.ErrorInfo{Reason: f.Reason, Domain: ErrorDomain}}
	switch f.Kind {
	case fault.KindInvalid:
		br := &errdetails.BadRequest{}
		for _, v := range f.Violations {
			br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: v.Field, Description: v.Description})
		}
		details = append(details, br)
	case fault.KindNotFound, fault.KindAlreadyExists, fault.KindPermissionDenied:
		details = append(details, &errdetails.ResourceInfo{ResourceType: f.ResourceType, ResourceName: f.ResourceName, Description: f.Message})
	case fault.KindPrecondition:
		details = append(details, &errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{
			{Type: f.Reason, Subject: f.ResourceName, Description: f.Message},
		}})
	}
	st := status.New(code, f.Message)
	if withDetails, err := st.WithDetails(details...); err == nil {
		st = withDetails
	}
	return st
}

// mappedError is the status a client gets, still carrying the original error
// so the logging link can record what the client is not told.
type mappedError struct {
	st    *status.Status
	cause error
}

func (e *mappedError) Error() string              { return e.st.Err().Error() }
func (e *mappedError) GRPCStatus() *status.Status { return e.st }
func (e *mappedError) Unwrap() error              { return e.cause }

// mapError converts a handler's error. When the client sees less than the
// error says (a hidden INTERNAL cause, or wrapping context around a fault or
// a downstream status) the original rides along for the log.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(interface{ GRPCStatus() *status.Status }); ok {
		return err // already exactly what the client sees
	}
	st := Status(err)
	if err.Error() == st.Message() {
		return st.Err()
	}
	return &mappedError{st: st, cause: err}
}

func errorMappingLink() link {
	return link{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			resp, err := h(ctx, req)
			return resp, mapError(err)
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			return mapError(h(srv, ss))
		},
	}
}
