package grpcserver_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/grpctest"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

func withToken(ctx context.Context, token string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}

// With keys, a call reaches the handler only with a valid token, and the
// handler sees who made it; health probes need none.
func TestAuthenticationGuardsEveryCall(t *testing.T) {
	keys := grpctest.Keys(t)
	var seen auth.Identity
	client, conn := serve(t, grpcserver.Options{AuthKeys: keys}, func(ctx context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		seen, _ = auth.FromContext(ctx)
		return &registryv1.Unit{Code: req.GetCode()}, nil
	})
	officer := auth.Identity{Subject: "can-bo-xa", Role: auth.CommuneOfficer, Unit: "06005"}
	good, err := keys.Sign(officer, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	expired, _ := keys.Sign(officer, time.Hour, time.Now().Add(-2*time.Hour))
	forged, _ := grpctest.Keys(t).Sign(officer, time.Hour, time.Now())
	ctx := context.Background()
	// An invalid request without a token: authentication answers first, so an
	// anonymous caller learns nothing of the request's rules.
	for name, c := range map[string]context.Context{
		"no token": ctx, "expired": withToken(ctx, expired), "forged": withToken(ctx, forged), "garbage": withToken(ctx, "x.y.z"),
	} {
		_, err := client.GetUnit(c, &registryv1.GetUnitRequest{Code: "not a code"})
		if st := status.Convert(err); st.Code() != codes.Unauthenticated || st.Message() != "a valid bearer token is required (Authorization: Bearer …)" {
			t.Errorf("%s: %v, want the one Unauthenticated answer", name, err)
		}
	}
	if seen != (auth.Identity{}) {
		t.Fatalf("the handler ran for a refused call as %+v", seen)
	}
	if _, err := client.GetUnit(withToken(ctx, good), &registryv1.GetUnitRequest{Code: "06005"}); err != nil {
		t.Fatal(err)
	}
	if seen != officer {
		t.Errorf("handler saw %+v, want %+v", seen, officer)
	}
	if _, err := healthgrpc.NewHealthClient(conn).Check(ctx, &healthgrpc.HealthCheckRequest{}); err != nil {
		t.Errorf("health without a token: %v", err)
	}
}

// A call the tap refuses never reaches the logging link, yet it is logged:
// its method and code, never its token.
func TestRefusedCallsAreLogged(t *testing.T) {
	keys := grpctest.Keys(t)
	log, logs := newLogger()
	client, _ := serve(t, grpcserver.Options{AuthKeys: keys, Logger: log}, nil)
	forged, err := grpctest.Keys(t).Sign(auth.Identity{Subject: "admin", Role: auth.Admin}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.GetUnit(withToken(context.Background(), forged), &registryv1.GetUnitRequest{Code: "06005"}); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("forged token: %v, want Unauthenticated", err)
	}
	got := logs.String()
	if !strings.Contains(got, `"grpc.method":"GetUnit"`) || !strings.Contains(got, `"grpc.code":"Unauthenticated"`) {
		t.Errorf("no log line of the refused call: %s", got)
	}
	if strings.Contains(got, forged) {
		t.Errorf("the log holds the token: %s", got)
	}
}

// Without keys the server serves as before, and handlers see no identity.
func TestNoKeysNoAuthentication(t *testing.T) {
	var found bool
	client, _ := serve(t, grpcserver.Options{}, func(ctx context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		_, found = auth.FromContext(ctx)
		return &registryv1.Unit{Code: req.GetCode()}, nil
	})
	if _, err := client.GetUnit(context.Background(), &registryv1.GetUnitRequest{Code: "06005"}); err != nil || found {
		t.Fatalf("GetUnit: %v, identity found %v", err, found)
	}
}

// Streams are authenticated as unary calls are.
func TestAuthenticationGuardsStreams(t *testing.T) {
	keys := grpctest.Keys(t)
	_, conn := serve(t, grpcserver.Options{AuthKeys: keys}, nil)
	good, err := keys.Sign(auth.Identity{Subject: "admin", Role: auth.Admin}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	exchange := func(ctx context.Context) error {
		cs, err := conn.NewStream(ctx, &echoDesc.Streams[0], "/test.Echo/Units")
		if err != nil {
			return err
		}
		// A stream the server refused may already be closed when the
		// message goes out: SendMsg then says io.EOF, and RecvMsg the status.
		if err := cs.SendMsg(&registryv1.GetUnitRequest{Code: "12"}); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		return cs.RecvMsg(&registryv1.Unit{})
	}
	if err := exchange(context.Background()); status.Code(err) != codes.Unauthenticated {
		t.Errorf("stream without a token: %v, want Unauthenticated", err)
	}
	if err := exchange(withToken(context.Background(), good)); err != nil {
		t.Errorf("stream with a token: %v", err)
	}
}
