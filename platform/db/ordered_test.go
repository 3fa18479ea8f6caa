package db_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/dbtest"
)

// While one transaction that called OrderIDs for a table is open, another
// inserting into the same table waits for it (here: gives up after its lock
// timeout), so ids commit in the order they were taken; a transaction on
// another table does not wait.
func TestOrderIDsMakesInsertsOfATableWaitTheirTurn(t *testing.T) {
	t.Parallel()
	d := dbtest.Postgres(t, migrations(t, db.Postgres))
	ctx := context.Background()
	holding, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- d.InTx(ctx, func(tx *sql.Tx) error {
			if err := d.OrderIDs(ctx, tx, "item"); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	try := func(table string) error {
		return d.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `SET LOCAL lock_timeout = '100ms'`); err != nil {
				return err
			}
			return d.OrderIDs(ctx, tx, table)
		})
	}
	if err := try("item"); err == nil {
		t.Error("a second transaction on the table did not wait for the first")
	}
	if err := try("other"); err != nil {
		t.Errorf("a transaction on another table waited: %v", err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := try("item"); err != nil {
		t.Errorf("after the first committed: %v", err)
	}
}
