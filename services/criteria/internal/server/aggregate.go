package server

import (
	"cmp"
	"context"
	"math"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/request"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// Count modes of an aggregate (see Aggregate.count_mode).
const (
	countCurrent  = "current"
	countReported = "reported"
)

// GetAggregate answers from the cache (see aggregatecache.go), once the
// guard lets the caller read the unit; on a miss it computes once for all
// concurrent callers.
func (s *Server) GetAggregate(ctx context.Context, req *criteriav1.GetAggregateRequest) (*criteriav1.Aggregate, error) {
	if err := s.guard.Unit(ctx, auth.Read, req.GetUnitCode()); err != nil {
		return nil, err
	}
	asOf, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	k := aggregateKey{unit: req.GetUnitCode(), asOf: asOf, set: req.GetCriteriaSet(), mode: cmp.Or(req.GetCountMode(), countCurrent)}
	b, key, err := s.loadAggregate(ctx, k)
	if err != nil {
		return nil, err
	}
	if agg := s.decoded.get(key, b); agg != nil {
		return agg, nil
	}
	agg := &criteriav1.Aggregate{}
	if err := proto.Unmarshal(b, agg); err != nil {
		return nil, err
	}
	s.decoded.put(key, b, agg)
	return agg, nil
}

// aggregateInput is what an aggregate counts: the unit, the set, the
// state of each commune under the unit on the date, and the version of
// those states (statusindex.Index.Latest).
type aggregateInput struct {
	unit    registryclient.Unit
	set     *catalog.Set
	states  []scoring.CommuneState
	version int64
}

// aggregateInputs reads what k counts from reg, as of registry generation
// registryGen (registryclient.UnknownGeneration when the cache could not
// tell it), and the in-memory index: the latest assessment of every
// commune under the unit on the date.
func (s *Server) aggregateInputs(ctx context.Context, reg Registry, registryGen int64, k aggregateKey) (aggregateInput, error) {
	u, err := aggregatedUnit(ctx, reg, k.unit, k.asOf)
	if err != nil {
		return aggregateInput{}, err
	}
	// Aggregates are commune figures: the commune set of the date, whatever the unit.
	set, err := s.setFor(u, catalog.UnitCommune, k.set, "criteria_set", k.asOf, "as_of")
	if err != nil {
		return aggregateInput{}, err
	}
	if k.asOf.Before(set.Valid.From) {
		return aggregateInput{}, fault.Invalid("as_of", "%s is before criteria set %s, valid %s: no commune can be assessed under it yet", k.asOf, set.Code, dateRange(set.Valid))
	}
	communes, err := s.communeUnits(ctx, reg, registryGen, u, k.asOf)
	if err != nil {
		return aggregateInput{}, err
	}
	states, version := s.index.LatestInto(s.statesBuffer(), set.Code, k.asOf, communes)
	return aggregateInput{unit: u, set: set, states: states, version: version}, nil
}

// statesBuffer is a buffer for the states of an aggregate's communes, to
// be given back with done once they are counted: the country's are half a
// megabyte, which every write under the country would otherwise have the
// next read allocate and the collector reclaim.
func (s *Server) statesBuffer() []scoring.CommuneState {
	if b, ok := s.states.Get().(*[]scoring.CommuneState); ok {
		return *b
	}
	return nil
}

// done gives in's states back (see statesBuffer): in must not be read
// after, by this goroutine or any other.
func (s *Server) done(in aggregateInput) {
	b := in.states[:0]
	s.states.Put(&b)
}

// buildAggregate rolls up in (scoring.Aggregate) and adds the recognitions
// and unit counts of the registry.
func (s *Server) buildAggregate(ctx context.Context, reg Registry, k aggregateKey, in aggregateInput) (*criteriav1.Aggregate, error) {
	u, set, asOf := in.unit, in.set, k.asOf
	figs := scoring.Aggregate(set, in.states)
	recs, err := reg.Recognitions(ctx, u.Code, asOf, k.mode == countReported) // "" for the country
	if err != nil {
		return nil, err
	}
	units, err := reg.CountUnits(ctx, u.Code, asOf)
	if err != nil {
		return nil, err
	}
	// A unit counts in its own tallies when it is of the type (a district in
	// its districts), as a commune's aggregate counts the commune itself.
	own := func(t registryv1.UnitType) int {
		if u.Type == t {
			return units[t] + 1
		}
		return units[t]
	}
	levels := func(t catalog.UnitType) []levelTitle { return s.levelsOf(t, asOf, s.setOn(asOf, u.ProvinceCode, t)) }
	agg := &criteriav1.Aggregate{
		UnitCode: k.unit, AsOf: asOf.String(), CriteriaSet: set.Code, CountMode: k.mode,
		Communes: int32(figs.Communes), AssessedCommunes: int32(figs.Assessed), AverageMet: round2(figs.AverageMet),
		Recognitions:         tallyOf(registryv1.UnitType_COMMUNE, recs, len(in.states), s.levelsOf(catalog.UnitCommune, asOf, set)),
		Villages:             int32(units[registryv1.UnitType_VILLAGE]),
		VillageRecognitions:  tallyOf(registryv1.UnitType_VILLAGE, recs, own(registryv1.UnitType_VILLAGE), levels(catalog.UnitVillage)),
		Districts:            int32(units[registryv1.UnitType_DISTRICT]),
		DistrictRecognitions: tallyOf(registryv1.UnitType_DISTRICT, recs, own(registryv1.UnitType_DISTRICT), levels(catalog.UnitDistrict)),
		ComputedAt:           time.Now().UTC().Format(time.RFC3339),
	}
	for _, t := range figs.Criteria {
		agg.Criteria = append(agg.Criteria, &criteriav1.CriterionTally{Code: t.Code, DisplayName: t.Name, Met: int32(t.Met), Denominator: int32(t.Denominator), Percent: round2(t.Percent)})
	}
	for _, b := range figs.Bands {
		agg.Bands = append(agg.Bands, &criteriav1.BandTally{Label: b.Label, Communes: int32(b.Communes)})
	}
	for _, b := range figs.Below {
		agg.Below = append(agg.Below, &criteriav1.BelowTally{Criteria: int32(b.Criteria), Communes: int32(b.Communes)})
	}
	for _, n := range figs.Histogram {
		agg.MetHistogram = append(agg.MetHistogram, int32(n))
	}
	return agg, nil
}

// CountryCode names the whole country where a request takes a unit code; no
// administrative unit has it (official codes have at least two digits).
const CountryCode = "0"

// aggregatedUnit is the unit an aggregate is asked for on asOf: a province,
// district or commune, or the country (Code "" for the registry: every unit).
func aggregatedUnit(ctx context.Context, reg Registry, code string, asOf date.Date) (registryclient.Unit, error) {
	if code == CountryCode {
		return registryclient.Unit{}, nil
	}
	u, err := unitAt(ctx, reg, code, asOf)
	if err != nil {
		return u, err
	}
	switch u.Type {
	case registryv1.UnitType_PROVINCE, registryv1.UnitType_DISTRICT, registryv1.UnitType_COMMUNE:
		return u, nil
	}
	return u, fault.Invalid("unit_code", "unit %s is a %s on %s: aggregates are of communes and the districts and provinces above them", code, u.Type, asOf)
}

// round2 keeps two decimals: reports print "72,03%" or "16,1 tiêu chí".
func round2(x float64) float64 { return math.Round(x*100) / 100 }
