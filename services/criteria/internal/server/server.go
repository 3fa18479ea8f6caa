// Package server is the criteria service's gRPC API: it maps requests to the
// catalog, the scoring engine, the plans (package plan) and the store, asks
// the registry which units exist on a date, and serves aggregates through
// the shared cache.
package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"

	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/operation"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
	"github.com/ntmsuite/ntm/services/criteria/internal/statusindex"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// Generation is the cache generation this service advances on every write;
// aggregates depend on it and on the registry's.
const Generation = "criteria"

// AggregateGenerations are the cache generations an aggregate depends on:
// assessments, and the map and recognitions of the registry.
var AggregateGenerations = []string{Generation, registryclient.Generation}

// Registry is what the service asks the registry (registryclient.Client).
type Registry = registryclient.Reader

// Options are the parts a Server works with.
type Options struct {
	Store    *store.Store
	Catalog  *catalog.Catalog
	Registry *registryclient.Client
	// Cache holds aggregates and is bumped after every write.
	Cache  cache.Cache
	Loader *cache.Loader
	// ContentLoader reads aggregates cached by content (aggregatecache.go),
	// with metrics of its own; nil: Loader.
	ContentLoader *cache.Loader
	// Wire is the gRPC server's store of responses in wire form; cached
	// aggregates are served from it without encoding. nil: encode every time.
	Wire *grpcserver.Wire
	// CatalogDigest is CatalogDigest(Catalog): it keys cached aggregates.
	CatalogDigest string
	// Guard decides what each caller may read and write; nil allows
	// everything (authentication off).
	Guard  *auth.Guard
	Logger *slog.Logger
	// Operations runs file imports.
	Operations *operation.Runner
}

// Server implements criteriav1.CriteriaServiceServer.
type Server struct {
	criteriav1.UnimplementedCriteriaServiceServer
	store    *store.Store
	plans    plans
	catalog  *catalog.Catalog
	registry Registry
	// units lists the map of a date, for imports of many units (listedUnits).
	units func(ctx context.Context, d date.Date) (map[string]registryclient.Unit, error)
	// namedCommunes lists a unit's communes with their names, for templates.
	namedCommunes func(ctx context.Context, parent string, d date.Date) ([]registryclient.Node, error)
	cache         cache.Cache
	loader        *cache.Loader
	content       *cache.Loader
	decoded       decodedAggregates
	// index holds every assessment's statuses, which aggregates count.
	index *followedIndex
	// memo holds the registry's answers for aggregates, per registry generation.
	memo *registryclient.Memo
	// communeSlots holds the memo's lists of communes resolved in index.
	communeSlots *communeSlots
	// listed holds the maps of a date imports look their units up in.
	listed *cache.Held[date.Date, map[string]registryclient.Unit]
	// states are buffers for the states aggregates count (statesBuffer).
	states sync.Pool
	guard  *auth.Guard
	log    *slog.Logger
	// catalogDigest names the catalog in the aggregates' cache keys.
	catalogDigest string
	operations    *operation.Runner
}

func New(o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Wire == nil {
		o.Wire = &grpcserver.Wire{}
	}
	if o.ContentLoader == nil {
		o.ContentLoader = o.Loader
	}
	return &Server{store: o.Store, plans: o.Store, catalog: o.Catalog, registry: o.Registry, units: o.Registry.Units, namedCommunes: o.Registry.NamedCommunes, cache: o.Cache, loader: o.Loader, content: o.ContentLoader,
		decoded: decodedAggregates{wire: o.Wire}, index: newFollowedIndex(o.Store), memo: registryclient.NewMemo(o.Registry),
		communeSlots: cache.NewHeld[communesQuestion, statusindex.Units](communeSlotsMax),
		listed:       cache.NewHeld[date.Date, map[string]registryclient.Unit](listedMax),
		guard:        o.Guard, log: o.Logger, catalogDigest: o.CatalogDigest,
		operations: o.Operations}
}

// LoadIndex reads every assessment's statuses into memory, as a replica
// does at start: the first aggregate then reads no more than the rows
// written since.
func (s *Server) LoadIndex(ctx context.Context) error { return s.index.catchUp(ctx) }

