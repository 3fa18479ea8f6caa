package gateway

import (
	"context"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/textcheck"
)

// refuseBadText checks a request the gateway built (from a path, a query or
// a body) before it is sent: gRPC cannot marshal a string that is not UTF-8
// and would answer INTERNAL, 500, for what is the client's bad input. NULs
// are refused here too, as the services would, in the same shape.
func refuseBadText(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if m, ok := req.(proto.Message); ok {
		if vs := textcheck.Violations(m); len(vs) > 0 {
			bad := make([]*errdetails.BadRequest_FieldViolation, len(vs))
			for i, v := range vs {
				bad[i] = violation(v.Field, "%s", v.Description)
			}
			return invalidFields(bad...).Err()
		}
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}
