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
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	"github.com/ntmsuite/ntm/services/ocop"
)

// With the registry unreachable, calls that need it say Unavailable (the
// client may retry), never that the request was bad or the unit missing;
// those that do not need it answer.
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
	a := startOcop(t, conn, ocop.Config{SQLitePath: filepath.Join(t.TempDir(), "ocop.db"), Cache: cache.NewMemory()})
	ctx := context.Background()
	_, err = a.CreateProducer(ctx, &ocopv1.CreateProducerRequest{Producer: &ocopv1.Producer{DisplayName: "HTX", Kind: ocopv1.ProducerKind_COOPERATIVE, UnitCode: "100", RegisteredOn: "2020-01-01"}})
	grpctest.WantCode(t, err, codes.Unavailable)
	_, err = a.GetOcopSummary(ctx, &ocopv1.GetOcopSummaryRequest{UnitCode: province, AsOf: "2024-12-31"})
	grpctest.WantCode(t, err, codes.Unavailable)
	_, err = a.ListProducers(ctx, &ocopv1.ListProducersRequest{UnitCode: province})
	grpctest.WantCode(t, err, codes.Unavailable)
	_, err = a.ListProducts(ctx, &ocopv1.ListProductsRequest{UnitCode: province})
	grpctest.WantCode(t, err, codes.Unavailable)
	if resp, err := a.ListCatalogs(ctx, &ocopv1.ListCatalogsRequest{}); err != nil || len(resp.GetCatalogs()) != 2 {
		t.Errorf("catalogs need no registry: %v, %v", resp, err)
	}
	_, err = a.GetProduct(ctx, &ocopv1.GetProductRequest{Id: 1})
	grpctest.WantCode(t, err, codes.NotFound)
}
