package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/db"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// The plans (registrations, targets, estimates) are created once per key:
// a second create of the same key writes nothing and gets the row on file,
// which the caller compares with its request to tell a retry (the first
// record, 200) from a conflict (409). The store never decides which it is.

// createOnce runs insert, an INSERT ... ON CONFLICT DO NOTHING RETURNING id,
// created_at, in a transaction. When it inserts, the change made by
// recorded is audited in the same transaction and created is true. When
// the key is taken, nothing is written and existing reads the row on file
// in that transaction: on PostgreSQL the insert waits for a concurrent
// transaction holding the key, and the read then sees its row, so of
// concurrent creates exactly one writes and the others find it.
func (s *Store) createOnce(ctx context.Context, insert string, args []any,
	recorded func(id int64, at time.Time) audit.Change, existing func(tx *sql.Tx) error) (created bool, err error) {
	each, err := s.createEachOnce(ctx, 1, true, func(tx *sql.Tx, _ int) (bool, error) {
		return createOnceIn(ctx, tx, insert, args, recorded, existing)
	})
	return err == nil && each[0], err
}

func createOnceIn(ctx context.Context, tx *sql.Tx, insert string, args []any,
	recorded func(id int64, at time.Time) audit.Change, existing func(tx *sql.Tx) error) (bool, error) {
	var id int64
	var at db.Timestamp
	err := tx.QueryRowContext(ctx, insert, args...).Scan(&id, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return false, existing(tx)
	}
	if err != nil {
		return false, err
	}
	return true, audit.Record(ctx, tx, recorded(id, at.T))
}

// errTried rolls back a batch that was only tried.
var errTried = errors.New("store: a tried batch is rolled back")

// createEachOnce creates n plans in one transaction, each once per key as
// createOnce does, and reports which it created. The transaction is kept
// only when keep is true and every row was new; otherwise it is rolled
// back. A file import tries its rows first (keep false), to learn which
// keys are taken and by what (the ids and times it gets are then no
// one's), then writes the new ones: all of them, or none if another
// request took one of their keys in between.
func (s *Store) createEachOnce(ctx context.Context, n int, keep bool, create func(tx *sql.Tx, i int) (bool, error)) ([]bool, error) {
	created := make([]bool, n)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		for i := range created {
			var err error
			if created[i], err = create(tx, i); err != nil {
				return err
			}
		}
		if !keep || slices.Contains(created, false) {
			return errTried
		}
		return nil
	})
	if errors.Is(err, errTried) {
		err = nil
	}
	return created, err
}

// enumText reads an enum stored by name; an unknown name is corruption,
// never the zero value.
func enumText[E ~int32](values map[string]int32, what, s string) (E, error) {
	v, ok := values[s]
	if !ok || v == 0 {
		return 0, fmt.Errorf("unknown %s %q in the database", what, s)
	}
	return E(v), nil
}

func levelText(s string) (registryv1.RecognitionLevel, error) {
	return enumText[registryv1.RecognitionLevel](registryv1.RecognitionLevel_value, "recognition level", s)
}

func unitTypeText(s string) (registryv1.UnitType, error) {
	return enumText[registryv1.UnitType](registryv1.UnitType_value, "unit type", s)
}
