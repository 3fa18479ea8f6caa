package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// stubImports stands for every service behind the gateway (through the
// per-service types below): it starts an operation per import, recording
// the requests and the idempotency keys it was sent, and answers for
// operations/criteria-1.
type stubImports struct {
	operationv1.UnimplementedOperationServiceServer
	mu        sync.Mutex
	requests  []proto.Message
	keys      []string
	asked     []string
	cancelled []string
}

// record answers an import with a running operation of service.
func (s *stubImports) record(ctx context.Context, service string, req proto.Message) (*operationv1.Operation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	s.keys = metadata.ValueFromIncomingContext(ctx, "idempotency-key-bin")
	return &operationv1.Operation{Name: "operations/" + service + "-1", State: operationv1.Operation_RUNNING, RowsTotal: 2}, nil
}

// last is the last import request.
func (s *stubImports) last() proto.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[len(s.requests)-1]
}

// The services' imports, each answered by the one stub.
type (
	criteriaImports struct {
		criteriav1.UnimplementedCriteriaServiceServer
		*stubImports
	}
	registryImports struct {
		registryv1.UnimplementedRegistryServiceServer
		*stubImports
	}
	ocopImports struct {
		ocopv1.UnimplementedOcopServiceServer
		*stubImports
	}
	fundingImports struct {
		fundingv1.UnimplementedFundingServiceServer
		*stubImports
	}
)

func (s criteriaImports) ImportAssessments(ctx context.Context, req *criteriav1.ImportAssessmentsRequest) (*operationv1.Operation, error) {
	return s.record(ctx, "criteria", req)
}

func (s criteriaImports) ImportRegistrations(ctx context.Context, req *criteriav1.ImportRegistrationsRequest) (*operationv1.Operation, error) {
	return s.record(ctx, "criteria", req)
}

func (s criteriaImports) ImportTargets(ctx context.Context, req *criteriav1.ImportTargetsRequest) (*operationv1.Operation, error) {
	return s.record(ctx, "criteria", req)
}

func (s registryImports) ImportUnitsFile(ctx context.Context, req *registryv1.ImportUnitsFileRequest) (*operationv1.Operation, error) {
	return s.record(ctx, "registry", req)
}

func (s registryImports) ImportRecognitions(ctx context.Context, req *registryv1.ImportRecognitionsRequest) (*operationv1.Operation, error) {
	return s.record(ctx, "registry", req)
}

func (s ocopImports) ImportProducers(ctx context.Context, req *ocopv1.ImportProducersRequest) (*operationv1.Operation, error) {
	return s.record(ctx, "ocop", req)
}

func (s ocopImports) ImportProducts(ctx context.Context, req *ocopv1.ImportProductsRequest) (*operationv1.Operation, error) {
	return s.record(ctx, "ocop", req)
}

func (s ocopImports) ImportEvaluations(ctx context.Context, req *ocopv1.ImportEvaluationsRequest) (*operationv1.Operation, error) {
	return s.record(ctx, "ocop", req)
}

func (s fundingImports) ImportPlans(ctx context.Context, req *fundingv1.ImportPlansRequest) (*operationv1.Operation, error) {
	return s.record(ctx, "funding", req)
}

func (s fundingImports) ImportDisbursements(ctx context.Context, req *fundingv1.ImportDisbursementsRequest) (*operationv1.Operation, error) {
	return s.record(ctx, "funding", req)
}

func (s *stubImports) GetOperation(_ context.Context, req *operationv1.GetOperationRequest) (*operationv1.Operation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, req.GetName())
	if req.GetName() != "operations/criteria-1" {
		return nil, status.Error(codes.NotFound, "no such operation")
	}
	return &operationv1.Operation{Name: req.GetName(), State: operationv1.Operation_SUCCEEDED, Done: true, RowsDone: 2, RowsTotal: 2,
		Summary: &operationv1.ImportSummary{Rows: 2, Created: 2, Written: true}}, nil
}

func (s *stubImports) CancelOperation(_ context.Context, req *operationv1.CancelOperationRequest) (*operationv1.Operation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cancelled = append(s.cancelled, req.GetName())
	return &operationv1.Operation{Name: req.GetName(), State: operationv1.Operation_RUNNING}, nil
}

