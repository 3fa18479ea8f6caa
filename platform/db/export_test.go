package db

import (
	"testing"
	"time"
)

// SetCheckpointEvery makes the SQLite databases opened during t checkpoint
// their WAL every interval.
func SetCheckpointEvery(t *testing.T, interval time.Duration) {
	old := sqliteCheckpointEvery
	sqliteCheckpointEvery = interval
	t.Cleanup(func() { sqliteCheckpointEvery = old })
}
