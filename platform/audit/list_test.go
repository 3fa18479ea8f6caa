package audit_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
)

// trailRow is an event of the trail seeded for List and the server.
type trailRow struct {
	resource, actor string
	at              string // RFC 3339 UTC; Vietnam is 7 hours ahead
}

// trail straddles Vietnam midnights: 17:00Z is 00:00 the next day there.
var trail = []trailRow{
	{"plans/1", "alice", "2026-06-29T16:59:59.999Z"}, // 1: 2026-06-29 23:59:59.999 in Vietnam
	{"plans/1", "bob", "2026-06-29T17:00:00Z"},       // 2: 2026-06-30 00:00
	{"plans/2", "alice", "2026-06-30T16:59:59Z"},     // 3: 2026-06-30 23:59:59
	{"plans/2", "bob", "2026-06-30T17:00:00Z"},       // 4: 2026-07-01 00:00
	{"plans/1", "alice", "2026-07-01T16:59:59.999Z"}, // 5: 2026-07-01 23:59:59.999
	{"units/06005", "carol", "2026-07-01T17:00:00Z"}, // 6: 2026-07-02 00:00
	{"plans/2", "alice", "2026-06-28T10:00:00Z"},     // 7: 2026-06-28, out of id order in time
}

// seedTrail records trail, one write per row with the actor as the caller's
// subject, moves each row to its instant, and returns the ids in trail order.
func seedTrail(t *testing.T, d *db.DB) []int64 {
	t.Helper()
	for _, r := range trail {
		ctx := asCaller(t.Context(), r.actor)
		record(t, ctx, d, audit.Change{Resource: r.resource, Unit: "06005", After: map[string]string{"by": r.actor}})
	}
	events := listAll(t, d)
	if len(events) != len(trail) {
		t.Fatalf("%d events seeded, want %d", len(events), len(trail))
	}
	for i, e := range events {
		setAt(t, d, e.ID, instant(t, trail[i].at))
	}
	return ids(events)
}

func TestListFilters(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		id := seedTrail(t, d)
		// rows picks the ids of trail rows by their 1-based numbers above.
		rows := func(ns ...int) []int64 {
			out := []int64{}
			for _, n := range ns {
				out = append(out, id[n-1])
			}
			return out
		}
		day := date.MustParse
		for _, tc := range []struct {
			name string
			f    audit.Filter
			want []int64
		}{
			{"everything", audit.Filter{}, rows(1, 2, 3, 4, 5, 6, 7)},
			{"resource", audit.Filter{Resource: "plans/1"}, rows(1, 2, 5)},
			{"resource is exact", audit.Filter{Resource: "plans/"}, rows()},
			{"actor", audit.Filter{Actor: "alice"}, rows(1, 3, 5, 7)},
			{"resource and actor", audit.Filter{Resource: "plans/2", Actor: "bob"}, rows(4)},
			{"unknown actor", audit.Filter{Actor: "anonymous"}, rows()},
			{"one day", audit.Filter{From: day("2026-06-30"), To: day("2026-06-30")}, rows(2, 3)},
			{"the next day", audit.Filter{From: day("2026-07-01"), To: day("2026-07-01")}, rows(4, 5)},
			{"the day before", audit.Filter{From: day("2026-06-29"), To: day("2026-06-29")}, rows(1)},
			{"from only", audit.Filter{From: day("2026-07-01")}, rows(4, 5, 6)},
			{"to only", audit.Filter{To: day("2026-06-30")}, rows(1, 2, 3, 7)},
			{"two days", audit.Filter{From: day("2026-06-30"), To: day("2026-07-01")}, rows(2, 3, 4, 5)},
			{"days and actor", audit.Filter{From: day("2026-06-30"), To: day("2026-07-01"), Actor: "alice"}, rows(3, 5)},
			{"a day without events", audit.Filter{From: day("2026-07-03"), To: day("2026-07-03")}, rows()},
			{"after", audit.Filter{After: id[1]}, rows(3, 4, 5, 6, 7)},
			{"after the last", audit.Filter{After: id[6]}, rows()},
			{"limit", audit.Filter{Limit: 1}, rows(1)},
			{"after and limit", audit.Filter{After: id[1], Limit: 2}, rows(3, 4)},
			{"limit past the end", audit.Filter{After: id[4], Limit: 10}, rows(6, 7)},
			{"everything at once", audit.Filter{Resource: "plans/1", Actor: "alice", From: day("2026-06-29"), To: day("2026-07-02"), After: id[0], Limit: 5}, rows(5)},
		} {
			got, err := audit.List(t.Context(), d, tc.f)
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			if g := ids(got); !slices.Equal(g, tc.want) {
				t.Errorf("%s: ids %v, want %v", tc.name, g, tc.want)
			}
		}
	})
}

func TestListReadsBackTheInstants(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		seedTrail(t, d)
		for i, e := range listAll(t, d) {
			want := instant(t, trail[i].at)
			if !e.At.Equal(want) || e.At.Location() != time.UTC {
				t.Errorf("event %d at %s, want %s (UTC)", i+1, e.At, want.UTC())
			}
			if e.Resource != trail[i].resource || e.Actor != trail[i].actor || e.After != `{"by":"`+trail[i].actor+`"}` {
				t.Errorf("event %d = %+v, want %+v", i+1, e, trail[i])
			}
		}
	})
}
