package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// healthTimeout bounds each service's health check, so a hung service turns
// /healthz into 503 rather than a hung probe.
const healthTimeout = 2 * time.Second

// healthReport is the /healthz body.
type healthReport struct {
	Status   string            `json:"status"`
	Services map[string]string `json:"services"`
}

// serveHealth asks every service's grpc.health.v1.Health at once and answers
// 200 when all are SERVING, else 503; the body names each service's status.
func (g *Gateway) serveHealth(w http.ResponseWriter, r *http.Request, _ map[string]string) {
	statuses := make([]string, len(g.backends))
	var wg sync.WaitGroup
	for i, b := range g.backends {
		wg.Go(func() { statuses[i] = checkHealth(r.Context(), b) })
	}
	wg.Wait()

	report := healthReport{Status: grpc_health_v1.HealthCheckResponse_SERVING.String(), Services: map[string]string{}}
	code := http.StatusOK
	for i, b := range g.backends {
		report.Services[b.name] = statuses[i]
		if statuses[i] != grpc_health_v1.HealthCheckResponse_SERVING.String() {
			report.Status = grpc_health_v1.HealthCheckResponse_NOT_SERVING.String()
			code = http.StatusServiceUnavailable
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(report)
}

// checkHealth returns the service's serving status, SERVICE_UNKNOWN when the
// server does not know the service name (a wiring mistake), or UNREACHABLE.
func checkHealth(ctx context.Context, b backend) string {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	resp, err := b.client.Check(ctx, &grpc_health_v1.HealthCheckRequest{Service: b.health})
	switch {
	case status.Code(err) == codes.NotFound:
		return grpc_health_v1.HealthCheckResponse_SERVICE_UNKNOWN.String()
	case err != nil:
		return "UNREACHABLE"
	}
	return resp.GetStatus().String()
}
