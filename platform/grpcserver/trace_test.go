package grpcserver_test

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/grpc/metadata"

	"github.com/ntmsuite/ntm/platform/grpcserver"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// The log line of a call names the trace its caller sent (a W3C
// traceparent), even though this process records no spans, so that logs
// join the traces of the processes that do; a call outside any trace
// names none.
func TestLogLineNamesTheCallersTrace(t *testing.T) {
	logger, logs := newLogger()
	client, _ := serve(t, grpcserver.Options{Logger: logger}, func(_ context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		return &registryv1.Unit{Code: req.GetCode()}, nil
	})
	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	ctx := metadata.AppendToOutgoingContext(context.Background(), "traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	if _, err := client.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.GetUnit(context.Background(), &registryv1.GetUnitRequest{Code: "2"}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"trace_id":"`+traceID+`"`) || !strings.Contains(lines[1], `"trace_id":""`) {
		t.Errorf("log lines:\n%s\nwant the first with trace_id %s, the second with none", logs, traceID)
	}
}
