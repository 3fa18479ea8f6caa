package grpcserver_test

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/test/bufconn"

	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/grpctest"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

const registryService = "ntm.registry.v1.RegistryService"

// waitForHealth polls Check until service reports want; it gives up after a
// generous bound so a regression fails instead of hanging.
func waitForHealth(t *testing.T, hc healthpb.HealthClient, service string, want healthpb.HealthCheckResponse_ServingStatus) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := hc.Check(context.Background(), &healthpb.HealthCheckRequest{Service: service})
		if err == nil && resp.GetStatus() == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("health of %q never became %v (last: %v, %v)", service, want, resp.GetStatus(), err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestHealthFollowsReadiness(t *testing.T) {
	var failing atomic.Bool
	s := grpcserver.New(grpcserver.Options{
		ServiceNames: []string{registryService},
		Ready: func(context.Context) error {
			if failing.Load() {
				return errors.New("postgres: connection refused")
			}
			return nil
		},
	})
	grpcserver.SetReadyInterval(s, 5*time.Millisecond)
	hc := healthpb.NewHealthClient(grpctest.Dial(t, s))

	for _, svc := range []string{"", registryService} {
		waitForHealth(t, hc, svc, healthpb.HealthCheckResponse_SERVING)
	}
	failing.Store(true)
	for _, svc := range []string{"", registryService} {
		waitForHealth(t, hc, svc, healthpb.HealthCheckResponse_NOT_SERVING)
	}
	failing.Store(false)
	waitForHealth(t, hc, "", healthpb.HealthCheckResponse_SERVING)
}

// start serves s on an in-memory listener, returning a client, the cancel
// that triggers shutdown and Serve's result.
func start(t *testing.T, s *grpcserver.Server) (*grpc.ClientConn, context.CancelFunc, <-chan error) {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, lis) }()
	conn, err := grpcclient.Dial("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn, cancel, served
}

func TestShutdownReportsNotServing(t *testing.T) {
	s := grpcserver.New(grpcserver.Options{ServiceNames: []string{registryService}})
	conn, stop, served := start(t, s)

	watchCtx, endWatch := context.WithCancel(context.Background())
	defer endWatch()
	watch, err := healthpb.NewHealthClient(conn).Watch(watchCtx, &healthpb.HealthCheckRequest{Service: registryService})
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := watch.Recv(); err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("before shutdown: %v, %v", resp.GetStatus(), err)
	}

	stop()
	// The open Watch stream holds graceful stop back, so it sees the change.
	if resp, err := watch.Recv(); err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("during shutdown: %v, %v", resp.GetStatus(), err)
	}
	endWatch()
	if err := <-served; err != nil {
		t.Fatalf("Serve = %v, want nil", err)
	}
}

func TestShutdownTimeoutCutsOffCalls(t *testing.T) {
	entered := make(chan struct{})
	s := grpcserver.New(grpcserver.Options{ShutdownTimeout: 10 * time.Millisecond})
	registryv1.RegisterRegistryServiceServer(s.GRPC(), &registry{getUnit: func(ctx context.Context, _ *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		close(entered)
		<-ctx.Done() // a call that never finishes by itself
		return nil, ctx.Err()
	}})
	conn, stop, served := start(t, s)

	callErr := make(chan error, 1)
	go func() {
		_, err := registryv1.NewRegistryServiceClient(conn).GetUnit(context.Background(), &registryv1.GetUnitRequest{Code: "1"})
		callErr <- err
	}()
	<-entered
	stop()
	if err := <-served; err != nil {
		t.Fatalf("Serve = %v, want nil", err)
	}
	if err := <-callErr; err == nil {
		t.Error("call cut off by shutdown succeeded")
	}
}

func TestServeReturnsListenerError(t *testing.T) {
	lis := bufconn.Listen(1024)
	_ = lis.Close()
	s := grpcserver.New(grpcserver.Options{})
	if err := s.Serve(context.Background(), lis); err == nil {
		t.Fatal("Serve on a closed listener returned nil")
	}
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := grpcserver.NewMetrics(reg)
	client, conn := serve(t, grpcserver.Options{Metrics: m}, func(context.Context, *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		return &registryv1.Unit{}, nil
	})
	if _, err := client.GetUnit(context.Background(), &registryv1.GetUnitRequest{Code: "1"}); err != nil {
		t.Fatal(err)
	}
	_, _ = client.GetUnit(context.Background(), &registryv1.GetUnitRequest{Code: "x"}) // rejected by validation
	if _, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatal(err)
	}

	handled := map[string]float64{} // "service/method code" → count
	counted := map[string]float64{} // "series service/method" → count, for the other counters
	histogram := false
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, mt := range f.GetMetric() {
			l := map[string]string{}
			for _, lp := range mt.GetLabel() {
				l[lp.GetName()] = lp.GetValue()
			}
			switch f.GetName() {
			case "grpc_server_handling_seconds":
				histogram = histogram || mt.GetHistogram().GetSampleCount() > 0
			case "grpc_server_handled_total":
				handled[l["grpc_service"]+"/"+l["grpc_method"]+" "+l["grpc_code"]] += mt.GetCounter().GetValue()
			default:
				counted[f.GetName()+" "+l["grpc_type"]+" "+l["grpc_service"]+"/"+l["grpc_method"]] = mt.GetCounter().GetValue()
			}
		}
	}
	for series, want := range map[string]float64{
		"grpc_server_started_total unary " + registryService + "/GetUnit":      2,
		"grpc_server_msg_received_total unary " + registryService + "/GetUnit": 2,
		"grpc_server_msg_sent_total unary " + registryService + "/GetUnit":     1, // the refused call answered nothing
		"grpc_server_started_total unary " + registryService + "/ListUnits":    0, // idle, but shown
	} {
		if got, ok := counted[series]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", series, got, ok, want)
		}
	}
	if _, ok := handled[registryService+"/ListUnits Unavailable"]; !ok {
		t.Error("no zero-valued series of an idle method's codes")
	}
	if !histogram {
		t.Error("no handling-time histogram")
	}
	if got := handled[registryService+"/GetUnit OK"]; got != 1 {
		t.Errorf("GetUnit OK = %v, want 1", got)
	}
	if got := handled[registryService+"/GetUnit InvalidArgument"]; got != 1 {
		t.Errorf("GetUnit InvalidArgument = %v, want 1", got)
	}
	if got := handled["grpc.health.v1.Health/Check OK"]; got != 0 {
		t.Errorf("health checks counted: %v", got)
	}
}

func TestServeWithDoneContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := grpcserver.New(grpcserver.Options{}).Serve(ctx, bufconn.Listen(1024)); err != nil {
		t.Fatalf("Serve = %v, want nil", err)
	}
}
