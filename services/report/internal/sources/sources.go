// Package sources asks the registry, criteria, OCOP and funding services
// everything a report is composed from, concurrently, as the caller: the
// caller's bearer token and request id travel with every call
// (platform/grpcclient), so each service applies its own access rules.
// Their errors come back as they came: a unit unknown on the date is the
// registry's 404, one outside the caller's scope 403, a service down 503;
// the server words a service's refusal (400) in the report's own terms.
package sources

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/period"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/report/internal/compose"
)

// parallelCalls bounds the calls of one report in flight at once (a
// province's registrations ask one name and one score each).
const parallelCalls = 16

// pageSize is the largest page the listing calls give.
const pageSize = 1000

// Services are the connections a report reads.
type Services struct {
	registry registryv1.RegistryServiceClient
	criteria criteriav1.CriteriaServiceClient
	ocop     ocopv1.OcopServiceClient
	funding  fundingv1.FundingServiceClient
}

// New reads the services over these connections.
func New(registry, criteria, ocop, funding grpc.ClientConnInterface) *Services {
	return &Services{
		registry: registryv1.NewRegistryServiceClient(registry),
		criteria: criteriav1.NewCriteriaServiceClient(criteria),
		ocop:     ocopv1.NewOcopServiceClient(ocop),
		funding:  fundingv1.NewFundingServiceClient(funding),
	}
}

// Unit is the unit on asOf; nil for the whole country.
func (s *Services) Unit(ctx context.Context, code string, asOf date.Date) (*registryv1.Unit, error) {
	if code == auth.CountryCode {
		return nil, nil
	}
	return s.registry.GetUnit(ctx, &registryv1.GetUnitRequest{Code: code, AsOf: asOf.String()})
}

// Aggregate is the criteria service's aggregate, as asked.
func (s *Services) Aggregate(ctx context.Context, req *criteriav1.GetAggregateRequest) (*criteriav1.Aggregate, error) {
	return s.criteria.GetAggregate(ctx, req)
}

// CriteriaSets are every criteria set the criteria service knows.
func (s *Services) CriteriaSets(ctx context.Context) ([]*criteriav1.CriteriaSet, error) {
	resp, err := s.criteria.ListCriteriaSets(ctx, &criteriav1.ListCriteriaSetsRequest{})
	return resp.GetCriteriaSets(), err
}

// Gather asks for the answers a report of unit (u on asOf, see Unit) for p
// as of asOf is composed from: everything at once, then what depends on it
// (the criteria sets named, the registered units' names, and the scores of
// the units that did not reach their level).
func (s *Services) Gather(ctx context.Context, unit string, u *registryv1.Unit, p period.Period, asOf date.Date) (*compose.Inputs, error) {
	in := &compose.Inputs{UnitCode: unit, Unit: u, Period: p, AsOf: asOf, Sets: map[string]*criteriav1.CriteriaSet{},
		UnitNames: map[string]string{}, Scores: map[compose.ScoreKey]*criteriav1.Score{}}
	if err := s.gatherFigures(ctx, in); err != nil {
		return nil, err
	}
	if err := s.gatherNamesAndSets(ctx, in); err != nil {
		return nil, err
	}
	if err := s.gatherScores(ctx, in); err != nil {
		return nil, err
	}
	in.ComputedAt = time.Now()
	return in, nil
}

// parent is the unit as the registry and criteria lists name a parent: ""
// for the whole country.
func parent(unit string) string {
	if unit == auth.CountryCode {
		return ""
	}
	return unit
}

// yearsTo are the years of p up to asOf's, each with the day it is counted
// on: its last day, or asOf in asOf's year.
func yearsTo(p period.Period, asOf date.Date) map[int]date.Date {
	out := map[int]date.Date{}
	for _, y := range p.Years() {
		if y > asOf.Year() {
			break
		}
		end := date.Of(y, time.December, 31)
		if asOf.Before(end) {
			end = asOf
		}
		out[y] = end
	}
	return out
}

