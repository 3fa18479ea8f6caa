package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// badRequest is the single field violation of a google.rpc.Status body, or
// zero values when it has none.
func badRequest(t *testing.T, body map[string]any) (field, description string) {
	t.Helper()
	details, _ := body["details"].([]any)
	for _, d := range details {
		d, _ := d.(map[string]any)
		if d["@type"] != "type.googleapis.com/google.rpc.BadRequest" {
			continue
		}
		vs, _ := d["fieldViolations"].([]any)
		if len(vs) != 1 {
			t.Fatalf("field violations %v, want one", vs)
		}
		v, _ := vs[0].(map[string]any)
		field, _ = v["field"].(string)
		description, _ = v["description"].(string)
	}
	return field, description
}

// A body protojson refuses answers 400 naming the field by its path in the
// request, as the services' own violations do, and what it accepts (fields
// by the JSON names the client writes), and never reaches the service.
func TestBadBodyNamesTheField(t *testing.T) {
	var created int
	e := newEnv(t, &stubRegistry{createUnit: func(context.Context, *registryv1.CreateUnitRequest) (*registryv1.Unit, error) {
		created++
		return &registryv1.Unit{}, nil
	}})
	for _, tc := range []struct {
		name, body, field string
		says              []string
	}{
		{"enum of another type", `{"unit":{"code":"09999","type":true},"validFrom":"2026-01-01"}`,
			"unit.type", []string{"true", "PROVINCE, DISTRICT, COMMUNE, WARD, TOWNSHIP, VILLAGE"}},
		{"enum misspelt", `{"unit":{"type":"VILAGE"}}`, "unit.type", []string{`"VILAGE"`, "VILLAGE"}},
		{"unknown field", `{"unit":{"code":"09999"},"colour":"red"}`, "colour", []string{"unknown", "validFrom"}},
		{"unknown nested field", `{"unit":{"code":"09999","parent":"19"}}`, "unit.parent", []string{"unknown", "parentCode"}},
		{"string of another type", `{"unit":{"displayName":5}}`, "unit.display_name", []string{"string"}},
		{"given twice", `{"validFrom":"2026-01-01","valid_from":"2026-01-02"}`, "valid_from", []string{"twice"}},
		{"invalid UTF-8", "{\"unit\":{\"displayName\":\"X\xffã\"}}", "unit.display_name", []string{"UTF-8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := call(t, e, http.MethodPost, "/v1/units", tc.body, nil)
			field, desc := badRequest(t, body)
			if resp.StatusCode != http.StatusBadRequest || body["code"] != float64(codes.InvalidArgument) || field != tc.field {
				t.Fatalf("%d %v; want 400 INVALID_ARGUMENT naming %s", resp.StatusCode, body, tc.field)
			}
			for _, s := range tc.says {
				if !strings.Contains(desc, s) {
					t.Errorf("description %q does not say %q", desc, s)
				}
			}
			if msg, _ := body["message"].(string); !strings.Contains(msg, tc.field) || strings.Contains(msg, "proto:") {
				t.Errorf("message %q, want one naming %s in plain words", msg, tc.field)
			}
		})
	}
	t.Run("not JSON", func(t *testing.T) {
		resp, body := call(t, e, http.MethodPost, "/v1/units", `{"unit":`, nil)
		if resp.StatusCode != http.StatusBadRequest || body["code"] != float64(codes.InvalidArgument) {
			t.Errorf("%d %v; want 400 INVALID_ARGUMENT", resp.StatusCode, body)
		}
	})
	if created != 0 {
		t.Errorf("the service was called %d times for bodies that do not decode", created)
	}
	// Both spellings of a field name are JSON protojson accepts.
	if resp, body := call(t, e, http.MethodPost, "/v1/units", `{"unit":{"display_name":"Xã","type":"COMMUNE"},"validFrom":"2026-01-01"}`, nil); resp.StatusCode != http.StatusOK || created != 1 {
		t.Errorf("good body: %d %v, service called %d times", resp.StatusCode, body, created)
	}
}

// The handlers of a body that is one field of the request decode into a
// pointer to that field; the decoder's paths start inside it (the error
// handler puts the field's name in front: TestBodyFieldPrefixesTheBodysPaths).
func TestDecodeIntoAField(t *testing.T) {
	var a *criteriav1.Assessment
	err := explainingJSON{jsonMarshaler}.NewDecoder(strings.NewReader(`{"author":"x","verdicts":[{"criterionCode":"1","status":"MET"},{"status":"GOOD"}]}`)).Decode(&a)
	if err == nil || !strings.Contains(err.Error(), "verdicts[1].status") || !strings.Contains(err.Error(), "MET, BASICALLY_MET, NOT_MET") {
		t.Errorf("error %v, want one naming verdicts[1].status and its values", err)
	}
}

