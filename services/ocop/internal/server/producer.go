package server

import (
	"context"
	"errors"
	"slices"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/request"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/ocop/internal/catalog"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// locatedTypes are the units a producer can be located in: the communes,
// wards and townships (thị trấn, until 2025) of the day.
var locatedTypes = []registryv1.UnitType{registryv1.UnitType_COMMUNE, registryv1.UnitType_WARD, registryv1.UnitType_TOWNSHIP}

func (s *Server) CreateProducer(ctx context.Context, req *ocopv1.CreateProducerRequest) (*ocopv1.Producer, error) {
	p := req.GetProducer()
	// Before the registry is asked: whether and what the unit is on the
	// date is none of a caller's business outside their scope.
	if err := s.guard.Unit(ctx, auth.Write, p.GetUnitCode()); err != nil {
		return nil, err
	}
	row, err := s.checkProducer(ctx, p, "producer.")
	if err != nil {
		return nil, err
	}
	saved, err := s.recordProducers(ctx, []store.Producer{row})
	if err != nil {
		return nil, err
	}
	grpcserver.SetCreated(ctx)
	return producerToProto(saved[0]), nil
}

// checkProducer is CreateProducer's checks of p, once the caller may write
// in its unit: fault.Invalid naming the field after prefix ("producer."),
// or the producer to record.
func (s *Server) checkProducer(ctx context.Context, p *ocopv1.Producer, prefix string) (store.Producer, error) {
	on, err := request.Date(p.GetRegisteredOn(), prefix+"registered_on")
	if err != nil {
		return store.Producer{}, err
	}
	if on.After(date.Today()) {
		return store.Producer{}, fault.Invalid(prefix+"registered_on", "%s is in the future", on)
	}
	u, err := s.registry.Unit(ctx, p.GetUnitCode(), on)
	if errors.Is(err, registryclient.ErrUnitNotFound) {
		return store.Producer{}, fault.Invalid(prefix+"unit_code", "unit %s does not exist on %s", p.GetUnitCode(), on)
	}
	if err != nil {
		return store.Producer{}, err
	}
	if !slices.Contains(locatedTypes, u.Type) {
		return store.Producer{}, fault.Invalid(prefix+"unit_code", "unit %s is a %s on %s: a producer is located in a commune, ward or township", u.Code, u.Type, on)
	}
	return store.Producer{
		Name: p.GetDisplayName(), Kind: catalog.ProducerKind(p.GetKind()).String(), UnitCode: u.Code,
		RegisteredOn: on, RegistrationNumber: p.GetRegistrationNumber(),
	}, nil
}

// recordProducers writes checked producers in one transaction.
func (s *Server) recordProducers(ctx context.Context, rows []store.Producer) ([]store.Producer, error) {
	saved, err := s.store.CreateProducers(ctx, rows)
	if err != nil {
		return nil, err
	}
	s.changed(ctx)
	return saved, nil
}

func (s *Server) GetProducer(ctx context.Context, req *ocopv1.GetProducerRequest) (*ocopv1.Producer, error) {
	p, err := s.producerFor(ctx, auth.Read, req.GetId())
	if err != nil {
		return nil, notFound(err, fault.NotFound("producer", store.ProducerName(req.GetId()), "no producer %d", req.GetId()))
	}
	return producerToProto(p), nil
}

func (s *Server) ListProducers(ctx context.Context, req *ocopv1.ListProducersRequest) (*ocopv1.ListProducersResponse, error) {
	if err := s.guard.Unit(ctx, auth.Read, req.GetUnitCode()); err != nil {
		return nil, err
	}
	q, asOf, units, err := s.listUnits(ctx, listQuery{List: "producers", Unit: req.GetUnitCode()}, req.GetAsOf(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	limit := request.PageSize(req.GetPageSize(), defaultPageSize, maxPageSize)
	rows, err := s.store.ListProducers(ctx, units, asOf, q.After, limit+1)
	if err != nil {
		return nil, err
	}
	resp := &ocopv1.ListProducersResponse{}
	if len(rows) > limit {
		rows = rows[:limit]
		resp.NextPageToken = q.next(rows[limit-1].ID)
	}
	for _, p := range rows {
		resp.Producers = append(resp.Producers, producerToProto(p))
	}
	return resp, nil
}

// lineageOn is the communes and wards under the unit on its date (the unit
// itself when it is one; every one for CountryCode), with every unit that
// had become one of them by then: a producer keeps the code of the commune
// it registered in, and counts where that commune went. It is cached (see
// caches.units), with the map's links as of registry generation gen (held by
// the registry client from one listing to the next change of the map).
func (s *Server) lineageOn(ctx context.Context, k unitsKey, gen int64) ([]string, error) {
	units, err := s.unitsOfDay(ctx, k.Unit, k.AsOf)
	if err != nil {
		return nil, err
	}
	l, err := s.registry.Lineage(ctx, gen)
	if err != nil {
		return nil, err
	}
	return l.WithPredecessors(units, k.AsOf), nil
}

// unitsOfDay is the communes and wards under the unit code on asOf;
// fault.Invalid naming unit_code for a unit no producer can be under.
func (s *Server) unitsOfDay(ctx context.Context, code string, asOf date.Date) ([]string, error) {
	parent := ""
	if code != CountryCode {
		u, err := s.registry.Unit(ctx, code, asOf)
		if errors.Is(err, registryclient.ErrUnitNotFound) {
			return nil, fault.NotFound("unit", "units/"+code, "unit %s does not exist on %s", code, asOf)
		}
		if err != nil {
			return nil, err
		}
		switch u.Type {
		case registryv1.UnitType_COMMUNE, registryv1.UnitType_WARD, registryv1.UnitType_TOWNSHIP:
			return []string{u.Code}, nil
		case registryv1.UnitType_PROVINCE, registryv1.UnitType_DISTRICT:
			parent = u.Code
		default:
			// No producer is located in or under a village: its figures
			// would be zeros that look like counts.
			return nil, fault.Invalid("unit_code", "unit %s is a %s on %s: OCOP figures are of communes, wards, townships and the districts and provinces above them", u.Code, u.Type, asOf)
		}
	}
	return s.registry.Under(ctx, parent, asOf, locatedTypes...)
}

func producerToProto(p store.Producer) *ocopv1.Producer {
	return &ocopv1.Producer{
		Name: store.ProducerName(p.ID), Id: p.ID, DisplayName: p.Name, Kind: ocopv1.ProducerKind(ocopv1.ProducerKind_value[p.Kind]),
		UnitCode: p.UnitCode, RegisteredOn: p.RegisteredOn.String(), RegistrationNumber: p.RegistrationNumber,
	}
}
