package db_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/fault"
)

// Two transactions that lock the same rows in opposite orders deadlock;
// PostgreSQL aborts one, and InTx reports it as a Conflict (send again),
// not as an internal error. The other commits.
func TestInTxReportsADeadlockAsAConflict(t *testing.T) {
	t.Parallel()
	d := dbtest.Postgres(t, migrations(t, db.Postgres))
	ctx := context.Background()
	if _, err := d.ExecContext(ctx, `INSERT INTO item (id, name) VALUES (1, 'a'), (2, 'b')`); err != nil {
		t.Fatal(err)
	}
	var holding sync.WaitGroup
	holding.Add(2)
	lockBoth := func(first, second int) error {
		return d.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE item SET name = name WHERE id = $1`, first); err != nil {
				return err
			}
			holding.Done()
			holding.Wait() // both hold their first row
			_, err := tx.ExecContext(ctx, `UPDATE item SET name = name WHERE id = $1`, second)
			return err
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- lockBoth(1, 2) }()
	go func() { errs <- lockBoth(2, 1) }()
	var conflicts, commits int
	for range 2 {
		err := <-errs
		if err == nil {
			commits++
			continue
		}
		if f, ok := fault.As(err); !ok || f.Kind != fault.KindConflict {
			t.Fatalf("deadlock victim: %v, want a Conflict fault", err)
		}
		conflicts++
	}
	if conflicts != 1 || commits != 1 {
		t.Errorf("%d conflicts and %d commits, want one of each", conflicts, commits)
	}
}
