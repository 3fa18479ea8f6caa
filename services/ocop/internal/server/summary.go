package server

import (
	"context"
	"time"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/request"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	"github.com/ntmsuite/ntm/services/ocop/internal/catalog"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
)

// defaultExpiringDays is how far ahead "expiring" looks when the request
// does not say: a quarter, the rhythm of provincial follow-up.
const defaultExpiringDays = 90

// centralProposal reads from the catalog's council rules which evaluations
// propose a product to the central council: the central council's own, and
// a lower council's at the stars only the central council certifies on the
// evaluation date.
func centralProposal(c *catalog.Catalog) store.CentralProposal {
	p := store.CentralProposal{Level: catalog.Central.String()}
	for _, ps := range c.StarsCertifiedBy(catalog.Central) {
		p.Windows = append(p.Windows, store.StarWindow{Valid: ps.Valid, Stars: ps.Stars})
	}
	return p
}

// GetOcopSummary answers from the cache under a key made of the request and
// the catalog rules loaded (a hit asks the registry nothing); on a miss it
// computes the summary once for all concurrent callers. Values are stamped
// with the ocop and registry generations, so any write here or to the map
// is seen by the next read (see cachekeys.go).
func (s *Server) GetOcopSummary(ctx context.Context, req *ocopv1.GetOcopSummaryRequest) (*ocopv1.OcopSummary, error) {
	if err := s.guard.Unit(ctx, auth.Read, req.GetUnitCode()); err != nil {
		return nil, err
	}
	asOf, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	year := int(req.GetYear())
	if year == 0 {
		year = asOf.Year()
	}
	days := int(req.GetExpiringWithinDays())
	if days == 0 {
		days = defaultExpiringDays
	}
	return s.caches.summaries.Get(ctx, summaryKey{Unit: req.GetUnitCode(), AsOf: asOf, Year: year, ExpiringDays: days})
}

// computeSummary lists the communes and wards under the unit on the date,
// as of registry generation gen, and counts in SQL.
func (s *Server) computeSummary(ctx context.Context, k summaryKey, gen int64) (*ocopv1.OcopSummary, error) {
	units, err := s.caches.unitsAt(ctx, unitsKey{Unit: k.Unit, AsOf: k.AsOf}, gen)
	if err != nil {
		return nil, err
	}
	facts, err := s.store.SummaryFacts(ctx, units, k.Year, k.AsOf, k.ExpiringDays, s.central)
	if err != nil {
		return nil, err
	}
	return s.summaryToProto(k.Unit, k.AsOf, k.Year, k.ExpiringDays, facts), nil
}

func (s *Server) summaryToProto(unit string, asOf date.Date, year, days int, f store.Facts) *ocopv1.OcopSummary {
	out := &ocopv1.OcopSummary{
		UnitCode: unit, AsOf: asOf.String(), Year: int32(year),
		Producers: int32(f.Producers), Products: int32(f.Products),
		Registered: int32(f.Registered), Eligible: int32(f.Eligible), NotEligible: int32(f.NotEligible),
		Evaluated: stars(f.Evaluated, 1), NewlyCertified: stars(f.NewlyCertified, s.catalog.CertifiedFromStars),
		Certified: stars(f.Certified, s.catalog.CertifiedFromStars), CertifiedTotal: int32(f.Certified.Total()),
		Expiring: int32(f.Expiring), ExpiringWithinDays: int32(days), ProposedCentral: int32(f.ProposedCentral),
		ComputedAt: time.Now().UTC().Format(time.RFC3339),
	}
	for _, g := range f.Groups {
		name := g.ProductGroup
		if pg, ok := s.catalog.ProductGroup(g.ProductGroup); ok {
			name = pg.Name
		}
		out.ByGroup = append(out.ByGroup, &ocopv1.GroupTally{ProductGroup: g.ProductGroup, DisplayName: name,
			Products: int32(g.Products), Registered: int32(g.Registered), Certified: int32(g.Certified)})
	}
	return out
}

// stars lists counts from `from` stars to 5, every row even at zero.
func stars(c store.StarCounts, from int) []*ocopv1.StarTally {
	var out []*ocopv1.StarTally
	for st := max(from, 1); st <= 5; st++ {
		out = append(out, &ocopv1.StarTally{Stars: int32(st), Products: int32(c[st])})
	}
	return out
}
