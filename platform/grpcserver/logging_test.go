package grpcserver

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// At the production level (info) a successful read is not logged; a failed
// read, every write and every fault are, at the levels they always had.
func TestLoggingLinkLevels(t *testing.T) {
	notFound := status.Error(codes.NotFound, "no unit 99")
	for _, tc := range []struct {
		method string
		err    error
		want   string // level logged, "" for none
	}{
		{"GetUnit", nil, ""},
		{"ListUnits", nil, ""},
		{"CountUnits", nil, ""},
		{"BatchGetUnits", nil, ""},
		{"GetUnit", notFound, "INFO"},
		{"ListUnits", status.Error(codes.PermissionDenied, "not yours"), "INFO"},
		{"GetAggregate", errors.New("redis: connection refused"), "ERROR"},
		{"CreateUnit", nil, "INFO"},
		{"BatchCreateAssessments", nil, "INFO"},
		{"RevokeRecognition", nil, "INFO"},
		{"ImportUnits", nil, "INFO"},
		{"ReviewRegistration", nil, "INFO"},
		{"CreateUnit", status.Error(codes.InvalidArgument, "bad code"), "INFO"},
	} {
		var logs bytes.Buffer
		unary := loggingLink(slog.New(slog.NewJSONHandler(&logs, nil))).unary
		info := &grpc.UnaryServerInfo{FullMethod: "/ntm.registry.v1.RegistryService/" + tc.method}
		_, _ = unary(context.Background(), nil, info, func(context.Context, any) (any, error) { return nil, tc.err })
		got := logs.String()
		switch {
		case tc.want == "" && got != "":
			t.Errorf("%s (%v) logged at info: %s", tc.method, tc.err, got)
		case tc.want != "" && strings.Count(got, "\n") != 1:
			t.Errorf("%s (%v) logged %d lines, want 1: %s", tc.method, tc.err, strings.Count(got, "\n"), got)
		case tc.want != "" && (!strings.Contains(got, `"level":"`+tc.want+`"`) || !strings.Contains(got, `"grpc.method":"`+tc.method+`"`)):
			t.Errorf("%s (%v) logged %s, want level %s", tc.method, tc.err, got, tc.want)
		}
	}
}

// With the level at debug, successful reads are logged too.
func TestLoggingLinkDebugLogsReads(t *testing.T) {
	var logs bytes.Buffer
	unary := loggingLink(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))).unary
	info := &grpc.UnaryServerInfo{FullMethod: "/ntm.registry.v1.RegistryService/GetUnit"}
	_, _ = unary(context.Background(), nil, info, func(context.Context, any) (any, error) { return nil, nil })
	if got := logs.String(); !strings.Contains(got, `"level":"DEBUG","msg":"grpc call"`) || !strings.Contains(got, `"grpc.code":"OK"`) {
		t.Errorf("a successful read at debug level logged %q", got)
	}
}

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
