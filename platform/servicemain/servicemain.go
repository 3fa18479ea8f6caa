// Package servicemain is the frame of every service command: signals, JSON
// logs, the metrics listener and the gRPC listener, so that each command's
// main holds only its flags and how it opens its service. The commands of
// the services that read the registry share their flags too (RunDependent),
// as do those of services without data that compose what others answer
// (RunComposer), and every service's Open returns the same opened parts
// (Opened).
package servicemain

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/metricshttp"
)

// Main runs run until it returns or SIGINT/SIGTERM cancels its context; a
// failure is logged and exits with status 1.
func Main(name string, run func(ctx context.Context, args []string, logger *slog.Logger) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	opts, err := config.LogOptions()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, opts))
	if err == nil {
		err = run(ctx, os.Args[1:], logger)
	}
	stop()
	if err != nil {
		logger.Error(name+" stopped", "error", err)
		os.Exit(1)
	}
}

// Serve serves metrics from g on metricsAddr (empty: none) and the service
// on grpcAddr until ctx is done. A metrics listener that fails is logged,
// not fatal: the service answers without it.
func Serve(ctx context.Context, logger *slog.Logger, grpcAddr, metricsAddr string, g prometheus.Gatherer, serve func(context.Context, net.Listener) error) error {
	lis, err := net.Listen("tcp", grpcAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", grpcAddr, err)
	}
	if metricsAddr != "" {
		go func() {
			if err := metricshttp.Serve(ctx, metricsAddr, g); err != nil {
				logger.Error("metrics server stopped", "error", err)
			}
		}()
	}
	return serve(ctx, lis)
}
