package grpcserver

import (
	"context"

	"google.golang.org/grpc"
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
	return link{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			if err := checkText(req); err != nil {
				return nil, err
			}
			return h(ctx, req)
		},
		// Streams are checked message by message as the handler receives them.
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			return h(srv, &stream{ServerStream: ss, ctx: ss.Context(), recv: checkText})
		},
	}
}
