package gateway

import (
	"context"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
)

// service is one backend the gateway routes to.
type service struct {
	// name keys the service in the /healthz answer.
	name string
	// addr is host:port of its gRPC server; empty leaves the service out.
	addr string
	// register adds the service's generated REST routes to the mux.
	register func(context.Context, *runtime.ServeMux, *grpc.ClientConn) error
	// health is the service name asked of grpc.health.v1.Health.
	health string
	// audited is true for a service that keeps an audit trail (one that
	// writes); GET /v1/auditEvents merges theirs.
	audited bool
}

// services is the single table of backends: adding a service is one line
// here plus one field in Options.
func services(o Options) []service {
	return []service{
		{"registry", o.RegistryAddr, registryv1.RegisterRegistryServiceHandler, registryv1.RegistryService_ServiceDesc.ServiceName, true},
		{"criteria", o.CriteriaAddr, criteriav1.RegisterCriteriaServiceHandler, criteriav1.CriteriaService_ServiceDesc.ServiceName, true},
		{"ocop", o.OcopAddr, ocopv1.RegisterOcopServiceHandler, ocopv1.OcopService_ServiceDesc.ServiceName, true},
		{"funding", o.FundingAddr, fundingv1.RegisterFundingServiceHandler, fundingv1.FundingService_ServiceDesc.ServiceName, true},
		{"report", o.ReportAddr, reportv1.RegisterReportServiceHandler, reportv1.ReportService_ServiceDesc.ServiceName, false},
	}
}
