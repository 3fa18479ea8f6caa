package server_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/cache/cachetest"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/grpctest"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	"github.com/ntmsuite/ntm/services/ocop"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
	"github.com/ntmsuite/ntm/services/ocop/internal/store/migrations"
)

// auditEvents lists the trail as a's caller, every page, failing t on error.
func auditEvents(t *testing.T, a *api, req *auditv1.ListAuditEventsRequest) []*auditv1.AuditEvent {
	t.Helper()
	var out []*auditv1.AuditEvent
	for {
		resp, err := a.audit.ListAuditEvents(a.ctx, req)
		if err != nil {
			t.Fatalf("list audit events %v: %v", req, err)
		}
		out = append(out, resp.GetAuditEvents()...)
		if resp.GetNextPageToken() == "" {
			return out
		}
		req.PageToken = resp.GetNextPageToken()
	}
}

// jsonFields reads a before or after of the trail, failing t unless it is a JSON object.
func jsonFields(t *testing.T, text string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		t.Fatalf("%q: %v", text, err)
	}
	return m
}

// A product's cycle, by a commune officer (producer, product, registration)
// and a province officer (review, evaluations, certificates, revocation),
// leaves one row per resource each accepted write created or changed, on
// SQLite and on PostgreSQL with Redis; refused writes, for scope or by the
// store, leave neither a row nor a record.
func TestAuditTrailOfAProductCycle(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := ocop.Config{SQLitePath: filepath.Join(t.TempDir(), "ocop.db"), Cache: cache.NewMemory()}
			if backend == "postgres" {
				cfg = ocop.Config{PostgresURL: dbtest.PostgresDatabase(t, migrations.Postgres),
					Cache: newRedis(t, cachetest.RedisAddr(), cachetest.Prefix(t))}
			}
			_, as := newKeyedEnv(t, cfg)
			testAuditTrail(t, as)
		})
	}
}

