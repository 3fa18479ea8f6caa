package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
)

// testAudited checks that Create writes one entry per assessment, stamped
// with the caller, in the transaction of the rows: a batch whose entries
// cannot all be written records no assessment either.
func testAudited(t *testing.T, database *db.DB) {
	s := store.New(database)
	officer := auth.Identity{Subject: "xa100", Role: auth.CommuneOfficer, Unit: "100"}
	byOfficer, err := s.Create(auth.NewContext(context.Background(), officer), []store.Assessment{
		assessment("100", set2016, "2020-01-01", "MB"), assessment("101", set2021, "2023-05-02", "MMN")})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	anonymous := create(t, s, assessment("102", set2016, "2020-01-01", "N"))[0]

	refuseAuditOf(t, database, "666")
	if _, err := s.Create(context.Background(), []store.Assessment{
		assessment("103", set2016, "2020-01-01", "M"), assessment("666", set2016, "2020-01-01", "M")}); err == nil {
		t.Fatal("Create succeeded although its audit entry was refused")
	}
	for _, code := range []string{"103", "666"} {
		if got := list(t, s, store.ListQuery{UnitCode: code, AsOf: d("2030-01-01")}); len(got) != 0 {
			t.Errorf("unit %s has %d assessments from a batch whose audit failed", code, len(got))
		}
	}

	events, err := audit.List(context.Background(), database, audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		a  store.Assessment
		by auth.Identity
	}{{byOfficer[0], officer}, {byOfficer[1], officer}, {anonymous, auth.Identity{Subject: audit.Anonymous}}}
	if len(events) != len(want) {
		t.Fatalf("%d audit events, want %d: %+v", len(events), len(want), events)
	}
	for i, ev := range events {
		w := want[i]
		if ev.Resource != store.Name(w.a.UnitCode, w.a.ID) || ev.Unit != w.a.UnitCode || ev.Before != "" ||
			ev.Actor != w.by.Subject || ev.ActorRole != string(w.by.Role) || ev.ActorUnit != w.by.Unit {
			t.Errorf("event %d = %+v, want the creation of assessment %d of unit %s by %+v", i, ev, w.a.ID, w.a.UnitCode, w.by)
		}
		wantAfter(t, i, ev.After, w.a)
	}
}

// wantAfter checks that an entry's after_json is assessment a as stored.
func wantAfter(t *testing.T, i int, after string, a store.Assessment) {
	t.Helper()
	var got struct {
		ID         int64  `json:"id"`
		UnitCode   string `json:"unit_code"`
		AssessedOn string `json:"assessed_on"`
		SetCode    string `json:"set_code"`
		Author     string `json:"author"`
		Result     struct {
			MetCount int `json:"met_count"`
			Criteria []struct {
				Status string `json:"status"`
			} `json:"criteria"`
		} `json:"result"`
		CreatedAt time.Time `json:"created_at"`
	}
	if err := json.Unmarshal([]byte(after), &got); err != nil {
		t.Fatalf("event %d after = %s: %v", i, after, err)
	}
	ok := got.ID == a.ID && got.UnitCode == a.UnitCode && got.AssessedOn == a.AssessedOn.String() && got.SetCode == a.SetCode &&
		got.Author == a.Author && got.Result.MetCount == a.Result.MetCount && got.CreatedAt.Equal(a.CreatedAt) &&
		len(got.Result.Criteria) == len(a.Result.Criteria)
	for j := range min(len(got.Result.Criteria), len(a.Result.Criteria)) {
		ok = ok && got.Result.Criteria[j].Status == a.Result.Criteria[j].Status.String()
	}
	if !ok {
		t.Errorf("event %d after = %s, want assessment %+v", i, after, a)
	}
}

// refuseAuditOf makes the database refuse audit entries about unit, as a
// failure of the trail after the rows themselves were inserted.
func refuseAuditOf(t *testing.T, database *db.DB, unit string) {
	t.Helper()
	stmt := `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events WHEN NEW.unit_code = '` + unit + `'
		BEGIN SELECT RAISE(ABORT, 'audit refused by the test'); END`
	if database.Dialect == db.Postgres {
		stmt = `ALTER TABLE audit_events ADD CONSTRAINT refuse_audit CHECK (unit_code <> '` + unit + `')`
	}
	if _, err := database.ExecContext(context.Background(), stmt); err != nil {
		t.Fatalf("refuse audit entries of %s: %v", unit, err)
	}
}
