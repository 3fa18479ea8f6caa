package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/cmd/ntm/internal/demo"
	"github.com/ntmsuite/ntm/gateway"
	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/metricshttp"
	"github.com/ntmsuite/ntm/platform/ratelimit"
	"github.com/ntmsuite/ntm/platform/servicemain"
	"github.com/ntmsuite/ntm/platform/telemetry"
	"github.com/ntmsuite/ntm/services/criteria"
	"github.com/ntmsuite/ntm/services/funding"
	"github.com/ntmsuite/ntm/services/ocop"
	"github.com/ntmsuite/ntm/services/registry"
	"github.com/ntmsuite/ntm/services/report"
)

// Where `ntm up` serves each service unless told otherwise; the commands
// that call a running suite dial these by default.
const (
	defaultRegistryAddr = "127.0.0.1:9101"
	defaultCriteriaAddr = "127.0.0.1:9102"
	defaultOcopAddr     = "127.0.0.1:9103"
	defaultFundingAddr  = "127.0.0.1:9104"
	defaultReportAddr   = "127.0.0.1:9105"
)

type upConfig struct {
	dataDir      string
	postgresURL  string
	httpAddr     string
	registryAddr string
	criteriaAddr string
	ocopAddr     string
	fundingAddr  string
	reportAddr   string
	redisAddr    string
	catalogDir   string
	metricsAddr  string
	demo         bool
	// authKeys verify every call's token; nil serves without authentication.
	authKeys *auth.KeySet
	// cachePrefix is the deployment's prefix in Redis (--cache-prefix).
	cachePrefix string
	// rateLimit makes the rate-limit policy of the services and the
	// gateway from the limiter startSuite makes (counting in its Redis);
	// nil limits nothing.
	rateLimit func(*ratelimit.Limiter) *ratelimit.Policy
	// http are the limits of the gateway's HTTP server.
	http gateway.ServerOptions
	// demoTokens are offered by the dashboard's sign-in page (--demo with keys).
	demoTokens []gateway.DemoToken
	// transport is TLS, mTLS or plaintext for the services' listeners and
	// dials, and HTTPS or HTTP for the gateway (the same certificate).
	transport servicemain.Transport
}

func up(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fs := flag.NewFlagSet("ntm up", flag.ContinueOnError)
	var cfg upConfig
	fs.StringVar(&cfg.dataDir, "data-dir", "data", "directory of the SQLite files, one per service")
	fs.StringVar(&cfg.postgresURL, "postgres-url", "", "PostgreSQL URL; each service then uses its own schema in that database instead of SQLite")
	fs.StringVar(&cfg.httpAddr, "http-addr", "127.0.0.1:8080", "REST gateway listen address")
	fs.StringVar(&cfg.registryAddr, "registry-addr", defaultRegistryAddr, "registry gRPC listen address")
	fs.StringVar(&cfg.criteriaAddr, "criteria-addr", defaultCriteriaAddr, "criteria gRPC listen address")
	fs.StringVar(&cfg.ocopAddr, "ocop-addr", defaultOcopAddr, "OCOP gRPC listen address")
	fs.StringVar(&cfg.fundingAddr, "funding-addr", defaultFundingAddr, "funding gRPC listen address")
	fs.StringVar(&cfg.reportAddr, "report-addr", defaultReportAddr, "report gRPC listen address")
	fs.StringVar(&cfg.redisAddr, "redis-addr", "", "Redis address of the aggregate cache and the rate-limit counters; empty keeps both in this process")
	fs.StringVar(&cfg.catalogDir, "catalog-dir", "", "directory of extra criteria catalog files (a province's thresholds)")
	fs.StringVar(&cfg.metricsAddr, "metrics-addr", "127.0.0.1:9100", "Prometheus /metrics listen address; empty disables")
	fs.BoolVar(&cfg.demo, "demo", false, "load the demo province (Thái Nguyên) unless it is already there, and print an admin's and a commune officer's tokens (signed with a key made for this run when no keys are given)")
	authFlags := servicemain.NewAuthFlags(fs)
	fs.StringVar(&cfg.cachePrefix, "cache-prefix", cache.DefaultPrefix, "prefix of this deployment's keys in Redis (cache generations, rate-limit counters); deployments sharing a Redis use different ones")
	cfg.rateLimit = ratelimit.NewFlags(fs).Policy
	cfg.http = gateway.DefaultServerOptions()
	cfg.http.RegisterFlags(fs)
	tlsFlags := servicemain.NewTLSFlags(fs)
	otlp := telemetry.EndpointFlag(fs)
	if err := config.Parse(fs, args, "NTM_"); err != nil {
		return err
	}
	logger.Info("starting ntm", config.Redacted(fs)...)
	// One process, one service.name: the spans' names and rpc.service
	// attributes tell the services apart.
	stopTracing, err := telemetry.Setup(ctx, telemetry.Config{Service: "ntm", Endpoint: *otlp, Logger: logger})
	if err != nil {
		return err
	}
	defer stopTracing() // last: flushes the spans of the calls just drained
	keys, err := authFlags.Load(ctx, logger)
	if errors.Is(err, servicemain.ErrNoAuthKeys) && cfg.demo {
		keys, err = ephemeralKeys()
	}
	if err != nil {
		return err
	}
	cfg.authKeys = keys
	var tokens demoTokens
	if cfg.demo && keys != nil {
		if tokens, err = signDemoTokens(keys); err != nil {
			return err
		}
		cfg.demoTokens = tokens.forDashboard()
	}
	// Every service dials the others, and the gateway dials them all; the
	// gateway serves HTTPS exactly when the services serve TLS (one
	// certificate), so the gRPC listeners' check covers it.
	if cfg.transport, err = tlsFlags.Load(authFlags, "the services (--tls-ca)"); err != nil {
		return err
	}
	s, err := startSuite(ctx, cfg, logger)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "NTM Suite is up.\n  dashboard: %s/\n  REST:      %s   (try %s/v1/units/%s/aggregate?as_of=2020-12-31)\n  OpenAPI:   %s/openapi.json\n  health:    %s/healthz\n  registry:  %s (gRPC)\n  criteria:  %s (gRPC)\n  ocop:      %s (gRPC)\n  funding:   %s (gRPC)\n  report:    %s (gRPC)\n",
		s.httpURL, s.httpURL, s.httpURL, demo.ProvinceCode, s.httpURL, s.httpURL, s.registryAddr, s.criteriaAddr, s.ocopAddr, s.fundingAddr, s.reportAddr)
	if cfg.demo && keys != nil {
		if err := writeDemoTokens(stdout, cfg.dataDir, tokens); err != nil {
			s.cancel()
			return errors.Join(err, s.wait())
		}
	}
	fmt.Fprintln(stdout, "Press Ctrl+C to stop.")
	return s.wait()
}