// newImportGateway is a gateway before the stub, as the criteria, registry,
// OCOP and funding services (not the report service).
func newImportGateway(t *testing.T) (*httptest.Server, *stubImports) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stub := &stubImports{}
	srv := grpc.NewServer()
	criteriav1.RegisterCriteriaServiceServer(srv, criteriaImports{stubImports: stub})
	registryv1.RegisterRegistryServiceServer(srv, registryImports{stubImports: stub})
	ocopv1.RegisterOcopServiceServer(srv, ocopImports{stubImports: stub})
	fundingv1.RegisterFundingServiceServer(srv, fundingImports{stubImports: stub})
	operationv1.RegisterOperationServiceServer(srv, stub)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	addr := lis.Addr().String()
	gw, err := New(t.Context(), Options{CriteriaAddr: addr, RegistryAddr: addr, OcopAddr: addr, FundingAddr: addr, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gw.Close() })
	hts := httptest.NewServer(gw.Handler())
	t.Cleanup(hts.Close)
	return hts, stub
}

func send(t *testing.T, hts *httptest.Server, method, path, contentType string, body []byte, header http.Header) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, hts.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := hts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %v", method, path, resp.StatusCode, err)
	}
	return resp, out
}

// A file comes in as the body, or as a form's "file" part, byte for byte,
// with the query's options and the client's idempotency key.
func TestImportTakesTheFile(t *testing.T) {
	hts, stub := newImportGateway(t)
	file := []byte("PK\x03\x04\x00\xff workbook bytes")
	resp, op := send(t, hts, http.MethodPost, "/v1/imports/assessments?dry_run=true&criteria_set=NTM_COMMUNE_2021_2025", xlsxType, file,
		http.Header{"Idempotency-Key": {"upload-1"}})
	if resp.StatusCode != http.StatusOK || op["name"] != "operations/criteria-1" || op["state"] != "RUNNING" {
		t.Fatalf("import: %d %v", resp.StatusCode, op)
	}
	want := &criteriav1.ImportAssessmentsRequest{Content: file, DryRun: true, Atomic: proto.Bool(true), CriteriaSet: "NTM_COMMUNE_2021_2025"}
	if got := stub.last(); !proto.Equal(got, want) || len(stub.keys) != 1 || stub.keys[0] != "upload-1" {
		t.Errorf("the service got %v with keys %v, want %v with upload-1", got, stub.keys, want)
	}

	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	part, err := mw.CreateFormFile("file", "bieu.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = part.Write([]byte("unit_code,TC1\n100,Đ\n"))
	_ = mw.Close()
	if resp, op := send(t, hts, http.MethodPost, "/v1/imports/assessments?atomic=false", mw.FormDataContentType(), form.Bytes(), nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("multipart import: %d %v", resp.StatusCode, op)
	}
	if got := stub.last().(*criteriav1.ImportAssessmentsRequest); string(got.GetContent()) != "unit_code,TC1\n100,Đ\n" || got.GetAtomic() || got.GetDryRun() {
		t.Errorf("multipart import reached the service as %v", got)
	}
}

// What the gateway refuses itself names the field.
func TestImportRefusals(t *testing.T) {
	hts, _ := newImportGateway(t)
	for _, tc := range []struct {
		name, path string
		body       []byte
		code       int
		field      string
	}{
		{"no file", "/v1/imports/assessments", nil, http.StatusBadRequest, "file"},
		{"a bad flag", "/v1/imports/assessments?dry_run=maybe", []byte("x"), http.StatusBadRequest, "dry_run"},
		{"an unknown kind", "/v1/imports/bananas", []byte("x"), http.StatusNotFound, ""},
		{"too large", "/v1/imports/assessments", bytes.Repeat([]byte("a"), importFileBytes+1), http.StatusRequestEntityTooLarge, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := send(t, hts, http.MethodPost, tc.path, "text/csv", tc.body, nil)
			if resp.StatusCode != tc.code {
				t.Fatalf("%d %v, want %d", resp.StatusCode, body, tc.code)
			}
			if tc.field != "" && !namesField(body, tc.field) {
				t.Errorf("%v does not name %s", body, tc.field)
			}
		})
	}
}

// namesField reports a google.rpc.Status body with a BadRequest violation of field.
func namesField(body map[string]any, field string) bool {
	details, _ := body["details"].([]any)
	for _, d := range details {
		vs, _ := d.(map[string]any)["fieldViolations"].([]any)
		for _, v := range vs {
			if v.(map[string]any)["field"] == field {
				return true
			}
		}
	}
	return false
}

