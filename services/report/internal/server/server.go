// Package server is the report service's gRPC API: it reads the period and
// the date asked, lets the guard check the caller may read the unit, asks
// the other services (sources), composes (compose) and lays out workbooks
// (workbook).
package server

import (
	"cmp"
	"context"

	"google.golang.org/genproto/googleapis/api/httpbody"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/request"
	"github.com/ntmsuite/ntm/platform/sheet"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
	"github.com/ntmsuite/ntm/services/report/internal/compose"
	"github.com/ntmsuite/ntm/services/report/internal/sources"
	"github.com/ntmsuite/ntm/services/report/internal/workbook"
)

// Server implements reportv1.ReportServiceServer.
type Server struct {
	reportv1.UnimplementedReportServiceServer
	sources *sources.Services
	// guard checks every call reads a unit in the caller's scope; nil (or
	// off) serves everyone.
	guard *auth.Guard
}

func New(s *sources.Services, guard *auth.Guard) *Server { return &Server{sources: s, guard: guard} }

// GetReport composes the report of a unit for a period from live data.
func (s *Server) GetReport(ctx context.Context, req *reportv1.GetReportRequest) (*reportv1.Report, error) {
	return s.report(ctx, req.GetUnitCode(), req.GetPeriod(), req.GetAsOf())
}

// GetReportWorkbook lays the same report out as a workbook.
func (s *Server) GetReportWorkbook(ctx context.Context, req *reportv1.GetReportWorkbookRequest) (*httpbody.HttpBody, error) {
	r, err := s.report(ctx, req.GetUnitCode(), req.GetPeriod(), req.GetAsOf())
	if err != nil {
		return nil, err
	}
	data, err := workbook.Report(r)
	if err != nil {
		return nil, err
	}
	grpcserver.SetFileName(ctx, "bao-cao-ntm-"+r.GetUnitCode()+"-"+r.GetPeriod()+"-den-"+r.GetAsOf()+".xlsx")
	return &httpbody.HttpBody{ContentType: sheet.ContentType, Data: data}, nil
}

// GetAggregateWorkbook lays a unit's aggregate out as a workbook.
func (s *Server) GetAggregateWorkbook(ctx context.Context, req *reportv1.GetAggregateWorkbookRequest) (*httpbody.HttpBody, error) {
	asOf, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	unit := req.GetUnitCode()
	if err := s.guard.Unit(ctx, auth.Read, unit); err != nil {
		return nil, err
	}
	u, err := s.sources.Unit(ctx, unit, asOf)
	if err != nil {
		return nil, err
	}
	agg, err := s.sources.Aggregate(ctx, &criteriav1.GetAggregateRequest{UnitCode: unit, AsOf: asOf.String(),
		CriteriaSet: req.GetCriteriaSet(), CountMode: req.GetCountMode()})
	if err != nil {
		return nil, err
	}
	data, err := workbook.Aggregate(agg, cmp.Or(u.GetDisplayName(), compose.CountryName))
	if err != nil {
		return nil, err
	}
	grpcserver.SetFileName(ctx, "tong-hop-tieu-chi-"+unit+"-"+asOf.String()+".xlsx")
	return &httpbody.HttpBody{ContentType: sheet.ContentType, Data: data}, nil
}

func (s *Server) report(ctx context.Context, unit, periodText, asOfText string) (*reportv1.Report, error) {
	q, u, err := s.reportedUnit(ctx, unit, periodText, asOfText)
	if err != nil {
		return nil, err
	}
	in, err := s.sources.Gather(ctx, unit, u, q.period, q.asOf)
	if err != nil {
		return nil, q.refusal(err)
	}
	return compose.Compose(in), nil
}
