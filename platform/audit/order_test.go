package audit_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/dbtest"
)

// A reader pages the trail by id, so ids must become visible in the order
// they are given. On PostgreSQL a second writer waits at its first audit
// row until the first writer's transaction ends, and then gets the later
// id and the later time: a page already served can never gain a row.
func TestAuditRowsAreSeenInIDOrder(t *testing.T) {
	t.Parallel()
	d := dbtest.Postgres(t, serviceMigrations)
	ctx := context.Background()
	first, err := d.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback()
	if err := audit.Record(ctx, first, audit.Change{Resource: "plans/1", Unit: "06005"}); err != nil {
		t.Fatal(err)
	}
	second := make(chan error, 1)
	go func() {
		second <- d.InTx(ctx, func(tx *sql.Tx) error {
			return audit.Record(ctx, tx, audit.Change{Resource: "plans/2", Unit: "06005"})
		})
	}()
	select {
	case err := <-second:
		t.Fatalf("the second writer finished (%v) while the first was open", err)
	case <-time.After(200 * time.Millisecond):
	}
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	events := listAll(t, d)
	if len(events) != 2 || events[0].Resource != "plans/1" || events[1].Resource != "plans/2" ||
		events[0].ID >= events[1].ID || events[1].At.Before(events[0].At) {
		t.Errorf("trail = %+v, want plans/1 then plans/2, ids and times ascending", events)
	}
}
