package grpcserver

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"google.golang.org/grpc"
)

// benchmarkLoggingLink times the logging link around a call that succeeds,
// with a production logger (JSON, info level) writing to nowhere: what the
// link costs every call, besides the handler.
func benchmarkLoggingLink(b *testing.B, fullMethod string) {
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	unary := loggingLink(log).unary
	ctx := context.WithValue(context.Background(), requestIDKey{}, "0b7c7f3e-6a8e-4a8f-9c47-2d1f3a1b2c3d")
	info := &grpc.UnaryServerInfo{FullMethod: fullMethod}
	ok := func(context.Context, any) (any, error) { return nil, nil }
	b.ReportAllocs()
	for b.Loop() {
		if _, err := unary(ctx, nil, info, ok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoggingLinkRead(b *testing.B) {
	benchmarkLoggingLink(b, "/ntm.criteria.v1.CriteriaService/GetAggregate")
}

func BenchmarkLoggingLinkWrite(b *testing.B) {
	benchmarkLoggingLink(b, "/ntm.criteria.v1.CriteriaService/CreateAssessment")
}
