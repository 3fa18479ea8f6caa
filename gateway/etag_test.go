package gateway

import (
	"context"
	"net/http"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/etag"
	"github.com/ntmsuite/ntm/platform/restheader"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

func (s *stubRegistry) RevokeRecognition(ctx context.Context, req *registryv1.RevokeRecognitionRequest) (*registryv1.Recognition, error) {
	s.record(ctx)
	return s.revokeRecognition(ctx, req)
}

// abortedWith is an ABORTED status with reason in its ErrorInfo.
func abortedWith(t *testing.T, reason string) error {
	t.Helper()
	st, err := status.New(codes.Aborted, "etag is stale").WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: "ntm"})
	if err != nil {
		t.Fatal(err)
	}
	return st.Err()
}

// A stale etag is 412 when the client sent it as If-Match, 409 when it sent
// it in the body, and other ABORTED answers stay 409; the body is the
// service's google.rpc.Status. If-Match reaches the service as metadata, and
// a resource's etag comes back as the ETag header.
func TestConditionalChanges(t *testing.T) {
	const current = `"2"`
	stub := &stubRegistry{}
	stub.revokeRecognition = func(ctx context.Context, req *registryv1.RevokeRecognitionRequest) (*registryv1.Recognition, error) {
		md, _ := metadata.FromIncomingContext(ctx)
		sent := req.GetEtag()
		if v := md.Get(restheader.IfMatch); len(v) == 1 {
			sent = v[0]
		}
		switch sent {
		case current:
			return &registryv1.Recognition{UnitCode: req.GetUnitCode(), Etag: `"3"`}, nil
		case "race":
			return nil, abortedWith(t, "CONFLICT")
		}
		return nil, abortedWith(t, etag.MismatchReason)
	}
	e := newEnv(t, stub)
	const path = "/v1/units/100/recognitions/7:revoke"
	body := func(etag string) string {
		return `{"revokedOn": "2023-01-01", "revocationDecision": "99/QĐ-UBND", "etag": ` + etag + `}`
	}
	for _, tc := range []struct {
		name, body, ifMatch string
		want                int
	}{
		{"stale If-Match", body(`""`), `"1"`, http.StatusPreconditionFailed},
		{"stale body etag", body(`"\"1\""`), "", http.StatusConflict},
		{"another conflict with If-Match", body(`""`), "race", http.StatusConflict},
	} {
		h := http.Header{}
		if tc.ifMatch != "" {
			h.Set("If-Match", tc.ifMatch)
		}
		resp, got := call(t, e, http.MethodPost, path, tc.body, h)
		if resp.StatusCode != tc.want || got["code"] != float64(codes.Aborted) || got["message"] != "etag is stale" {
			t.Errorf("%s: %d %v, want %d with the ABORTED status body", tc.name, resp.StatusCode, got, tc.want)
		}
		if details, _ := got["details"].([]any); len(details) != 1 {
			t.Errorf("%s: details %v, want the ErrorInfo", tc.name, got["details"])
		}
	}

	resp, got := call(t, e, http.MethodPost, path, body(`""`), http.Header{"If-Match": {current}})
	if resp.StatusCode != http.StatusOK || got["etag"] != `"3"` || resp.Header.Get("ETag") != `"3"` {
		t.Errorf("current If-Match: %d %v, ETag %q; want 200 with the new etag", resp.StatusCode, got, resp.Header.Get("ETag"))
	}
	if md := stub.metadata(); len(md.Get(restheader.IfMatch)) != 1 || md.Get(restheader.IfMatch)[0] != current {
		t.Errorf("metadata %v, want If-Match as %s", md, restheader.IfMatch)
	}
	// Without If-Match, no if-match metadata: the request's own etag stands.
	call(t, e, http.MethodPost, path, body(`"\"2\""`), nil)
	if md := stub.metadata(); len(md.Get(restheader.IfMatch)) != 0 {
		t.Errorf("metadata %v without If-Match", md)
	}
}
