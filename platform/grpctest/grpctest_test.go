package grpctest_test

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/grpctest"
)

func TestDial(t *testing.T) {
	conn := grpctest.Dial(t, grpcserver.New(grpcserver.Options{}))
	resp, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{})
	if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health = %v, %v", resp.GetStatus(), err)
	}
}

func TestLateCallsItsTargetOnceSet(t *testing.T) {
	var late grpctest.Late
	health := healthpb.NewHealthClient(&late)
	_, err := health.Check(context.Background(), &healthpb.HealthCheckRequest{})
	grpctest.WantCode(t, err, codes.Unavailable)
	late.Set(grpctest.Dial(t, grpcserver.New(grpcserver.Options{})))
	if resp, err := health.Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health through the late connection = %v, %v", resp.GetStatus(), err)
	}
}
