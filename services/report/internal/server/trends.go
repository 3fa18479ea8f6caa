package server

import (
	"context"

	"google.golang.org/genproto/googleapis/api/httpbody"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/sheet"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
	"github.com/ntmsuite/ntm/services/report/internal/compose"
	"github.com/ntmsuite/ntm/services/report/internal/workbook"
)

// GetTrendsWorkbook lays a unit's trends (the criteria service's) out as a
// workbook, named after the unit as it was at the last point.
func (s *Server) GetTrendsWorkbook(ctx context.Context, req *reportv1.GetTrendsWorkbookRequest) (*httpbody.HttpBody, error) {
	unit := req.GetUnitCode()
	if err := s.guard.Unit(ctx, auth.Read, unit); err != nil {
		return nil, err
	}
	tr, err := s.sources.Trends(ctx, &criteriav1.GetTrendsRequest{UnitCode: unit, From: req.GetFrom(), To: req.GetTo(), Step: req.GetStep(), Onto: req.GetOnto()})
	if err != nil {
		return nil, err
	}
	name := compose.CountryName
	if unit != auth.CountryCode {
		name = "mã " + unit
		if last, ok := lastPresent(tr); ok {
			u, err := s.sources.Unit(ctx, unit, last)
			if err != nil {
				return nil, err
			}
			name = u.GetDisplayName()
		}
	}
	data, err := workbook.Trends(tr, name)
	if err != nil {
		return nil, err
	}
	grpcserver.SetFileName(ctx, "xu-huong-tieu-chi-"+unit+"-"+req.GetFrom()+"-"+req.GetTo()+".xlsx")
	return &httpbody.HttpBody{ContentType: sheet.ContentType, Data: data}, nil
}

// lastPresent is the last date of tr on which the unit existed.
func lastPresent(tr *criteriav1.Trends) (date.Date, bool) {
	ds := tr.GetDates()
	for i := len(ds) - 1; i >= 0; i-- {
		if ds[i].GetCommunes() > 0 || ds[i].GetCriteriaSet() != "" {
			d, err := date.Parse(ds[i].GetDate())
			return d, err == nil
		}
	}
	return date.Date{}, false
}
