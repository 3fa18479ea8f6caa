package grpcserver

import (
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"
)

// KeepaliveMinTime is the shortest interval at which a client may ping a
// server on an idle connection: clients (platform/grpcclient) ping less
// often, so the server never answers their keepalives with a GOAWAY
// ("too_many_pings"), which would cut the connection they balance over.
const KeepaliveMinTime = 10 * time.Second

// Connection ages: after maxConnectionAge a server sends GOAWAY, so that
// clients resolving dns:/// re-resolve and spread over replicas started
// since (a scaled-up Deployment); calls in flight get maxConnectionAgeGrace
// to finish, more than a workbook download needs.
const (
	maxConnectionAge      = 5 * time.Minute
	maxConnectionAgeGrace = time.Minute
)

// keepaliveOptions accept the clients' pings, even between calls, and age
// connections out (see maxConnectionAge).
func keepaliveOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: KeepaliveMinTime, PermitWithoutStream: true}),
		grpc.KeepaliveParams(keepalive.ServerParameters{MaxConnectionAge: maxConnectionAge, MaxConnectionAgeGrace: maxConnectionAgeGrace}),
	}
}
