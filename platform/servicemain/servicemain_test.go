package servicemain_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ntmsuite/ntm/platform/servicemain"
)

func TestServeHandsTheListenerToTheService(t *testing.T) {
	var served string
	err := servicemain.Serve(t.Context(), slog.New(slog.NewTextHandler(io.Discard, nil)), "127.0.0.1:0", "", prometheus.NewRegistry(),
		func(_ context.Context, lis net.Listener) error {
			served = lis.Addr().String()
			return lis.Close()
		})
	if err != nil || !strings.HasPrefix(served, "127.0.0.1:") {
		t.Fatalf("served on %q, err %v", served, err)
	}
}

func TestServeReportsAnAddressInUse(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	err = servicemain.Serve(t.Context(), slog.Default(), taken.Addr().String(), "", prometheus.NewRegistry(),
		func(context.Context, net.Listener) error { t.Fatal("served on a taken address"); return nil })
	if err == nil || !strings.Contains(err.Error(), taken.Addr().String()) {
		t.Fatalf("got %v, want an error naming %s", err, taken.Addr())
	}
}
