package grpcserver_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/grpctest"
	"github.com/ntmsuite/ntm/platform/ratelimit"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// The token is checked before the message is read: a message over the
// server's MaxRecvMsgSize without a token is refused as unauthenticated
// (were it read first, the answer would be RESOURCE_EXHAUSTED "message
// larger than max"), and the same message with a token meets the size limit.
func TestAnonymousMessageIsNeverRead(t *testing.T) {
	keys := grpctest.Keys(t)
	client, _ := serve(t, grpcserver.Options{AuthKeys: keys, MaxRecvMsgSize: 1024}, func(ctx context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		return &registryv1.Unit{Code: req.GetCode()}, nil
	})
	big := &registryv1.GetUnitRequest{Code: strings.Repeat("9", 4096)}
	if _, err := client.GetUnit(context.Background(), big); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("anonymous large message: %v, want Unauthenticated before reading it", err)
	}
	ctx := grpctest.WithToken(t, context.Background(), keys, auth.Identity{Subject: "admin", Role: auth.Admin})
	_, err := client.GetUnit(ctx, big)
	if st := status.Convert(err); st.Code() != codes.ResourceExhausted || !strings.Contains(st.Message(), "larger than max") {
		t.Fatalf("authenticated large message: %v, want the size limit", err)
	}
	if _, err := client.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "06005"}); err != nil {
		t.Fatalf("small message: %v", err)
	}
}

// retryAfter is the RetryInfo delay of a RESOURCE_EXHAUSTED error; it fails
// t for any other error.
func retryAfter(t *testing.T, err error) time.Duration {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != codes.ResourceExhausted {
		t.Fatalf("got %v, want ResourceExhausted", err)
	}
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			return ri.GetRetryDelay().AsDuration()
		}
	}
	t.Fatalf("%v carries no RetryInfo", err)
	return 0
}

// A principal over its rate is refused with RESOURCE_EXHAUSTED and a
// RetryInfo, another principal is not; an address failing authentication
// too often is refused the same way instead of being told Unauthenticated.
func TestRateLimits(t *testing.T) {
	keys := grpctest.Keys(t)
	calls := 0
	client, _ := serve(t, grpcserver.Options{AuthKeys: keys, RateLimit: &ratelimit.Policy{
		Limiter:    ratelimit.New(ratelimit.Options{}),
		Principal:  ratelimit.Rule{Limit: 2, Window: time.Hour},
		FailedAuth: ratelimit.Rule{Limit: 2, Window: time.Hour},
	}}, func(ctx context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		calls++
		return &registryv1.Unit{Code: req.GetCode()}, nil
	})
	req := &registryv1.GetUnitRequest{Code: "06005"}
	admin := grpctest.WithToken(t, context.Background(), keys, auth.Identity{Subject: "admin", Role: auth.Admin})
	for range 2 {
		if _, err := client.GetUnit(admin, req); err != nil {
			t.Fatal(err)
		}
	}
	_, err := client.GetUnit(admin, req)
	if d := retryAfter(t, err); d <= 0 || d > time.Hour {
		t.Errorf("retry after %v, want within the window", d)
	}
	if calls != 2 {
		t.Errorf("handler ran %d times, want 2", calls)
	}
	officer := grpctest.WithToken(t, context.Background(), keys, auth.Identity{Subject: "can-bo-xa", Role: auth.CommuneOfficer, Unit: "06005"})
	if _, err := client.GetUnit(officer, req); err != nil {
		t.Errorf("another principal: %v", err)
	}

	for range 2 {
		if _, err := client.GetUnit(context.Background(), req); status.Code(err) != codes.Unauthenticated {
			t.Fatalf("bad token: %v, want Unauthenticated", err)
		}
	}
	_, err = client.GetUnit(context.Background(), req)
	if d := retryAfter(t, err); d <= 0 || d > time.Hour {
		t.Errorf("retry after %v, want within the window", d)
	}
}
