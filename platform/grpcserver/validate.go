package grpcserver

import (
	"context"
	"errors"

	"buf.build/go/protovalidate"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/fault"
)

// validate checks a request against its buf.validate rules. Violations become
// INVALID_ARGUMENT with one BadRequest field violation each, in the same shape
// as a service's own fault.Invalid errors.
func validate(m any) error {
	msg, ok := m.(proto.Message)
	if !ok {
		return nil
	}
	err := protovalidate.Validate(msg)
	if err == nil {
		return nil
	}
	var ve *protovalidate.ValidationError
	if !errors.As(err, &ve) {
		// A rule that does not compile or evaluate is our bug, not the caller's.
		return &mappedError{st: status.New(codes.Internal, internalMessage), cause: err}
	}
	vs := make([]fault.Violation, 0, len(ve.Violations))
	for _, v := range ve.Violations {
		desc := v.Proto.GetMessage()
		if desc == "" {
			desc = v.Proto.GetRuleId()
		}
		vs = append(vs, fault.Violation{Field: protovalidate.FieldPathString(v.Proto.GetField()), Description: desc})
	}
	return Status(fault.Invalids(vs...)).Err()
}

func validationLink() link {
	return messageLink(func(_ context.Context, m any) error { return validate(m) })
}