// A route whose body is one field of the request names the bad field from
// the request, as the service would: "unit_change.rename.code", not "rename.code".
func TestBodyFieldPrefixesTheBodysPaths(t *testing.T) {
	e := newEnv(t, &stubRegistry{})
	for body, want := range map[string]string{
		`{"decisionNumber":"1","rename":{"code":5}}`: "unit_change.rename.code",
		`{"colour":"red"}`:                           "unit_change.colour",
	} {
		resp, got := call(t, e, http.MethodPost, "/v1/unitChanges", body, nil)
		if field, _ := badRequest(t, got); resp.StatusCode != http.StatusBadRequest || field != want {
			t.Errorf("POST /v1/unitChanges %s = %d %v; want 400 naming %s", body, resp.StatusCode, got, want)
		}
	}
}

// FuzzDecodeBody feeds any bytes to the gateway's body decoding: it must
// never panic, must either decode or answer INVALID_ARGUMENT, and must never
// blame a field of a body protojson accepts.
func FuzzDecodeBody(f *testing.F) {
	for _, seed := range []string{
		`{"unit":{"code":"09999","displayName":"Xã Lạ","type":"COMMUNE","parentCode":"19"},"validFrom":"2026-01-01","decisionNumber":"1"}`,
		`{"unit":{"type":true}}`, `{"unit":{"type":3}}`, `{"unit":{"type":"3"}}`, `{"unit":{"type":null}}`,
		`{"colour":"red"}`, `{"unit":[]}`, `{"unit":"x"}`, `{"validFrom":1}`, `{"validFrom":"a","validFrom":"b"}`,
		"{\"note\":\"\xff\"}", `{"note":"\u0000"}`, `{"note":"\ud800"}`, `{"unit":`, ``, `null`, `[]`, `"x"`,
		`{"author":"x","verdicts":[{"status":"MET"},{"status":1.5}]}`, `{"assessedOn":{"year":2026}}`,
	} {
		f.Add([]byte(seed))
	}
	targets := []func() any{
		func() any { return &registryv1.CreateUnitRequest{} },
		func() any { return new(*criteriav1.Assessment) },
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, target := range targets {
			slot := &decodeSlot{ReadCloser: io.NopCloser(bytes.NewReader(body))}
			v := target()
			err := explainingJSON{jsonMarshaler}.NewDecoder(slot).Decode(v)
			if err == nil || len(strings.TrimSpace(string(body))) == 0 {
				continue
			}
			if slot.failure == nil || slot.failure.Code() != codes.InvalidArgument {
				t.Fatalf("%q: error %v left status %v, want INVALID_ARGUMENT", body, err, slot.failure)
			}
		}
		m := &registryv1.CreateUnitRequest{}
		if jsonMarshaler.Unmarshal(body, m) == nil && json.Valid(body) {
			if bad := firstBadField(body, m.ProtoReflect().Descriptor(), ""); bad != nil {
				t.Fatalf("%q decodes, yet %s is blamed: %s", body, bad.GetField(), bad.GetDescription())
			}
		}
	})
}

// The status a decode failure leaves carries the same details as the
// services' own invalid-argument errors.
func TestDecodeFailureStatusShape(t *testing.T) {
	st := explainDecodeError([]byte(`{"unit":{"type":true}}`), &registryv1.CreateUnitRequest{}, status.Error(codes.InvalidArgument, "x"))
	var info *errdetails.ErrorInfo
	var br *errdetails.BadRequest
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			info = d
		case *errdetails.BadRequest:
			br = d
		}
	}
	if st.Code() != codes.InvalidArgument || info.GetReason() != "INVALID_ARGUMENT" || info.GetDomain() != "ntm" ||
		len(br.GetFieldViolations()) != 1 || !proto.Equal(br.GetFieldViolations()[0], violation("unit.type", "invalid value true; allowed values are PROVINCE, DISTRICT, COMMUNE, WARD, TOWNSHIP, VILLAGE")) {
		t.Errorf("status %v with details %v", st, st.Details())
	}
}

// A path or query parameter that is not UTF-8 is the client's bad input:
// 400 naming the field, where gRPC would refuse to marshal it (500).
func TestBadTextInTheURLIs400(t *testing.T) {
	e := newEnv(t, &stubRegistry{})
	for path, field := range map[string]string{
		"/v1/units/%FF":           "code",
		"/v1/units/1?as_of=a%00b": "as_of",
	} {
		resp, body := call(t, e, http.MethodGet, path, "", nil)
		if got, _ := badRequest(t, body); resp.StatusCode != http.StatusBadRequest || got != field {
			t.Errorf("GET %s = %d %v, want 400 naming %s", path, resp.StatusCode, body, field)
		}
	}
	if md := e.stub.metadata(); md != nil {
		t.Errorf("the service was called (metadata %v)", md)
	}
}

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

// A body that could not be read (over the size limit, cut off) is not bad
// JSON: the read's own error stands, and no field is blamed.
func TestUnreadableBodyIsNotExplained(t *testing.T) {
	tooLarge := &http.MaxBytesError{Limit: 10}
	slot := &decodeSlot{ReadCloser: io.NopCloser(io.MultiReader(strings.NewReader(`{"unit":{"code":`), failingReader{tooLarge}))}
	err := explainingJSON{jsonMarshaler}.NewDecoder(slot).Decode(&registryv1.CreateUnitRequest{})
	if !errors.Is(err, tooLarge) || slot.failure != nil {
		t.Errorf("error %v with status %v, want the read's error alone", err, slot.failure)
	}
}
