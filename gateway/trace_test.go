package gateway

import (
	"context"
	"net/http"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/ntmsuite/ntm/platform/telemetry"
)

const (
	clientTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	clientSpanID  = "00f067aa0ba902b7"
)

// getTraced GETs a unit through e with the client's traceparent header.
func getTraced(t *testing.T, e *env) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.http.URL+"/v1/units/06101", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("traceparent", "00-"+clientTraceID+"-"+clientSpanID+"-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET = %d, want 200", resp.StatusCode)
	}
}

// A gateway recording no spans (no exporter configured) still passes the
// client's trace on to the service, unchanged.
func TestIncomingTraceparentPassesOnUntraced(t *testing.T) {
	e := newEnv(t, &stubRegistry{})
	getTraced(t, e)
	if got, want := e.stub.metadata().Get("traceparent"), "00-"+clientTraceID+"-"+clientSpanID+"-01"; len(got) != 1 || got[0] != want {
		t.Errorf("the service received traceparent %v, want the client's %s", got, want)
	}
}

// An incoming traceparent header is continued: the gateway's span is the
// child of the client's, its call to the service the child of that, and
// the service receives the trace (traceparent) with the call's span as
// parent. The test installs the process's tracer provider, which traced
// and the gRPC client use, so it must not run in parallel.
func TestIncomingTraceparentIsContinued(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	telemetry.Use(tp)
	t.Cleanup(func() {
		telemetry.Use(nil)
		if err := tp.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	e := newEnv(t, &stubRegistry{})
	getTraced(t, e)
	e.http.Close() // waits for the request's handler, so its span has ended

	spans := exp.GetSpans()
	var server, client *tracetest.SpanStub
	for i, sp := range spans {
		switch sp.SpanKind {
		case trace.SpanKindServer:
			server = &spans[i]
		case trace.SpanKindClient:
			client = &spans[i]
		}
	}
	if len(spans) != 2 || server == nil || client == nil {
		t.Fatalf("spans %v, want the gateway's server span and its client span", names(spans))
	}
	if got := server.SpanContext.TraceID().String(); got != clientTraceID || server.Parent.SpanID().String() != clientSpanID || !server.Parent.IsRemote() {
		t.Errorf("gateway span in trace %s with parent %s, want the client's trace %s and span %s", got, server.Parent.SpanID(), clientTraceID, clientSpanID)
	}
	if server.Name != "GET /v1/units/{code}" {
		t.Errorf("gateway span named %q, want its route", server.Name)
	}
	if client.Parent.SpanID() != server.SpanContext.SpanID() || client.Name != "ntm.registry.v1.RegistryService/GetUnit" {
		t.Errorf("client span %q with parent %s, want GetUnit under the gateway's span %s", client.Name, client.Parent.SpanID(), server.SpanContext.SpanID())
	}
	if got, want := e.stub.metadata().Get("traceparent"), "00-"+clientTraceID+"-"+client.SpanContext.SpanID().String()+"-01"; len(got) != 1 || got[0] != want {
		t.Errorf("the service received traceparent %v, want %s", got, want)
	}
}

func names(spans []tracetest.SpanStub) []string {
	var out []string
	for _, sp := range spans {
		out = append(out, sp.SpanKind.String()+" "+sp.Name)
	}
	return out
}
