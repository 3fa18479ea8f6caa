// Command gateway serves the NTM Suite REST API in front of the gRPC
// services, as deployed in production (one process per service).
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ntmsuite/ntm/gateway"
	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/ratelimit"
	"github.com/ntmsuite/ntm/platform/telemetry"
)

const shutdownTimeout = 10 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	opts, err := config.LogOptions()
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, opts)))
	if err == nil {
		err = run(ctx, os.Args[1:])
	}
	if err != nil {
		slog.Error("gateway stopped", "error", err)
		stop()
		os.Exit(1)
	}
}

// run serves until ctx is done, then drains in-flight requests.
func run(ctx context.Context, args []string) error {
	logger := slog.Default()
	fs := flag.NewFlagSet("gateway", flag.ContinueOnError)
	httpAddr := fs.String("http-addr", envOr("NTM_HTTP_ADDR", "127.0.0.1:8080"), "HTTP listen address (env NTM_HTTP_ADDR)")
	registryAddr := fs.String("registry-addr", envOr("NTM_REGISTRY_ADDR", "127.0.0.1:9101"), "registry gRPC address (env NTM_REGISTRY_ADDR)")
	criteriaAddr := fs.String("criteria-addr", envOr("NTM_CRITERIA_ADDR", "127.0.0.1:9102"), "criteria gRPC address (env NTM_CRITERIA_ADDR)")
	ocopAddr := fs.String("ocop-addr", envOr("NTM_OCOP_ADDR", "127.0.0.1:9103"), "OCOP gRPC address (env NTM_OCOP_ADDR)")
	fundingAddr := fs.String("funding-addr", envOr("NTM_FUNDING_ADDR", "127.0.0.1:9104"), "funding gRPC address (env NTM_FUNDING_ADDR)")
	reportAddr := fs.String("report-addr", envOr("NTM_REPORT_ADDR", "127.0.0.1:9105"), "report gRPC address (env NTM_REPORT_ADDR)")
	keysFile := fs.String("auth-keys-file", "", "key set verifying bearer tokens before routing (empty reads "+auth.KeysEnv+"); without keys the services alone refuse bad tokens")
	maxTTL := fs.Duration("auth-max-ttl", auth.DefaultMaxTTL, "the longest a token may live (exp − iat); longer ones are refused (env NTM_AUTH_MAX_TTL)")
	revokedFile := fs.String("auth-revoked-file", "", "revocation list of token ids and subjects, re-read as it changes (env NTM_AUTH_REVOKED_FILE)")
	var files config.TLSFiles
	fs.StringVar(&files.Cert, "tls-cert", "", "PEM certificate to serve HTTPS with; empty serves plaintext HTTP (env NTM_TLS_CERT)")
	fs.StringVar(&files.Key, "tls-key", "", "PEM private key of --tls-cert (env NTM_TLS_KEY)")
	fs.StringVar(&files.CA, "tls-ca", "", "PEM CA verifying the services, dialled with TLS; empty dials plaintext (env NTM_TLS_CA)")
	fs.StringVar(&files.ClientCert, "tls-client-cert", "", "PEM client certificate presented to services requiring mTLS; empty presents --tls-cert (env NTM_TLS_CLIENT_CERT)")
	fs.StringVar(&files.ClientKey, "tls-client-key", "", "PEM private key of --tls-client-cert (env NTM_TLS_CLIENT_KEY)")
	profile := fs.String("profile", config.Development, "development, or production: refuse to start serving plaintext HTTP or dialling services in plaintext (env NTM_PROFILE)")
	redisAddr := fs.String("redis-addr", "", "Redis address sharing the rate limits between gateway replicas; empty counts in this process (env NTM_REDIS_ADDR)")
	prefix := fs.String("cache-prefix", cache.DefaultPrefix, "prefix of this deployment's keys in Redis (env NTM_CACHE_PREFIX)")
	serverOpts := gateway.DefaultServerOptions()
	serverOpts.RegisterFlags(fs)
	rateFlags := ratelimit.NewFlags(fs)
	otlp := telemetry.EndpointFlag(fs)
	// Every flag not given reads its NTM_* variable (as envOr does for the first ones).
	if err := config.Parse(fs, args, "NTM_"); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	stopTracing, err := telemetry.Setup(ctx, telemetry.Config{Service: "gateway", Endpoint: *otlp, Logger: logger})
	if err != nil {
		return err
	}
	defer stopTracing() // last: flushes the spans of the requests just drained
	// HTTPS serves the public: no client certificates asked, whatever --tls-ca.
	serverTLS, err := config.TLSFiles{Cert: files.Cert, Key: files.Key}.Server()
	if err != nil {
		return err
	}
	// The services are dialled with TLS only given their CA: HTTPS alone
	// is a gateway in front of services on loopback or a private network.
	var dialTLS *tls.Config
	if files.CA != "" {
		if dialTLS, err = files.Client(); err != nil {
			return err
		}
	}
	addrs := map[string]*string{"registry": registryAddr, "criteria": criteriaAddr, "ocop": ocopAddr, "funding": fundingAddr, "report": reportAddr}
	dials := map[string]bool{}
	for name, addr := range addrs {
		if *addr != "" {
			dials[name+" (--"+name+"-addr)"] = dialTLS != nil
		}
	}
	if err := config.CheckProfile(*profile, config.Settings{Listeners: map[string]bool{"HTTP (--http-addr)": serverTLS != nil}, Dials: dials}); err != nil {
		return err
	}
	keys, err := auth.LoadKeySet(*keysFile)
	switch {
	case errors.Is(err, auth.ErrNoKeys):
		keys = nil
	case err != nil:
		return err
	default:
		if err := keys.Enforce(ctx, *keysFile, *revokedFile, *maxTTL, logger); err != nil {
			return err
		}
	}

	limiterOpts := ratelimit.Options{Prefix: *prefix, Logger: logger}
	if *redisAddr != "" {
		r := cache.NewRedis(cache.RedisOptions{Addr: *redisAddr, Prefix: *prefix})
		defer r.Close()
		limiterOpts.Redis = r.Client()
	}
	gw, err := gateway.New(ctx, gateway.Options{RegistryAddr: *registryAddr, CriteriaAddr: *criteriaAddr, OcopAddr: *ocopAddr, FundingAddr: *fundingAddr,
		ReportAddr: *reportAddr, Logger: logger, AuthKeys: keys, DialTLS: dialTLS, RateLimit: rateFlags.Policy(ratelimit.New(limiterOpts))})
	if err != nil {
		return err
	}
	defer gw.Close()

	// Listening here, not in ListenAndServe, reports a taken port before
	// anything else happens.
	ln, err := net.Listen("tcp", *httpAddr)
	if err != nil {
		return err
	}
	if serverTLS != nil {
		ln = tls.NewListener(ln, serverTLS)
	}
	srv := serverOpts.Server(gw.Handler(), slog.NewLogLogger(logger.Handler(), slog.LevelWarn))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("gateway listening", "http_addr", ln.Addr().String(), "registry_addr", *registryAddr)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	// ctx is already done; the drain gets a fresh deadline of its own.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("gateway stopped")
	return nil
}

// envOr is the flag default: the environment variable when set, else def.
func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
