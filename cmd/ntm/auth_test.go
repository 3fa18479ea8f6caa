package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/servicemain"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

// An assessment of the demo's 2026 criteria set for unit, as an office
// posts it.
func assessmentBody() string {
	return `{"assessedOn":"2026-10-31","criteriaSet":"NTM_COMMUNE_2026_2030","author":"UBND xã Võ Nhai","verdicts":[` + verdicts("ĐĐCĐĐĐĐCĐĐ") + `]}`
}

// The "done when": through REST, a commune officer posts an
// assessment for its own commune, gets 403 naming the unit for its
// neighbour, and the audit shows exactly the accepted write.
func TestCommuneOfficerWritesOwnCommuneOnly(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL
	officer, admin := tokenOf(t, demoOfficer), tokenOf(t, demoAdmin)
	start := auditTotal(t, base, admin, "")

	var created struct{ Name, UnitCode string }
	call(t, http.MethodPost, base+"/v1/units/"+demoCommune+"/assessments", officer, assessmentBody(), http.StatusCreated, &created)
	_, body := call(t, http.MethodPost, base+"/v1/units/"+demoNeighbour+"/assessments", officer, assessmentBody(), http.StatusForbidden, nil)
	if !bytes.Contains(body, []byte(`"units/`+demoNeighbour+`"`)) {
		t.Errorf("403 body %s does not name units/%s", body, demoNeighbour)
	}

	var trail auditEvents
	call(t, http.MethodGet, base+"/v1/auditEvents?actor="+demoOfficer.Subject, admin, "", http.StatusOK, &trail)
	if len(trail.AuditEvents) != 1 || trail.AuditEvents[0].Resource != created.Name || trail.AuditEvents[0].UnitCode != demoCommune ||
		trail.AuditEvents[0].Service != "criteria" || trail.AuditEvents[0].ActorRole != string(auth.CommuneOfficer) {
		t.Errorf("the officer's trail = %+v, want only %s of unit %s", trail.AuditEvents, created.Name, demoCommune)
	}
	if got := auditTotal(t, base, admin, ""); got != start+1 {
		t.Errorf("the whole trail grew from %d to %d events, want one more", start, got)
	}
	call(t, http.MethodGet, base+"/v1/auditEvents", officer, "", http.StatusForbidden, nil)
}

type auditEvents struct {
	AuditEvents []struct {
		Service, Actor, ActorRole, RequestID, Method, Resource, UnitCode, Before, After string
		Time                                                                            time.Time
	}
	NextPageToken string
}

// auditTotal counts the events of the merged trail matching query, page by
// page, checking that the pages come oldest first.
func auditTotal(t *testing.T, base, token, query string) int {
	t.Helper()
	total, pageToken := 0, ""
	var last time.Time
	for {
		var page auditEvents
		call(t, http.MethodGet, base+"/v1/auditEvents?page_size=100&page_token="+pageToken+query, token, "", http.StatusOK, &page)
		for _, e := range page.AuditEvents {
			if e.Time.Before(last) {
				t.Fatalf("event %s at %v comes after one at %v", e.Resource, e.Time, last)
			}
			last = e.Time
		}
		total += len(page.AuditEvents)
		if pageToken = page.NextPageToken; pageToken == "" {
			return total
		}
	}
}