// suite is every service and the gateway running in this process.
type suite struct {
	httpURL      string
	registryAddr string
	criteriaAddr string
	ocopAddr     string
	fundingAddr  string
	reportAddr   string
	group        *errgroup.Group
	cancel       context.CancelFunc
	closers      []func() error
}

func startSuite(ctx context.Context, cfg upConfig, logger *slog.Logger) (s *suite, err error) {
	ctx, cancel := context.WithCancel(ctx)
	g, ctx := errgroup.WithContext(ctx)
	// started outlives the named result, which a failed start returns as nil.
	started := &suite{group: g, cancel: cancel}
	s = started
	// When ctx ends (SIGTERM, or a server failed), the gateway stops first:
	// no new request comes in while the services finish those in flight.
	// Then the services that call the registry, and the registry last,
	// because their in-flight writes still ask it (unit paths, checks).
	gwStage, depStage, regStage := newStage(ctx, "gateway"), newStage(ctx, "criteria, ocop, funding and report"), newStage(ctx, "registry")
	g.Go(func() error {
		stopInOrder(ctx, logger, gwStage, depStage, regStage)
		return nil
	})
	defer func() {
		if err != nil {
			// Stop the servers already started before releasing what they use.
			started.cancel()
			_ = started.wait()
		}
	}()

	promReg := prometheus.NewRegistry()
	metrics := grpcserver.NewMetrics(promReg)
	// One cache for the suite: the registry's writes advance the generation
	// that the criteria service's aggregates are stamped with.
	var aggCache cache.Cache = cache.NewMemory()
	limiterOpts := ratelimit.Options{Prefix: cfg.cachePrefix, Logger: logger}
	if cfg.redisAddr != "" {
		r := cache.NewRedis(cache.RedisOptions{Addr: cfg.redisAddr, Prefix: cfg.cachePrefix})
		s.closers = append(s.closers, r.Close)
		aggCache = r
		limiterOpts.Redis = r.Client()
	}
	var limits *ratelimit.Policy
	if cfg.rateLimit != nil {
		limits = cfg.rateLimit(ratelimit.New(limiterOpts))
	}
	// Every listener first, so that each service is opened with the real
	// addresses of the others (ports are chosen for ":0"): the registry and
	// the criteria service call each other.
	lis, err := listen(cfg)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			lis.close() // the listeners no server took
		}
	}()
	s.registryAddr, s.criteriaAddr, s.ocopAddr, s.fundingAddr = lis.addr("registry"), lis.addr("criteria"), lis.addr("ocop"), lis.addr("funding")
	s.reportAddr = lis.addr("report")
	regConn, err := grpcclient.Dial(s.registryAddr, cfg.transport.Dial())
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, regConn.Close)
	critConn, err := grpcclient.Dial(s.criteriaAddr, cfg.transport.Dial())
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, critConn.Close)

	reg, err := registry.Open(ctx, registry.Config{SQLitePath: filepath.Join(cfg.dataDir, "registry.db"),
		PostgresURL: cfg.postgresURL, PostgresSchema: "registry", Logger: logger, Metrics: metrics, Cache: aggCache, AuthKeys: cfg.authKeys,
		Criteria: critConn, RateLimit: limits})
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, reg.Close)
	lis.serve(regStage, g, "registry", reg.Serve)

	crit, err := criteria.Open(ctx, criteria.Config{SQLitePath: filepath.Join(cfg.dataDir, "criteria.db"),
		PostgresURL: cfg.postgresURL, PostgresSchema: "criteria", CatalogDir: cfg.catalogDir,
		Registry: regConn, Cache: aggCache, Logger: logger, Metrics: metrics, Registerer: promReg, AuthKeys: cfg.authKeys,
		RateLimit: limits})
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, crit.Close)
	lis.serve(depStage, g, "criteria", crit.Serve)

	oc, err := ocop.Open(ctx, ocop.Config{SQLitePath: filepath.Join(cfg.dataDir, "ocop.db"),
		PostgresURL: cfg.postgresURL, PostgresSchema: "ocop",
		Registry: regConn, Cache: aggCache, Logger: logger, Metrics: metrics, Registerer: promReg, AuthKeys: cfg.authKeys,
		RateLimit: limits})
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, oc.Close)
	lis.serve(depStage, g, "ocop", oc.Serve)

	fu, err := funding.Open(ctx, funding.Config{SQLitePath: filepath.Join(cfg.dataDir, "funding.db"),
		PostgresURL: cfg.postgresURL, PostgresSchema: "funding",
		Registry: regConn, Cache: aggCache, Logger: logger, Metrics: metrics, Registerer: promReg, AuthKeys: cfg.authKeys,
		RateLimit: limits})
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, fu.Close)
	lis.serve(depStage, g, "funding", fu.Serve)

	if err := startReport(ctx, depStage, g, s, lis, cfg, logger, metrics, limits); err != nil {
		return nil, err
	}

	gw, err := gateway.New(ctx, gateway.Options{RegistryAddr: s.registryAddr, CriteriaAddr: s.criteriaAddr, OcopAddr: s.ocopAddr,
		FundingAddr: s.fundingAddr, ReportAddr: s.reportAddr, Logger: logger, AuthKeys: cfg.authKeys, DialTLS: cfg.transport.Client(),
		RateLimit: limits, DemoTokens: cfg.demoTokens})
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, gw.Close)
	httpLis, err := net.Listen("tcp", cfg.httpAddr)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	s.httpURL = "http://" + httpLis.Addr().String()
	if public := cfg.transport.Public(); public != nil {
		httpLis = tls.NewListener(httpLis, public)
		s.httpURL = "https://" + httpLis.Addr().String()
	}
	srv := cfg.http.Server(gw.Handler(), slog.NewLogLogger(logger.Handler(), slog.LevelWarn))
	gwStage.serve(g, func(context.Context) error {
		if err := srv.Serve(httpLis); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	// Shutdown drains the requests in flight; the stage ends when it returns.
	gwStage.serve(g, func(ctx context.Context) error {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	})
	if cfg.metricsAddr != "" {
		g.Go(func() error { return metricshttp.Serve(ctx, cfg.metricsAddr, promReg) })
	}

	if cfg.demo {
		if err := loadDemo(ctx, s, cfg, logger); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// startReport starts the report service, which reads the four others over
// gRPC as each caller.
func startReport(ctx context.Context, st *stage, g *errgroup.Group, s *suite, lis grpcListeners, cfg upConfig, logger *slog.Logger, metrics *grpcserver.Metrics, limits *ratelimit.Policy) error {
	var conns []*grpc.ClientConn
	for _, addr := range []string{s.registryAddr, s.criteriaAddr, s.ocopAddr, s.fundingAddr} {
		c, err := grpcclient.Dial(addr, cfg.transport.Dial(), grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(grpcserver.MaxMessageBytes)))
		if err != nil {
			return err
		}
		s.closers = append(s.closers, c.Close)
		conns = append(conns, c)
	}
	rep, err := report.Open(ctx, report.Config{Registry: conns[0], Criteria: conns[1], Ocop: conns[2], Funding: conns[3],
		Logger: logger, Metrics: metrics, AuthKeys: cfg.authKeys, RateLimit: limits})
	if err != nil {
		return err
	}
	s.closers = append(s.closers, rep.Close)
	lis.serve(st, g, "report", rep.Serve)
	return nil
}

// grpcListeners are the services' gRPC listeners, by service name, until
// a server takes each.
type grpcListeners map[string]net.Listener

// listen opens the gRPC listener of every service; on failure it closes
// the ones it opened.
func listen(cfg upConfig) (grpcListeners, error) {
	lis := grpcListeners{}
	for _, l := range []struct{ name, addr string }{
		{"registry", cfg.registryAddr}, {"criteria", cfg.criteriaAddr}, {"ocop", cfg.ocopAddr}, {"funding", cfg.fundingAddr},
		{"report", cfg.reportAddr},
	} {
		nl, err := net.Listen("tcp", l.addr)
		if err != nil {
			lis.close()
			return nil, fmt.Errorf("%s: %w", l.name, err)
		}
		lis[l.name] = cfg.transport.Listen(nl)
	}
	return lis, nil
}

// addr is the address bound for name (the port is chosen when the flag ends in ":0").
func (lis grpcListeners) addr(name string) string { return lis[name].Addr().String() }

// serve hands name's listener to fn, served in g until st stops; the
// server closes it when it stops.
func (lis grpcListeners) serve(st *stage, g *errgroup.Group, name string, fn func(context.Context, net.Listener) error) {
	l := lis[name]
	delete(lis, name)
	st.serve(g, func(ctx context.Context) error { return fn(ctx, l) })
}

// stage is servers that stop together, after the stages before them.
type stage struct {
	name    string
	ctx     context.Context
	stop    context.CancelFunc
	running sync.WaitGroup
}

// newStage is a stage whose context keeps ctx's values but not its end:
// stopInOrder ends it.
func newStage(ctx context.Context, name string) *stage {
	c, cancel := context.WithCancel(context.WithoutCancel(ctx))
	return &stage{name: name, ctx: c, stop: cancel}
}

// serve runs fn in g with the stage's context, which ends when the stage stops.
func (st *stage) serve(g *errgroup.Group, fn func(context.Context) error) {
	st.running.Add(1)
	g.Go(func() error {
		defer st.running.Done()
		return fn(st.ctx)
	})
}

// stopInOrder waits for ctx to end, then stops the stages one by one: each
// only once every server of the one before has returned.
func stopInOrder(ctx context.Context, logger *slog.Logger, stages ...*stage) {
	<-ctx.Done()
	for _, st := range stages {
		st.stop()
		st.running.Wait()
		logger.Info("stopped " + st.name)
	}
}

// close closes the listeners no server has taken.
func (lis grpcListeners) close() {
	for name, l := range lis {
		_ = l.Close()
		delete(lis, name)
	}
}

// loadDemo loads the demo data through the services' APIs, as the system
// role (the audit names it ntm-up-demo).
func loadDemo(ctx context.Context, s *suite, cfg upConfig, logger *slog.Logger) error {
	ctx, err := signedAs(ctx, cfg.authKeys, demoLoader)
	if err != nil {
		return err
	}
	var conns []*grpc.ClientConn
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for _, addr := range []string{s.registryAddr, s.criteriaAddr, s.ocopAddr, s.fundingAddr} {
		c, err := grpcclient.Dial(addr, cfg.transport.Dial())
		if err != nil {
			return err
		}
		conns = append(conns, c)
	}
	loaded, err := demo.Load(ctx, conns[0], conns[1], conns[2], conns[3])
	if err != nil {
		return err
	}
	logger.Info("demo data", "loaded", loaded, "province", demo.ProvinceCode)
	return nil
}

// wait blocks until the context of startSuite ends (or a server fails), then
// releases everything. On a failed start it is called with the context cancelled.
func (s *suite) wait() error {
	err := s.group.Wait()
	s.cancel()
	s.close()
	return err
}

func (s *suite) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		_ = s.closers[i]()
	}
	s.closers = nil
}