func (s *Services) gatherFigures(ctx context.Context, in *compose.Inputs) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(parallelCalls)
	unit, asOf, p := in.UnitCode, in.AsOf.String(), in.Period
	years := yearsTo(p, in.AsOf)
	g.Go(func() error {
		resp, err := s.registry.ListRecognitions(ctx, &registryv1.ListRecognitionsRequest{Parent: parent(unit), AsOf: asOf, IncludeFormer: true})
		in.Recognitions = resp.GetRecognitions()
		return err
	})
	g.Go(func() error {
		var err error
		in.Aggregate, err = s.criteria.GetAggregate(ctx, &criteriav1.GetAggregateRequest{UnitCode: unit, AsOf: asOf, CountMode: "reported"})
		return err
	})
	g.Go(func() error {
		resp, err := s.criteria.ListTargets(ctx, &criteriav1.ListTargetsRequest{UnitCode: unit, Period: compose.TargetPeriod(p).String(), AsOf: asOf})
		in.Targets = resp.GetTargets()
		return err
	})
	g.Go(func() error {
		resp, err := s.criteria.ListEstimates(ctx, &criteriav1.ListEstimatesRequest{UnitCode: unit, Year: int32(p.To.Year()), AsOf: asOf})
		in.Estimates = resp.GetEstimates()
		return err
	})
	g.Go(func() error {
		resp, err := s.criteria.ListTargetKinds(ctx, &criteriav1.ListTargetKindsRequest{})
		in.TargetKinds = resp.GetTargetKinds()
		return err
	})
	g.Go(func() error {
		var err error
		in.Funding, err = s.funding.GetFundingSummary(ctx, &fundingv1.GetFundingSummaryRequest{UnitCode: unit, AsOf: asOf,
			From: p.From.String(), To: p.To.String()})
		return err
	})
	regs := make(map[int][]*criteriav1.Registration, len(years))
	ocop := make(map[int]*ocopv1.OcopSummary, len(years))
	var mu sync.Mutex
	for y, on := range years {
		g.Go(func() error {
			list, err := s.registrations(ctx, unit, y, on)
			mu.Lock()
			regs[y] = list
			mu.Unlock()
			return err
		})
		g.Go(func() error {
			sum, err := s.ocop.GetOcopSummary(ctx, &ocopv1.GetOcopSummaryRequest{UnitCode: unit, AsOf: on.String(), Year: int32(y)})
			mu.Lock()
			ocop[y] = sum
			mu.Unlock()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, y := range p.Years() {
		if _, ok := years[y]; ok {
			in.Registrations = append(in.Registrations, regs[y]...)
			in.Ocop = append(in.Ocop, ocop[y])
		}
	}
	return nil
}

// registrations lists a year's registrations under unit, page by page.
func (s *Services) registrations(ctx context.Context, unit string, year int, on date.Date) ([]*criteriav1.Registration, error) {
	req := &criteriav1.ListRegistrationsRequest{Parent: parent(unit), Year: int32(year), AsOf: on.String(), PageSize: pageSize}
	var out []*criteriav1.Registration
	for {
		resp, err := s.criteria.ListRegistrations(ctx, req)
		if err != nil {
			return nil, err
		}
		out = append(out, resp.GetRegistrations()...)
		if resp.GetNextPageToken() == "" {
			return out, nil
		}
		req.PageToken = resp.GetNextPageToken()
	}
}

// gatherNamesAndSets asks for the criteria sets the aggregate and the
// registrations name, and the registered units' names on the day they
// registered (when they surely existed).
func (s *Services) gatherNamesAndSets(ctx context.Context, in *compose.Inputs) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(parallelCalls)
	var mu sync.Mutex
	sets := map[string]bool{in.Aggregate.GetCriteriaSet(): true}
	names := map[string]string{}
	for _, r := range in.Registrations {
		sets[r.GetCriteriaSet()] = true
		if _, ok := names[r.GetUnitCode()]; !ok {
			names[r.GetUnitCode()] = r.GetRegisteredOn()
		}
	}
	for id := range sets {
		g.Go(func() error {
			set, err := s.criteria.GetCriteriaSet(ctx, &criteriav1.GetCriteriaSetRequest{Id: id})
			mu.Lock()
			in.Sets[id] = set
			mu.Unlock()
			return err
		})
	}
	for code, on := range names {
		g.Go(func() error {
			u, err := s.registry.GetUnit(ctx, &registryv1.GetUnitRequest{Code: code, AsOf: on})
			mu.Lock()
			in.UnitNames[code] = u.GetDisplayName()
			mu.Unlock()
			return err
		})
	}
	return g.Wait()
}

// gatherScores asks for the score, under its registration's set, of each
// registered unit that did not reach its level: on AsOf, or, for a unit
// that has since lost the type it registered as (a commune become a ward or
// merged away), on its last day of that type. A unit never assessed under
// the set has none.
func (s *Services) gatherScores(ctx context.Context, in *compose.Inputs) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(parallelCalls)
	var mu sync.Mutex
	for _, r := range compose.Unreached(in.Registrations, in.Recognitions, in.Sets, in.AsOf) {
		key := compose.ScoreKey{Unit: r.GetUnitCode(), Set: r.GetCriteriaSet()}
		g.Go(func() error {
			score, err := s.scoreAsRegistered(ctx, r, in.AsOf)
			if score != nil {
				mu.Lock()
				in.Scores[key] = score
				mu.Unlock()
			}
			return err
		})
	}
	return g.Wait()
}

// scoreAsRegistered is r's unit's score under r's set on asOf, or on its last
// day of the type it registered as when it no longer has it then; nil when
// it has none. The criteria service refuses a score of a unit of another
// type (a ward) and finds none of a unit merged away: neither is the
// caller's mistake, so neither fails the report.
func (s *Services) scoreAsRegistered(ctx context.Context, r *criteriav1.Registration, asOf date.Date) (*criteriav1.Score, error) {
	score, err := s.score(ctx, r, asOf)
	if c := status.Code(err); c != codes.InvalidArgument && c != codes.NotFound {
		return score, err
	}
	lineage, err := s.registry.GetUnitLineage(ctx, &registryv1.GetUnitLineageRequest{Code: r.GetUnitCode()})
	if err != nil {
		return nil, err
	}
	day, ok := lastDayAs(lineage.GetVersions(), r.GetUnitType(), asOf)
	if !ok || day == asOf {
		return nil, nil // the unit had its type on asOf: it has no assessment under the set
	}
	score, err = s.score(ctx, r, day)
	if c := status.Code(err); c == codes.InvalidArgument || c == codes.NotFound {
		return nil, nil
	}
	return score, err
}

func (s *Services) score(ctx context.Context, r *criteriav1.Registration, on date.Date) (*criteriav1.Score, error) {
	return s.criteria.GetScore(ctx, &criteriav1.GetScoreRequest{UnitCode: r.GetUnitCode(), AsOf: on.String(), CriteriaSet: r.GetCriteriaSet()})
}
