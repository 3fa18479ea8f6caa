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
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// stubImports is a criteria service that starts an operation per import
// and answers for it, recording what it was asked.
type stubImports struct {
	criteriav1.UnimplementedCriteriaServiceServer
	registryv1.UnimplementedRegistryServiceServer
	operationv1.UnimplementedOperationServiceServer
	mu       sync.Mutex
	imported *criteriav1.ImportAssessmentsRequest
	// registryImports are the registry's import requests.
	registryImports []proto.Message
	keys            []string
	asked           []string
	cancelled       []string
}

func (s *stubImports) ImportAssessments(ctx context.Context, req *criteriav1.ImportAssessmentsRequest) (*operationv1.Operation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.imported = req
	s.keys = metadata.ValueFromIncomingContext(ctx, "idempotency-key-bin")
	return &operationv1.Operation{Name: "operations/criteria-1", Kind: "import/assessments", State: operationv1.Operation_RUNNING, RowsTotal: 2}, nil
}

func (s *stubImports) ImportUnitsFile(_ context.Context, req *registryv1.ImportUnitsFileRequest) (*operationv1.Operation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registryImports = append(s.registryImports, req)
	return &operationv1.Operation{Name: "operations/registry-1", Kind: "import/units", State: operationv1.Operation_RUNNING}, nil
}

func (s *stubImports) ImportRecognitions(_ context.Context, req *registryv1.ImportRecognitionsRequest) (*operationv1.Operation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registryImports = append(s.registryImports, req)
	return &operationv1.Operation{Name: "operations/registry-2", Kind: "import/recognitions", State: operationv1.Operation_RUNNING}, nil
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

func newImportGateway(t *testing.T) (*httptest.Server, *stubImports) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stub := &stubImports{}
	srv := grpc.NewServer()
	criteriav1.RegisterCriteriaServiceServer(srv, stub)
	registryv1.RegisterRegistryServiceServer(srv, stub)
	operationv1.RegisterOperationServiceServer(srv, stub)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	gw, err := New(t.Context(), Options{CriteriaAddr: lis.Addr().String(), RegistryAddr: lis.Addr().String(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
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
	if !proto.Equal(stub.imported, want) || len(stub.keys) != 1 || stub.keys[0] != "upload-1" {
		t.Errorf("the service got %v with keys %v, want %v with upload-1", stub.imported, stub.keys, want)
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
	if got := stub.imported; string(got.GetContent()) != "unit_code,TC1\n100,Đ\n" || got.GetAtomic() || got.GetDryRun() {
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
	if resp, _ := send(t, hts, http.MethodGet, "/v1/operations/ocop-1", "", nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an operation of a service not behind the gateway: %d", resp.StatusCode)
	}
	if want := []string{"operations/criteria-1", "operations/criteria-2"}; len(stub.asked) != 2 || stub.asked[0] != want[0] || stub.asked[1] != want[1] ||
		len(stub.cancelled) != 1 || stub.cancelled[0] != "operations/criteria-1" {
		t.Errorf("asked %v, cancelled %v", stub.asked, stub.cancelled)
	}
}

// The registry's files, units and recognitions, go to its imports with the
// query's options.
func TestImportOfTheRegistrysKinds(t *testing.T) {
	hts, stub := newImportGateway(t)
	for _, path := range []string{"/v1/imports/units?dry_run=true&decision_number=QĐ-1", "/v1/imports/recognitions?atomic=false"} {
		if resp, op := send(t, hts, http.MethodPost, path, "text/csv", []byte("a,b\n"), nil); resp.StatusCode != http.StatusOK || op["name"] == nil {
			t.Fatalf("POST %s: %d %v", path, resp.StatusCode, op)
		}
	}
	want := []proto.Message{
		&registryv1.ImportUnitsFileRequest{Content: []byte("a,b\n"), DryRun: true, Atomic: proto.Bool(true), DecisionNumber: "QĐ-1"},
		&registryv1.ImportRecognitionsRequest{Content: []byte("a,b\n"), Atomic: proto.Bool(false)},
	}
	stub.mu.Lock()
	defer stub.mu.Unlock()
	if len(stub.registryImports) != len(want) {
		t.Fatalf("the registry was asked %v", stub.registryImports)
	}
	for i := range want {
		if !proto.Equal(want[i], stub.registryImports[i]) {
			t.Errorf("request %d = %v, want %v", i, stub.registryImports[i], want[i])
		}
	}
}
