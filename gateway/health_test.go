package gateway

import (
	"net"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/health/grpc_health_v1"

	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

func TestHealthz(t *testing.T) {
	service := registryv1.RegistryService_ServiceDesc.ServiceName
	tests := []struct {
		name       string
		set        grpc_health_v1.HealthCheckResponse_ServingStatus
		wantStatus int
		want       map[string]any
	}{
		{"serving", grpc_health_v1.HealthCheckResponse_SERVING, http.StatusOK,
			map[string]any{"status": "SERVING", "services": map[string]any{"registry": "SERVING"}}},
		{"not serving", grpc_health_v1.HealthCheckResponse_NOT_SERVING, http.StatusServiceUnavailable,
			map[string]any{"status": "NOT_SERVING", "services": map[string]any{"registry": "NOT_SERVING"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, &stubRegistry{})
			e.health.SetServingStatus(service, tt.set)
			resp, got := call(t, e, http.MethodGet, "/healthz", "", nil)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHealthzUnreachable(t *testing.T) {
	// A port that was just free: nothing answers there.
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	if err := lis.Close(); err != nil {
		t.Fatal(err)
	}
	e := &env{http: newGatewayServer(t, addr)}
	resp, got := call(t, e, http.MethodGet, "/healthz", "", nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", resp.StatusCode)
	}
	want := map[string]any{"status": "NOT_SERVING", "services": map[string]any{"registry": "UNREACHABLE"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
}
