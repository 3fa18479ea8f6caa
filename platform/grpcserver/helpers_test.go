package grpcserver_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"

	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/grpctest"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// logBuffer collects server logs, written from server goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// registry is a RegistryService whose GetUnit does what the test says.
type registry struct {
	registryv1.UnimplementedRegistryServiceServer
	getUnit func(context.Context, *registryv1.GetUnitRequest) (*registryv1.Unit, error)
}

func (r *registry) GetUnit(ctx context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
	return r.getUnit(ctx, req)
}

// echo is a bidirectional stream service registered by hand (the real protos
// have no streams yet): for every GetUnitRequest received it sends a Unit
// whose name is the request id the handler sees.
var echoDesc = grpc.ServiceDesc{
	ServiceName: "test.Echo",
	HandlerType: (*any)(nil),
	Streams: []grpc.StreamDesc{{
		StreamName:    "Units",
		ServerStreams: true,
		ClientStreams: true,
		Handler: func(_ any, ss grpc.ServerStream) error {
			for {
				req := &registryv1.GetUnitRequest{}
				if err := ss.RecvMsg(req); err != nil {
					return err
				}
				if req.GetCode() == "0" {
					panic("stream handler bug")
				}
				// The ids the handler sees, echoed for the test to check.
				unit := &registryv1.Unit{Code: req.GetCode(), Name: grpcserver.RequestIDFromContext(ss.Context()),
					DisplayName: grpcserver.ClientRequestIDFromContext(ss.Context())}
				if err := ss.SendMsg(unit); err != nil {
					return err
				}
			}
		},
	}},
}

// serve starts a server with a registry stub (and the echo stream) and
// returns a registry client and the raw connection.
func serve(t *testing.T, o grpcserver.Options, getUnit func(context.Context, *registryv1.GetUnitRequest) (*registryv1.Unit, error)) (registryv1.RegistryServiceClient, *grpc.ClientConn) {
	t.Helper()
	s := grpcserver.New(o)
	registryv1.RegisterRegistryServiceServer(s.GRPC(), &registry{getUnit: getUnit})
	s.GRPC().RegisterService(&echoDesc, nil)
	conn := grpctest.Dial(t, s)
	return registryv1.NewRegistryServiceClient(conn), conn
}
