package server

import (
	"context"

	"google.golang.org/genproto/googleapis/api/httpbody"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/request"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/assessmentform"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// GetAssessmentTemplate is the assessment form of a criteria set as an
// Excel workbook, with a row for each commune of unit_code when one is
// named, dated as_of.
func (s *Server) GetAssessmentTemplate(ctx context.Context, req *criteriav1.GetAssessmentTemplateRequest) (*httpbody.HttpBody, error) {
	on, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	u, units, err := s.templateUnits(ctx, req.GetUnitCode(), on)
	if err != nil {
		return nil, err
	}
	set, err := s.templateSet(req.GetCriteriaSet(), u.ProvinceCode, on)
	if err != nil {
		return nil, err
	}
	name := "bieu-danh-gia-" + set.Code
	if req.GetUnitCode() != "" {
		name += "-" + req.GetUnitCode()
	}
	return importing.Workbook(ctx, assessmentform.Template(set, units, on.Time().Format("02/01/2006")), name+"-"+on.String())
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

// templateUnits is the unit a template is asked for (none when code is
// empty) and its communes on d, with their names, for the template's rows.
func (s *Server) templateUnits(ctx context.Context, code string, d date.Date) (registryclient.Unit, []assessmentform.Unit, error) {
	if code == "" {
		return registryclient.Unit{}, nil, nil
	}
	if err := s.guard.Unit(ctx, auth.Read, code); err != nil {
		return registryclient.Unit{}, nil, err
	}
	u, err := s.unitAt(ctx, code, d)
	if err != nil {
		return u, nil, err
	}
	communes, err := s.namedCommunes(ctx, code, d)
	if err != nil {
		return u, nil, err
	}
	out := make([]assessmentform.Unit, len(communes))
	for i, c := range communes {
		out[i] = assessmentform.Unit{Code: c.Code, Name: c.Name}
	}
	return u, out, nil
}
