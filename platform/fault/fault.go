// Package fault is how domain code says what went wrong without knowing gRPC:
// bad input naming its field, a missing resource, a failed precondition, a
// conflict. platform/grpcserver turns a *fault.Error into a gRPC status with
// google.rpc details; any other error becomes INTERNAL with a generic message.
package fault

import (
	"errors"
	"fmt"
	"strings"
)

// Kind is the class of failure; each maps to one gRPC code.
type Kind int

const (
	KindInvalid          Kind = iota + 1 // INVALID_ARGUMENT + BadRequest
	KindNotFound                         // NOT_FOUND + ResourceInfo
	KindPrecondition                     // FAILED_PRECONDITION + PreconditionFailure
	KindAlreadyExists                    // ALREADY_EXISTS + ResourceInfo
	KindConflict                         // ABORTED (concurrent change, stale etag)
	KindPermissionDenied                 // PERMISSION_DENIED
	KindUnauthenticated                  // UNAUTHENTICATED
	KindUnavailable                      // UNAVAILABLE (a dependency is down)
	KindOutOfRange                       // OUT_OF_RANGE (a figure too large to count)
)

// Violation names one bad field, in the request's own field path
// (`unit_change.merge.source_codes[1]`).
type Violation struct {
	Field       string
	Description string
}

// Error is a failure the client can act on.
type Error struct {
	Kind Kind
	// Reason is an UPPER_SNAKE_CASE code for google.rpc.ErrorInfo (e.g. UNIT_NOT_FOUND).
	Reason  string
	Message string
	// Violations lists bad fields (KindInvalid).
	Violations []Violation
	// ResourceType and ResourceName identify the resource (KindNotFound, KindAlreadyExists,
	// KindPrecondition: the subject whose state blocks the request).
	ResourceType string
	ResourceName string
}

func (e *Error) Error() string { return e.Message }

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var f *Error
	ok := errors.As(err, &f)
	return f, ok
}

// Invalid is bad input in one field.
func Invalid(field, format string, args ...any) *Error {
	return Invalids(Violation{Field: field, Description: fmt.Sprintf(format, args...)})
}

// Invalids is bad input in several fields, reported together.
func Invalids(vs ...Violation) *Error {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.Field + ": " + v.Description
	}
	return &Error{Kind: KindInvalid, Reason: "INVALID_ARGUMENT", Message: "invalid " + strings.Join(parts, "; "), Violations: vs}
}

// NotFound says a resource does not exist (on the requested date, where that matters).
func NotFound(resourceType, name, format string, args ...any) *Error {
	return &Error{Kind: KindNotFound, Reason: strings.ToUpper(resourceType) + "_NOT_FOUND", Message: fmt.Sprintf(format, args...), ResourceType: resourceType, ResourceName: name}
}

// AlreadyExists says a create collides with an existing resource.
func AlreadyExists(resourceType, name, format string, args ...any) *Error {
	return &Error{Kind: KindAlreadyExists, Reason: strings.ToUpper(resourceType) + "_ALREADY_EXISTS", Message: fmt.Sprintf(format, args...), ResourceType: resourceType, ResourceName: name}
}

// Precondition says the system is not in a state that allows the request;
// reason is the PreconditionFailure type (e.g. UNIT_HAS_CHILDREN), name its subject.
func Precondition(reason, resourceType, name, format string, args ...any) *Error {
	return &Error{Kind: KindPrecondition, Reason: reason, Message: fmt.Sprintf(format, args...), ResourceType: resourceType, ResourceName: name}
}

// Conflict says a concurrent change won; the client may retry.
func Conflict(format string, args ...any) *Error {
	return &Error{Kind: KindConflict, Reason: "CONFLICT", Message: fmt.Sprintf(format, args...)}
}

// Unavailable says a dependency could not be reached.
func Unavailable(format string, args ...any) *Error {
	return &Error{Kind: KindUnavailable, Reason: "DEPENDENCY_UNAVAILABLE", Message: fmt.Sprintf(format, args...)}
}

// OutOfRange says an answer cannot be given in range, e.g. a sum of money
// beyond int64: reported, never wrapped around.
func OutOfRange(format string, args ...any) *Error {
	return &Error{Kind: KindOutOfRange, Reason: "OUT_OF_RANGE", Message: fmt.Sprintf(format, args...)}
}

// PermissionDenied says the caller may not do this to the resource (a unit
// outside their scope); the resource is named so the caller knows which.
func PermissionDenied(resourceType, name, format string, args ...any) *Error {
	return &Error{Kind: KindPermissionDenied, Reason: "PERMISSION_DENIED", Message: fmt.Sprintf(format, args...), ResourceType: resourceType, ResourceName: name}
}
