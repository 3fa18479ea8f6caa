package grpcserver

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// isRead reports whether a call only reads, by its method name (the last
// part of the full method): every service names its RPCs the AIP way, so
// Get*, List*, Count* and BatchGet* read and every other method (Create*,
// BatchCreate*, Update*, Delete*, Revoke*, Import*, Review*, …) writes.
// Successful reads are the bulk of the traffic and say nothing a metric
// does not; a new read verb must be added here, or its calls are merely
// logged as writes.
func isRead(method string) bool {
	for _, verb := range []string{"Get", "List", "Count", "BatchGet"} {
		if strings.HasPrefix(method, verb) {
			return true
		}
	}
	return false
}

// logLevel is the level of a call's line: debug for health probes and
// successful reads (the bulk of the log, and a microsecond of CPU each, for
// nothing the metrics do not count), error for the codes that mean a bug or
// an outage, info for every other failure and every write.
func logLevel(fullMethod, method string, code codes.Code) slog.Level {
	switch {
	case code == codes.Internal || code == codes.Unknown || code == codes.DataLoss:
		return slog.LevelError
	case isInfra(fullMethod), code == codes.OK && isRead(method):
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

func loggingLink(log *slog.Logger) link {
	done := func(ctx context.Context, fullMethod string, start time.Time, err error) {
		service, method := splitMethod(fullMethod)
		code := status.Code(err)
		level := logLevel(fullMethod, method, code)
		// Nothing is built for a line the handler drops.
		if !log.Enabled(ctx, level) {
			return
		}
		attrs := []slog.Attr{
			slog.String("grpc.service", service),
			slog.String("grpc.method", method),
			slog.String("grpc.code", code.String()),
			slog.String("request_id", RequestIDFromContext(ctx)),
			slog.String("client_request_id", ClientRequestIDFromContext(ctx)),
			slog.String("trace_id", traceID(ctx)),
			slog.Duration("duration", time.Since(start)),
		}
		if err != nil {
			attrs = append(attrs, slog.String("grpc.message", status.Convert(err).Message()))
		}
		// The client was told "internal error"; the log gets the real cause.
		var me *mappedError
		if errors.As(err, &me) && me.cause != nil {
			attrs = append(attrs, slog.String("error", me.cause.Error()))
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
