package audit_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/db"
)

type plan struct {
	Unit   string `json:"unit"`
	Amount int64  `json:"amount"`
}

func TestRecordStampsTheCaller(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		officer := auth.Identity{Subject: "lan@06005", Role: auth.CommuneOfficer, Unit: "06005"}
		ctx := inCall(auth.NewContext(t.Context(), officer), "/ntm.funding.v1.FundingService/CreatePlan")
		start := time.Now()
		record(t, ctx, d,
			audit.Change{Resource: "plans/12", Unit: "06005", After: plan{Unit: "06005", Amount: 9_007_199_254_740_993}},
			audit.Change{Resource: "units/06005", Unit: "06005",
				Before: map[string]any{"name": "Xã A"}, After: map[string]any{"name": "Xã B", "level": 3}},
		)
		end := time.Now()

		got := listAll(t, d)
		if len(got) != 2 {
			t.Fatalf("%d events, want 2: %+v", len(got), got)
		}
		want := []audit.Event{
			{Actor: "lan@06005", ActorRole: "commune_officer", ActorUnit: "06005",
				Method: "/ntm.funding.v1.FundingService/CreatePlan", Resource: "plans/12", Unit: "06005",
				Before: "", After: `{"unit":"06005","amount":9007199254740993}`},
			{Actor: "lan@06005", ActorRole: "commune_officer", ActorUnit: "06005",
				Method: "/ntm.funding.v1.FundingService/CreatePlan", Resource: "units/06005", Unit: "06005",
				Before: `{"name":"Xã A"}`, After: `{"level":3,"name":"Xã B"}`},
		}
		for i, e := range got {
			// The database stamps the time; it is the time of the write.
			if e.At.Before(start.Add(-5*time.Second)) || e.At.After(end.Add(5*time.Second)) {
				t.Errorf("event %d at %s, want between %s and %s", i, e.At, start, end)
			}
			if e.At.Location() != time.UTC {
				t.Errorf("event %d at %s, want UTC", i, e.At)
			}
			if e.ID <= 0 || (i > 0 && e.ID <= got[i-1].ID) {
				t.Errorf("ids %v, want positive and increasing", ids(got))
			}
			w := want[i]
			w.ID, w.At = e.ID, e.At
			if e != w {
				t.Errorf("event %d =\n%+v\nwant\n%+v", i, e, w)
			}
		}
	})
}

func TestRecordWithoutIdentityIsAnonymous(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		record(t, t.Context(), d, audit.Change{Resource: "assessments/3", Unit: "06006", Before: []int{1}, After: nil})
		got := listAll(t, d)
		want := audit.Event{Actor: audit.Anonymous, Resource: "assessments/3", Unit: "06006", Before: "[1]", After: ""}
		if len(got) != 1 {
			t.Fatalf("%d events, want 1", len(got))
		}
		want.ID, want.At = got[0].ID, got[0].At
		if got[0] != want {
			t.Errorf("event =\n%+v\nwant\n%+v", got[0], want)
		}
		if audit.Anonymous != "anonymous" {
			t.Errorf("Anonymous = %q", audit.Anonymous)
		}
	})
}

func TestRecordNothing(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		record(t, t.Context(), d)
		if n := countEvents(t, d); n != 0 {
			t.Errorf("%d rows after recording no change, want 0", n)
		}
	})
}

func TestRecordStandsOrFallsWithTheWrite(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := auth.NewContext(t.Context(), auth.Identity{Subject: "a", Role: auth.Admin})
		refused := errors.New("the write was refused")
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO audit_test_item (id) VALUES (1)"); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, audit.Change{Resource: "plans/1", Unit: "19", After: plan{Amount: 1}}); err != nil {
				return err
			}
			return refused
		})
		if !errors.Is(err, refused) {
			t.Fatalf("InTx = %v, want the write's error", err)
		}
		if n := countEvents(t, d); n != 0 {
			t.Errorf("%d audit rows after a rolled back write, want 0", n)
		}

		// The same write, committed, leaves exactly its row.
		if err := d.InTx(ctx, func(tx *sql.Tx) error {
			return audit.Record(ctx, tx, audit.Change{Resource: "plans/1", Unit: "19", After: plan{Amount: 1}})
		}); err != nil {
			t.Fatal(err)
		}
		if got := listAll(t, d); len(got) != 1 || got[0].Actor != "a" || got[0].ActorRole != "admin" || got[0].ActorUnit != "" {
			t.Errorf("events after a committed write: %+v", got)
		}
	})
}

func TestRecordRefusesWhatIsNotJSON(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.WithoutCancel(t.Context())
		for name, c := range map[string]audit.Change{
			"before": {Resource: "plans/8", Unit: "19", Before: make(chan int), After: plan{}},
			"after":  {Resource: "plans/8", Unit: "19", After: func() {}},
		} {
			err := d.InTx(ctx, func(tx *sql.Tx) error {
				// A good change first: the batch falls with its bad one.
				return audit.Record(ctx, tx, audit.Change{Resource: "plans/7", Unit: "19", After: plan{}}, c)
			})
			if err == nil || !strings.HasPrefix(err.Error(), "audit plans/8: ") {
				t.Errorf("%s not JSON: error %v, want one naming plans/8", name, err)
			}
		}
		// An empty resource breaks the table's check.
		if err := d.InTx(ctx, func(tx *sql.Tx) error { return audit.Record(ctx, tx, audit.Change{Unit: "19"}) }); err == nil {
			t.Error("an event without a resource was recorded")
		}
		if n := countEvents(t, d); n != 0 {
			t.Errorf("%d rows after failed records, want 0", n)
		}
	})
}

// An after-image already in JSON is written as it is, not as a JSON string.
func TestRecordWritesJSONAsItIs(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := inCall(t.Context(), "/ntm.criteria.v1.CriteriaService/BatchCreateAssessments")
		record(t, ctx, d, audit.Change{Resource: "units/06005/assessments/1", Unit: "06005", After: audit.JSON(`{"id":1,"values":[{"code":"1.1","number":0.5}]}`)})
		if got := listAll(t, d); len(got) != 1 || got[0].After != `{"id":1,"values":[{"code":"1.1","number":0.5}]}` {
			t.Errorf("events %+v, want one after-image as given", got)
		}
	})
}
