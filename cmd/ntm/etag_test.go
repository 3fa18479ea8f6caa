package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/cmd/ntm/internal/demo"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// conditional is one REST call as the demo admin with an optional If-Match:
// it fails t unless the status is want, decodes the body into out (when
// not nil) and returns the ETag header.
func conditional(t *testing.T, method, url, ifMatch, body string, want int, out any) string {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tokenOf(t, demoAdmin))
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s (If-Match %s) %s = %d %s, want %d", method, url, ifMatch, body, resp.StatusCode, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, b)
		}
	}
	return resp.Header.Get("ETag")
}

// rpcStatus is the google.rpc.Status body of a refusal.
type rpcStatus struct {
	Code    codes.Code
	Message string
	Details []struct {
		Reason          string
		FieldViolations []struct{ Field string }
	}
}

// Etags (AIP-154) over REST and gRPC, on SQLite and PostgreSQL: every
// answer carrying a registration, certificate or recognition has its etag
// (also as the ETag header); a stale etag is 412 through If-Match, 409
// ABORTED in the body or over gRPC; a fresh one changes the resource and
// its etag; a second review without an etag is refused, naming `etag`.
func TestEtagsOverRESTAndGRPC(t *testing.T) {
	for _, engine := range storageConfigs {
		t.Run(engine.name, func(t *testing.T) {
			t.Parallel()
			s := startTestSuite(t, engine.cfg(t))
			t.Run("registration reviews", func(t *testing.T) { checkReviewEtags(t, s.httpURL) })
			t.Run("certificate revocations", func(t *testing.T) { checkCertificateEtags(t, s) })
			t.Run("recognition revocations", func(t *testing.T) { checkRecognitionEtags(t, s) })
		})
	}
}

type etagged struct{ Id, Etag string }

func newTestProduct(t *testing.T, base, name string) string {
	t.Helper()
	var producer, product etagged
	postJSON(t, base+"/v1/producers", `{"displayName":"HTX `+name+`","kind":"COOPERATIVE","unitCode":"06008","registeredOn":"2019-03-01"}`, http.StatusCreated, &producer)
	postJSON(t, base+"/v1/products", `{"displayName":"`+name+`","producerId":`+producer.Id+`,"productGroup":"BEVERAGE"}`, http.StatusCreated, &product)
	return base + "/v1/products/" + product.Id
}

func checkReviewEtags(t *testing.T, base string) {
	p := newTestProduct(t, base, "Chè xanh Bình Long")
	var created, first, second etagged
	if h := conditional(t, http.MethodPost, p+"/registrations", "", `{"year":2024,"registeredOn":"2024-03-01"}`, http.StatusCreated, &created); created.Etag == "" || h != created.Etag {
		t.Fatalf("created registration etag %q, ETag header %q", created.Etag, h)
	}
	review := p + "/registrations/2024:review"
	conditional(t, http.MethodPost, review, "", `{"eligibility":"NOT_ELIGIBLE","reason":"Thiếu phiếu kiểm nghiệm","reviewedOn":"2024-04-01"}`, http.StatusOK, &first)

	again := `{"eligibility":"ELIGIBLE","reviewedOn":"2024-05-01"}`
	var st rpcStatus
	conditional(t, http.MethodPost, review, "", again, http.StatusBadRequest, &st)
	if st.Code != codes.FailedPrecondition || !strings.Contains(st.Message, "etag") {
		t.Errorf("second review without an etag: %+v, want FAILED_PRECONDITION naming etag", st)
	}
	conditional(t, http.MethodPost, review, created.Etag, again, http.StatusPreconditionFailed, &st)
	if st.Code != codes.Aborted || len(st.Details) == 0 || st.Details[0].Reason != "ETAG_MISMATCH" {
		t.Errorf("stale If-Match: %+v, want the ABORTED status", st)
	}
	withEtag := func(etag string) string {
		b, _ := json.Marshal(etag)
		return `{"eligibility":"ELIGIBLE","reviewedOn":"2024-05-01","etag":` + string(b) + `}`
	}
	conditional(t, http.MethodPost, review, "", withEtag(created.Etag), http.StatusConflict, &st)
	if st.Code != codes.Aborted {
		t.Errorf("stale body etag: %+v, want ABORTED", st)
	}
	conditional(t, http.MethodPost, review, first.Etag, withEtag(created.Etag), http.StatusBadRequest, &st)
	if st.Code != codes.InvalidArgument || len(st.Details) < 2 || len(st.Details[1].FieldViolations) != 1 || st.Details[1].FieldViolations[0].Field != "etag" {
		t.Errorf("If-Match and body etag differ: %+v, want a violation of etag", st)
	}

	h := conditional(t, http.MethodPost, review, first.Etag, again, http.StatusOK, &second)
	if second.Etag == "" || second.Etag == first.Etag || h != second.Etag {
		t.Errorf("fresh If-Match: etag %q (header %q), first review's %q", second.Etag, h, first.Etag)
	}
	var product struct {
		Registrations []struct{ Eligibility, Etag string }
	}
	getJSON(t, p, http.StatusOK, &product)
	if len(product.Registrations) != 1 || product.Registrations[0].Eligibility != "ELIGIBLE" || product.Registrations[0].Etag != second.Etag {
		t.Errorf("read back %+v, want the second review with etag %s", product.Registrations, second.Etag)
	}
}

