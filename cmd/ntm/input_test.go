package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/ntmsuite/ntm/platform/dbtest"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

// eachEngine runs test against a demo suite on SQLite and one on
// PostgreSQL, in parallel; url is the PostgreSQL database ("" on SQLite).
func eachEngine(t *testing.T, test func(t *testing.T, s *suite, url string)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		test(t, startTestSuite(t, upConfig{}), "")
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		url := dbtest.EmptyPostgresDatabase(t)
		test(t, startTestSuite(t, upConfig{postgresURL: url}), url)
	})
}

// violationOf is the field of the single BadRequest violation of an error
// body, and its description.
func violationOf(t *testing.T, body []byte) (field, description string) {
	t.Helper()
	var st struct {
		Details []struct {
			Type            string `json:"@type"`
			FieldViolations []struct{ Field, Description string }
		}
	}
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	for _, d := range st.Details {
		if d.Type == "type.googleapis.com/google.rpc.BadRequest" && len(d.FieldViolations) == 1 {
			return d.FieldViolations[0].Field, d.FieldViolations[0].Description
		}
	}
	return "", ""
}

// A NUL in any string of a body or query is refused with 400 naming the
// field on both engines (PostgreSQL answered 500, SQLite stored it), and
// nothing is written; so is a query that is not UTF-8.
func TestNULIsRefusedNamingTheField(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *suite, _ string) {
		base, admin := s.httpURL, tokenOf(t, demoAdmin)
		assessment := func(author, note string) string {
			return `{"assessedOn":"2026-10-31","criteriaSet":"NTM_COMMUNE_2026_2030","author":"` + author + `","note":"` + note + `","verdicts":[` + verdicts("ĐĐCĐĐĐĐCĐĐ") + `]}`
		}
		trailBefore := auditTotal(t, base, admin, "")
		for _, tc := range []struct{ method, path, body, field string }{
			{http.MethodPost, "/v1/units/" + demoCommune + "/assessments", assessment(`UBND\u0000xã`, ""), "assessment.author"},
			{http.MethodPost, "/v1/units/" + demoCommune + "/assessments", assessment("UBND xã", `ghi\u0000chú`), "assessment.note"},
			{http.MethodPost, "/v1/units", `{"unit":{"code":"09999","displayName":"Xã\u0000Lạ","type":"COMMUNE","parentCode":"19"},"validFrom":"2026-01-01","decisionNumber":"1"}`, "unit.display_name"},
			{http.MethodPost, "/v1/plans", `{"year":2026,"unitCode":"06005","source":"CENTRAL\u0000BUDGET","purpose":"TRANSPORT","amountVnd":"5","allocatedOn":"2026-02-01"}`, "plan.source"},
			{http.MethodGet, "/v1/products?unit_code=06005&product_group=BEVERAGE%00", "", "product_group"},
			{http.MethodGet, "/v1/auditEvents?actor=demo%00admin", "", "actor"},
			{http.MethodGet, "/v1/auditEvents?actor=demo%FFadmin", "", "actor"}, // not UTF-8
		} {
			code, _, body := send(t, tc.method, base+tc.path, admin, tc.body)
			if field, _ := violationOf(t, body); code != http.StatusBadRequest || field != tc.field {
				t.Errorf("%s %s %s = %d %s; want 400 naming %s", tc.method, tc.path, tc.body, code, body, tc.field)
			}
		}
		if got := auditTotal(t, base, admin, ""); got != trailBefore {
			t.Errorf("refused requests changed the trail from %d to %d events", trailBefore, got)
		}

		// Directly over gRPC the same.
		client := criteriav1.NewCriteriaServiceClient(dialGRPC(t, s.criteriaAddr))
		_, err := client.CreateAssessment(withBearer(t, admin), &criteriav1.CreateAssessmentRequest{UnitCode: demoCommune,
			Assessment: &criteriav1.Assessment{AssessedOn: "2026-10-31", CriteriaSet: "NTM_COMMUNE_2026_2030", Author: "UBND\x00"}})
		if st := status.Convert(err); st.Code() != codes.InvalidArgument || !strings.Contains(st.Message(), "assessment.author") {
			t.Errorf("gRPC CreateAssessment with a NUL author: %v, want InvalidArgument naming assessment.author", err)
		}
	})
}

// A body that does not decode (an enum value of the wrong type, an unknown
// field) answers 400 naming the field by its JSON path, with the values an
// enum allows.
func TestUndecodableBodyNamesTheField(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL
	officer := tokenOf(t, demoOfficer)
	wrongStatus := strings.Replace(assessmentBody(), `"status":"NOT_MET"`, `"status":true`, 1)
	for _, tc := range []struct{ body, field, says string }{
		{wrongStatus, "assessment.verdicts[2].status", "MET, BASICALLY_MET, NOT_MET"},
		{strings.TrimSuffix(assessmentBody(), "}") + `,"colour":"red"}`, "assessment.colour", "unknown"},
	} {
		code, _, body := send(t, http.MethodPost, base+"/v1/units/"+demoCommune+"/assessments", officer, tc.body)
		field, desc := violationOf(t, body)
		if code != http.StatusBadRequest || field != tc.field || !strings.Contains(desc, tc.says) {
			t.Errorf("POST %s = %d %s; want 400 naming %s and saying %q", tc.body, code, body, tc.field, tc.says)
		}
	}
}

type trailEvent struct {
	Resource, RequestID, ClientRequestID string
}

