package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
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
		wantAfter(t, database, i, ev.After, w.a)
	}
}

// wantAfter checks that an entry's after_json names assessment a as
// stored: its head, statuses and the SHA-256 of each JSON column as the
// database holds it, which is how an inspector checks the row against the
// trail.
func wantAfter(t *testing.T, database *db.DB, i int, after string, a store.Assessment) {
	t.Helper()
	var got struct {
		ID             int64     `json:"id"`
		UnitCode       string    `json:"unit_code"`
		AssessedOn     string    `json:"assessed_on"`
		SetCode        string    `json:"set_code"`
		Author         string    `json:"author"`
		Statuses       string    `json:"statuses"`
		MetCount       int       `json:"met_count"`
		ValuesSHA256   string    `json:"values_sha256"`
		VerdictsSHA256 string    `json:"verdicts_sha256"`
		ResultSHA256   string    `json:"result_sha256"`
		CreatedAt      time.Time `json:"created_at"`
	}
	if err := json.Unmarshal([]byte(after), &got); err != nil {
		t.Fatalf("event %d after = %s: %v", i, after, err)
	}
	var values, verdicts, result, statuses string
	if err := database.QueryRowContext(context.Background(),
		`SELECT values_json, verdicts_json, result_json, statuses FROM assessments WHERE id = $1`, a.ID).
		Scan(&values, &verdicts, &result, &statuses); err != nil {
		t.Fatalf("assessment %d: %v", a.ID, err)
	}
	ok := got.ID == a.ID && got.UnitCode == a.UnitCode && got.AssessedOn == a.AssessedOn.String() && got.SetCode == a.SetCode &&
		got.Author == a.Author && got.MetCount == a.Result.MetCount && got.CreatedAt.Equal(a.CreatedAt) &&
		got.Statuses == statuses && len(statuses) == len(a.Result.Criteria) &&
		got.ValuesSHA256 == sha256Hex(values) && got.VerdictsSHA256 == sha256Hex(verdicts) && got.ResultSHA256 == sha256Hex(result)
	if !ok {
		t.Errorf("event %d after = %s, want assessment %+v with the digests of its stored columns", i, after, a)
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// testAppendOnly checks that a recorded assessment cannot be changed or
// removed, which the trail's digests of it rely on.
func testAppendOnly(t *testing.T, database *db.DB) {
	s := store.New(database)
	a := create(t, s, assessment("100", set2016, "2020-01-01", "MB"))[0]
	statements := []string{
		"UPDATE assessments SET statuses = 'MM', met_count = 2",
		"UPDATE assessments SET values_json = '[]' WHERE id = $1",
		"DELETE FROM assessments WHERE id = $1",
		"DELETE FROM assessments",
	}
	if database.Dialect == db.Postgres {
		statements = append(statements, "TRUNCATE assessments")
	}
	for _, stmt := range statements {
		var args []any
		if strings.Contains(stmt, "$1") {
			args = append(args, a.ID)
		}
		if _, err := database.ExecContext(context.Background(), stmt, args...); err == nil {
			t.Errorf("%s succeeded, want it refused", stmt)
		}
	}
	if got, err := s.Get(context.Background(), "100", a.ID); err != nil || got.Result.MetCount != 1 {
		t.Errorf("after the refused statements the assessment is %+v, %v; want it as recorded", got, err)
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
