package grpcserver_test

import (
	"context"
	"log/slog"
	"net"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/grpctest"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// BenchmarkChainRead is a successful read through the whole interceptor
// chain (metrics, JSON logs at info, validation…) over bufconn, in parallel;
// BenchmarkChainReadBare the same call on a server without it: their
// difference is what the chain costs a cached read.
func BenchmarkChainRead(b *testing.B) {
	benchmarkRead(b, grpcserver.Options{Logger: slog.New(slog.NewJSONHandler(discard{}, nil)), Metrics: grpcserver.NewMetrics(prometheus.NewRegistry())})
}

func BenchmarkChainReadBare(b *testing.B) {
	s := grpc.NewServer()
	registryv1.RegisterRegistryServiceServer(s, &registry{getUnit: getProvince})
	lis := bufconn.Listen(1 << 20)
	go func() { _ = s.Serve(lis) }()
	b.Cleanup(s.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet", grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = conn.Close() })
	runReads(b, registryv1.NewRegistryServiceClient(conn))
}

var province = &registryv1.Unit{Code: "19", DisplayName: "Tỉnh Thái Nguyên", Type: registryv1.UnitType_PROVINCE}

func getProvince(context.Context, *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
	return province, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func benchmarkRead(b *testing.B, o grpcserver.Options) {
	s := grpcserver.New(o)
	registryv1.RegisterRegistryServiceServer(s.GRPC(), &registry{getUnit: getProvince})
	runReads(b, registryv1.NewRegistryServiceClient(grpctest.Dial(b, s)))
}

func runReads(b *testing.B, client registryv1.RegistryServiceClient) {
	req := &registryv1.GetUnitRequest{Code: "19", AsOf: "2020-10-31"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := client.GetUnit(context.Background(), req); err != nil {
				b.Fatal(err)
			}
		}
	})
}
