// Package server implements ntm.registry.v1.RegistryService: it checks the
// caller's say over the units a call touches, maps protos to the unit domain
// and back and calls the store. No SQL and no rules of the map live here.
package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/operation"
	"github.com/ntmsuite/ntm/platform/request"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/registry/internal/store"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

// Server is the registry's gRPC service.
type Server struct {
	registryv1.UnimplementedRegistryServiceServer
	store      *store.Store
	guard      *auth.Guard
	invalidate cache.Bumper // nil when nothing caches registry data
	criteria   Criteria
	// operations runs file imports, which outlive the request that starts them.
	operations *operation.Runner
	log        *slog.Logger
}

// New builds the service. guard checks every call's caller (nil allows
// everything); inv may be nil when nothing caches registry data; crit may
// be nil when the registry has no connection to the criteria service, and
// then refuses recognitions (UNAVAILABLE); ops runs file imports.
func New(s *store.Store, guard *auth.Guard, inv cache.Bumper, crit Criteria, ops *operation.Runner, log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	return &Server{store: s, guard: guard, invalidate: inv, criteria: crit, operations: ops, log: log}
}

// GetUnit, ListUnits, ListAncestors, GetUnitLineage and ListLineageLinks
// check no unit: the map is public, and every service resolves its callers'
// scope through these calls, with the caller's own token.

func (s *Server) GetUnit(ctx context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
	asOf, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	v, err := s.unitAt(ctx, req.GetCode(), asOf)
	if err != nil {
		return nil, err
	}
	return toProto(v), nil
}

func (s *Server) ListUnits(ctx context.Context, req *registryv1.ListUnitsRequest) (*registryv1.ListUnitsResponse, error) {
	// Without as_of, later pages keep the date of the first one ("today" when
	// it was asked), so paging across midnight neither fails nor mixes two days.
	asOf, err := request.AsOf(cmp.Or(req.GetAsOf(), pageTokenDate(req.GetPageToken())), "as_of")
	if err != nil {
		return nil, err
	}
	t, err := optionalType(req.GetType(), "type")
	if err != nil {
		return nil, err
	}
	q := store.ListQuery{Parent: req.GetParent(), Type: t, AsOf: asOf, Limit: request.PageSize(req.GetPageSize(), defaultPageSize, maxPageSize)}
	if q.After, err = decodePageToken(req.GetPageToken(), q); err != nil {
		return nil, err
	}
	if q.Parent != "" {
		if _, err := s.unitAt(ctx, q.Parent, asOf); err != nil {
			return nil, err
		}
	}
	limit := q.Limit
	q.Limit++ // one more than a page tells whether another page follows
	vs, err := s.store.ListUnits(ctx, q)
	if err != nil {
		return nil, err
	}
	resp := &registryv1.ListUnitsResponse{AsOf: asOf.String()}
	if len(vs) > limit {
		vs = vs[:limit]
		resp.NextPageToken = encodePageToken(vs[len(vs)-1].Code, q)
	}
	for _, v := range vs {
		resp.Units = append(resp.Units, toProto(v))
	}
	return resp, nil
}

func (s *Server) ListAncestors(ctx context.Context, req *registryv1.ListAncestorsRequest) (*registryv1.ListAncestorsResponse, error) {
	asOf, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	vs, err := s.store.Ancestors(ctx, req.GetCode(), asOf)
	if errors.Is(err, store.ErrNotFound) {
		return nil, unitNotFound(req.GetCode(), asOf)
	}
	if err != nil {
		return nil, err
	}
	resp := &registryv1.ListAncestorsResponse{AsOf: asOf.String()}
	for _, v := range vs {
		resp.Units = append(resp.Units, toProto(v))
	}
	return resp, nil
}

func (s *Server) GetUnitLineage(ctx context.Context, req *registryv1.GetUnitLineageRequest) (*registryv1.UnitLineage, error) {
	code := req.GetCode()
	versions, err := s.store.Versions(ctx, code)
	if err != nil {
		return nil, err
	}
	if len(versions) == 0 {
		return nil, fault.NotFound("unit", "units/"+code, "unit %s has never existed", code)
	}
	preds, succs, err := s.store.Lineage(ctx, code)
	if err != nil {
		return nil, err
	}
	out := &registryv1.UnitLineage{Code: code, Predecessors: linksToProto(preds), Successors: linksToProto(succs)}
	for _, v := range versions {
		out.Versions = append(out.Versions, toProto(v))
	}
	return out, nil
}

func (s *Server) ListLineageLinks(ctx context.Context, req *registryv1.ListLineageLinksRequest) (*registryv1.ListLineageLinksResponse, error) {
	after, err := decodeLinkPageToken(req.GetPageToken())
	if err != nil {
		return nil, err
	}
	limit := request.PageSize(req.GetPageSize(), defaultPageSize, maxPageSize)
	// One more than a page tells whether another page follows.
	links, err := s.store.ListLinks(ctx, after, limit+1)
	if err != nil {
		return nil, err
	}
	resp := &registryv1.ListLineageLinksResponse{}
	if len(links) > limit {
		links = links[:limit]
		last := links[limit-1]
		resp.NextPageToken = encodeLinkPageToken(store.LinkKey{ChangeID: last.ChangeID, From: last.From, To: last.To})
	}
	resp.Links = linksToProto(links)
	return resp, nil
}