// Every role against a write and a read of each service, through the
// gateway; each letter names a call allowed.
func TestRESTRoleActionUnit(t *testing.T) {
	s := startTestSuite(t, upConfig{})
	base := s.httpURL
	calls := []struct {
		letter, method, path, body string
	}{
		{"a", http.MethodPost, "/v1/units/" + demoCommune + "/assessments", assessmentBody()},
		{"b", http.MethodPost, "/v1/units/" + demoNeighbour + "/assessments", assessmentBody()},
		{"p", http.MethodPost, "/v1/producers", `{"displayName":"HTX Chè Võ Nhai","kind":"COOPERATIVE","unitCode":"` + demoCommune + `","registeredOn":"2026-01-05"}`},
		{"f", http.MethodPost, "/v1/plans", `{"year":2026,"unitCode":"` + demoNeighbour + `","source":"CENTRAL_BUDGET","purpose":"TRANSPORT","amountVnd":"1000000","allocatedOn":"2026-01-15"}`},
		// A village under the commune: a decision above it (%d: one code per caller).
		{"u", http.MethodPost, "/v1/units", `{"unit":{"code":"061019%d","displayName":"Thôn Mới","type":"VILLAGE","parentCode":"` + demoCommune + `"},"validFrom":"2026-01-01","decisionNumber":"12/QĐ-UBND"}`},
		{"r", http.MethodGet, "/v1/units/19/aggregate?as_of=2026-06-30", ""},
		{"o", http.MethodGet, "/v1/units/19/ocopSummary?as_of=2026-06-30", ""},
		{"c", http.MethodGet, "/v1/units/0/fundingSummary?as_of=2026-06-30", ""},
		{"l", http.MethodGet, "/v1/units?parent=19&as_of=2026-06-30", ""},
		{"x", http.MethodGet, "/v1/auditEvents", ""},
	}
	for i, tc := range []struct {
		id    auth.Identity
		allow string
	}{
		{demoAdmin, "abpfurocl" + "x"},
		{auth.Identity{Subject: "vpdp", Role: auth.ProvinceOfficer, Unit: "19"}, "abpfurol"},
		{demoOfficer, "aprol"},
		{auth.Identity{Subject: "viewer", Role: auth.Viewer}, "rocl"},
		{auth.Identity{Subject: "svc", Role: auth.System}, "abpfurocl"},
		// A unit of the wrong type for the role (signed outside `ntm token`,
		// which refuses them): a commune officer naming province 19 would
		// write anywhere in it, a province officer naming a village is not
		// one; each is refused everything but the map, which anyone reads.
		{auth.Identity{Subject: "xa-19", Role: auth.CommuneOfficer, Unit: "19"}, "l"},
		{auth.Identity{Subject: "tinh-0600201", Role: auth.ProvinceOfficer, Unit: "0600201"}, "l"},
	} {
		token := tokenOf(t, tc.id)
		var got strings.Builder
		for _, c := range calls {
			body := c.body
			if strings.Contains(body, "%d") {
				body = fmt.Sprintf(body, i)
			}
			code, _, b := send(t, c.method, base+c.path, token, body)
			switch {
			case code < 300:
				got.WriteString(c.letter)
			case code != http.StatusForbidden:
				t.Errorf("%s %s %s: %d %s, want 2xx or 403", tc.id.Role, c.method, c.path, code, b)
			}
		}
		if got.String() != tc.allow {
			t.Errorf("%s (unit %q) was allowed %q, want %q", tc.id.Role, tc.id.Unit, got.String(), tc.allow)
		}
	}
}

// No token, a malformed one, one signed with another key, an expired one,
// one for another audience: 401 for reads and writes alike, before
// anything is looked at.
func TestRESTRefusesBadTokens(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL
	other, err := ephemeralKeys()
	if err != nil {
		t.Fatal(err)
	}
	forged, err := other.Sign(demoAdmin, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	expired, err := testKeys.Sign(demoAdmin, time.Hour, time.Now().Add(-2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// Signed with the suite's own HMAC key: only the audience is wrong, as
	// the same token for ntm-api being accepted shows.
	hmacToken := func(audience string) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
			"iss": auth.Issuer, "aud": audience, "sub": "x", "role": "admin", "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()})
		tok.Header["kid"] = "test-hs"
		signed, err := tok.SignedString(testHMACSecret)
		if err != nil {
			t.Fatal(err)
		}
		return signed
	}
	call(t, http.MethodGet, base+"/v1/units/19/aggregate", hmacToken(auth.Audience), "", http.StatusOK, nil)
	wrongAudience := hmacToken("another-api")
	for name, token := range map[string]string{"none": "", "malformed": "not.a.jwt", "forged": forged, "expired": expired,
		"wrong audience": wrongAudience} {
		for _, c := range []struct{ method, path, body string }{
			{http.MethodGet, "/v1/units/19/aggregate", ""},
			{http.MethodGet, "/v1/auditEvents", ""},
			{http.MethodPost, "/v1/units/" + demoCommune + "/assessments", assessmentBody()},
		} {
			if code, _, b := send(t, c.method, base+c.path, token, c.body); code != http.StatusUnauthorized {
				t.Errorf("%s token, %s %s: %d %s, want 401", name, c.method, c.path, code, b)
			}
		}
	}
}

// The tour's tokens verify with the run's keys and say who they are; the
// file holding them is the owner's alone.
func TestDemoTokens(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	tokens, err := signDemoTokens(testKeys)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeDemoTokens(&out, dir, tokens); err != nil {
		t.Fatal(err)
	}
	path := dir + "/" + demoTokensFile
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v, mode %v; want 0600", path, err, info.Mode())
	}
	env, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]auth.Identity{"ADMIN_TOKEN": demoAdmin, "OFFICER_TOKEN": demoOfficer}
	for _, line := range strings.Split(strings.TrimSpace(string(env)), "\n") {
		name, token, _ := strings.Cut(line, "=")
		id, err := testKeys.Verify(token, time.Now())
		if err != nil || id != want[name] || !strings.Contains(out.String(), token) {
			t.Errorf("%s: %+v, %v; want %+v, printed too", name, id, err, want[name])
		}
		delete(want, name)
	}
	if len(want) != 0 {
		t.Errorf("%s lacks %v", path, want)
	}
}

