package store_test

import (
	"testing"

	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/services/funding/internal/store"
	"github.com/ntmsuite/ntm/services/funding/internal/store/migrations"
	"github.com/ntmsuite/ntm/services/funding/internal/store/storetest"
)

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) *store.Store { return store.New(dbtest.SQLite(t, migrations.SQLite)) })
}

func TestPostgres(t *testing.T) {
	storetest.Run(t, func(t *testing.T) *store.Store { return store.New(dbtest.Postgres(t, migrations.Postgres)) })
}
