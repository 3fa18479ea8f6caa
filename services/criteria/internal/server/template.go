package server

import (
	"context"

	"google.golang.org/genproto/googleapis/api/httpbody"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/request"
	"github.com/ntmsuite/ntm/platform/sheet"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/assessmentform"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
)

// GetAssessmentTemplate is the assessment form of a criteria set as an
// Excel workbook, with a row for each commune of unit_code when one is
// named, dated as_of.
func (s *Server) GetAssessmentTemplate(ctx context.Context, req *criteriav1.GetAssessmentTemplateRequest) (*httpbody.HttpBody, error) {
	on, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	var province string
	var units []assessmentform.Unit
	if code := req.GetUnitCode(); code != "" {
		if err := s.guard.Unit(ctx, auth.Read, code); err != nil {
			return nil, err
		}
		u, err := s.unitAt(ctx, code, on)
		if err != nil {
			return nil, err
		}
		province = u.ProvinceCode
		if units, err = s.communesOf(ctx, code, on); err != nil {
			return nil, err
		}
	}
	set, err := s.templateSet(req.GetCriteriaSet(), province, on)
	if err != nil {
		return nil, err
	}
	b, err := assessmentform.Template(set, units, on.Time().Format("02/01/2006")).XLSX()
	if err != nil {
		return nil, err
	}
	name := "bieu-danh-gia-" + set.Code
	if req.GetUnitCode() != "" {
		name += "-" + req.GetUnitCode()
	}
	grpcserver.SetFileName(ctx, name+"-"+on.String()+".xlsx")
	return &httpbody.HttpBody{ContentType: sheet.ContentType, Data: b}, nil
}

// templateSet is the set named, or the communes' set in force on d in
// province (its own variant first).
func (s *Server) templateSet(named, province string, d date.Date) (*catalog.Set, error) {
	if named != "" {
		set, ok := s.catalog.Set(named)
		if !ok {
			return nil, fault.Invalid("criteria_set", "no criteria set %q (GET /v1/criteriaSets lists them)", named)
		}
		return set, nil
	}
	set, ok := s.catalog.SetFor(d, province, catalog.UnitCommune)
	if !ok {
		return nil, fault.Invalid("as_of", "no criteria set for communes is in force on %s", d)
	}
	return set, nil
}

// communesOf lists the communes under code on d with their names.
func (s *Server) communesOf(ctx context.Context, code string, d date.Date) ([]assessmentform.Unit, error) {
	codes, err := s.registry.Communes(ctx, code, d)
	if err != nil {
		return nil, err
	}
	listed, err := s.units(ctx, d)
	if err != nil {
		return nil, err
	}
	out := make([]assessmentform.Unit, len(codes))
	for i, c := range codes {
		out[i] = assessmentform.Unit{Code: c, Name: listed[c].Name}
	}
	return out, nil
}