// dialAsAdmin is a gRPC connection to addr and a context calling as the demo admin.
func dialAsAdmin(t *testing.T, addr string) (context.Context, *grpc.ClientConn) {
	t.Helper()
	conn, err := grpcclient.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+tokenOf(t, demoAdmin)), conn
}

// lastID is the number ending a path or name ("…/products/7" is 7).
func lastID(t *testing.T, path string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(path[strings.LastIndex(path, "/")+1:], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func checkCertificateEtags(t *testing.T, s *suite) {
	p := newTestProduct(t, s.httpURL, "Chè búp Bình Long")
	postJSON(t, p+"/registrations", `{"year":2024,"registeredOn":"2024-03-01"}`, http.StatusCreated, nil)
	var ev, cert, revoked etagged
	postJSON(t, p+"/evaluations", `{"year":2024,"evaluatedOn":"2024-05-20","councilLevel":"PROVINCE","scores":`+sheet(5, 4, 4, 5, 4, 5, 6, 6, 6, 4, 4, 8, 8, 5, 2)+`}`, http.StatusCreated, &ev)
	if h := conditional(t, http.MethodPost, p+"/certificates", "", `{"evaluationId":`+ev.Id+`,"decisionNumber":"1234/QĐ-UBND","issuedOn":"2024-06-01"}`, http.StatusCreated, &cert); cert.Etag == "" || h != cert.Etag {
		t.Fatalf("certificate etag %q, ETag header %q", cert.Etag, h)
	}
	revoke := p + "/certificates/" + cert.Id + ":revoke"
	body := `{"revokedOn":"2024-10-01","decisionNumber":"3/QĐ-UBND"}`
	conditional(t, http.MethodPost, revoke, `"999"`, body, http.StatusPreconditionFailed, nil)

	// Direct gRPC: a stale etag is ABORTED.
	ctx, conn := dialAsAdmin(t, s.ocopAddr)
	_, err := ocopv1.NewOcopServiceClient(conn).RevokeCertificate(ctx, &ocopv1.RevokeCertificateRequest{ProductId: lastID(t, p), Id: lastID(t, cert.Id),
		RevokedOn: "2024-10-01", DecisionNumber: "3/QĐ-UBND", Etag: `"999"`})
	if status.Code(err) != codes.Aborted {
		t.Errorf("gRPC revocation with a stale etag: %v, want Aborted", err)
	}

	h := conditional(t, http.MethodPost, revoke, cert.Etag, body, http.StatusOK, &revoked)
	if revoked.Etag == cert.Etag || h != revoked.Etag {
		t.Errorf("fresh If-Match: etag %q (header %q), before %q", revoked.Etag, h, cert.Etag)
	}
}

func checkRecognitionEtags(t *testing.T, s *suite) {
	recs, err := demo.Recognitions()
	if err != nil {
		t.Fatal(err)
	}
	first := recs[0]
	var list struct {
		Recognitions []struct {
			Recognition struct{ Name, Etag string }
		}
	}
	getJSON(t, s.httpURL+"/v1/recognitions?parent="+first.GetUnitCode()+"&as_of="+first.GetEffectiveDate(), http.StatusOK, &list)
	if len(list.Recognitions) == 0 || list.Recognitions[0].Recognition.Etag == "" {
		t.Fatalf("recognitions of %s: %+v, want one with an etag", first.GetUnitCode(), list)
	}
	r := list.Recognitions[0].Recognition
	id := lastID(t, r.Name)
	revoke := s.httpURL + "/v1/" + r.Name + ":revoke"
	body := `{"revokedOn":"2025-01-01","revocationDecision":"99/QĐ-UBND"}`
	conditional(t, http.MethodPost, revoke, `"999"`, body, http.StatusPreconditionFailed, nil)
	conditional(t, http.MethodPost, revoke, "", `{"revokedOn":"2025-01-01","revocationDecision":"99/QĐ-UBND","etag":"\"999\""}`, http.StatusConflict, nil)

	ctx, conn := dialAsAdmin(t, s.registryAddr)
	_, err = registryv1.NewRegistryServiceClient(conn).RevokeRecognition(ctx, &registryv1.RevokeRecognitionRequest{UnitCode: first.GetUnitCode(), Id: id,
		RevokedOn: "2025-01-01", RevocationDecision: "99/QĐ-UBND", Etag: `"999"`})
	if status.Code(err) != codes.Aborted {
		t.Errorf("gRPC revocation with a stale etag: %v, want Aborted", err)
	}

	var revoked etagged
	if h := conditional(t, http.MethodPost, revoke, r.Etag, body, http.StatusOK, &revoked); revoked.Etag == r.Etag || h != revoked.Etag {
		t.Errorf("fresh If-Match: etag %q (header %q), before %q", revoked.Etag, h, r.Etag)
	}
}
