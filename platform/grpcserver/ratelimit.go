package grpcserver

import (
	"context"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/ratelimit"
)

// rateLimitLink refuses a call over the policy's rules for its principal
// (the token's subject, set by the tap) or its client address with
// RESOURCE_EXHAUSTED and a RetryInfo. Calls are counted per gRPC service
// (the scope), so one REST request fanning out to several services costs
// one call in each. nil limits disable the link.
func rateLimitLink(limits *ratelimit.Policy) link {
	if limits == nil {
		return link{}
	}
	check := func(ctx context.Context, fullMethod string) error {
		id, _ := auth.FromContext(ctx)
		service, _ := splitMethod(fullMethod)
		if d := limits.Call(ctx, service, id.Subject, clientAddr(ctx)); !d.Allowed {
			return tooManyCalls(d)
		}
		return nil
	}
	return link{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			if err := check(ctx, info.FullMethod); err != nil {
				return nil, err
			}
			return h(ctx, req)
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			if err := check(ss.Context(), info.FullMethod); err != nil {
				return err
			}
			return h(srv, ss)
		},
	}
}

// tooManyCalls is RESOURCE_EXHAUSTED with a google.rpc.RetryInfo saying
// when to try again (and an ErrorInfo, as every NTM error has).
func tooManyCalls(d ratelimit.Decision) error {
	st, err := status.New(codes.ResourceExhausted, "too many requests; retry later").WithDetails(
		&errdetails.ErrorInfo{Reason: "RATE_LIMITED", Domain: ErrorDomain},
		&errdetails.RetryInfo{RetryDelay: durationpb.New(d.RetryAfter)},
	)
	if err != nil {
		// Only an unmarshalable detail fails, and these are plain messages.
		return status.Error(codes.ResourceExhausted, "too many requests; retry later")
	}
	return st.Err()
}
