package db_test

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/ntmsuite/ntm/platform/db"
)

func TestChunksDropRepeatsAndKeepOrder(t *testing.T) {
	got := db.Chunks([]string{"c", "a", "c", "b", "a", "d", "e"}, 2)
	want := [][]string{{"c", "a"}, {"b", "d"}, {"e"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("Chunks = %q, want %q", got, want)
	}
	if got := db.Chunks([]int64(nil), db.InChunk); got != nil {
		t.Errorf("Chunks of nothing = %v, want none", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("Chunks of size 0 did not panic")
		}
	}()
	db.Chunks([]int{1}, 0)
}

// itemName is the name seedItems gives item id.
func itemName(id int) string { return fmt.Sprintf("item %04d", id) }

// seedItems inserts items 1..n named itemName(id).
func seedItems(t *testing.T, d *db.DB, n int) {
	t.Helper()
	if err := d.InTx(t.Context(), func(tx *sql.Tx) error {
		for id := 1; id <= n; id++ {
			if err := insertItem(t.Context(), tx, id, itemName(id)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatalf("seed items: %v", err)
	}
}

func scanID(sc db.Scanner) (int64, error) {
	var id int64
	err := sc.Scan(&id)
	return id, err
}

func TestQueryInBindsValuesAfterArgs(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		seedItems(t, d, 5)
		rows, err := db.QueryIn(t.Context(), d, `SELECT id FROM item WHERE id > $1 AND id < $2 AND name IN ({in}) ORDER BY id`,
			[]string{itemName(1), itemName(3), itemName(4), itemName(5)}, 1, 5)
		ids, err := db.ScanAll(rows, err, scanID)
		if err != nil || !slices.Equal(ids, []int64{3, 4}) {
			t.Errorf("QueryIn = %v, %v; want [3 4]", ids, err)
		}
	})
}

func TestListInPagesAcrossChunks(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		const items = 3 * db.InChunk
		seedItems(t, d, items)
		// Six items in seven, in three chunks, each name twice, newest first
		// so that the first chunk holds the largest ids, and a few names of
		// no item: the pages must still come in id order, each item once.
		var names []string
		var want []int64
		for id := items; id >= 1; id-- {
			if id%7 != 0 {
				names = append(names, itemName(id), itemName(id))
				want = append(want, int64(id))
			}
		}
		names = append(names, "no such item", itemName(items+1))
		slices.Reverse(want)

		list := func(after int64, limit int) ([]int64, error) {
			return db.ListIn(t.Context(), d, `SELECT id FROM item WHERE id > $1 AND id <> $3 AND name IN ({in}) ORDER BY id LIMIT $2`,
				scanID, func(id int64) int64 { return id }, names, after, limit, int64(want[1]))
		}
		var got []int64
		for after := int64(0); ; {
			page, err := list(after, 97)
			if err != nil {
				t.Fatalf("ListIn after %d: %v", after, err)
			}
			if len(page) == 0 {
				break
			}
			got = append(got, page...)
			after = page[len(page)-1]
		}
		// $3 leaves out the second item: args bind after after and limit.
		want = slices.Delete(want, 1, 2)
		if !slices.Equal(got, want) {
			t.Errorf("ListIn pages = %d ids %v..., want %d ids %v...", len(got), got[:min(5, len(got))], len(want), want[:5])
		}

		for _, limit := range []int{0, -1} {
			if _, err := list(0, limit); err == nil {
				t.Errorf("ListIn with limit %d: no error", limit)
			}
		}
		if got, err := db.ListIn(t.Context(), d, `SELECT id FROM item WHERE id > $1 AND name IN ({in}) ORDER BY id LIMIT $2`,
			scanID, func(id int64) int64 { return id }, []string(nil), 0, 10); err != nil || len(got) != 0 {
			t.Errorf("ListIn of no values = %v, %v; want nothing", got, err)
		}
	})
}

func TestEachRowVisitsEveryRow(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		seedItems(t, d, 4)
		sum := 0
		rows, err := d.QueryContext(t.Context(), `SELECT id FROM item`)
		if err := db.EachRow(rows, err, func(rows *sql.Rows) error {
			var id int
			err := rows.Scan(&id)
			sum += id
			return err
		}); err != nil || sum != 1+2+3+4 {
			t.Errorf("EachRow: sum %d, %v; want 10", sum, err)
		}
		stop := errors.New("stop")
		rows, err = d.QueryContext(t.Context(), `SELECT id FROM item`)
		if err := db.EachRow(rows, err, func(*sql.Rows) error { return stop }); !errors.Is(err, stop) {
			t.Errorf("EachRow returned %v, want the callback's error", err)
		}
		rows, err = d.QueryContext(t.Context(), `SELECT nothing FROM nowhere`)
		if err := db.EachRow(rows, err, func(*sql.Rows) error { return nil }); err == nil {
			t.Error("EachRow of a failed query: no error")
		}
	})
}
