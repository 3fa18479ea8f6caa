package server

import (
	"context"
	"errors"
	"strconv"

	"google.golang.org/genproto/googleapis/api/httpbody"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/request"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/funding/internal/fundingform"
	"github.com/ntmsuite/ntm/services/funding/internal/store"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// maxTemplatePlans bounds the plans a template of disbursements lists: a
// province's year, with room to spare, well under a sheet's rows.
const maxTemplatePlans = 20_000

// GetPlanTemplate is the form of plans as an Excel workbook, with a row
// for each commune of unit_code (or the commune itself) when one is named.
func (s *Server) GetPlanTemplate(ctx context.Context, req *fundingv1.GetPlanTemplateRequest) (*httpbody.HttpBody, error) {
	on, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	var units []fundingform.Unit
	if code := req.GetUnitCode(); code != "" {
		if units, err = s.communesOf(ctx, code, on); err != nil {
			return nil, err
		}
	}
	name := "bieu-ke-hoach-von"
	if req.GetUnitCode() != "" {
		name += "-" + req.GetUnitCode()
	}
	if req.GetYear() != 0 {
		name += "-" + strconv.Itoa(int(req.GetYear()))
	}
	return importing.Workbook(ctx, fundingform.PlanTemplate(s.catalog, units, int(req.GetYear())), name)
}

// communesOf lists the communes under code on d with their names; a
// commune lists itself.
func (s *Server) communesOf(ctx context.Context, code string, d date.Date) ([]fundingform.Unit, error) {
	if err := s.guard.Unit(ctx, auth.Read, code); err != nil {
		return nil, err
	}
	u, err := s.registry.Unit(ctx, code, d)
	if errors.Is(err, registryclient.ErrUnitNotFound) {
		return nil, fault.NotFound("unit", "units/"+code, "unit %s does not exist on %s", code, d)
	}
	if err != nil {
		return nil, err
	}
	if u.Type == registryv1.UnitType_COMMUNE {
		return []fundingform.Unit{{Code: u.Code, Name: u.Name}}, nil
	}
	communes, err := s.registry.NamedCommunes(ctx, code, d)
	if err != nil {
		return nil, err
	}
	out := make([]fundingform.Unit, len(communes))
	for i, c := range communes {
		out[i] = fundingform.Unit{Code: c.Code, Name: c.Name}
	}
	return out, nil
}

// GetDisbursementTemplate is the form of disbursements as an Excel
// workbook, with a row for each plan of the year under unit_code when one
// is named.
func (s *Server) GetDisbursementTemplate(ctx context.Context, req *fundingv1.GetDisbursementTemplateRequest) (*httpbody.HttpBody, error) {
	on, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	year := int(req.GetYear())
	if year == 0 {
		year = on.Year()
	}
	var rows []fundingform.PlanRow
	name := "bieu-giai-ngan"
	if code := req.GetUnitCode(); code != "" {
		if rows, err = s.plansOf(ctx, code, year, on); err != nil {
			return nil, err
		}
		name += "-" + code + "-" + strconv.Itoa(year)
	}
	return importing.Workbook(ctx, fundingform.DisbursementTemplate(s.catalog, rows), name)
}

// plansOf lists the plans of year under code on d (as ListPlans does),
// with their units' names.
func (s *Server) plansOf(ctx context.Context, code string, year int, d date.Date) ([]fundingform.PlanRow, error) {
	if err := s.guard.Unit(ctx, auth.Read, code); err != nil {
		return nil, err
	}
	r, err := s.caches.rollups.Get(ctx, rollupKey{Unit: code, AsOf: d})
	if err != nil {
		return nil, err
	}
	plans, err := s.store.ListPlans(ctx, store.PlanFilter{Units: r.units(), Year: year, AsOf: d, Limit: maxTemplatePlans + 1})
	if err != nil {
		return nil, err
	}
	if len(plans) > maxTemplatePlans {
		return nil, fault.Invalid("unit_code", "unit %s has more than %d plans in %d: ask for the units under it", code, maxTemplatePlans, year)
	}
	names := map[string]string{}
	if code != CountryCode {
		nodes, err := s.registry.Descendants(ctx, code, d)
		if err != nil {
			return nil, err
		}
		for _, n := range nodes {
			names[n.Code] = n.Name
		}
	}
	// The rows' names hold the unit's own, for its own plans.
	for c, n := range r.Names {
		names[c] = n
	}
	out := make([]fundingform.PlanRow, len(plans))
	for i, p := range plans {
		out[i] = fundingform.PlanRow{ID: p.ID, UnitCode: p.UnitCode, UnitName: names[p.UnitCode], Year: p.Year, Source: p.Source, Purpose: p.Purpose, AmountVND: p.AmountVND}
	}
	return out, nil
}
