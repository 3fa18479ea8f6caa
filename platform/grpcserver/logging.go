package grpcserver

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func loggingLink(log *slog.Logger) link {
	done := func(ctx context.Context, fullMethod string, start time.Time, err error) {
		service, method := splitMethod(fullMethod)
		st := status.Convert(err)
		attrs := []slog.Attr{
			slog.String("grpc.service", service),
			slog.String("grpc.method", method),
			slog.String("grpc.code", st.Code().String()),
			slog.String("request_id", RequestIDFromContext(ctx)),
			slog.String("client_request_id", ClientRequestIDFromContext(ctx)),
			slog.String("trace_id", traceID(ctx)),
			slog.Duration("duration", time.Since(start)),
		}
		level := slog.LevelInfo
		if isInfra(fullMethod) {
			level = slog.LevelDebug // probes every few seconds would drown the log
		}
		if err != nil {
			attrs = append(attrs, slog.String("grpc.message", st.Message()))
		}
		// The client was told "internal error"; the log gets the real cause.
		var me *mappedError
		if errors.As(err, &me) && me.cause != nil {
			attrs = append(attrs, slog.String("error", me.cause.Error()))
		}
		switch st.Code() {
		case codes.Internal, codes.Unknown, codes.DataLoss:
			level = slog.LevelError
		}
		log.LogAttrs(ctx, level, "grpc call", attrs...)
	}
	return link{
		infra: true,
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			start := time.Now()
			resp, err := h(ctx, req)
			done(ctx, info.FullMethod, start, err)
			return resp, err
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			start := time.Now()
			err := h(srv, ss)
			done(ss.Context(), info.FullMethod, start, err)
			return err
		},
	}
}
