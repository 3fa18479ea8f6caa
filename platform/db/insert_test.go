package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/dbtest"
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

// CopyRows writes its rows in the transaction: they stand with its commit
// and go with its rollback, with COPY (InTx on PostgreSQL) or without (a
// transaction begun elsewhere, and SQLite).
func TestCopyRowsIsPartOfTheTransaction(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		columns := []string{"id", "name"}
		copyItems := func(tx *sql.Tx, from, n int) error {
			return db.CopyRows(ctx, tx, "item", columns, n, func(i int) ([]any, error) {
				return []any{int64(from + i), fmt.Sprint("item ", from+i)}, nil
			})
		}
		if err := d.InTx(ctx, func(tx *sql.Tx) error { return copyItems(tx, 1, 5000) }); err != nil {
			t.Fatal(err)
		}
		refused := fmt.Errorf("refused")
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			if err := copyItems(tx, 5001, 10); err != nil {
				return err
			}
			return refused
		})
		if err != refused {
			t.Fatalf("InTx = %v, want fn's error", err)
		}
		// A name already taken fails the copy, and so does a row that cannot be made.
		if err := d.InTx(ctx, func(tx *sql.Tx) error { return copyItems(tx, 0, 2) }); err == nil {
			t.Error("copying a duplicate name succeeded")
		}
		err = d.InTx(ctx, func(tx *sql.Tx) error {
			return db.CopyRows(ctx, tx, "item", columns, 3, func(i int) ([]any, error) {
				if i == 2 {
					return nil, refused
				}
				return []any{int64(7000 + i), fmt.Sprint("item ", 7000+i)}, nil
			})
		})
		if !errors.Is(err, refused) {
			t.Errorf("copy with a row that cannot be made = %v, want its error", err)
		}
		tx, err := d.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := copyItems(tx, 6000, 3); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		var count int
		var name string
		if err := d.QueryRowContext(ctx, `SELECT count(*), (SELECT name FROM item WHERE id = 4321) FROM item`).Scan(&count, &name); err != nil {
			t.Fatal(err)
		}
		if count != 5003 || name != "item 4321" {
			t.Fatalf("%d rows, item 4321 named %q; want 5003 and the copied name", count, name)
		}
	})
}

// CopyEach returns only once next no longer runs, also when the database
// refuses a row while next is still making the ones after it: what next
// wrote is then the caller's to read (under -race, as make test runs it,
// the detector sees next still writing it otherwise).
func TestCopyEachStopsMakingRowsWhenTheCopyFails(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.InTx(ctx, func(tx *sql.Tx) error { return insertItem(ctx, tx, 1, "taken") }); err != nil {
			t.Fatal(err)
		}
		const n = 100_000
		made := 0
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			_, err := db.CopyEach(ctx, tx, "item", []string{"id", "name"}, func() ([]any, bool, error) {
				if made == n {
					return nil, false, nil
				}
				made++
				return []any{int64(made), fmt.Sprint("item ", made)}, true, nil
			})
			return err
		})
		if err == nil {
			t.Fatal("a copy of a taken id succeeded")
		}
		if made == 0 {
			t.Error("next made no row")
		}
		if countItems(t, d, 2) != 0 {
			t.Error("a row of the failed copy was written")
		}
	})
}

// On PostgreSQL next runs on CopyEach's own goroutine, where no recovery
// interceptor runs: its panic is the copy's error, not the end of the
// process, and nothing is written.
func TestCopyEachTurnsAPanicIntoAnError(t *testing.T) {
	d := dbtest.Postgres(t, migrations(t, db.Postgres))
	ctx := context.Background()
	made := 0
	err := d.InTx(ctx, func(tx *sql.Tx) error {
		_, err := db.CopyEach(ctx, tx, "item", []string{"id", "name"}, func() ([]any, bool, error) {
			if made++; made == 3 {
				panic("a bug in a row's encoding")
			}
			return []any{int64(made), fmt.Sprint("item ", made)}, true, nil
		})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "a bug in a row's encoding") {
		t.Fatalf("CopyEach = %v, want the panic as an error", err)
	}
	if countItems(t, d, 1) != 0 {
		t.Error("a row of the failed copy was written")
	}
}
