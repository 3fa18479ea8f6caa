package db_test

import (
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/db"
)

func TestTimestampScansBothDialects(t *testing.T) {
	want := time.Date(2026, 11, 23, 5, 6, 7, 890, time.UTC)
	hanoi := time.FixedZone("ICT", 7*3600)
	for _, src := range []any{want.In(hanoi), "2026-11-23T12:06:07.00000089+07:00", []byte("2026-11-23T05:06:07.00000089Z")} {
		var ts db.Timestamp
		if err := ts.Scan(src); err != nil || !ts.T.Equal(want) || ts.T.Location() != time.UTC {
			t.Errorf("Scan(%v) = %v, %v; want %v in UTC", src, ts.T, err, want)
		}
	}
	var ts db.Timestamp
	if err := ts.Scan(int64(5)); err == nil {
		t.Error("an integer scanned as a timestamp")
	}
}
