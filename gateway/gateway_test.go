package gateway

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// call sends one request to the gateway and decodes the JSON answer.
func call(t *testing.T, e *env, method, path, body string, header http.Header) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, e.http.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("%s %s: body is not a JSON object: %v\n%s", method, path, err, raw)
	}
	return resp, got
}

func statusErr(c codes.Code, msg string) func(context.Context, *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
	return func(context.Context, *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		return nil, status.Error(c, msg)
	}
}

func TestRoutes(t *testing.T) {
	const createBody = `{"unit":{"code":"1","displayName":"Tỉnh A","type":"PROVINCE"},"validFrom":"2025-07-01","decisionNumber":"1/NQ"}`
	tests := []struct {
		name       string
		getUnit    func(context.Context, *registryv1.GetUnitRequest) (*registryv1.Unit, error)
		createUnit func(context.Context, *registryv1.CreateUnitRequest) (*registryv1.Unit, error)
		method     string
		path       string
		body       string
		wantStatus int
		want       map[string]any // top-level fields that must be present with these values
	}{
		{
			name:       "zero values are written",
			method:     http.MethodGet,
			path:       "/v1/units/001",
			wantStatus: http.StatusOK,
			want: map[string]any{
				"name": "units/001", "code": "001", "displayName": "", "type": "UNIT_TYPE_UNSPECIFIED",
				"parentCode": "", "region": "", "communeGroup": "", "validFrom": "", "validTo": "",
			},
		},
		{
			name: "invalid argument keeps details",
			getUnit: func(context.Context, *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
				st, err := status.New(codes.InvalidArgument, "bad as_of").WithDetails(&errdetails.BadRequest{
					FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "as_of", Description: "must be YYYY-MM-DD"}},
				})
				if err != nil {
					return nil, err
				}
				return nil, st.Err()
			},
			method:     http.MethodGet,
			path:       "/v1/units/001?asOf=x",
			wantStatus: http.StatusBadRequest,
			want: map[string]any{
				"code":    float64(codes.InvalidArgument),
				"message": "bad as_of",
				"details": []any{map[string]any{
					"@type":           "type.googleapis.com/google.rpc.BadRequest",
					"fieldViolations": []any{map[string]any{"field": "as_of", "description": "must be YYYY-MM-DD", "reason": "", "localizedMessage": nil}},
				}},
			},
		},
		{
			name:       "failed precondition",
			getUnit:    statusErr(codes.FailedPrecondition, "unit has children"),
			method:     http.MethodGet,
			path:       "/v1/units/001",
			wantStatus: http.StatusBadRequest,
			want:       map[string]any{"code": float64(codes.FailedPrecondition), "message": "unit has children", "details": []any{}},
		},
		{
			name:       "not found",
			getUnit:    statusErr(codes.NotFound, "no unit 001"),
			method:     http.MethodGet,
			path:       "/v1/units/001",
			wantStatus: http.StatusNotFound,
			want:       map[string]any{"code": float64(codes.NotFound)},
		},
		{
			name:       "already exists",
			getUnit:    statusErr(codes.AlreadyExists, "exists"),
			method:     http.MethodGet,
			path:       "/v1/units/001",
			wantStatus: http.StatusConflict,
			want:       map[string]any{"code": float64(codes.AlreadyExists)},
		},
		{
			name:       "aborted",
			getUnit:    statusErr(codes.Aborted, "concurrent change"),
			method:     http.MethodGet,
			path:       "/v1/units/001",
			wantStatus: http.StatusConflict,
			want:       map[string]any{"code": float64(codes.Aborted)},
		},
		{
			name:       "unavailable",
			getUnit:    statusErr(codes.Unavailable, "database down"),
			method:     http.MethodGet,
			path:       "/v1/units/001",
			wantStatus: http.StatusServiceUnavailable,
			want:       map[string]any{"code": float64(codes.Unavailable)},
		},
		{
			name:       "unknown path",
			method:     http.MethodGet,
			path:       "/v1/nothing",
			wantStatus: http.StatusNotFound,
			want:       map[string]any{"code": float64(codes.NotFound), "details": []any{}},
		},
		{
			name:       "wrong method",
			method:     http.MethodDelete,
			path:       "/v1/units/001",
			wantStatus: http.StatusMethodNotAllowed,
			want:       map[string]any{"code": float64(codes.Unimplemented)},
		},
		{
			name: "create answers 201 when the service asks",
			createUnit: func(ctx context.Context, req *registryv1.CreateUnitRequest) (*registryv1.Unit, error) {
				if err := grpc.SetHeader(ctx, metadata.Pairs("x-http-code", "201", "x-internal", "secret")); err != nil {
					return nil, err
				}
				return &registryv1.Unit{Code: req.GetUnit().GetCode(), Type: req.GetUnit().GetType()}, nil
			},
			method:     http.MethodPost,
			path:       "/v1/units",
			body:       createBody,
			wantStatus: http.StatusCreated,
			want:       map[string]any{"code": "1", "type": "PROVINCE"},
		},
		{
			name: "create without x-http-code answers 200",
			createUnit: func(_ context.Context, req *registryv1.CreateUnitRequest) (*registryv1.Unit, error) {
				return &registryv1.Unit{Code: req.GetUnit().GetCode()}, nil
			},
			method:     http.MethodPost,
			path:       "/v1/units",
			body:       createBody,
			wantStatus: http.StatusOK,
			want:       map[string]any{"code": "1"},
		},
		{
			name:       "unknown request field is refused",
			method:     http.MethodPost,
			path:       "/v1/units",
			body:       `{"unit":{"code":"1"},"vaildFrom":"2025-07-01"}`,
			wantStatus: http.StatusBadRequest,
			want:       map[string]any{"code": float64(codes.InvalidArgument)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, &stubRegistry{getUnit: tt.getUnit, createUnit: tt.createUnit})
			resp, got := call(t, e, tt.method, tt.path, tt.body, nil)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d; body %v", resp.StatusCode, tt.wantStatus, got)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			for k := range resp.Header {
				if strings.HasPrefix(k, "Grpc-Metadata-") || strings.HasPrefix(k, "Grpc-Trailer-") {
					t.Errorf("service metadata leaked as header %s", k)
				}
			}
			for k, want := range tt.want {
				if diff := cmp.Diff(want, got[k]); diff != "" {
					t.Errorf("field %q (-want +got):\n%s", k, diff)
				}
			}
		})
	}
}