// Without keys, ntm up serves only when told to serve without
// authentication (or with --demo, which makes keys for the run).
func TestUpRefusesToServeOpenByDefault(t *testing.T) {
	t.Setenv(auth.KeysEnv, "")
	err := up(t.Context(), []string{"--data-dir", t.TempDir()}, io.Discard, slog.New(slog.DiscardHandler))
	if !errors.Is(err, servicemain.ErrNoAuthKeys) {
		t.Errorf("up without keys: %v, want ErrNoAuthKeys", err)
	}
}

// The records of communes merged into Xã Võ Nhai in 2025 are its
// officer's to keep: readable one by one and written to, not only listed.
func TestOfficerKeepsTheRecordsOfMergedCommunes(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL
	var plans struct{ Plans []struct{ ID, Source string } }
	getJSON(t, base+"/v1/plans?unit_code=06003&as_of=2024-12-31", http.StatusOK, &plans)
	if len(plans.Plans) == 0 {
		t.Fatal("the demo has no plan of 06003")
	}
	officer := tokenOf(t, demoOfficer)
	for _, p := range plans.Plans {
		call(t, http.MethodGet, base+"/v1/plans/"+p.ID, officer, "", http.StatusOK, nil)
		if p.Source == "CEMENT" {
			continue // counted in tonnes: a disbursement of money is refused as such
		}
		call(t, http.MethodPost, base+"/v1/disbursements", officer,
			`{"planId":"`+p.ID+`","disbursedOn":"2026-09-01","amountVnd":"1","overrunReason":"Thanh toán bổ sung"}`, http.StatusCreated, nil)
	}
}

// Directly over gRPC, as through REST: a commune officer whose token names
// province 19 is refused a write in one of its communes, with a message
// saying why; the demo's commune officer is not.
func TestGRPCRefusesACommuneOfficerOfAProvince(t *testing.T) {
	s := startTestSuite(t, upConfig{})
	conn, err := grpcclient.Dial(s.criteriaAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := criteriav1.NewCriteriaServiceClient(conn)
	create := func(id auth.Identity) error {
		ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+tokenOf(t, id))
		_, err := client.CreateAssessment(ctx, &criteriav1.CreateAssessmentRequest{UnitCode: demoCommune, Assessment: &criteriav1.Assessment{
			AssessedOn: "2026-10-31", CriteriaSet: "NTM_COMMUNE_2026_2030", Author: "UBND xã Võ Nhai",
			Verdicts: []*criteriav1.CriterionVerdict{{CriterionCode: "1", Status: criteriav1.CriterionStatus_MET}}}})
		return err
	}
	err = create(auth.Identity{Subject: "xa-19", Role: auth.CommuneOfficer, Unit: "19"})
	if st := status.Convert(err); st.Code() != codes.PermissionDenied || !strings.Contains(st.Message(), "must name a commune, and unit 19 is a province") {
		t.Errorf("commune officer of province 19: %v, want PermissionDenied saying why", err)
	}
	if err := create(demoOfficer); err != nil {
		t.Errorf("the demo's commune officer: %v", err)
	}
}
