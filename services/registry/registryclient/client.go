// Package registryclient is what other services ask the registry: a
// unit and its province on a date, the communes under a unit, how many
// units of each type lie under it, the units that became a unit, and the
// recognitions in force. It turns registry answers into the few facts other
// services need, and registry errors into errors their handlers can tell
// apart (a unit missing on a date is the client's mistake; the registry
// being down is not).
package registryclient

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// Generation is the cache generation the registry advances on every write
// (see platform/cache): what another service caches from the registry's
// answers depends on it, and is recomputed once a write of the map bumps it.
const Generation = "registry"

// ErrUnitNotFound says the unit does not exist on the date asked.
var ErrUnitNotFound = errors.New("unit not found on that date")

// listPageSize is the registry's largest page: a province of 10,000 communes
// takes ten calls.
const listPageSize = 1000

// Unit is a unit as the criteria service needs it on one date.
type Unit struct {
	Code, Name   string
	Type         registryv1.UnitType
	Region       string // NTM region (2016-2025 thresholds)
	CommuneGroup string // "1".."3" (2026-2030 thresholds)
	// ProvinceCode is the province the unit is in on that date (itself for a
	// province): it chooses a province's own criteria set.
	ProvinceCode string
	// Ancestors are the codes of its parents on that date, nearest first.
	Ancestors []string
}

// Recognition is a recognition in force under a unit.
type Recognition struct {
	UnitCode string
	Level    registryv1.RecognitionLevel
	// UnitType is the type the unit was recognised with (on the decision's date).
	UnitType registryv1.UnitType
	// TypeAsOf is the unit's type on the date asked; unspecified when the
	// unit no longer exists.
	TypeAsOf registryv1.UnitType
	// Former: the unit no longer has UnitType on the date asked, but had it
	// under the unit when recognised (a commune become a ward or merged
	// away, a district abolished), counted by reports that keep former units.
	Former bool
}

// Client reads the registry over gRPC.
type Client struct {
	rpc registryv1.RegistryServiceClient
	// lineage holds the map's links for one registry generation (see
	// Lineage); lineageMu makes one listing at a time.
	lineageMu sync.Mutex
	lineage   *cache.Held[struct{}, *Lineage]
}

func New(conn grpc.ClientConnInterface) *Client {
	return &Client{rpc: registryv1.NewRegistryServiceClient(conn), lineage: cache.NewHeld[struct{}, *Lineage](1)}
}

// Unit returns code as of d with its province. The unit and its ancestors
// are asked at once: a write waits on this before it is scored, and two
// calls one after the other cost it two round trips under load.
func (c *Client) Unit(ctx context.Context, code string, d date.Date) (Unit, error) {
	var anc *registryv1.ListAncestorsResponse
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		if anc, err = c.rpc.ListAncestors(gctx, &registryv1.ListAncestorsRequest{Code: code, AsOf: d.String()}); err != nil {
			return translate(err, "list ancestors of "+code)
		}
		return nil
	})
	u, err := c.rpc.GetUnit(ctx, &registryv1.GetUnitRequest{Code: code, AsOf: d.String()})
	if werr := g.Wait(); err == nil {
		err = werr
	} else {
		err = translate(err, "get unit "+code)
	}
	if err != nil {
		return Unit{}, err
	}
	out := unitOf(u)
	if u.GetParentCode() == "" {
		return out, nil
	}
	for _, a := range anc.GetUnits() {
		out.Ancestors = append(out.Ancestors, a.GetCode())
	}
	if n := len(out.Ancestors); n > 0 {
		out.ProvinceCode = out.Ancestors[n-1] // nearest first: the last is the top
	}
	return out, nil
}

// mapTypes are the types Units lists: villages, many times more than the
// rest together, are left to Unit.
var mapTypes = []registryv1.UnitType{
	registryv1.UnitType_PROVINCE, registryv1.UnitType_DISTRICT, registryv1.UnitType_COMMUNE,
	registryv1.UnitType_WARD, registryv1.UnitType_TOWNSHIP,
}

