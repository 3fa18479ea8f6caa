package server_test

import (
	"context"
	"net"
	"path/filepath"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpctest"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria"
)

// With the registry unreachable, calls that need it say Unavailable (the
// client may retry), never that the request was bad or the unit missing.
func TestRegistryUnavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	_ = l.Close()
	conn, err := grpcclient.Dial(dead)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	c := criteriav1.NewCriteriaServiceClient(dialCriteria(t, conn, criteria.Config{SQLitePath: filepath.Join(t.TempDir(), "criteria.db"), Cache: cache.NewMemory()}))
	ctx := context.Background()
	_, err = c.CreateAssessment(ctx, &criteriav1.CreateAssessmentRequest{UnitCode: "100", Assessment: verdicts("100", "2019-06-01", 5)})
	grpctest.WantCode(t, err, codes.Unavailable)
	_, err = c.GetAggregate(ctx, &criteriav1.GetAggregateRequest{UnitCode: district, AsOf: "2020-10-31"})
	grpctest.WantCode(t, err, codes.Unavailable)
	_, err = c.GetScore(ctx, &criteriav1.GetScoreRequest{UnitCode: "100", AsOf: "2020-10-31"})
	grpctest.WantCode(t, err, codes.Unavailable)
	if resp, err := c.ListAssessments(ctx, &criteriav1.ListAssessmentsRequest{UnitCode: "100"}); err != nil || len(resp.GetAssessments()) != 0 {
		t.Errorf("listing needs no registry: %v, %v", resp, err)
	}
}
