package grpcclient_test

import (
	"context"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// replica is one registry process of a replica set, on a real port.
type replica struct {
	registryv1.UnimplementedRegistryServiceServer
	server *grpcserver.Server
	addr   string
	calls  atomic.Int64
	// handle (optional) serves a call in place of the default answer.
	handle func(ctx context.Context) error
}

func (r *replica) GetUnit(ctx context.Context, _ *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
	return &registryv1.Unit{Code: r.addr}, r.serve(ctx)
}

func (r *replica) CreateUnit(ctx context.Context, _ *registryv1.CreateUnitRequest) (*registryv1.Unit, error) {
	return &registryv1.Unit{Code: r.addr}, r.serve(ctx)
}

func (r *replica) serve(ctx context.Context) error {
	r.calls.Add(1)
	if r.handle != nil {
		return r.handle(ctx)
	}
	return nil
}

func startReplica(t *testing.T) *replica {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &replica{server: grpcserver.New(grpcserver.Options{}), addr: lis.Addr().String()}
	registryv1.RegisterRegistryServiceServer(r.server.GRPC(), r)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = r.server.Serve(ctx, lis) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	return r
}

func dialList(t *testing.T, rs ...*replica) registryv1.RegistryServiceClient {
	t.Helper()
	var addrs []string
	for _, r := range rs {
		addrs = append(addrs, r.addr)
	}
	conn, err := grpcclient.Dial(strings.Join(addrs, ","))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return registryv1.NewRegistryServiceClient(conn)
}

// A comma-separated list is a replica set: calls go round the replicas,
// so every one of them serves.
func TestListSpreadsCallsOverReplicas(t *testing.T) {
	a, b := startReplica(t), startReplica(t)
	client := dialList(t, a, b)
	// The first calls may all go to whichever replica connected first;
	// round_robin uses both once both are connected.
	for i := 0; i < 1000 && (a.calls.Load() < 5 || b.calls.Load() < 5); i++ {
		if _, err := client.GetUnit(t.Context(), &registryv1.GetUnitRequest{Code: "1"}); err != nil {
			t.Fatal(err)
		}
	}
	if a.calls.Load() < 5 || b.calls.Load() < 5 {
		t.Errorf("replicas served %d and %d calls, want both at least 5", a.calls.Load(), b.calls.Load())
	}
}

// A replica dying with a call in flight: a read is retried on another
// replica and succeeds; a write is not retried (it may have been done),
// and fails UNAVAILABLE for its caller to retry with its request id.
func TestReplicaDyingMidCall(t *testing.T) {
	for _, tc := range []struct {
		name string
		call func(context.Context, registryv1.RegistryServiceClient) (*registryv1.Unit, error)
		// retried says whether the surviving replica answers the call.
		retried bool
	}{
		{"read", func(ctx context.Context, c registryv1.RegistryServiceClient) (*registryv1.Unit, error) {
			return c.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "1"})
		}, true},
		{"write", func(ctx context.Context, c registryv1.RegistryServiceClient) (*registryv1.Unit, error) {
			return c.CreateUnit(ctx, &registryv1.CreateUnitRequest{ValidFrom: "2026-01-01", DecisionNumber: "1/QĐ",
				Unit: &registryv1.UnitSpec{Code: "19", DisplayName: "Tỉnh", Type: registryv1.UnitType_PROVINCE}})
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dying, survivor := startReplica(t), startReplica(t)
			var died sync.Once
			dying.handle = func(ctx context.Context) error {
				// The process goes away: its connections are cut with
				// this call unanswered.
				died.Do(func() { go dying.server.GRPC().Stop() })
				<-ctx.Done()
				return ctx.Err()
			}
			client := dialList(t, dying, survivor)
			// Until the dying replica has taken a call, calls may land on
			// the survivor; each must succeed.
			for dying.calls.Load() == 0 {
				before := survivor.calls.Load()
				u, err := tc.call(t.Context(), client)
				switch {
				case dying.calls.Load() == 0 && err != nil:
					t.Fatalf("call served by the survivor: %v", err)
				case dying.calls.Load() == 0:
					continue
				case tc.retried && (err != nil || u.GetCode() != survivor.addr || survivor.calls.Load() != before+1):
					t.Errorf("read in flight on the dying replica: %v, %v; want the survivor's answer", u, err)
				case !tc.retried && (status.Code(err) != codes.Unavailable || survivor.calls.Load() != before):
					t.Errorf("write in flight on the dying replica: %v, %v, survivor served %d; want UNAVAILABLE, not retried",
						u, err, survivor.calls.Load()-before)
				}
			}
			// The dead replica is out of the rotation: every call succeeds.
			for range 10 {
				if u, err := tc.call(t.Context(), client); err != nil || u.GetCode() != survivor.addr {
					t.Fatalf("after the replica died: %v, %v; want the survivor's answer", u, err)
				}
			}
		})
	}
}

// Only a list of addresses goes to the list resolver: a name, a dns:///
// target or any other scheme is gRPC's to resolve.
func TestTarget(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:9102,127.0.0.1:9112": "ntm-list:///127.0.0.1:9102,127.0.0.1:9112",
		"criteria:9102":                 "criteria:9102",
		"dns:///criteria:9102":          "dns:///criteria:9102",
		"passthrough:///bufconn":        "passthrough:///bufconn",
	} {
		if got := grpcclient.Target(addr); got != want {
			t.Errorf("Target(%q) = %q, want %q", addr, got, want)
		}
	}
}
