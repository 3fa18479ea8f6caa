package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
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

// ReadAfter reads every row above the id it starts from, in id order,
// across pages, including when the rows fill the last page exactly.
func TestReadAfterReadsEveryPage(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.InTx(ctx, func(tx *sql.Tx) error {
			for id := 1; id <= 20; id++ {
				if err := insertItem(ctx, tx, id, fmt.Sprint("item ", id)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			after int64
			page  int
			want  []int64
		}{{0, 10, ids(1, 20)}, {0, 7, ids(1, 20)}, {15, 10, ids(16, 20)}, {20, 10, nil}} {
			got, err := db.ReadAfter(ctx, d, tc.after, tc.page, `SELECT id FROM item WHERE id > $1 ORDER BY id LIMIT $2`,
				func(rows *sql.Rows) (int64, int64, error) {
					var id int64
					err := rows.Scan(&id)
					return id, id, err
				})
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("ReadAfter(%d, page %d) = %v, %v; want %v", tc.after, tc.page, got, err, tc.want)
			}
		}
	})
}

func ids(from, to int64) []int64 {
	var out []int64
	for id := from; id <= to; id++ {
		out = append(out, id)
	}
	return out
}
