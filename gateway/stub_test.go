package gateway

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	"google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// stubRegistry answers GetUnit and CreateUnit with whatever the test sets,
// and remembers the metadata of the last call.
type stubRegistry struct {
	registryv1.UnimplementedRegistryServiceServer

	getUnit    func(context.Context, *registryv1.GetUnitRequest) (*registryv1.Unit, error)
	createUnit func(context.Context, *registryv1.CreateUnitRequest) (*registryv1.Unit, error)
	// revokeRecognition answers RevokeRecognition (etag_test.go).
	revokeRecognition func(context.Context, *registryv1.RevokeRecognitionRequest) (*registryv1.Recognition, error)

	mu     sync.Mutex
	lastMD metadata.MD
}

func (s *stubRegistry) record(ctx context.Context) {
	md, _ := metadata.FromIncomingContext(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastMD = md
}

func (s *stubRegistry) metadata() metadata.MD {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastMD
}

func (s *stubRegistry) GetUnit(ctx context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
	s.record(ctx)
	if s.getUnit == nil {
		return &registryv1.Unit{Name: "units/" + req.GetCode(), Code: req.GetCode()}, nil
	}
	return s.getUnit(ctx, req)
}

func (s *stubRegistry) CreateUnit(ctx context.Context, req *registryv1.CreateUnitRequest) (*registryv1.Unit, error) {
	s.record(ctx)
	return s.createUnit(ctx, req)
}

// env is a running stub registry behind a running gateway.
type env struct {
	stub   *stubRegistry
	health *health.Server
	http   *httptest.Server
}

// newEnv serves stub over loopback gRPC and puts a gateway in front of it.
func newEnv(t *testing.T, stub *stubRegistry) *env {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	registryv1.RegisterRegistryServiceServer(srv, stub)
	hs := health.NewServer()
	hs.SetServingStatus(registryv1.RegistryService_ServiceDesc.ServiceName, grpc_health_v1.HealthCheckResponse_SERVING)
	grpc_health_v1.RegisterHealthServer(srv, hs)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)

	hts := newGatewayServer(t, lis.Addr().String())
	return &env{stub: stub, health: hs, http: hts}
}

// newGatewayServer runs a gateway for registryAddr behind httptest.
func newGatewayServer(t *testing.T, registryAddr string) *httptest.Server {
	t.Helper()
	gw, err := New(t.Context(), Options{RegistryAddr: registryAddr, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := gw.Close(); err != nil {
			t.Error(err)
		}
	})
	hts := httptest.NewServer(gw.Handler())
	t.Cleanup(hts.Close)
	return hts
}
