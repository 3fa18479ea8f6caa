package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"github.com/ntmsuite/ntm/platform/db"
)

// QueryList matches the rows whose value is in the list, in one statement
// whatever its length, with the other arguments before it; repeats count
// once, and an empty list matches nothing.
func TestQueryList(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for i := range 3000 {
			if _, err := d.ExecContext(ctx, `INSERT INTO item (id, name) VALUES ($1, $2)`, i+1, fmt.Sprint("item ", i+1)); err != nil {
				t.Fatal(err)
			}
		}
		names := func(in []string) []string {
			rows, err := d.QueryList(ctx, `SELECT name FROM item WHERE id > $1 AND name IN {list} ORDER BY id`, in, 1)
			var out []string
			if err := db.EachRow(rows, err, func(rows *sql.Rows) error {
				var n string
				if err := rows.Scan(&n); err != nil {
					return err
				}
				out = append(out, n)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		var many []string
		for i := range 2500 {
			many = append(many, fmt.Sprint("item ", 2*i+1)) // odd ids 1..4999; 1 is excluded by id > 1, 3001.. do not exist
		}
		if got := names(many); len(got) != 1499 || got[0] != "item 3" || got[len(got)-1] != "item 2999" {
			t.Errorf("%d names from %v to %v, want the 1,499 odd items from 3 to 2999", len(got), got[:1], got[len(got)-1:])
		}
		if got := names([]string{"item 7", "item 7", "nobody", "item 5"}); !slices.Equal(got, []string{"item 5", "item 7"}) {
			t.Errorf("names = %v, want item 5 and item 7 once each", got)
		}
		if got := names(nil); len(got) != 0 {
			t.Errorf("an empty list matched %v", got)
		}
	})
}
