package request_test

import (
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/request"
)

func TestDateNamesTheField(t *testing.T) {
	_, err := request.Date("2021-02-30", "assessment.assessed_on")
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.KindInvalid || len(f.Violations) != 1 || f.Violations[0].Field != "assessment.assessed_on" {
		t.Fatalf("got %v, want an invalid-argument error naming assessment.assessed_on", err)
	}
	if d, err := request.Date("2024-02-29", "x"); err != nil || d != date.MustParse("2024-02-29") {
		t.Fatalf("got %v, %v", d, err)
	}
}

func TestAsOfDefaultsToToday(t *testing.T) {
	if d, err := request.AsOf("", "as_of"); err != nil || d != date.Today() {
		t.Fatalf("got %v, %v; want today", d, err)
	}
}

func TestPageSize(t *testing.T) {
	for _, c := range []struct {
		n    int32
		want int
	}{{-1, 50}, {0, 50}, {1, 1}, {500, 500}, {501, 500}} {
		if got := request.PageSize(c.n, 50, 500); got != c.want {
			t.Errorf("PageSize(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}
