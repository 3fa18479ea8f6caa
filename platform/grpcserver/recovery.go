package grpcserver

import (
	"context"
	"log/slog"
	"runtime/debug"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// callInfo is filled in by inner links for the benefit of outer ones: the
// request ids are assigned inside recovery, but a panic log needs them.
type callInfo struct{ requestID, clientRequestID string }

type callInfoKey struct{}

func recoveryLink(log *slog.Logger) link {
	recovered := func(ctx context.Context, method string, ci *callInfo, err *error) {
		r := recover()
		if r == nil {
			return
		}
		service, m := splitMethod(method)
		log.ErrorContext(ctx, "grpc handler panicked",
			"grpc.service", service, "grpc.method", m, "request_id", ci.requestID,
			"client_request_id", ci.clientRequestID,
			"panic", r, "stack", string(debug.Stack()))
		// The panic value may hold anything; the client learns nothing of it.
		*err = status.Error(codes.Internal, internalMessage)
	}
	return link{
		infra: true,
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (resp any, err error) {
			ci := &callInfo{}
			ctx = context.WithValue(ctx, callInfoKey{}, ci)
			defer recovered(ctx, info.FullMethod, ci, &err)
			return h(ctx, req)
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) (err error) {
			ci := &callInfo{}
			ctx := context.WithValue(ss.Context(), callInfoKey{}, ci)
			defer recovered(ctx, info.FullMethod, ci, &err)
			return h(srv, &stream{ServerStream: ss, ctx: ctx})
		},
	}
}
