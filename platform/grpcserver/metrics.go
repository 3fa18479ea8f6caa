package grpcserver

import (
	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the standard grpc_server_* Prometheus series (started, handled
// by code, stream messages, handling-time histogram). Create one per process
// and pass it to every server: registering twice would panic.
type Metrics struct {
	server *grpcprom.ServerMetrics
}

// NewMetrics creates the metrics and registers them on reg (nil = not registered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{server: grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram())}
	if reg != nil {
		reg.MustRegister(m.server)
	}
	return m
}

func metricsLink(m *Metrics) link {
	if m == nil {
		return link{}
	}
	return link{unary: m.server.UnaryServerInterceptor(), stream: m.server.StreamServerInterceptor()}
}