func testAuditTrail(t *testing.T, as func(auth.Identity) *api) {
	commune, officer, root := as(officer100), as(officer19), as(admin)
	producer := commune.producer(t, "HTX Chè La Hiên", ocopv1.ProducerKind_COOPERATIVE, "100", "2020-01-01")
	product := commune.product(t, producer, "Chè xanh La Hiên", "BEVERAGE")
	commune.register(t, product, 2024, "2024-03-01")
	officer.review(t, product, 2024, eligible, "2024-04-01", "")
	first := officer.evaluate(t, product, 2024, "2024-05-10", byProvince, fill23(75))
	c1 := officer.certify(t, product, first.GetId(), "2024-06-01")
	second := officer.evaluate(t, product, 2024, "2024-08-10", byProvince, fill23(85))
	c2 := officer.certify(t, product, second.GetId(), "2024-09-01") // supersedes c1
	officer.revoke(t, product, c2.GetId(), "2024-10-01")

	// Refused for scope: a producer in the neighbour commune, and the
	// council's decisions, which are not the commune's to make.
	_, err := commune.CreateProducer(commune.ctx, newProducerRequest("101"))
	grpctest.WantCode(t, err, codes.PermissionDenied)
	_, err = commune.CreateEvaluation(commune.ctx, &ocopv1.CreateEvaluationRequest{ProductId: product, Evaluation: &ocopv1.Evaluation{
		Year: 2024, EvaluatedOn: "2024-11-01", CouncilLevel: byProvince, Scores: fill23(95)}})
	grpctest.WantCode(t, err, codes.PermissionDenied)
	_, err = commune.CreateCertificate(commune.ctx, certificateRequest(product, second.GetId()))
	grpctest.WantCode(t, err, codes.PermissionDenied)
	// Refused by the store, inside the transaction the record would have joined.
	_, err = commune.CreateRegistration(commune.ctx, &ocopv1.CreateRegistrationRequest{ProductId: product,
		Registration: &ocopv1.Registration{Year: 2024, RegisteredOn: "2024-03-02"}})
	grpctest.WantCode(t, err, codes.AlreadyExists)
	_, err = officer.RevokeCertificate(officer.ctx, &ocopv1.RevokeCertificateRequest{ProductId: product, Id: c2.GetId(),
		RevokedOn: "2024-10-02", DecisionNumber: "3/QĐ-UBND"})
	grpctest.WantCode(t, err, codes.FailedPrecondition)
	if got, err := root.ListProducers(root.ctx, &ocopv1.ListProducersRequest{UnitCode: "101"}); err != nil || len(got.GetProducers()) != 0 {
		t.Errorf("producers of 101 after a refused write: %v, %v", got, err)
	}
	if h := root.get(t, product, ""); len(h.GetEvaluations()) != 2 || len(h.GetCertificates()) != 2 {
		t.Errorf("after refused writes, %d evaluations and %d certificates, want 2 and 2", len(h.GetEvaluations()), len(h.GetCertificates()))
	}

	p := fmt.Sprintf("products/%d", product)
	reg := p + "/registrations/2024"
	cert1, cert2 := fmt.Sprintf("%s/certificates/%d", p, c1.GetId()), fmt.Sprintf("%s/certificates/%d", p, c2.GetId())
	want := []string{
		"xa-100 commune_officer 100 CreateProducer " + store.ProducerName(producer) + " created",
		"xa-100 commune_officer 100 CreateProduct " + p + " created",
		"xa-100 commune_officer 100 CreateRegistration " + reg + " created",
		"tinh-19 province_officer 19 ReviewRegistration " + reg + " changed",
		"tinh-19 province_officer 19 CreateEvaluation " + fmt.Sprintf("%s/evaluations/%d", p, first.GetId()) + " created",
		"tinh-19 province_officer 19 CreateCertificate " + cert1 + " created",
		"tinh-19 province_officer 19 CreateEvaluation " + fmt.Sprintf("%s/evaluations/%d", p, second.GetId()) + " created",
		"tinh-19 province_officer 19 CreateCertificate " + cert1 + " changed", // superseded
		"tinh-19 province_officer 19 CreateCertificate " + cert2 + " created",
		"tinh-19 province_officer 19 RevokeCertificate " + cert2 + " changed",
	}
	events := auditEvents(t, root, &auditv1.ListAuditEventsRequest{PageSize: 4})
	var got []string
	requests := map[string]int{}
	for _, e := range events {
		change := "created"
		if e.GetBefore() != "" {
			change = "changed"
		}
		method, ok := strings.CutPrefix(e.GetMethod(), "/ntm.ocop.v1.OcopService/")
		got = append(got, fmt.Sprintf("%s %s %s %s %s %s", e.GetActor(), e.GetActorRole(), e.GetActorUnit(), method, e.GetResource(), change))
		if !ok || e.GetService() != "ocop" || e.GetUnitCode() != "100" || e.GetRequestId() == "" || e.GetAfter() == "" || e.GetTime() == nil {
			t.Errorf("event %d: method %q, service %q, unit %q, request id %q, after %q, time %v",
				e.GetId(), e.GetMethod(), e.GetService(), e.GetUnitCode(), e.GetRequestId(), e.GetAfter(), e.GetTime())
		}
		requests[e.GetRequestId()]++
	}
	if !slices.Equal(got, want) {
		t.Fatalf("audit trail\n%q\nwant\n%q", got, want)
	}
	// One request per write; the certificate that superseded another and
	// the supersession are one.
	if len(requests) != 9 || requests[events[7].GetRequestId()] != 2 || events[7].GetRequestId() != events[8].GetRequestId() {
		t.Errorf("request ids %v, want 9 with the 8th and 9th rows sharing one", requests)
	}

	wantFields(t, "review before", jsonFields(t, events[3].GetBefore()), map[string]any{"Eligibility": "PENDING", "ReviewedOn": ""})
	wantFields(t, "review after", jsonFields(t, events[3].GetAfter()), map[string]any{"Eligibility": "ELIGIBLE", "ReviewedOn": "2024-04-01"})
	wantFields(t, "supersession before", jsonFields(t, events[7].GetBefore()), map[string]any{"EndedOn": "", "EndReason": ""})
	wantFields(t, "supersession after", jsonFields(t, events[7].GetAfter()), map[string]any{"EndedOn": "2024-09-01", "EndReason": "superseded"})
	wantFields(t, "revocation before", jsonFields(t, events[9].GetBefore()),
		map[string]any{"EndedOn": "", "EndReason": "", "RevocationDecision": "", "IssuedOn": "2024-09-01", "Stars": 4.0})
	wantFields(t, "revocation after", jsonFields(t, events[9].GetAfter()),
		map[string]any{"EndedOn": "2024-10-01", "EndReason": "revoked", "RevocationDecision": "Thu hồi 2024-10-01", "IssuedOn": "2024-09-01", "Stars": 4.0})

	for _, tc := range []struct {
		req  *auditv1.ListAuditEventsRequest
		want []int // indexes into events
	}{
		{&auditv1.ListAuditEventsRequest{Resource: cert2}, []int{8, 9}},
		{&auditv1.ListAuditEventsRequest{Resource: cert1}, []int{5, 7}},
		{&auditv1.ListAuditEventsRequest{Actor: "xa-100"}, []int{0, 1, 2}},
		{&auditv1.ListAuditEventsRequest{Actor: "tinh-19", Resource: reg}, []int{3}},
		{&auditv1.ListAuditEventsRequest{Actor: "admin"}, nil},
	} {
		var ids, wantIDs []int64
		for _, e := range auditEvents(t, root, tc.req) {
			ids = append(ids, e.GetId())
		}
		for _, i := range tc.want {
			wantIDs = append(wantIDs, events[i].GetId())
		}
		if !slices.Equal(ids, wantIDs) {
			t.Errorf("events of %v: %v, want %v", tc.req, ids, wantIDs)
		}
	}
	for _, id := range []auth.Identity{officer19, officer100, viewer, system} {
		a := as(id)
		_, err := a.audit.ListAuditEvents(a.ctx, &auditv1.ListAuditEventsRequest{Resource: cert2})
		grpctest.WantCode(t, err, codes.PermissionDenied)
	}
}

// wantFields fails t unless m holds want's fields with their values.
func wantFields(t *testing.T, what string, m, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s: %s = %v, want %v (%v)", what, k, m[k], v, m)
		}
	}
}

// Without keys, writes are recorded as anonymous and anyone reads the trail.
func TestAuditWithoutKeysIsAnonymous(t *testing.T) {
	a := newEnv(t).api
	producer := a.producer(t, "HTX Chè La Hiên", ocopv1.ProducerKind_COOPERATIVE, "100", "2020-01-01")
	events := auditEvents(t, a, &auditv1.ListAuditEventsRequest{})
	if len(events) != 1 || events[0].GetActor() != "anonymous" || events[0].GetActorRole() != "" ||
		events[0].GetResource() != store.ProducerName(producer) || events[0].GetRequestId() == "" {
		t.Fatalf("trail without keys: %v", events)
	}
}
