package grpcclient_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/grpctest"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

type registry struct {
	registryv1.UnimplementedRegistryServiceServer
	getUnit func(context.Context, *registryv1.GetUnitRequest) (*registryv1.Unit, error)
}

func (r *registry) GetUnit(ctx context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
	return r.getUnit(ctx, req)
}

func newServer(t *testing.T, getUnit func(context.Context, *registryv1.GetUnitRequest) (*registryv1.Unit, error)) registryv1.RegistryServiceClient {
	s := grpcserver.New(grpcserver.Options{})
	registryv1.RegisterRegistryServiceServer(s.GRPC(), &registry{getUnit: getUnit})
	return registryv1.NewRegistryServiceClient(grpctest.Dial(t, s))
}

// A calls B while serving: B mints its own id and keeps A's as the client
// request id, so B's log and trail join A's.
func TestRequestIDCrossesHops(t *testing.T) {
	var seenByB, clientOfB string
	b := newServer(t, func(ctx context.Context, _ *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		seenByB, clientOfB = grpcserver.RequestIDFromContext(ctx), grpcserver.ClientRequestIDFromContext(ctx)
		return &registryv1.Unit{}, nil
	})
	a := newServer(t, func(ctx context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		return b.GetUnit(ctx, req)
	})
	for name, ctx := range map[string]context.Context{
		"caller sent an id": metadata.AppendToOutgoingContext(context.Background(), grpcserver.RequestIDHeader, "hop-1"),
		"caller sent none":  context.Background(),
	} {
		t.Run(name, func(t *testing.T) {
			var hdr metadata.MD
			if _, err := a.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "1"}, grpc.Header(&hdr)); err != nil {
				t.Fatal(err)
			}
			ids := hdr.Get(grpcserver.RequestIDHeader)
			if len(ids) != 1 || clientOfB != ids[0] || seenByB == ids[0] || seenByB == "" {
				t.Errorf("A answered id %v; B minted %q and saw client id %q, want A's", ids, seenByB, clientOfB)
			}
		})
	}
}

// Outside a served call, only the raw incoming metadata can supply the id.
func TestRequestIDFromIncomingMetadata(t *testing.T) {
	var seen string
	b := newServer(t, func(ctx context.Context, _ *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		seen = grpcserver.ClientRequestIDFromContext(ctx)
		return &registryv1.Unit{}, nil
	})
	ctx := metadata.NewIncomingContext(context.Background(), metadata.Pairs(grpcserver.RequestIDHeader, "raw-9"))
	if _, err := b.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "1"}); err != nil {
		t.Fatal(err)
	}
	if seen != "raw-9" {
		t.Errorf("B saw client id %q, want raw-9", seen)
	}
}

// A serves a caller's call by calling B: B sees the caller's identity, from
// the token A forwarded, and would refuse A's call without it.
func TestBearerTokenCrossesHops(t *testing.T) {
	keys := grpctest.Keys(t)
	serve := func(getUnit func(context.Context, *registryv1.GetUnitRequest) (*registryv1.Unit, error)) registryv1.RegistryServiceClient {
		s := grpcserver.New(grpcserver.Options{AuthKeys: keys})
		registryv1.RegisterRegistryServiceServer(s.GRPC(), &registry{getUnit: getUnit})
		return registryv1.NewRegistryServiceClient(grpctest.Dial(t, s))
	}
	var seenByB auth.Identity
	b := serve(func(ctx context.Context, _ *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		seenByB, _ = auth.FromContext(ctx)
		return &registryv1.Unit{}, nil
	})
	a := serve(func(ctx context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		return b.GetUnit(ctx, req)
	})
	viewer := auth.Identity{Subject: "v", Role: auth.Viewer}
	ctx := grpctest.WithToken(t, context.Background(), keys, viewer)
	if _, err := a.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "1"}); err != nil {
		t.Fatal(err)
	}
	if seenByB != viewer {
		t.Errorf("B saw %+v, want %+v", seenByB, viewer)
	}
	if _, err := a.GetUnit(context.Background(), &registryv1.GetUnitRequest{Code: "1"}); status.Code(err) != codes.Unauthenticated {
		t.Errorf("call without a token: %v, want Unauthenticated", err)
	}
}

// A process that records no spans (no exporter configured: OpenTelemetry's
// no-op provider) still carries its caller's trace on: B's call is part of
// the trace the caller of A started, so a hop without tracing does not cut
// the trace in two.
func TestTraceCrossesHopsUntraced(t *testing.T) {
	var seenByB trace.SpanContext
	b := newServer(t, func(ctx context.Context, _ *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		seenByB = trace.SpanContextFromContext(ctx)
		return &registryv1.Unit{}, nil
	})
	a := newServer(t, func(ctx context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		return b.GetUnit(ctx, req)
	})
	caller := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
		TraceFlags: trace.FlagsSampled,
	})
	if _, err := a.GetUnit(trace.ContextWithSpanContext(context.Background(), caller), &registryv1.GetUnitRequest{Code: "1"}); err != nil {
		t.Fatal(err)
	}
	if seenByB.TraceID() != caller.TraceID() || !seenByB.IsRemote() {
		t.Errorf("B's call is in trace %s (remote %v), want the caller's %s", seenByB.TraceID(), seenByB.IsRemote(), caller.TraceID())
	}
}
