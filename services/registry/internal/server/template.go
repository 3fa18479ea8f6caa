package server

import (
	"context"

	"google.golang.org/genproto/googleapis/api/httpbody"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/request"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/registry/internal/recognitionform"
	"github.com/ntmsuite/ntm/services/registry/internal/store"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
	"github.com/ntmsuite/ntm/services/registry/internal/unitform"
)

// GetUnitTemplate is the unit form as an Excel workbook, with a row for
// each unit under parent_code on as_of when one is named. The map is
// public (see GetUnit): no unit is checked.
func (s *Server) GetUnitTemplate(ctx context.Context, req *registryv1.GetUnitTemplateRequest) (*httpbody.HttpBody, error) {
	on, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	var units []*registryv1.Unit
	name := "danh-muc-don-vi"
	if code := req.GetParentCode(); code != "" {
		vs, err := s.unitsUnder(ctx, code, 0, on)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			units = append(units, toProto(v))
		}
		name += "-" + code + "-" + on.String()
	}
	return importing.Workbook(ctx, unitform.Template(units), name)
}

// GetRecognitionTemplate is the recognition form as an Excel workbook,
// with a row for each commune under unit_code on as_of when one is named.
func (s *Server) GetRecognitionTemplate(ctx context.Context, req *registryv1.GetRecognitionTemplateRequest) (*httpbody.HttpBody, error) {
	on, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	var units []recognitionform.Unit
	name := "cong-nhan"
	if code := req.GetUnitCode(); code != "" {
		if err := s.guard.Unit(ctx, auth.Read, code); err != nil {
			return nil, err
		}
		vs, err := s.unitsUnder(ctx, code, unit.Commune, on)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			units = append(units, recognitionform.Unit{Code: v.Code, Name: v.Name})
		}
		name += "-" + code + "-" + on.String()
	}
	return importing.Workbook(ctx, recognitionform.Template(units, on.Time().Format("02/01/2006")), name)
}

// unitsUnder lists the children of code on d, or with t its descendants
// of type t at any depth, every page of them.
func (s *Server) unitsUnder(ctx context.Context, code string, t unit.Type, d date.Date) ([]unit.Version, error) {
	if _, err := s.unitAt(ctx, code, d); err != nil {
		return nil, err
	}
	var out []unit.Version
	q := store.ListQuery{Parent: code, Type: t, AsOf: d, Limit: maxPageSize}
	for {
		vs, err := s.store.ListUnits(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
		if len(vs) < q.Limit {
			return out, nil
		}
		q.After = vs[len(vs)-1].Code
	}
}