// eventOf is the trail's event of resource, which must be one.
func eventOf(t *testing.T, base, resource string) trailEvent {
	t.Helper()
	var trail struct{ AuditEvents []trailEvent }
	call(t, http.MethodGet, base+"/v1/auditEvents?resource="+resource, tokenOf(t, demoAdmin), "", http.StatusOK, &trail)
	if len(trail.AuditEvents) != 1 {
		t.Fatalf("events of %s: %+v, want one", resource, trail.AuditEvents)
	}
	return trail.AuditEvents[0]
}

// The trail's request id is the service's own: a client's X-Request-Id
// (REST) or x-request-id (gRPC) never becomes it. Through REST the
// service keeps the gateway's id, which the client got back, as the client
// request id; over gRPC the caller's own.
func TestTrailRequestIDIsTheServers(t *testing.T) {
	s := startTestSuite(t, upConfig{})
	officer := tokenOf(t, demoOfficer)

	req, err := http.NewRequest(http.MethodPost, s.httpURL+"/v1/units/"+demoCommune+"/assessments", strings.NewReader(assessmentBody()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+officer)
	req.Header.Set("X-Request-Id", "chosen-by-client")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ Name string }
	err = json.NewDecoder(resp.Body).Decode(&created)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST assessment: %d %v", resp.StatusCode, err)
	}
	gatewayID := resp.Header.Get("X-Request-Id")
	e := eventOf(t, s.httpURL, created.Name)
	if e.RequestID == "chosen-by-client" || e.RequestID == gatewayID || uuid.Validate(e.RequestID) != nil || e.ClientRequestID != gatewayID {
		t.Errorf("REST: event %+v; want the service's own uuid, and the gateway's id %s as the client's", e, gatewayID)
	}

	client := criteriav1.NewCriteriaServiceClient(dialGRPC(t, s.criteriaAddr))
	ctx := metadata.AppendToOutgoingContext(withBearer(t, officer), "x-request-id", "grpc-client-7")
	var hdr metadata.MD
	a, err := client.CreateAssessment(ctx, &criteriav1.CreateAssessmentRequest{UnitCode: demoCommune, Assessment: &criteriav1.Assessment{
		AssessedOn: "2026-11-30", CriteriaSet: "NTM_COMMUNE_2026_2030", Author: "UBND xã Võ Nhai", Verdicts: grpcVerdicts(t),
	}}, grpc.Header(&hdr))
	if err != nil {
		t.Fatalf("gRPC CreateAssessment: %v", err)
	}
	e = eventOf(t, s.httpURL, a.GetName())
	if ids := hdr.Get("x-request-id"); len(ids) != 1 || e.RequestID != ids[0] || e.ClientRequestID != "grpc-client-7" {
		t.Errorf("gRPC: event %+v; want the id the service answered (%v) and grpc-client-7 as the client's", e, ids)
	}
}

// grpcVerdicts are the verdicts of assessmentBody, as the gRPC API takes them.
func grpcVerdicts(t *testing.T) []*criteriav1.CriterionVerdict {
	t.Helper()
	var a criteriav1.Assessment
	if err := protojson.Unmarshal([]byte(assessmentBody()), &a); err != nil {
		t.Fatal(err)
	}
	return a.GetVerdicts()
}

// A PostgreSQL that stops accepting the services' connections answers 503
// UNAVAILABLE through the gateway and over gRPC, never 500, /healthz says
// so meanwhile, and all is well again once it is back.
func TestDatabaseOutageIs503(t *testing.T) {
	url := dbtest.EmptyPostgresDatabase(t)
	s := startTestSuite(t, upConfig{postgresURL: url})
	admin := tokenOf(t, demoAdmin)
	post := func() (int, []byte) {
		code, _, body := send(t, http.MethodPost, s.httpURL+"/v1/units/"+demoCommune+"/assessments", tokenOf(t, demoOfficer), assessmentBody())
		return code, body
	}
	pg, err := sql.Open("pgx", dbtest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	name := url[strings.LastIndex(url, "/")+1:]
	if i := strings.IndexByte(name, '?'); i >= 0 {
		name = name[:i]
	}
	allow := func(on bool) {
		t.Helper()
		if _, err := pg.Exec(fmt.Sprintf(`ALTER DATABASE %s ALLOW_CONNECTIONS %t`, name, on)); err != nil {
			t.Fatal(err)
		}
	}
	// The database is dropped WITH (FORCE) at cleanup whether or not it
	// accepts connections by then.
	allow(false)
	if _, err := pg.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if code, body := post(); code != http.StatusServiceUnavailable || !bytes.Contains(body, []byte(`"code":14`)) {
			t.Errorf("POST during the outage = %d %s, want 503 UNAVAILABLE", code, body)
		}
	}
	client := criteriav1.NewCriteriaServiceClient(dialGRPC(t, s.criteriaAddr))
	if _, err := client.ListAssessments(withBearer(t, admin), &criteriav1.ListAssessmentsRequest{UnitCode: demoCommune}); status.Code(err) != codes.Unavailable {
		t.Errorf("gRPC during the outage: %v, want Unavailable", err)
	}
	waitForHealthz(t, s.httpURL, http.StatusServiceUnavailable)

	allow(true)
	waitForHealthz(t, s.httpURL, http.StatusOK)
	if code, body := post(); code != http.StatusCreated {
		t.Errorf("POST after the outage = %d %s, want 201", code, body)
	}
}

// waitForHealthz polls /healthz until it answers want; readiness is polled
// once a second, so it gives up only after a generous bound.
func waitForHealthz(t *testing.T, base string, want int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, _, body := send(t, http.MethodGet, base+"/healthz", "", "")
		if code == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz never answered %d (last: %d %s)", want, code, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// dialGRPC is a plaintext client of a suite's service at addr.
func dialGRPC(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// withBearer is a context whose calls carry token.
func withBearer(t *testing.T, token string) context.Context {
	return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+token)
}
