package registry_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/grpctest"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

const method = "/ntm.registry.v1.RegistryService/"

// withRequestID is ctx sending id as the call's request id, which the
// service keeps as the client request id beside the one it mints.
func withRequestID(ctx context.Context, id string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, grpcserver.RequestIDHeader, id)
}

// Writes refused for scope change nothing: no row of theirs, no audit row.
func TestRefusedWritesLeaveNoRowAndNoAudit(t *testing.T) {
	onBackends(t, func(t *testing.T, b backend) {
		e := start(t, b)
		r, err := e.recognise(e.as(admin), "100")
		if err != nil {
			t.Fatal(err)
		}
		commune, province := e.as(communeOfficer), e.as(provinceOfficer)
		refused := map[string]error{}
		_, refused["a commune recognising itself"] = e.recognise(commune, "100")
		_, refused["a commune revoking its recognition"] = e.revoke(commune, "100", recognitionID(t, r))
		_, refused["a province renaming another's commune"] = e.rename(province, "200", "Xã Bộc Bố Mới")
		_, refused["a province merging across provinces"] = e.reg.CreateUnitChange(province, &registryv1.CreateUnitChangeRequest{UnitChange: &registryv1.UnitChange{
			DecisionNumber: "1", EffectiveDate: "2020-01-01",
			Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{SourceCodes: []string{"101", "200"},
				Target: &registryv1.MergeUnits_AbsorbingCode{AbsorbingCode: "101"}}}}})
		_, refused["a province moving a commune to another province"] = e.reg.CreateUnitChange(province, &registryv1.CreateUnitChangeRequest{UnitChange: &registryv1.UnitChange{
			DecisionNumber: "1", EffectiveDate: "2020-01-01",
			Kind: &registryv1.UnitChange_Transfer{Transfer: &registryv1.TransferUnit{Code: "101", NewParentCode: "270"}}}})
		_, refused["a province creating a province"] = e.reg.CreateUnit(province, &registryv1.CreateUnitRequest{DecisionNumber: "1", ValidFrom: "2015-01-01",
			Unit: &registryv1.UnitSpec{Code: "30", DisplayName: "Tỉnh Mới", Type: registryv1.UnitType_PROVINCE}})
		_, refused["a province importing"] = e.reg.ImportUnits(province, &registryv1.ImportUnitsRequest{Units: []*registryv1.ImportedUnit{
			imported("102", "Xã Phú Thượng", registryv1.UnitType_COMMUNE, "170")}})
		for name, err := range refused {
			if status.Code(err) != codes.PermissionDenied {
				t.Errorf("%s: %v, want PermissionDenied", name, err)
			}
		}

		if got := e.events(t, &auditv1.ListAuditEventsRequest{}); len(got) != seeded+1 {
			t.Errorf("audit has %d events, want %d (the seed and one recognition)", len(got), seeded+1)
		}
		list, err := e.reg.ListRecognitions(e.as(admin), &registryv1.ListRecognitionsRequest{AsOf: "2024-01-01"})
		if err != nil || len(list.GetRecognitions()) != 1 || list.GetRecognitions()[0].GetRecognition().GetRevokedOn() != "" {
			t.Errorf("recognitions in force = %v, %v; want the admin's alone, not revoked", list, err)
		}
		for code, want := range map[string]string{"200": "Xã Bộc Bố", "101": "Xã Lâu Thượng"} {
			u, err := e.reg.GetUnit(e.as(admin), &registryv1.GetUnitRequest{Code: code})
			if err != nil || u.GetDisplayName() != want || u.GetValidFrom() != "2008-01-01" {
				t.Errorf("unit %s = %v, %v; want %s unchanged since 2008", code, u, err, want)
			}
		}
		for _, code := range []string{"30", "102"} {
			_, err := e.reg.GetUnit(e.as(admin), &registryv1.GetUnitRequest{Code: code, AsOf: "2020-01-01"})
			grpctest.WantCode(t, err, codes.NotFound)
		}
	})
}

