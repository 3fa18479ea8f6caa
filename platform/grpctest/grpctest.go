// Package grpctest runs a grpcserver.Server in memory for tests, so calls go
// through the real interceptor chain without opening a port.
package grpctest

import (
	"context"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/test/bufconn"

	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpcserver"
)

const bufSize = 1 << 20

// Dial serves s over an in-memory listener and returns a client connected to
// it (through grpcclient.Dial, so request ids are forwarded as in production).
// Register services on s.GRPC() before calling Dial. At cleanup the client is
// closed, the server is shut down and Dial waits for Serve to return.
func Dial(t testing.TB, s *grpcserver.Server) *grpc.ClientConn {
	t.Helper()
	lis := bufconn.Listen(bufSize)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, lis) }()

	conn, err := grpcclient.Dial("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }))
	if err != nil {
		cancel()
		<-served
		t.Fatalf("grpctest: dial: %v", err)
	}
	t.Cleanup(func() {
		// Close the client first so graceful stop has no open streams to wait for.
		_ = conn.Close()
		cancel()
		if err := <-served; err != nil {
			t.Errorf("grpctest: Serve: %v", err)
		}
	})
	return conn
}
