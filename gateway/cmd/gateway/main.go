// Command gateway serves the NTM Suite REST API in front of the gRPC
// services, as deployed in production (one process per service).
package main

import (
	"context"
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
)

const shutdownTimeout = 10 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, nil)))
	if err := run(ctx, os.Args[1:]); err != nil {
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
	redisAddr := fs.String("redis-addr", envOr("NTM_REDIS_ADDR", ""), "Redis address sharing the rate limits between gateway replicas; empty counts in this process (env NTM_REDIS_ADDR)")
	prefix := fs.String("cache-prefix", envOr("NTM_CACHE_PREFIX", cache.DefaultPrefix), "prefix of this deployment's keys in Redis (env NTM_CACHE_PREFIX)")
	serverOpts := gateway.DefaultServerOptions()
	serverOpts.RegisterFlags(fs)
	rateFlags := ratelimit.NewFlags(fs)
	if err := config.Parse(fs, args, "NTM_"); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	keys, err := auth.LoadKeySet(*keysFile)
	switch {
	case errors.Is(err, auth.ErrNoKeys):
		keys = nil
	case err != nil:
		return err
	case *keysFile != "":
		go keys.Watch(ctx, *keysFile, auth.WatchInterval, func(err error) {
			logger.Error("auth keys: the file changed but cannot be used; the keys in force stay", "file", *keysFile, "error", err)
		})
	}

	limiterOpts := ratelimit.Options{Prefix: *prefix, Logger: logger}
	if *redisAddr != "" {
		r := cache.NewRedis(cache.RedisOptions{Addr: *redisAddr, Prefix: *prefix})
		defer r.Close()
		limiterOpts.Redis = r.Client()
	}
	gw, err := gateway.New(ctx, gateway.Options{RegistryAddr: *registryAddr, CriteriaAddr: *criteriaAddr, OcopAddr: *ocopAddr, FundingAddr: *fundingAddr,
		ReportAddr: *reportAddr, Logger: logger, AuthKeys: keys, RateLimit: rateFlags.Policy(ratelimit.New(limiterOpts))})
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