// maxAncestors is how far the registry follows a unit's parents (ListAncestors).
const maxAncestors = 10

// Units returns every unit of the country on d down to the communes, by
// code, each as Unit returns it: an import of the country's assessments
// asks the registry a dozen times instead of twice per commune. Villages
// are not listed, nor is a unit whose parents on d are not all listed:
// ask Unit for those.
func (c *Client) Units(ctx context.Context, d date.Date) (map[string]Unit, error) {
	listed := make(map[string]*registryv1.Unit)
	for _, t := range mapTypes {
		if err := c.each(ctx, "", d, t, func(u *registryv1.Unit) { listed[u.GetCode()] = u }); err != nil {
			return nil, err
		}
	}
	out := make(map[string]Unit, len(listed))
next:
	for code, v := range listed {
		u := unitOf(v)
		for p := v.GetParentCode(); p != ""; p = listed[p].GetParentCode() {
			if listed[p] == nil || len(u.Ancestors) == maxAncestors {
				continue next
			}
			u.Ancestors = append(u.Ancestors, p)
		}
		if n := len(u.Ancestors); n > 0 {
			u.ProvinceCode = u.Ancestors[n-1] // nearest first: the last is the top
		}
		out[code] = u
	}
	return out, nil
}

// unitOf is u without its ancestors, its own province until they are known.
func unitOf(u *registryv1.Unit) Unit {
	return Unit{Code: u.GetCode(), Name: u.GetDisplayName(), Type: u.GetType(), Region: u.GetRegion(), CommuneGroup: u.GetCommuneGroup(), ProvinceCode: u.GetCode()}
}

// Communes lists the codes of the communes under parent on d, at any depth.
func (c *Client) Communes(ctx context.Context, parent string, d date.Date) ([]string, error) {
	return c.Under(ctx, parent, d, registryv1.UnitType_COMMUNE)
}

// Under lists the codes of the units of the given types under parent on d,
// at any depth ("" for the whole country), type by type.
func (c *Client) Under(ctx context.Context, parent string, d date.Date, types ...registryv1.UnitType) ([]string, error) {
	var codes []string
	for _, t := range types {
		more, err := c.under(ctx, parent, d, t)
		if err != nil {
			return nil, err
		}
		codes = append(codes, more...)
	}
	return codes, nil
}

func (c *Client) under(ctx context.Context, parent string, d date.Date, t registryv1.UnitType) ([]string, error) {
	var codes []string
	err := c.each(ctx, parent, d, t, func(u *registryv1.Unit) { codes = append(codes, u.GetCode()) })
	return codes, err
}

// each calls fn for every unit of type t under parent on d, at any depth,
// page by page.
func (c *Client) each(ctx context.Context, parent string, d date.Date, t registryv1.UnitType, fn func(*registryv1.Unit)) error {
	req := &registryv1.ListUnitsRequest{Parent: parent, Type: t, AsOf: d.String(), PageSize: listPageSize}
	for {
		resp, err := c.rpc.ListUnits(ctx, req)
		if err != nil {
			return translate(err, "list "+t.String()+" units under "+parent)
		}
		for _, u := range resp.GetUnits() {
			fn(u)
		}
		if resp.GetNextPageToken() == "" {
			return nil
		}
		req.PageToken = resp.GetNextPageToken()
	}
}

// NamedCommunes are the communes at any depth under parent on d, with
// their names, in one listing: the rows of a template to fill.
func (c *Client) NamedCommunes(ctx context.Context, parent string, d date.Date) ([]Node, error) {
	var out []Node
	err := c.each(ctx, parent, d, registryv1.UnitType_COMMUNE, func(u *registryv1.Unit) {
		out = append(out, Node{Code: u.GetCode(), Name: u.GetDisplayName(), Parent: u.GetParentCode(), Type: u.GetType()})
	})
	return out, err
}