// The gateway answers and forwards an id of its own, whatever the client
// sends: the service records what it is forwarded as the client request id
// of the trail, which the client must not choose either.
func TestRequestID(t *testing.T) {
	for name, sent := range map[string]http.Header{
		"client's id":   {"X-Request-Id": {"req-42"}},
		"no id":         nil,
		"as metadata":   {"Grpc-Metadata-X-Request-Id": {"req-43"}},
		"unusable id":   {"X-Request-Id": {strings.Repeat("x", maxRequestIDLen+1)}},
		"client's uuid": {"X-Request-Id": {"0b6c2d3e-8f4a-4b5c-9d6e-7f8091a2b3c4"}},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, &stubRegistry{})
			resp, _ := call(t, e, http.MethodGet, "/v1/units/001", "", sent)
			id := resp.Header.Get("X-Request-Id")
			if uuid.Validate(id) != nil || id == sent.Get("X-Request-Id") {
				t.Errorf("response X-Request-Id = %q, want a uuid of the gateway's (client sent %q)", id, sent.Get("X-Request-Id"))
			}
			if got := e.stub.metadata().Get("x-request-id"); !cmp.Equal(got, []string{id}) {
				t.Errorf("service saw x-request-id %q, want [%s]", got, id)
			}
		})
	}
}

func TestOpenAPI(t *testing.T) {
	e := newEnv(t, &stubRegistry{})
	resp, got := call(t, e, http.MethodGet, "/openapi.json", "", nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	paths, _ := got["paths"].(map[string]any)
	if _, ok := paths["/v1/units"]; !ok {
		t.Errorf("no /v1/units in paths of the OpenAPI document")
	}
}

func TestNewWithoutServices(t *testing.T) {
	if _, err := New(t.Context(), Options{}); err == nil {
		t.Fatal("New with no address: want error")
	}
}
