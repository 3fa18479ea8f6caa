package gateway

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health/grpc_health_v1"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/ratelimit"
	"github.com/ntmsuite/ntm/platform/telemetry"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
)

// maxBodyBytes bounds the largest request bodies (see bodyLimits). It must
// hold the largest unit import ImportUnits accepts (100,000 units at
// roughly 200 bytes of JSON each); answers may be as large.
const maxBodyBytes = 32 << 20

// Options configures New.
type Options struct {
	// RegistryAddr is host:port of the registry gRPC service.
	RegistryAddr string
	// CriteriaAddr is host:port of the criteria gRPC service.
	CriteriaAddr string
	// OcopAddr is host:port of the OCOP gRPC service.
	OcopAddr string
	// FundingAddr is host:port of the funding gRPC service.
	FundingAddr string
	// ReportAddr is host:port of the report gRPC service.
	ReportAddr string
	// Logger receives the access log and recovered panics; nil means slog.Default().
	Logger *slog.Logger
	// AuthKeys (optional) verify bearer tokens before any routing; the
	// services verify them again.
	AuthKeys *auth.KeySet
	// RateLimit (optional) answers 429 with Retry-After to a client address
	// or token subject over its rate, and to an address failing
	// authentication too often; nil limits nothing.
	RateLimit *ratelimit.Policy
	// DialTLS (optional) dials the services with TLS (config.TLSFiles.Client:
	// the suite's CA, and the gateway's client certificate for mTLS); nil
	// dials in plaintext, as on one machine.
	DialTLS *tls.Config
	// DemoTokens (optional, `ntm up --demo` only) are offered by the
	// dashboard's sign-in page, from /demo/tokens.json.
	DemoTokens []DemoToken
}

// Gateway is the HTTP handler in front of the gRPC services, with the
// connections it owns.
type Gateway struct {
	handler http.Handler
	conns   []*grpc.ClientConn
	// connOf is each connected service's connection, by name, for the
	// routes the gateway serves itself (imports, operations).
	connOf   map[string]*grpc.ClientConn
	backends []backend
	audits   []auditSource
}

// backend is a connected service, as /healthz sees it.
type backend struct {
	name   string
	health string
	client grpc_health_v1.HealthClient
}

// New connects to every configured service and builds the HTTP handler.
// Connections are made lazily by gRPC, so New succeeds while a service is
// still starting; /healthz tells whether they answer.
func New(ctx context.Context, o Options) (*Gateway, error) {
	logger := o.Logger
	if logger == nil {
		logger = slog.Default()
	}
	g := &Gateway{connOf: map[string]*grpc.ClientConn{}}
	memo := newWireMemo()
	mux := newMux(memo)
	creds := insecure.NewCredentials()
	if o.DialTLS != nil {
		creds = credentials.NewTLS(o.DialTLS)
	}
	for _, s := range services(o) {
		if s.addr == "" {
			continue
		}
		// Balanced over the service's replicas: s.addr may be dns:///name:port
		// or a comma-separated list (grpcclient.Target). Each call is a child
		// span of the request's (traced), or passes its trace on when not tracing.
		conn, err := grpc.NewClient(grpcclient.Target(s.addr), append(append(grpcclient.Balanced(), telemetry.DialOptions()...),
			grpc.WithTransportCredentials(creds),
			// Answers may be larger than gRPC's 4 MiB default (long lineages).
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxBodyBytes), grpc.ForceCodecV2(newWireCodec(memo))),
			grpc.WithChainUnaryInterceptor(refuseBadText),
		)...)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("gateway: connect to %s at %s: %w", s.name, s.addr, err), g.Close())
		}
		g.conns = append(g.conns, conn)
		g.connOf[s.name] = conn
		if err := s.register(ctx, mux, conn); err != nil {
			return nil, errors.Join(fmt.Errorf("gateway: register %s routes: %w", s.name, err), g.Close())
		}
		g.backends = append(g.backends, backend{name: s.name, health: s.health, client: grpc_health_v1.NewHealthClient(conn)})
		if s.audited {
			g.audits = append(g.audits, auditSource{name: s.name, client: auditv1.NewAuditServiceClient(conn)})
		}
	}
	if len(g.backends) == 0 {
		return nil, errors.New("gateway: no service address configured")
	}
	if err := mux.HandlePath(http.MethodGet, "/healthz", g.serveHealth); err != nil {
		return nil, errors.Join(err, g.Close())
	}
	if err := mux.HandlePath(http.MethodGet, auditPath, g.serveAuditEvents(mux)); err != nil {
		return nil, errors.Join(err, g.Close())
	}
	if err := mux.HandlePath(http.MethodGet, "/openapi.json", serveOpenAPI); err != nil {
		return nil, errors.Join(err, g.Close())
	}
	for _, route := range []struct {
		method, path string
		h            runtime.HandlerFunc
	}{
		{http.MethodPost, importsPath, g.serveImport(mux)},
		{http.MethodGet, operationPath, g.serveOperation(mux, false)},
		{http.MethodPost, cancelOperationPath, g.serveOperation(mux, true)},
	} {
		if err := mux.HandlePath(route.method, route.path, route.h); err != nil {
			return nil, errors.Join(err, g.Close())
		}
	}

	// Outermost first: the request id exists before anything logs, and the
	// access log sees the 500 written by recovery.
	var h http.Handler = mux
	h = keepDecodeFailures(h)
	h = limitBodies(h)
	h = authenticate(o.AuthKeys, o.RateLimit, h)
	h = serveDashboard(o.DemoTokens, h)
	h = recoverPanics(logger, h)
	h = accessLog(logger, h)
	h = traced(h) // outside the access log, which logs the trace id
	h = withRequestID(h)
	g.handler = h
	return g, nil
}

// Handler returns the HTTP handler serving the REST API, /healthz,
// /openapi.json and the dashboard (/ and /static/).
func (g *Gateway) Handler() http.Handler { return g.handler }

// Close closes the gRPC connections.
func (g *Gateway) Close() error {
	var errs []error
	for _, c := range g.conns {
		errs = append(errs, c.Close())
	}
	g.conns = nil
	return errors.Join(errs...)
}
