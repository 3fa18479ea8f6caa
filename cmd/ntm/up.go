package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/ntmsuite/ntm/cmd/ntm/internal/demo"
	"github.com/ntmsuite/ntm/gateway"
	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/metricshttp"
	"github.com/ntmsuite/ntm/services/registry"
)

type upConfig struct {
	dataDir      string
	postgresURL  string
	httpAddr     string
	registryAddr string
	metricsAddr  string
	demo         bool
}

func up(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fs := flag.NewFlagSet("ntm up", flag.ContinueOnError)
	var cfg upConfig
	fs.StringVar(&cfg.dataDir, "data-dir", "data", "directory of the SQLite files, one per service")
	fs.StringVar(&cfg.postgresURL, "postgres-url", "", "PostgreSQL URL; each service then uses its own schema in that database instead of SQLite")
	fs.StringVar(&cfg.httpAddr, "http-addr", "127.0.0.1:8080", "REST gateway listen address")
	fs.StringVar(&cfg.registryAddr, "registry-addr", "127.0.0.1:9101", "registry gRPC listen address")
	fs.StringVar(&cfg.metricsAddr, "metrics-addr", "127.0.0.1:9100", "Prometheus /metrics listen address; empty disables")
	fs.BoolVar(&cfg.demo, "demo", false, "load the demo province (Thái Nguyên) unless it is already there")
	if err := config.Parse(fs, args, "NTM_"); err != nil {
		return err
	}
	logger.Info("starting ntm", config.Redacted(fs)...)
	s, err := startSuite(ctx, cfg, logger)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "NTM Suite is up.\n  REST:     %s   (try %s/v1/units?parent=%s&type=COMMUNE&as_of=2020-10-31)\n  OpenAPI:  %s/openapi.json\n  health:   %s/healthz\n  registry: %s (gRPC)\nPress Ctrl+C to stop.\n",
		s.httpURL, s.httpURL, demo.ProvinceCode, s.httpURL, s.httpURL, s.registryAddr)
	return s.wait()
}

// suite is every service and the gateway running in this process.
type suite struct {
	httpURL      string
	registryAddr string
	group        *errgroup.Group
	cancel       context.CancelFunc
	closers      []func() error
}

func startSuite(ctx context.Context, cfg upConfig, logger *slog.Logger) (s *suite, err error) {
	ctx, cancel := context.WithCancel(ctx)
	g, ctx := errgroup.WithContext(ctx)
	s = &suite{group: g, cancel: cancel}
	defer func() {
		if err != nil {
			// Stop the servers already started before releasing what they use.
			s.cancel()
			_ = s.wait()
		}
	}()

	promReg := prometheus.NewRegistry()
	metrics := grpcserver.NewMetrics(promReg)
	reg, err := registry.Open(ctx, registry.Config{SQLitePath: filepath.Join(cfg.dataDir, "registry.db"),
		PostgresURL: cfg.postgresURL, PostgresSchema: "registry", Logger: logger, Metrics: metrics})
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, reg.Close)
	regLis, err := net.Listen("tcp", cfg.registryAddr)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	s.registryAddr = regLis.Addr().String()
	g.Go(func() error { return reg.Serve(ctx, regLis) })

	gw, err := gateway.New(ctx, gateway.Options{RegistryAddr: s.registryAddr, Logger: logger})
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, gw.Close)
	httpLis, err := net.Listen("tcp", cfg.httpAddr)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	s.httpURL = "http://" + httpLis.Addr().String()
	srv := &http.Server{Handler: gw.Handler(), ReadHeaderTimeout: 10 * time.Second}
	g.Go(func() error {
		if err := srv.Serve(httpLis); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	g.Go(func() error {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	})
	if cfg.metricsAddr != "" {
		g.Go(func() error { return metricshttp.Serve(ctx, cfg.metricsAddr, promReg) })
	}

	if cfg.demo {
		if err := loadDemo(ctx, s.registryAddr, logger); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func loadDemo(ctx context.Context, registryAddr string, logger *slog.Logger) error {
	conn, err := grpcclient.Dial(registryAddr)
	if err != nil {
		return err
	}
	defer conn.Close()
	loaded, err := demo.Load(ctx, conn)
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
