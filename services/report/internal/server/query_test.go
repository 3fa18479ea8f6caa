package server

import (
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
)

func TestReadQuery(t *testing.T) {
	today := date.MustParse("2026-11-23")
	for _, tc := range []struct {
		period, asOf     string
		wantFrom, wantTo string
		wantAsOf         string
	}{
		{"2020", "", "2020-01-01", "2020-12-31", "2020-12-31"},
		{"2020-H1", "", "2020-01-01", "2020-06-30", "2020-06-30"},
		{"2020", "2020-10-31", "2020-01-01", "2020-12-31", "2020-10-31"},
		{"2016-2020", "2016-01-01", "2016-01-01", "2020-12-31", "2016-01-01"},
		{"2026", "", "2026-01-01", "2026-12-31", "2026-11-23"}, // not ended: today
		{"2026", "2026-12-31", "2026-01-01", "2026-12-31", "2026-12-31"},
	} {
		q, err := readQuery(tc.period, tc.asOf, today)
		if err != nil {
			t.Errorf("%s as of %q: %v", tc.period, tc.asOf, err)
			continue
		}
		if q.period.From.String() != tc.wantFrom || q.period.To.String() != tc.wantTo || q.asOf.String() != tc.wantAsOf {
			t.Errorf("%s as of %q = %s..%s as of %s", tc.period, tc.asOf, q.period.From, q.period.To, q.asOf)
		}
	}
}

func TestReadQueryRefuses(t *testing.T) {
	today := date.MustParse("2026-11-23")
	for _, tc := range []struct {
		period, asOf, field, says string
	}{
		{"", "", "period", "is not a period"},
		{"2020-Q3", "", "period", "is not a period"},
		{"2020-2019", "", "period", "is not a known period"},
		{"2027", "", "period", "has not begun"},
		{"2020", "2021-01-01", "as_of", "outside the period 2020"},
		{"2020-H2", "2020-06-30", "as_of", "outside the period 2020-H2"},
		{"2020", "2020-02-30", "as_of", "not a valid date"},
	} {
		_, err := readQuery(tc.period, tc.asOf, today)
		f, ok := fault.As(err)
		if !ok || f.Kind != fault.KindInvalid || len(f.Violations) != 1 || f.Violations[0].Field != tc.field || !strings.Contains(f.Message, tc.says) {
			t.Errorf("%q as of %q: %v, want invalid %s saying %q", tc.period, tc.asOf, err, tc.field, tc.says)
		}
	}
}
