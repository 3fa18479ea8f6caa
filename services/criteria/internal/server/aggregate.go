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

// aggregateVersion changes when an aggregate gains or changes a figure, so
// that no replica serves one cached by a release that did not compute it
// (a hit is otherwise valid for as long as no write advances a generation).
const aggregateVersion = "v2" // v2: villages, districts, level names, met_histogram

// Count modes of an aggregate (see Aggregate.count_mode).
const (
	countCurrent  = "current"
	countReported = "reported"
)

// GetAggregate answers from the cache, once the guard lets the caller read
// the unit; on a miss it computes once for all concurrent callers. The key
// is made of the request alone (the set named, not the set chosen) so that a
// hit needs no call to the registry beyond the guard's (none for admins,
// the system and viewers of the whole country): a hit is valid because any
// write that could change it, here or in the registry, advances a
// generation the value is stamped with.
func (s *Server) GetAggregate(ctx context.Context, req *criteriav1.GetAggregateRequest) (*criteriav1.Aggregate, error) {
	if err := s.guard.Unit(ctx, auth.Read, req.GetUnitCode()); err != nil {
		return nil, err
	}
	asOf, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	mode := cmp.Or(req.GetCountMode(), countCurrent)
	key := "criteria:aggregate:" + aggregateVersion + ":" + s.catalogDigest + ":" + req.GetUnitCode() + ":" + asOf.String() + ":" + req.GetCriteriaSet() + ":" + mode
	b, err := s.loader.Load(ctx, AggregateGenerations, key, func(ctx context.Context) ([]byte, error) {
		agg, err := s.computeAggregate(ctx, req.GetUnitCode(), asOf, req.GetCriteriaSet(), mode)
		if err != nil {
			return nil, err
		}
		return proto.MarshalOptions{Deterministic: true}.Marshal(agg)
	})
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

// computeAggregate rolls up the latest assessment of every commune under a
// unit on asOf. Only the compact statuses of the latest assessments are read
// (one query per 500 communes); the roll-up itself is scoring.Aggregate.
func (s *Server) computeAggregate(ctx context.Context, code string, asOf date.Date, named, mode string) (*criteriav1.Aggregate, error) {
	u, err := s.aggregatedUnit(ctx, code, asOf)
	if err != nil {
		return nil, err
	}
	// Aggregates are commune figures: the commune set of the date, whatever the unit.
	set, err := s.setFor(u, catalog.UnitCommune, named, "criteria_set", asOf, "as_of")
	if err != nil {
		return nil, err
	}
	if asOf.Before(set.Valid.From) {
		return nil, fault.Invalid("as_of", "%s is before criteria set %s, valid %s: no commune can be assessed under it yet", asOf, set.Code, dateRange(set.Valid))
	}
	codes := []string{u.Code}
	if !isCommune(u) {
		if codes, err = s.registry.Communes(ctx, u.Code, asOf); err != nil {
			return nil, err
		}
	}
	states, err := s.store.LatestStates(ctx, set.Code, asOf, codes)
	if err != nil {
		return nil, err
	}
	figs := scoring.Aggregate(set, states)
	recs, err := s.registry.Recognitions(ctx, u.Code, asOf, mode == countReported) // "" for the country
	if err != nil {
		return nil, err
	}
	units, err := s.registry.CountUnits(ctx, u.Code, asOf)
	if err != nil {
		return nil, err
	}
	villages, districts := units[registryv1.UnitType_VILLAGE], units[registryv1.UnitType_DISTRICT]
	agg := &criteriav1.Aggregate{
		UnitCode: code, AsOf: asOf.String(), CriteriaSet: set.Code, CountMode: mode,
		Communes: int32(figs.Communes), AssessedCommunes: int32(figs.Assessed), AverageMet: round2(figs.AverageMet),
		Recognitions: tallyCommunes(codes, recs, mode == countReported, s.levelsOf(catalog.UnitCommune, set)),
		Villages:     int32(villages), VillageRecognitions: tallyUnits(u.Code, recs, registryv1.UnitType_VILLAGE, villages,
			s.levelsOf(catalog.UnitVillage, s.setOn(asOf, u.ProvinceCode, catalog.UnitVillage))),
		Districts: int32(districts), DistrictRecognitions: tallyUnits(u.Code, recs, registryv1.UnitType_DISTRICT, districts,
			s.levelsOf(catalog.UnitDistrict, s.setOn(asOf, u.ProvinceCode, catalog.UnitDistrict))),
		ComputedAt: time.Now().UTC().Format(time.RFC3339),
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
func (s *Server) aggregatedUnit(ctx context.Context, code string, asOf date.Date) (registryclient.Unit, error) {
	if code == CountryCode {
		return registryclient.Unit{}, nil
	}
	u, err := s.unitAt(ctx, code, asOf)
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
