package registrytest

import (
	"context"
	"testing"

	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/cache"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria/synthetic"
)

// StartCountry starts a registry bumping c, holding a synthetic country of
// the given number of communes whose communes merge in threes on 2025-07-01
// (synthetic.Country.MergeInThrees): a map of country size with thousands
// of lineage links, for the benchmarks of the services that read it.
func StartCountry(tb testing.TB, c cache.Cache, communes int) (*grpc.ClientConn, synthetic.Country) {
	tb.Helper()
	conn := Start(tb, c)
	country, err := synthetic.New(synthetic.Options{Communes: communes, Seed: 1})
	if err != nil {
		tb.Fatal(err)
	}
	reg := registryv1.NewRegistryServiceClient(conn)
	if _, err := reg.ImportUnits(context.Background(), country.ImportUnitsRequest()); err != nil {
		tb.Fatal(err)
	}
	if _, err := reg.CreateDecision(context.Background(), country.MergeInThrees("GIA-LAP/2025", "2025-07-01")); err != nil {
		tb.Fatal(err)
	}
	return conn, country
}
