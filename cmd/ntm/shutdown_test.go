package main

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/ntmsuite/ntm/gateway"
	"github.com/ntmsuite/ntm/platform/ratelimit"
)

// Each stage is told to stop only once every server of the stages before
// it has returned, and while those after it still serve: when the gateway
// drains, the services are up; when the services drain, the registry is.
func TestStopInOrder(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	stages := []*stage{newStage(ctx, "gateway"), newStage(ctx, "dependents"), newStage(ctx, "registry")}
	var (
		mu      sync.Mutex
		stopped []string
	)
	var g errgroup.Group
	for i, st := range stages {
		for range 2 { // two servers a stage: the stage waits for both
			st.serve(&g, func(ctx context.Context) error {
				<-ctx.Done()
				mu.Lock()
				defer mu.Unlock()
				for _, later := range stages[i+1:] {
					if later.ctx.Err() != nil {
						t.Errorf("%s stopped before %s had returned", later.name, st.name)
					}
				}
				stopped = append(stopped, st.name)
				return nil
			})
		}
	}
	g.Go(func() error {
		stopInOrder(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), stages...)
		return nil
	})
	cancel()
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"gateway", "gateway", "dependents", "dependents", "registry", "registry"}; !slices.Equal(stopped, want) {
		t.Errorf("stopped %v, want %v", stopped, want)
	}
}

// `ntm up` stops the gateway, then criteria, OCOP, funding and report,
// then the registry.
func TestUpStopsGatewayThenDependentsThenRegistry(t *testing.T) {
	logs := &logBuffer{}
	ctx, cancel := context.WithCancel(t.Context())
	cfg := upConfig{dataDir: t.TempDir(), httpAddr: "127.0.0.1:0", registryAddr: "127.0.0.1:0", criteriaAddr: "127.0.0.1:0",
		ocopAddr: "127.0.0.1:0", fundingAddr: "127.0.0.1:0", reportAddr: "127.0.0.1:0", authKeys: testKeys,
		http: gateway.DefaultServerOptions(), rateLimit: ratelimit.Default}
	s, err := startSuite(ctx, cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	cancel()
	if err := s.wait(); err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, line := range strings.Split(logs.String(), "\n") {
		if _, name, ok := strings.Cut(line, `msg="stopped `); ok {
			order = append(order, strings.TrimSuffix(name, `"`))
		}
	}
	if want := []string{"gateway", "criteria, ocop, funding and report", "registry"}; !slices.Equal(order, want) {
		t.Errorf("stopped %q, want %q", order, want)
	}
}
