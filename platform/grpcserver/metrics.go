package grpcserver

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Metrics are the standard grpc_server_* Prometheus series (started, handled
// by code, stream messages, handling-time histogram), with the names, labels
// and buckets of go-grpc-middleware's provider, which dashboards expect.
// Create one per process and pass it to every server: registering twice
// would panic.
//
// The series of a method are bound once, on its first call or when a
// server starts: looking a labelled series up costs a hash of its label
// values, which on a cached read was a tenth of the whole chain, five
// times per call.
type Metrics struct {
	started, handled, received, sent *prometheus.CounterVec
	seconds                          *prometheus.HistogramVec

	methods sync.Map // full method name → *methodSeries
}

// methodSeries are one method's series, bound.
type methodSeries struct {
	started, received, sent prometheus.Counter
	seconds                 prometheus.Observer
	handled                 [codes.Unauthenticated + 1]prometheus.Counter
}

// NewMetrics creates the metrics and registers them on reg (nil = not registered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	labels := []string{"grpc_type", "grpc_service", "grpc_method"}
	m := &Metrics{
		started: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "grpc_server_started_total",
			Help: "Total number of RPCs started on the server."}, labels),
		handled: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "grpc_server_handled_total",
			Help: "Total number of RPCs completed on the server, regardless of success or failure."}, append(labels, "grpc_code")),
		received: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "grpc_server_msg_received_total",
			Help: "Total number of RPC stream messages received on the server."}, labels),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "grpc_server_msg_sent_total",
			Help: "Total number of gRPC stream messages sent by the server."}, labels),
		seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "grpc_server_handling_seconds",
			Help:    "Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.",
			Buckets: prometheus.DefBuckets}, labels),
	}
	if reg != nil {
		reg.MustRegister(m.started, m.handled, m.received, m.sent, m.seconds)
	}
	return m
}

// initialize creates the zero-valued series of every method of srv, so
// that dashboards show idle methods too.
func (m *Metrics) initialize(srv *grpc.Server) {
	for service, info := range srv.GetServiceInfo() {
		for _, method := range info.Methods {
			m.series("/"+service+"/"+method.Name, callType(method.IsClientStream, method.IsServerStream))
		}
	}
}

// series returns the bound series of a method, binding them the first time.
func (m *Metrics) series(fullMethod, typ string) *methodSeries {
	if s, ok := m.methods.Load(fullMethod); ok {
		return s.(*methodSeries)
	}
	service, method := splitMethod(fullMethod)
	s := &methodSeries{
		started:  m.started.WithLabelValues(typ, service, method),
		received: m.received.WithLabelValues(typ, service, method),
		sent:     m.sent.WithLabelValues(typ, service, method),
		seconds:  m.seconds.WithLabelValues(typ, service, method),
	}
	for c := range s.handled {
		s.handled[c] = m.handled.WithLabelValues(typ, service, method, codes.Code(c).String())
	}
	actual, _ := m.methods.LoadOrStore(fullMethod, s)
	return actual.(*methodSeries)
}

// done counts a finished call by its final code and times it.
func (s *methodSeries) done(err error, start time.Time) {
	code := status.Code(err)
	if int(code) < len(s.handled) {
		s.handled[code].Inc()
	}
	s.seconds.Observe(time.Since(start).Seconds())
}

// callType is the grpc_type label of a method.
func callType(clientStream, serverStream bool) string {
	switch {
	case clientStream && serverStream:
		return "bidi_stream"
	case clientStream:
		return "client_stream"
	case serverStream:
		return "server_stream"
	}
	return "unary"
}

func metricsLink(m *Metrics) link {
	if m == nil {
		return link{}
	}
	return link{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			s := m.series(info.FullMethod, "unary")
			start := time.Now()
			s.started.Inc()
			s.received.Inc()
			resp, err := h(ctx, req)
			if err == nil {
				s.sent.Inc()
			}
			s.done(err, start)
			return resp, err
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			s := m.series(info.FullMethod, callType(info.IsClientStream, info.IsServerStream))
			start := time.Now()
			s.started.Inc()
			err := h(srv, &countingStream{ServerStream: ss, series: s})
			s.done(err, start)
			return err
		},
	}
}

// countingStream counts the messages a stream receives and sends.
type countingStream struct {
	grpc.ServerStream
	series *methodSeries
}

func (c *countingStream) RecvMsg(m any) error {
	err := c.ServerStream.RecvMsg(m)
	if err == nil {
		c.series.received.Inc()
	}
	return err
}

func (c *countingStream) SendMsg(m any) error {
	err := c.ServerStream.SendMsg(m)
	if err == nil {
		c.series.sent.Inc()
	}
	return err
}