// Node is a unit of the tree under a unit on a date.
type Node struct {
	Code, Name, Parent string
	Type               registryv1.UnitType
}

// belowProvince are the types a unit can have under a province, top down.
var belowProvince = []registryv1.UnitType{
	registryv1.UnitType_DISTRICT, registryv1.UnitType_COMMUNE, registryv1.UnitType_WARD,
	registryv1.UnitType_TOWNSHIP, registryv1.UnitType_VILLAGE,
}

// Descendants lists every unit under parent on d at any depth, of every type
// below it (with parent "" the whole country, provinces included), with its
// parent code on d, so that callers can build the tree without one call per
// unit. It asks the registry once per type (and page), grouped by type from
// the top, by code within a type.
func (c *Client) Descendants(ctx context.Context, parent string, d date.Date) ([]Node, error) {
	types := belowProvince
	if parent == "" {
		types = append([]registryv1.UnitType{registryv1.UnitType_PROVINCE}, belowProvince...)
	}
	var out []Node
	for _, t := range types {
		err := c.each(ctx, parent, d, t, func(u *registryv1.Unit) {
			out = append(out, Node{Code: u.GetCode(), Name: u.GetDisplayName(), Parent: u.GetParentCode(), Type: u.GetType()})
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Recognitions lists the recognitions in force on d of parent and the units
// under it; includeFormer adds former units (see Recognition.Former).
func (c *Client) Recognitions(ctx context.Context, parent string, d date.Date, includeFormer bool) ([]Recognition, error) {
	resp, err := c.rpc.ListRecognitions(ctx, &registryv1.ListRecognitionsRequest{Parent: parent, AsOf: d.String(), IncludeFormer: includeFormer})
	if err != nil {
		return nil, translate(err, "list recognitions under "+parent)
	}
	out := make([]Recognition, len(resp.GetRecognitions()))
	for i, r := range resp.GetRecognitions() {
		rec := r.GetRecognition()
		out[i] = Recognition{UnitCode: rec.GetUnitCode(), Level: rec.GetLevel(), UnitType: rec.GetUnitType(), TypeAsOf: r.GetUnitTypeAsOf(), Former: isFormer(r)}
	}
	return out, nil
}

// CountUnits counts the units of each type under parent on d, at any depth
// ("" for the whole country): the denominators of reports ("77 of 120
// villages"). A type with no unit is absent (counts zero).
func (c *Client) CountUnits(ctx context.Context, parent string, d date.Date) (map[registryv1.UnitType]int, error) {
	resp, err := c.rpc.CountUnits(ctx, &registryv1.CountUnitsRequest{Parent: parent, AsOf: d.String()})
	if err != nil {
		return nil, translate(err, "count units under "+parent)
	}
	out := make(map[registryv1.UnitType]int, len(resp.GetCounts()))
	for _, c := range resp.GetCounts() {
		out[c.GetType()] = int(c.GetUnits())
	}
	return out, nil
}

// translate keeps NotFound as ErrUnitNotFound and says the registry is down
// when it cannot answer; anything else is this service's internal error.
func translate(err error, what string) error {
	switch status.Code(err) {
	case codes.NotFound:
		return ErrUnitNotFound
	case codes.Unavailable, codes.DeadlineExceeded:
		return fault.Unavailable("the registry did not answer (%s): try again", what)
	case codes.Canceled:
		return context.Canceled
	}
	// %v, not %w: a downstream status must not pass through as the calling
	// service's answer (its field names are the registry's).
	return fmt.Errorf("registry: %s: %v", what, err)
}

// isFormer reads whether a listed recognition's unit is former. A registry
// of the release before `former` existed marks only former communes: read
// that too, so that replicas answering during a rolling upgrade count alike.
func isFormer(r *registryv1.RecognitionInForce) bool { return r.GetFormer() || r.GetFormerCommune() }
