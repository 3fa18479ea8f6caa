package grpcserver

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/textcheck"
)

// checkText refuses a request with a string no store can keep (a NUL, or
// invalid UTF-8; see textcheck) with INVALID_ARGUMENT and one BadRequest
// field violation per string, in the shape of the services' own errors.
func checkText(m any) error {
	msg, ok := m.(proto.Message)
	if !ok {
		return nil
	}
	if vs := textcheck.Violations(msg); len(vs) > 0 {
		return Status(fault.Invalids(vs...)).Err()
	}
	return nil
}

func textLink() link {
	return messageLink(func(_ context.Context, m any) error { return checkText(m) })
}
