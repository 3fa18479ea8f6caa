package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"github.com/ntmsuite/ntm/platform/db"
)

// More rows than one statement binds are inserted in order, in several
// statements, and every returned row reaches scan; without returning
// nothing is scanned.
func TestInsertRowsSpansStatements(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const n = 1000 // 2,000 parameters: several statements
		rows := make([][]any, n)
		for i := range rows {
			rows[i] = []any{int64(i + 1), fmt.Sprint("item ", i+1)}
		}
		var returned []int64
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			return db.InsertRows(ctx, tx, "item", []string{"id", "name"}, rows, "id", func(sc db.Scanner) error {
				var id int64
				if err := sc.Scan(&id); err != nil {
					return err
				}
				returned = append(returned, id)
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(returned)
		if len(returned) != n || returned[0] != 1 || returned[n-1] != n {
			t.Fatalf("returned %d ids, from %d to %d; want 1..%d", len(returned), returned[0], returned[len(returned)-1], n)
		}
		var count int
		var name string
		if err := d.QueryRowContext(ctx, `SELECT count(*), (SELECT name FROM item WHERE id = 777) FROM item`).Scan(&count, &name); err != nil {
			t.Fatal(err)
		}
		if count != n || name != "item 777" {
			t.Fatalf("%d rows, item 777 named %q", count, name)
		}
		err = d.InTx(ctx, func(tx *sql.Tx) error {
			return db.InsertRows(ctx, tx, "item", []string{"id", "name"}, [][]any{{int64(n + 1), "last"}}, "", nil)
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
