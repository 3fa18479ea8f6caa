package telemetry_test

import (
	"context"
	"net"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/telemetry"
)

// otelEnv are the variables Enabled reads; each case sets all of them.
var otelEnv = []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_TRACES_EXPORTER", "OTEL_SDK_DISABLED"}

func setEnv(t *testing.T, env map[string]string) {
	t.Helper()
	for _, k := range otelEnv {
		t.Setenv(k, env[k])
	}
}

// Nothing is exported unless someone said where; a setting that cannot
// be honoured stops the start instead of silently exporting nothing.
func TestEnabled(t *testing.T) {
	for name, tc := range map[string]struct {
		flag    string
		env     map[string]string
		want    bool
		wantErr bool
	}{
		"nothing configured":          {},
		"flag":                        {flag: "http://collector:4317", want: true},
		"flag over OTEL_SDK_DISABLED": {flag: "https://collector:4317", env: map[string]string{"OTEL_SDK_DISABLED": "true"}, want: true},
		"flag without scheme":         {flag: "collector:4317", wantErr: true},
		"endpoint variable":           {env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"}, want: true},
		"traces endpoint variable":    {env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4317/"}, want: true},
		"exporter otlp":               {env: map[string]string{"OTEL_TRACES_EXPORTER": "otlp"}, want: true},
		"exporter none":               {env: map[string]string{"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"}},
		"SDK disabled":                {env: map[string]string{"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"}},
		"unsupported exporter":        {env: map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, wantErr: true},
	} {
		t.Run(name, func(t *testing.T) {
			setEnv(t, tc.env)
			got, err := telemetry.Enabled(tc.flag)
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Errorf("Enabled(%q) = %v, %v; want %v, error %v", tc.flag, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// Not configured, Setup records nothing: the servers and clients built
// after it are not instrumented.
func TestSetupWithoutExporterRecordsNothing(t *testing.T) {
	setEnv(t, nil)
	stop, err := telemetry.Setup(t.Context(), telemetry.Config{Service: "registry"})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if telemetry.Recording() || telemetry.ServerOptions() != nil {
		t.Error("Setup installed a tracer provider though no exporter is configured")
	}
}

// collector is an OTLP/gRPC trace receiver keeping what it is sent.
type collector struct {
	coltracepb.UnimplementedTraceServiceServer
	mu   sync.Mutex
	reqs []*coltracepb.ExportTraceServiceRequest
}

func (c *collector) Export(_ context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reqs = append(c.reqs, req)
	return &coltracepb.ExportTraceServiceResponse{}, nil
}

// Configured with --otlp-endpoint, the process's spans reach the collector
// under its service name, those still buffered when it stops included.
func TestSetupExportsOverOTLPAndFlushesOnStop(t *testing.T) {
	setEnv(t, nil)
	t.Setenv("OTEL_SERVICE_NAME", "")
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	col := &collector{}
	srv := grpc.NewServer()
	coltracepb.RegisterTraceServiceServer(srv, col)
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()
	defer telemetry.Use(nil)

	stop, err := telemetry.Setup(t.Context(), telemetry.Config{Service: "registry", Endpoint: "http://" + lis.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	_, span := otel.Tracer("test").Start(t.Context(), "GetUnit")
	span.End()
	stop() // the batch has not been sent yet: stopping must send it

	col.mu.Lock()
	defer col.mu.Unlock()
	var services, names []string
	for _, req := range col.reqs {
		for _, rs := range req.GetResourceSpans() {
			for _, kv := range rs.GetResource().GetAttributes() {
				if kv.GetKey() == "service.name" {
					services = append(services, kv.GetValue().GetStringValue())
				}
			}
			for _, ss := range rs.GetScopeSpans() {
				for _, sp := range ss.GetSpans() {
					names = append(names, sp.GetName())
				}
			}
		}
	}
	if len(names) != 1 || names[0] != "GetUnit" || len(services) != 1 || services[0] != "registry" {
		t.Errorf("collector received spans %v of services %v, want GetUnit of registry", names, services)
	}
}
