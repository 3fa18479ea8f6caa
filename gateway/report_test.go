package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	"google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// workbookBytes stand for a workbook: the gateway must pass them on as they
// are, whatever they hold (a zip's first bytes, a NUL, invalid UTF-8).
var workbookBytes = []byte("PK\x03\x04\x00\xff\xfe workbook")

// stubReport answers workbooks named as the report service names them, and
// refuses GetReport as a bad period.
type stubReport struct {
	reportv1.UnimplementedReportServiceServer
}

func (stubReport) GetReportWorkbook(ctx context.Context, req *reportv1.GetReportWorkbookRequest) (*httpbody.HttpBody, error) {
	// As platform/grpcserver.SetFileName does.
	if err := grpc.SetHeader(ctx, metadata.Pairs("x-file-name", "báo-cáo-"+req.GetUnitCode()+"-"+req.GetPeriod()+".xlsx")); err != nil {
		return nil, err
	}
	return &httpbody.HttpBody{ContentType: xlsxType, Data: workbookBytes}, nil
}

func (stubReport) GetAggregateWorkbook(context.Context, *reportv1.GetAggregateWorkbookRequest) (*httpbody.HttpBody, error) {
	return &httpbody.HttpBody{ContentType: xlsxType, Data: workbookBytes}, nil
}

func (stubReport) GetReport(context.Context, *reportv1.GetReportRequest) (*reportv1.Report, error) {
	return nil, status.Error(codes.InvalidArgument, "period: \"2020-Q3\" is not a period")
}

// newReportGateway serves the stub report service and a gateway in front
// of it alone.
func newReportGateway(t *testing.T) *httptest.Server {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	reportv1.RegisterReportServiceServer(srv, stubReport{})
	hs := health.NewServer()
	hs.SetServingStatus(reportv1.ReportService_ServiceDesc.ServiceName, grpc_health_v1.HealthCheckResponse_SERVING)
	grpc_health_v1.RegisterHealthServer(srv, hs)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	gw, err := New(t.Context(), Options{ReportAddr: lis.Addr().String(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gw.Close() })
	hts := httptest.NewServer(gw.Handler())
	t.Cleanup(hts.Close)
	return hts
}

func get(t *testing.T, hts *httptest.Server, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := hts.Client().Get(hts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// A workbook comes as the file itself, with its content type and the name
// the service gave it, not as JSON.
func TestWorkbookRoutesAnswerTheFile(t *testing.T) {
	hts := newReportGateway(t)
	resp, body := get(t, hts, "/v1/units/19/report.xlsx?period=2020")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != xlsxType || !bytes.Equal(body, workbookBytes) {
		t.Fatalf("report.xlsx: %d %q, body %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	kind, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	if err != nil || kind != "attachment" || params["filename"] != "báo-cáo-19-2020.xlsx" {
		t.Errorf("Content-Disposition %q: %s %v (%v)", resp.Header.Get("Content-Disposition"), kind, params, err)
	}
	if resp.Header.Get("Grpc-Metadata-X-File-Name") != "" {
		t.Error("the file name leaked as gRPC metadata")
	}
	resp, body = get(t, hts, "/v1/units/19/aggregate.xlsx?as_of=2020-10-31")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != xlsxType || !bytes.Equal(body, workbookBytes) || resp.Header.Get("Content-Disposition") != "" {
		t.Errorf("aggregate.xlsx without a name: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
}

// The report's errors stay JSON google.rpc.Status like every other route's;
// /healthz asks the report service too; the audit trail does not (it
// writes nothing, so it keeps none).
func TestReportErrorsAndHealth(t *testing.T) {
	hts := newReportGateway(t)
	resp, body := get(t, hts, "/v1/units/19/report?period=2020-Q3")
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Type") != "application/json" || !bytes.Contains(body, []byte(`"code":3`)) {
		t.Errorf("bad period: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	resp, body = get(t, hts, "/healthz")
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"report":"SERVING"`)) {
		t.Errorf("healthz: %d %s", resp.StatusCode, body)
	}
	_, body = get(t, hts, "/openapi.json")
	var doc struct {
		Paths map[string]map[string]struct{ Produces []string } `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/v1/units/{unitCode}/report.xlsx", "/v1/units/{unitCode}/aggregate.xlsx"} {
		if got := doc.Paths[path]["get"].Produces; !slices.Equal(got, []string{xlsxType}) {
			t.Errorf("OpenAPI: %s produces %q, want %s", path, got, xlsxType)
		}
	}
	resp, body = get(t, hts, "/v1/auditEvents")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("audit events with the report service alone: %d %s", resp.StatusCode, body)
	}
}
