// Package report runs the report service: the periodic NTM report and the
// spreadsheets, composed from what the registry, criteria, OCOP and funding
// services answer over gRPC. It owns no data. It is what both cmd/report
// (one service per process) and the all-in-one `ntm up` start.
package report

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/ratelimit"
	"github.com/ntmsuite/ntm/platform/servicemain"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
	"github.com/ntmsuite/ntm/services/report/internal/server"
	"github.com/ntmsuite/ntm/services/report/internal/sources"
)

// Config says which services the report reads and how it serves.
type Config struct {
	// Connections to the services read; each call carries the caller's
	// token, so dial them with platform/grpcclient.
	Registry, Criteria, Ocop, Funding grpc.ClientConnInterface
	Logger                            *slog.Logger
	Metrics                           *grpcserver.Metrics
	Reflection                        bool
	// AuthKeys (optional) verify every call's bearer token; nil serves
	// without authentication.
	AuthKeys *auth.KeySet
	// RateLimit (optional) limits calls per principal and client address
	// (grpcserver.Options.RateLimit); nil limits nothing.
	RateLimit *ratelimit.Policy
}

// Service is an opened report service, ready to serve: Server, Serve and
// Close come with servicemain.Opened.
type Service struct{ servicemain.Opened }

// maxRequestBytes bounds the report service's requests, which name a unit,
// dates and options (its answers, the workbooks, are what is large); 1 MiB,
// as the gateway accepts for one record.
const maxRequestBytes = 1 << 20

// Open builds the gRPC server. It is ready while every service it reads
// answers its health check: a report needs all four.
func Open(_ context.Context, cfg Config) (*Service, error) {
	conns := map[string]grpc.ClientConnInterface{"registry": cfg.Registry, "criteria": cfg.Criteria, "ocop": cfg.Ocop, "funding": cfg.Funding}
	for name, c := range conns {
		if c == nil {
			return nil, fmt.Errorf("report: no connection to the %s service", name)
		}
	}
	srv := grpcserver.New(grpcserver.Options{
		Logger: cfg.Logger, Metrics: cfg.Metrics, Reflection: cfg.Reflection, AuthKeys: cfg.AuthKeys,
		MaxRecvMsgSize: maxRequestBytes, RateLimit: cfg.RateLimit,
		Ready: func(ctx context.Context) error { return allServing(ctx, conns) }, ServiceNames: []string{reportv1.ReportService_ServiceDesc.ServiceName},
	})
	guard := auth.NewGuard(cfg.AuthKeys != nil, registryclient.New(cfg.Registry).Path)
	reportv1.RegisterReportServiceServer(srv.GRPC(), server.New(sources.New(cfg.Registry, cfg.Criteria, cfg.Ocop, cfg.Funding), guard))
	return &Service{servicemain.NewOpened(nil, srv, nil)}, nil
}

// allServing asks each service's health; the first not serving is the error.
func allServing(ctx context.Context, conns map[string]grpc.ClientConnInterface) error {
	for name, c := range conns {
		resp, err := healthpb.NewHealthClient(c).Check(ctx, &healthpb.HealthCheckRequest{})
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			return errors.New(name + " is " + resp.GetStatus().String())
		}
	}
	return nil
}
