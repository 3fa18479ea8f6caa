package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/ntmsuite/ntm/platform/telemetry"
)

// recordTraces makes every span of the process go to the returned
// exporter, from the servers and clients built after the call (the
// suite's), until the test ends. The provider is the process's, as
// telemetry.Setup installs it in a real one, so the test must not run in
// parallel with others (none does while a sequential test runs).
func recordTraces(t *testing.T) *tracetest.InMemoryExporter {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	telemetry.Use(tp)
	t.Cleanup(func() {
		telemetry.Use(nil)
		if err := tp.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return exp
}

// One REST request is one trace across the hops, with each span the child
// of the one that caused it: the gateway's server span, its client span to
// the criteria service, that service's server span, its client spans to
// the registry (the unit, the officer's scope) and the registry's server
// span of each. Health checks make no spans, no span holds the token or
// the body, and the request's log lines name the trace.
func TestOneRequestIsOneTrace(t *testing.T) {
	exp := recordTraces(t)
	var logs logBuffer
	s, stop := startLoggingSuite(t, upConfig{}, debugJSON(&logs))
	t.Cleanup(stop)
	call(t, http.MethodGet, s.httpURL+"/healthz", "", "", http.StatusOK, nil)
	officer := tokenOf(t, demoOfficer)
	body := assessmentBody()
	header, _ := call(t, http.MethodPost, s.httpURL+"/v1/units/"+demoCommune+"/assessments", officer, body, http.StatusCreated, nil)
	requestID := header.Get("X-Request-Id")
	// Stopping the suite ends every span: a server's span ends after its
	// answer has left, possibly after the client has read it.
	stop()

	spans := exp.GetSpans()
	var root *tracetest.SpanStub
	for i, sp := range spans {
		if sp.SpanKind == trace.SpanKindServer && attr(sp, "ntm.request_id") == requestID && attr(sp, "url.path") != "" {
			root = &spans[i]
		}
		held := append([]attribute.KeyValue{attribute.String("status", sp.Status.Description)}, sp.Attributes...)
		for _, ev := range sp.Events {
			held = append(held, ev.Attributes...)
		}
		for _, kv := range held {
			if v := kv.Value.String(); strings.Contains(v, officer) || strings.Contains(v, "Võ Nhai") {
				t.Errorf("span %s: %s = %q holds the token or the body", sp.Name, kv.Key, v)
			}
		}
		if strings.Contains(sp.Name, "grpc.health") || attr(sp, "url.path") == "/healthz" {
			t.Errorf("health check traced: span %s", sp.Name)
		}
	}
	if root == nil {
		t.Fatalf("no gateway span with ntm.request_id %s among %d spans", requestID, len(spans))
	}
	if root.Parent.IsValid() {
		t.Errorf("gateway span has parent %s; a request without traceparent starts its trace", root.Parent.SpanID())
	}
	if want := "POST /v1/units/{"; !strings.HasPrefix(root.Name, want) {
		t.Errorf("gateway span named %q, want the route %q…", root.Name, want)
	}

	// The trace, as a tree of spans by parent.
	children := map[trace.SpanID][]tracetest.SpanStub{}
	inTrace := 0
	for _, sp := range spans {
		if sp.SpanContext.TraceID() == root.SpanContext.TraceID() {
			inTrace++
			children[sp.Parent.SpanID()] = append(children[sp.Parent.SpanID()], sp)
		}
	}
	only := func(parent tracetest.SpanStub, kind trace.SpanKind, name string) tracetest.SpanStub {
		t.Helper()
		got := children[parent.SpanContext.SpanID()]
		if len(got) != 1 || got[0].SpanKind != kind || got[0].Name != name {
			t.Fatalf("children of %s = %v, want one %s span %s", parent.Name, names(got), kind, name)
		}
		return got[0]
	}
	const method = "ntm.criteria.v1.CriteriaService/CreateAssessment"
	criteriaServer := only(only(*root, trace.SpanKindClient, method), trace.SpanKindServer, method)
	// The service's span carries its own request id and the gateway's, as
	// its log line and the audit trail do.
	if attr(criteriaServer, "ntm.client_request_id") != requestID || attr(criteriaServer, "ntm.request_id") == "" {
		t.Errorf("criteria span: request id %q, client request id %q; want one of its own and the gateway's %s",
			attr(criteriaServer, "ntm.request_id"), attr(criteriaServer, "ntm.client_request_id"), requestID)
	}
	registryCalls := children[criteriaServer.SpanContext.SpanID()]
	if len(registryCalls) == 0 {
		t.Fatal("the criteria service's span has no child: it did not ask the registry, or its call left the trace")
	}
	for _, c := range registryCalls {
		if c.SpanKind != trace.SpanKindClient || !strings.HasPrefix(c.Name, "ntm.registry.v1.RegistryService/") {
			t.Errorf("child of the criteria span: %s span %s, want a client span to the registry", c.SpanKind, c.Name)
			continue
		}
		only(c, trace.SpanKindServer, c.Name)
	}
	if want := 3 + 2*len(registryCalls); inTrace != want {
		t.Errorf("the trace has %d spans, want %d: the gateway's, two of the call to criteria and two of each of %d calls to the registry", inTrace, want, len(registryCalls))
	}

	// Logs and traces join on the trace id: the gateway's access log line
	// and the call lines of both services name it.
	traceID := root.SpanContext.TraceID().String()
	logged := map[string]bool{}
	for line := range strings.Lines(logs.String()) {
		var l struct {
			Msg     string `json:"msg"`
			Service string `json:"grpc.service"`
			TraceID string `json:"trace_id"`
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if l.TraceID == traceID {
			logged[l.Msg+" "+l.Service] = true
		}
	}
	for _, want := range []string{"http request ", "grpc call ntm.criteria.v1.CriteriaService", "grpc call ntm.registry.v1.RegistryService"} {
		if !logged[want] {
			t.Errorf("no %q log line with trace_id %s; lines with it: %v", want, traceID, logged)
		}
	}
}

// attr is the value of a span's attribute key, or "".
func attr(sp tracetest.SpanStub, key string) string {
	for _, kv := range sp.Attributes {
		if string(kv.Key) == key {
			return kv.Value.String()
		}
	}
	return ""
}

func names(spans []tracetest.SpanStub) []string {
	var out []string
	for _, sp := range spans {
		out = append(out, sp.SpanKind.String()+" "+sp.Name)
	}
	return out
}