// An operation is asked of the service its id names.
func TestOperationsRouteByTheirService(t *testing.T) {
	hts, stub := newImportGateway(t)
	resp, op := send(t, hts, http.MethodGet, "/v1/operations/criteria-1", "", nil, nil)
	if resp.StatusCode != http.StatusOK || op["done"] != true || op["summary"].(map[string]any)["created"] != "2" {
		t.Fatalf("get: %d %v", resp.StatusCode, op)
	}
	if resp, op := send(t, hts, http.MethodPost, "/v1/operations/criteria-1:cancel", "", nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("cancel: %d %v", resp.StatusCode, op)
	}
	if resp, _ := send(t, hts, http.MethodGet, "/v1/operations/criteria-2", "", nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown operation of criteria: %d", resp.StatusCode)
	}
	if resp, _ := send(t, hts, http.MethodGet, "/v1/operations/report-1", "", nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an operation of a service not behind the gateway: %d", resp.StatusCode)
	}
	if want := []string{"operations/criteria-1", "operations/criteria-2"}; len(stub.asked) != 2 || stub.asked[0] != want[0] || stub.asked[1] != want[1] ||
		len(stub.cancelled) != 1 || stub.cancelled[0] != "operations/criteria-1" {
		t.Errorf("asked %v, cancelled %v", stub.asked, stub.cancelled)
	}
}

// Every kind reaches its service's import, with the options every import
// takes and its own; a bad option is refused naming it.
func TestEveryKindReachesItsService(t *testing.T) {
	hts, stub := newImportGateway(t)
	file := []byte("a,b\n1,2\n")
	yes, no := proto.Bool(true), proto.Bool(false)
	for _, tc := range []struct {
		path string
		want proto.Message
	}{
		{"/v1/imports/units?dry_run=true&decision_number=QĐ-1", &registryv1.ImportUnitsFileRequest{Content: file, DryRun: true, Atomic: yes, DecisionNumber: "QĐ-1"}},
		{"/v1/imports/recognitions?atomic=false", &registryv1.ImportRecognitionsRequest{Content: file, Atomic: no}},
		{"/v1/imports/registrations", &criteriav1.ImportRegistrationsRequest{Content: file, Atomic: yes}},
		{"/v1/imports/targets?dry_run=1", &criteriav1.ImportTargetsRequest{Content: file, DryRun: true, Atomic: yes}},
		{"/v1/imports/producers?dry_run=true", &ocopv1.ImportProducersRequest{Content: file, DryRun: true, Atomic: yes}},
		{"/v1/imports/products?atomic=false", &ocopv1.ImportProductsRequest{Content: file, Atomic: no}},
		{"/v1/imports/evaluations", &ocopv1.ImportEvaluationsRequest{Content: file, Atomic: yes}},
		{"/v1/imports/plans?atomic=false&allocated_on=2025-01-15&decision_number=15%2FQĐ-UBND",
			&fundingv1.ImportPlansRequest{Content: file, Atomic: no, AllocatedOn: "2025-01-15", DecisionNumber: "15/QĐ-UBND"}},
		{"/v1/imports/disbursements?dry_run=true", &fundingv1.ImportDisbursementsRequest{Content: file, DryRun: true, Atomic: yes}},
	} {
		resp, op := send(t, hts, http.MethodPost, tc.path, "text/csv", file, nil)
		if resp.StatusCode != http.StatusOK || op["name"] == nil {
			t.Fatalf("POST %s: %d %v", tc.path, resp.StatusCode, op)
		}
		if got := stub.last(); !proto.Equal(got, tc.want) {
			t.Errorf("POST %s reached the service as %v, want %v", tc.path, got, tc.want)
		}
	}
	if resp, body := send(t, hts, http.MethodPost, "/v1/imports/plans?atomic=sometimes", "text/csv", file, nil); resp.StatusCode != http.StatusBadRequest || !namesField(body, "atomic") {
		t.Errorf("a bad atomic: %d %v", resp.StatusCode, body)
	}
}

// A form whose file passes the body's limit is refused 413, as a body
// is, though the limit trips while the form is parsed: sent chunked, with
// no length to refuse it up front.
func TestImportMultipartTooLarge(t *testing.T) {
	hts, _ := newImportGateway(t)
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	part, err := mw.CreateFormFile("file", "bieu.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = part.Write(bytes.Repeat([]byte("a"), importFileBytes+2<<20))
	_ = mw.Close()
	// A reader of unknown length makes the client send it chunked.
	req, err := http.NewRequest(http.MethodPost, hts.URL+"/v1/imports/assessments", io.MultiReader(&form))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := hts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("%d %s, want 413", resp.StatusCode, body)
	}
}