// CreateUnit is decided over the new unit's parent; a province, by the
// whole country.
func (s *Server) CreateUnit(ctx context.Context, req *registryv1.CreateUnitRequest) (*registryv1.Unit, error) {
	if err := s.decide(ctx, req.GetUnit().GetParentCode()); err != nil {
		return nil, err
	}
	from, err := request.Date(req.GetValidFrom(), "valid_from")
	if err != nil {
		return nil, err
	}
	sp, err := specFromProto(req.GetUnit(), "unit")
	if err != nil {
		return nil, err
	}
	c := unit.Change{Kind: unit.KindCreate, DecisionNumber: req.GetDecisionNumber(), Effective: from, Note: req.GetNote(),
		EffectiveField: "valid_from", Create: []unit.Spec{sp}}
	if _, err := s.store.ApplyChanges(ctx, []unit.Change{c}); err != nil {
		return nil, err
	}
	s.changed(ctx)
	v, err := s.unitAt(ctx, sp.Code, from)
	if err != nil {
		return nil, err
	}
	grpcserver.SetCreated(ctx)
	return toProto(v), nil
}

func (s *Server) CreateUnitChange(ctx context.Context, req *registryv1.CreateUnitChangeRequest) (*registryv1.UnitChange, error) {
	c, err := changeFromProto(req.GetUnitChange(), "unit_change.")
	if err != nil {
		return nil, err
	}
	if err := unit.CheckAlone(c); err != nil {
		return nil, err
	}
	if err := s.decide(ctx, changeScope(c)...); err != nil {
		return nil, err
	}
	applied, err := s.store.ApplyChanges(ctx, []unit.Change{c})
	if err != nil {
		return nil, err
	}
	s.changed(ctx)
	out := req.GetUnitChange()
	recorded(out, c, applied[0])
	grpcserver.SetCreated(ctx)
	return out, nil
}

// CreateDecision records a decision of many changes, decided over every
// unit its changes name (see decisionScope).
func (s *Server) CreateDecision(ctx context.Context, req *registryv1.CreateDecisionRequest) (*registryv1.Decision, error) {
	p := req.GetDecision()
	eff, err := request.Date(p.GetEffectiveDate(), "decision.effective_date")
	if err != nil {
		return nil, err
	}
	d := unit.MapDecision{Number: p.GetDecisionNumber(), Effective: eff, Note: p.GetNote(), Field: "decision."}
	for i, pc := range p.GetChanges() {
		c, err := changeFromProto(pc, fmt.Sprintf("decision.changes[%d].", i))
		if err != nil {
			return nil, err
		}
		d.Changes = append(d.Changes, c)
	}
	if err := s.decide(ctx, decisionScope(d.Changes)...); err != nil {
		return nil, err
	}
	applied, err := s.store.ApplyDecision(ctx, d)
	if err != nil {
		return nil, err
	}
	s.changed(ctx)
	p.Name = fmt.Sprintf("decisions/%d", applied.ID)
	p.CreateTime = applied.CreatedAt.Format(time.RFC3339)
	for i, pc := range p.GetChanges() {
		recorded(pc, applied.Changes[i], applied.Applied[i])
	}
	grpcserver.SetCreated(ctx)
	return p, nil
}

// recorded fills out, the change c as the client sent it, with what was
// recorded: its name, number and date, lineage and time.
func recorded(out *registryv1.UnitChange, c unit.Change, a store.Applied) {
	out.Name = changeName(a.ID)
	out.DecisionNumber, out.EffectiveDate = c.DecisionNumber, c.Effective.String()
	out.CreateTime = a.CreatedAt.Format(time.RFC3339)
	out.Lineage = nil
	for _, l := range a.Links {
		out.Lineage = append(out.Lineage, &registryv1.LineageLink{FromCode: l.From, ToCode: l.To, Change: out.Name,
			ChangeKind: string(c.Kind), EffectiveDate: c.Effective.String(), DecisionNumber: c.DecisionNumber})
	}
}

// ImportUnits loads units anywhere, provinces included: the whole
// country's decision. Every row is checked, and the refusal names the bad
// fields of every bad row.
func (s *Server) ImportUnits(ctx context.Context, req *registryv1.ImportUnitsRequest) (*registryv1.ImportUnitsResponse, error) {
	if err := s.guard.Global(ctx, auth.Decide); err != nil {
		return nil, err
	}
	var rows []unit.ImportRow
	var refused []error
	for i, p := range req.GetUnits() {
		r, err := importRow(p, fmt.Sprintf("units[%d].", i))
		rows, refused = append(rows, r), append(refused, err)
	}
	if slices.ContainsFunc(refused, func(err error) bool { return err != nil }) {
		return nil, refusal(refused)
	}
	plan, applied, err := s.store.ImportUnits(ctx, rows, cmp.Or(req.GetDecisionNumber(), "import"))
	if err != nil {
		return nil, err
	}
	if !plan.Clean() {
		return nil, refusal(plan.Refused)
	}
	s.changed(ctx)
	resp := &registryv1.ImportUnitsResponse{Imported: int32(len(req.GetUnits()))}
	for _, a := range applied {
		resp.Changes = append(resp.Changes, changeName(a.ID))
	}
	grpcserver.SetCreated(ctx)
	return resp, nil
}

func (s *Server) unitAt(ctx context.Context, code string, asOf date.Date) (unit.Version, error) {
	v, err := s.store.UnitAt(ctx, code, asOf)
	if errors.Is(err, store.ErrNotFound) {
		return v, unitNotFound(code, asOf)
	}
	return v, err
}

func unitNotFound(code string, asOf date.Date) error {
	return fault.NotFound("unit", "units/"+code, "unit %s does not exist on %s", code, asOf)
}

func changeName(id int64) string { return fmt.Sprintf("unitChanges/%d", id) }
