package grpcclient

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/resolver"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/ntmsuite/ntm/platform/grpcserver"
)

// How a client spreads its calls over the replicas of a service:
//
//   - Targets: "dns:///criteria:9102" resolves every address of the name (a
//     headless Kubernetes Service lists one per ready pod); a comma-separated
//     list "10.0.0.5:9102,10.0.0.6:9102" is a static set of replicas for a
//     deployment without DNS (and for tests); "host:port" is one name,
//     resolved by DNS as well.
//   - round_robin keeps a connection to every address and sends each call
//     to the next ready one. A replica that goes away drops out of the
//     rotation as soon as its connection breaks; calls not yet sent go to
//     the others (gRPC retries those transparently).
//   - A call in flight on a replica that dies fails with UNAVAILABLE. Reads
//     are retried then, on another replica (retryPolicy below); writes are
//     not, because a write may have been done before the replica died: its
//     caller retries it with the same request id (AIP-155), which the
//     service answers once (platform/idempotency).
//   - Keepalive pings find a peer that vanished without closing its
//     connections (a node lost), at an interval the servers accept
//     (grpcserver.KeepaliveMinTime).
//   - Calls do not wait for a ready replica (no waitForReady): with none,
//     they fail at once with UNAVAILABLE, which the gateway answers as 503.

// listScheme is the resolver of comma-separated address lists (see Target).
const listScheme = "ntm-list"

// Target is the gRPC target for addr: a comma-separated list of host:port
// becomes a static list every address of which is a replica ("ntm-list:///a,b",
// resolved by Balanced's resolver); anything else is returned as is.
func Target(addr string) string {
	if strings.Contains(addr, ",") && !strings.Contains(addr, "://") {
		return listScheme + ":///" + addr
	}
	return addr
}

// Balanced returns the dial options balancing a client over a service's
// replicas (see the comment above Target): round_robin, keepalives, retries
// of reads on UNAVAILABLE and the resolver of address lists. Dial applies
// them; a client not made by Dial (the gateway's) adds them itself, with
// Target(addr) as its target.
func Balanced() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithResolvers(listBuilder{}),
		grpc.WithDefaultServiceConfig(serviceConfig()),
		// The configuration is the code's, never one a DNS TXT record names.
		grpc.WithDisableServiceConfig(),
		grpc.WithKeepaliveParams(keepalive.ClientParameters{
			Time:                2 * grpcserver.KeepaliveMinTime,
			Timeout:             10 * time.Second,
			PermitWithoutStream: true,
		}),
		// A replica restarted at the same address (a static list) is back in
		// the rotation within seconds, not gRPC's default two minutes.
		grpc.WithConnectParams(grpc.ConnectParams{Backoff: reconnectBackoff, MinConnectTimeout: 20 * time.Second}),
	}
}

var reconnectBackoff = backoff.Config{BaseDelay: time.Second, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 5 * time.Second}

// readPrefixes name the methods that only read (AIP-131, -132 and the
// suite's Count): retrying them cannot write twice.
var readPrefixes = []string{"Get", "List", "Count"}

// serviceConfig is round_robin with a retry policy for UNAVAILABLE on every
// read method of the suite's services linked into this program.
func serviceConfig() string {
	type name struct {
		Service string `json:"service"`
		Method  string `json:"method"`
	}
	var reads []name
	protoregistry.GlobalFiles.RangeFiles(func(f protoreflect.FileDescriptor) bool {
		if !strings.HasPrefix(string(f.Package()), "ntm.") {
			return true
		}
		for i := range f.Services().Len() {
			s := f.Services().Get(i)
			for j := range s.Methods().Len() {
				m := s.Methods().Get(j)
				if isRead(string(m.Name())) && !m.IsStreamingClient() {
					reads = append(reads, name{string(s.FullName()), string(m.Name())})
				}
			}
		}
		return true
	})
	cfg := map[string]any{"loadBalancingConfig": []any{map[string]any{"round_robin": map[string]any{}}}}
	if len(reads) > 0 {
		cfg["methodConfig"] = []any{map[string]any{
			"name": reads,
			"retryPolicy": map[string]any{
				"maxAttempts": 4, "initialBackoff": "0.05s", "maxBackoff": "1s", "backoffMultiplier": 2,
				"retryableStatusCodes": []string{"UNAVAILABLE"},
			},
		}}
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		panic(err) // maps of strings and numbers always marshal
	}
	return string(b)
}

func isRead(method string) bool {
	for _, p := range readPrefixes {
		if strings.HasPrefix(method, p) {
			return true
		}
	}
	return false
}

// listBuilder resolves "ntm-list:///host:port,host:port" to those addresses,
// once: the list is the deployment's, fixed for the life of the process.
type listBuilder struct{}

func (listBuilder) Scheme() string { return listScheme }

func (listBuilder) Build(t resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	var addrs []resolver.Address
	for _, a := range strings.Split(t.Endpoint(), ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		host, _, err := net.SplitHostPort(a)
		if err != nil {
			return nil, fmt.Errorf("grpcclient: address %q of list %q: %w", a, t.Endpoint(), err)
		}
		// Each replica's certificate is checked against its own host: the
		// list as a whole is no name.
		addrs = append(addrs, resolver.Address{Addr: a, ServerName: host})
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("grpcclient: empty address list %q", t.Endpoint())
	}
	if err := cc.UpdateState(resolver.State{Addresses: addrs}); err != nil {
		return nil, err
	}
	return listResolver{}, nil
}

// listResolver has nothing to resolve again: the list does not change.
type listResolver struct{}

func (listResolver) ResolveNow(resolver.ResolveNowOptions) {}
func (listResolver) Close()                                {}