// CatalogDigest fingerprints what an aggregate takes from the catalog (the
// sets, their levels and bands), as the API shows it. A --catalog-dir can
// change them with a restart and no write: without it in the key, replicas
// sharing Redis would serve figures counted under the old catalog until some
// write advanced a generation.
func CatalogDigest(c *catalog.Catalog) (string, error) {
	h := sha256.New()
	for _, set := range c.Sets() {
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(setToProto(set))
		if err != nil {
			return "", fmt.Errorf("criteria set %s: %w", set.Code, err)
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// ListCriteriaSets, like GetCriteriaSet, asks the guard nothing: criteria
// sets are published law, open to any authenticated caller.
func (s *Server) ListCriteriaSets(context.Context, *criteriav1.ListCriteriaSetsRequest) (*criteriav1.ListCriteriaSetsResponse, error) {
	resp := &criteriav1.ListCriteriaSetsResponse{}
	for _, set := range s.catalog.Sets() {
		resp.CriteriaSets = append(resp.CriteriaSets, setToProto(set))
	}
	return resp, nil
}

func (s *Server) GetCriteriaSet(_ context.Context, req *criteriav1.GetCriteriaSetRequest) (*criteriav1.CriteriaSet, error) {
	set, ok := s.catalog.Set(req.GetId())
	if !ok {
		return nil, fault.NotFound("criteria_set", "criteriaSets/"+req.GetId(), "no criteria set %q", req.GetId())
	}
	return setToProto(set), nil
}

// ListTargetKinds, like ListCriteriaSets, asks the guard nothing: the kinds
// of targets are catalog data, open to any authenticated caller.
func (s *Server) ListTargetKinds(context.Context, *criteriav1.ListTargetKindsRequest) (*criteriav1.ListTargetKindsResponse, error) {
	resp := &criteriav1.ListTargetKindsResponse{}
	for _, k := range s.catalog.TargetKinds() {
		resp.TargetKinds = append(resp.TargetKinds, targetKindToProto(k))
	}
	return resp, nil
}

// unitAt asks the registry for a unit that the request names by its path:
// missing on the date is NotFound.
func (s *Server) unitAt(ctx context.Context, code string, d date.Date) (registryclient.Unit, error) {
	return unitAt(ctx, s.registry, code, d)
}

func unitAt(ctx context.Context, reg Registry, code string, d date.Date) (registryclient.Unit, error) {
	u, err := reg.Unit(ctx, code, d)
	if err == registryclient.ErrUnitNotFound {
		return u, fault.NotFound("unit", "units/"+code, "unit %s does not exist on %s", code, d)
	}
	return u, err
}

// setFor is the set a request names (in setField), which must assess units
// of type t, or the one of type t in force on d (the request's dateField)
// for u's province.
func (s *Server) setFor(u registryclient.Unit, t catalog.UnitType, named, setField string, d date.Date, dateField string) (*catalog.Set, error) {
	if named != "" {
		set, ok := s.catalog.Set(named)
		if !ok {
			return nil, fault.Invalid(setField, "no criteria set %q (GET /v1/criteriaSets lists them)", named)
		}
		if set.UnitType != t {
			return nil, fault.Invalid(setField, "criteria set %s assesses %s units, not %s units", set.Code, set.UnitType, t)
		}
		if set.ProvinceCode != "" && u.ProvinceCode == "" {
			return nil, fault.Invalid(setField, "criteria set %s belongs to province %s: the whole country is counted under a national set", set.Code, set.ProvinceCode)
		}
		if set.ProvinceCode != "" && set.ProvinceCode != u.ProvinceCode {
			return nil, fault.Invalid(setField, "criteria set %s belongs to province %s; unit %s is in province %s", set.Code, set.ProvinceCode, u.Code, u.ProvinceCode)
		}
		return set, nil
	}
	set, ok := s.catalog.SetFor(d, u.ProvinceCode, t)
	if !ok {
		return nil, fault.Invalid(dateField, "no criteria set for %s units is in force on %s", t, d)
	}
	return set, nil
}

// assessedType is the catalog's name of u's type on d, or an error naming
// field when units of the type are never assessed (wards, townships).
func assessedType(u registryclient.Unit, field string, d date.Date) (catalog.UnitType, error) {
	t := catalog.UnitType(u.Type.String())
	if !t.Assessed() {
		return "", fault.Invalid(field, "unit %s is a %s on %s: only communes, villages, districts and provinces are assessed against NTM criteria", u.Code, u.Type, d)
	}
	return t, nil
}

func isCommune(u registryclient.Unit) bool { return u.Type == registryv1.UnitType_COMMUNE }
