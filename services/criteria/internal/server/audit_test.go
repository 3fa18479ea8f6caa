package server_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache/cachetest"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/grpctest"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria"
	"github.com/ntmsuite/ntm/services/criteria/internal/store/migrations"
)

// The trail holds one event for each assessment that was recorded, by
// whoever recorded it, and none for the writes that were refused.
func TestAuditTrailMatchesAcceptedWrites(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testAuditTrail(t, newSQLiteAuthEnv(t)) })
	t.Run("PostgreSQL", func(t *testing.T) {
		c := newRedis(t, cachetest.RedisAddr(), cachetest.Prefix(t))
		testAuditTrail(t, newAuthEnv(t, c, criteria.Config{PostgresURL: dbtest.PostgresDatabase(t, migrations.Postgres)}))
	})
}

// accepted is an assessment a test recorded, as its audit event must say.
type accepted struct {
	by     auth.Identity
	method string
	a      *criteriav1.Assessment
}

func testAuditTrail(t *testing.T, e *authEnv) {
	var want []accepted
	create := func(id auth.Identity, unit string) {
		t.Helper()
		a, err := e.createFor(e.as(t, id), unit)
		if err != nil {
			t.Fatalf("%s assesses %s: %v", id.Subject, unit, err)
		}
		want = append(want, accepted{id, criteriav1.CriteriaService_CreateAssessment_FullMethodName, a})
	}
	create(communeOfficer, "100")
	batch, err := e.crit.BatchCreateAssessments(e.as(t, provinceOfficer), &criteriav1.BatchCreateAssessmentsRequest{Assessments: []*criteriav1.Assessment{
		verdicts("101", "2020-06-01", 7), verdicts("110", "2020-06-01", 8)}})
	if err != nil {
		t.Fatalf("batch of the province officer: %v", err)
	}
	for _, a := range batch.GetAssessments() {
		want = append(want, accepted{provinceOfficer, criteriav1.CriteriaService_BatchCreateAssessments_FullMethodName, a})
	}
	create(system, otherCommune)
	create(admin, "102")
	// Neither a refused nor an invalid write leaves an event.
	_, err = e.createFor(e.as(t, communeOfficer), "101")
	grpctest.WantDenied(t, err, "units/101")
	_, err = e.crit.CreateAssessment(e.as(t, provinceOfficer), &criteriav1.CreateAssessmentRequest{UnitCode: "100", Assessment: verdicts("100", "2999-01-01", 3)})
	grpctest.WantCode(t, err, codes.InvalidArgument)

	adminCtx := e.as(t, admin)
	events := listEvents(t, e.env, adminCtx, &auditv1.ListAuditEventsRequest{})
	if len(events) != len(want) {
		t.Fatalf("%d audit events, want %d: %v", len(events), len(want), events)
	}
	requestIDs := map[string]string{} // request id -> resource first seen with it
	for i, ev := range events {
		w := want[i]
		if ev.GetActor() != w.by.Subject || ev.GetActorRole() != string(w.by.Role) || ev.GetActorUnit() != w.by.Unit ||
			ev.GetMethod() != w.method || ev.GetResource() != w.a.GetName() || ev.GetUnitCode() != w.a.GetUnitCode() ||
			ev.GetService() != "criteria" || ev.GetBefore() != "" {
			t.Errorf("event %d = %v, want %s (%s of %s) calling %s on %s of unit %s", i, ev,
				w.by.Subject, w.by.Role, w.by.Unit, w.method, w.a.GetName(), w.a.GetUnitCode())
		}
		var after struct {
			UnitCode   string `json:"unit_code"`
			AssessedOn string `json:"assessed_on"`
			MetCount   int    `json:"met_count"`
		}
		if err := json.Unmarshal([]byte(ev.GetAfter()), &after); err != nil || after.UnitCode != w.a.GetUnitCode() ||
			after.AssessedOn != w.a.GetAssessedOn() || after.MetCount != int(w.a.GetScore().GetMetCount()) {
			t.Errorf("event %d after = %s (%v), want the recorded assessment %v", i, ev.GetAfter(), err, w.a)
		}
		if ev.GetRequestId() == "" {
			t.Errorf("event %d has no request id", i)
		}
		first, seen := requestIDs[ev.GetRequestId()]
		sameCall := i > 0 && w.method == want[i-1].method && w.method == criteriav1.CriteriaService_BatchCreateAssessments_FullMethodName
		if seen != sameCall {
			t.Errorf("event %d shares request id %s with %s: want shared only within one batch", i, ev.GetRequestId(), first)
		}
		requestIDs[ev.GetRequestId()] = w.a.GetName()
	}

	byResource := listEvents(t, e.env, adminCtx, &auditv1.ListAuditEventsRequest{Resource: want[0].a.GetName()})
	if len(byResource) != 1 || byResource[0].GetResource() != want[0].a.GetName() {
		t.Errorf("events of %s: %v, want its one creation", want[0].a.GetName(), byResource)
	}
	var gotBatch []string
	for _, ev := range listEvents(t, e.env, adminCtx, &auditv1.ListAuditEventsRequest{Actor: provinceOfficer.Subject}) {
		gotBatch = append(gotBatch, ev.GetResource())
	}
	if wantBatch := []string{want[1].a.GetName(), want[2].a.GetName()}; !slices.Equal(gotBatch, wantBatch) {
		t.Errorf("events by %s: %q, want %q", provinceOfficer.Subject, gotBatch, wantBatch)
	}
	for _, id := range []auth.Identity{provinceOfficer, communeOfficer, viewer, system} {
		_, err := e.audit.ListAuditEvents(e.as(t, id), &auditv1.ListAuditEventsRequest{})
		grpctest.WantDenied(t, err, "units/0")
	}
}

// Without keys every write is still audited, by an anonymous actor.
func TestAuditWithoutKeys(t *testing.T) {
	e := newEnv(t)
	a := e.assess(t, verdicts("100", "2020-06-01", 4))
	events := listEvents(t, e, context.Background(), &auditv1.ListAuditEventsRequest{})
	if len(events) != 1 || events[0].GetActor() != audit.Anonymous || events[0].GetActorRole() != "" || events[0].GetResource() != a.GetName() {
		t.Fatalf("events = %v, want one creation of %s by %s", events, a.GetName(), audit.Anonymous)
	}
}

// listEvents is every event req selects (one page suffices here).
func listEvents(t *testing.T, e *env, ctx context.Context, req *auditv1.ListAuditEventsRequest) []*auditv1.AuditEvent {
	t.Helper()
	resp, err := e.audit.ListAuditEvents(ctx, req)
	if err != nil {
		t.Fatalf("list audit events %v: %v", req, err)
	}
	return resp.GetAuditEvents()
}