// The trail holds exactly a row per unit or recognition each accepted write
// wrote, saying who, through which call, and what it was and became.
func TestAuditRowsMatchAcceptedWrites(t *testing.T) {
	onBackends(t, func(t *testing.T, b backend) {
		e := start(t, b)
		province := e.as(provinceOfficer)
		r, err := e.recognise(withRequestID(province, "req-recognise"), "100")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.revoke(withRequestID(province, "req-revoke"), "100", recognitionID(t, r)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.reg.CreateUnitChange(withRequestID(province, "req-merge"), &registryv1.CreateUnitChangeRequest{UnitChange: &registryv1.UnitChange{
			DecisionNumber: "868/NQ-UBTVQH14", EffectiveDate: "2020-01-01",
			Kind: &registryv1.UnitChange_Merge{Merge: &registryv1.MergeUnits{SourceCodes: []string{"100", "101"},
				Target: &registryv1.MergeUnits_NewUnit{NewUnit: &registryv1.UnitSpec{Code: "150", DisplayName: "Xã Võ Nhai",
					Type: registryv1.UnitType_COMMUNE, ParentCode: "170"}}}}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.rename(withRequestID(e.as(admin), "req-rename"), "200", "Xã Bộc Bố Mới"); err != nil {
			t.Fatal(err)
		}

		events := e.events(t, &auditv1.ListAuditEventsRequest{})
		want := []struct{ actor, role, unit, method, clientRequestID, resource, unitCode string }{
			{"officer-19", "province_officer", "19", "CreateRecognition", "req-recognise", r.GetName(), "100"},
			{"officer-19", "province_officer", "19", "RevokeRecognition", "req-revoke", r.GetName(), "100"},
			{"officer-19", "province_officer", "19", "CreateUnitChange", "req-merge", "units/150", "150"},
			{"officer-19", "province_officer", "19", "CreateUnitChange", "req-merge", "units/100", "100"},
			{"officer-19", "province_officer", "19", "CreateUnitChange", "req-merge", "units/101", "101"},
			{"admin-1", "admin", "", "CreateUnitChange", "req-rename", "units/200", "200"},
		}
		if len(events) != seeded+len(want) {
			t.Fatalf("%d events, want %d: %v", len(events), seeded+len(want), events)
		}
		for i, ev := range events[:seeded] {
			if ev.GetActor() != "admin-1" || ev.GetMethod() != method+"ImportUnits" || ev.GetRequestId() == "" ||
				ev.GetRequestId() != events[0].GetRequestId() || ev.GetBefore() != "" || ev.GetResource() != "units/"+ev.GetUnitCode() ||
				ev.GetService() != "registry" {
				t.Errorf("seed event %d = %v, want the admin's import of a new unit, all in one request", i, ev)
			}
		}
		for i, w := range want {
			ev := events[seeded+i]
			got := struct{ actor, role, unit, method, clientRequestID, resource, unitCode string }{ev.GetActor(), ev.GetActorRole(),
				ev.GetActorUnit(), ev.GetMethod(), ev.GetClientRequestId(), ev.GetResource(), ev.GetUnitCode()}
			if w.method = method + w.method; got != w {
				t.Errorf("event %d = %+v, want %+v", seeded+i, got, w)
			}
			// The trail's own id is the service's: one per call, never the caller's.
			sameCall := i > 0 && w.clientRequestID == want[i-1].clientRequestID
			if ev.GetRequestId() == "" || ev.GetRequestId() == w.clientRequestID ||
				i > 0 && (ev.GetRequestId() == events[seeded+i-1].GetRequestId()) != sameCall {
				t.Errorf("event %d has request id %q, want the service's own, one per call", seeded+i, ev.GetRequestId())
			}
		}

		wantJSON(t, "recognition created", events[seeded], nil, map[string]any{"unit_code": "100", "level": "STANDARD", "effective_date": "2019-12-20"})
		wantJSON(t, "recognition revoked", events[seeded+1],
			map[string]any{"effective_date": "2019-12-20", "revoked_on": nil, "revocation_decision": nil},
			map[string]any{"effective_date": "2019-12-20", "revoked_on": "2023-01-01", "revocation_decision": "99/QĐ-UBND"})
		wantJSON(t, "merged into", events[seeded+2], nil, map[string]any{"code": "150", "type": "COMMUNE", "parent_code": "170", "valid_from": "2020-01-01", "valid_to": nil})
		wantJSON(t, "merged away", events[seeded+3],
			map[string]any{"code": "100", "valid_from": "2008-01-01", "valid_to": nil},
			map[string]any{"code": "100", "valid_from": "2008-01-01", "valid_to": "2020-01-01"})
		wantJSON(t, "renamed", events[seeded+5],
			map[string]any{"display_name": "Xã Bộc Bố", "valid_from": "2008-01-01", "valid_to": nil},
			map[string]any{"display_name": "Xã Bộc Bố Mới", "valid_from": "2021-01-01", "parent_code": "270"})
	})
}

// wantJSON checks fields of an event's before and after (nil before: empty,
// a creation); a nil field value means the field is absent.
func wantJSON(t *testing.T, what string, ev *auditv1.AuditEvent, before, after map[string]any) {
	t.Helper()
	check := func(side, text string, want map[string]any) {
		if want == nil {
			if text != "" {
				t.Errorf("%s: %s = %s, want empty", what, side, text)
			}
			return
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(text), &got); err != nil {
			t.Errorf("%s: %s = %q: %v", what, side, text, err)
			return
		}
		for k, v := range want {
			if fmt.Sprint(got[k]) != fmt.Sprint(v) {
				t.Errorf("%s: %s.%s = %v, want %v (%s)", what, side, k, got[k], v, text)
			}
		}
	}
	check("before", ev.GetBefore(), before)
	check("after", ev.GetAfter(), after)
}

// ListAuditEvents selects by resource, actor and days, and pages.
func TestListAuditEventsFilters(t *testing.T) {
	onBackends(t, func(t *testing.T, b backend) {
		e := start(t, b)
		province := e.as(provinceOfficer)
		r, err := e.recognise(province, "100")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.revoke(province, "100", recognitionID(t, r)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.recognise(e.as(admin), "200"); err != nil {
			t.Fatal(err)
		}
		today := date.Today()
		for _, tc := range []struct {
			name string
			req  *auditv1.ListAuditEventsRequest
			want int
		}{
			{"everything", &auditv1.ListAuditEventsRequest{}, seeded + 3},
			{"one recognition", &auditv1.ListAuditEventsRequest{Resource: r.GetName()}, 2},
			{"one unit", &auditv1.ListAuditEventsRequest{Resource: "units/200"}, 1},
			{"one actor", &auditv1.ListAuditEventsRequest{Actor: "officer-19"}, 2},
			{"an actor who wrote nothing", &auditv1.ListAuditEventsRequest{Actor: "officer-100"}, 0},
			{"these days", &auditv1.ListAuditEventsRequest{From: today.AddDays(-1).String(), To: today.AddDays(1).String()}, seeded + 3},
			{"days to come", &auditv1.ListAuditEventsRequest{From: today.AddDays(1).String()}, 0},
			{"in pages of two", &auditv1.ListAuditEventsRequest{PageSize: 2}, seeded + 3},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := e.events(t, tc.req); len(got) != tc.want {
					t.Errorf("%d events, want %d: %v", len(got), tc.want, got)
				}
			})
		}
		page, err := e.audit.ListAuditEvents(e.as(admin), &auditv1.ListAuditEventsRequest{PageSize: 2})
		if err != nil || len(page.GetAuditEvents()) != 2 || page.GetNextPageToken() == "" {
			t.Errorf("first page of two = %v, %v", page, err)
		}
	})
}
