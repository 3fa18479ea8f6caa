package date

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"2020-10-31", "2020-10-31", true},
		{"2024-02-29", "2024-02-29", true},
		{"2023-02-29", "", false},
		{"2021-13-01", "", false},
		{"2021-1-01", "", false},
		{"31/10/2020", "", false},
		{"", "", false},
		{"2020-10-31T00:00:00Z", "", false},
		{"0000-06-01", "", false},
		{"0001-01-01", "", false},
		{"1899-12-31", "", false},
		{"3000-01-01", "", false},
	} {
		got, err := Parse(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("Parse(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if tc.ok && got.String() != tc.want {
			t.Errorf("Parse(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestTodayIsVietnamDate(t *testing.T) {
	// 2025-06-30 20:00 UTC is already 1 July in Vietnam.
	got := FromTime(time.Date(2025, 6, 30, 20, 0, 0, 0, time.UTC).In(vietnam))
	if got != MustParse("2025-07-01") {
		t.Fatalf("got %s, want 2025-07-01", got)
	}
}

func TestRange(t *testing.T) {
	d := MustParse
	closed := Range{From: d("2020-01-01"), To: d("2025-07-01")}
	open := Range{From: d("2025-07-01")}
	for _, tc := range []struct {
		r    Range
		day  string
		want bool
	}{
		{closed, "2019-12-31", false},
		{closed, "2020-01-01", true},
		{closed, "2025-06-30", true},
		{closed, "2025-07-01", false},
		{open, "2025-07-01", true},
		{open, "2099-01-01", true},
		{open, "2025-06-30", false},
	} {
		if got := tc.r.Contains(d(tc.day)); got != tc.want {
			t.Errorf("%v.Contains(%s) = %v, want %v", tc.r, tc.day, got, tc.want)
		}
	}
	if closed.Overlaps(open) {
		t.Error("ranges that meet on 2025-07-01 must not overlap")
	}
	if !closed.Overlaps(Range{From: d("2025-06-30")}) {
		t.Error("open range starting inside a closed one overlaps it")
	}
	if !open.Overlaps(Range{From: d("2030-01-01"), To: d("2031-01-01")}) {
		t.Error("open range overlaps a later closed one")
	}
}

func TestScan(t *testing.T) {
	var d Date
	for _, src := range []any{"2020-10-31", []byte("2020-10-31"), time.Date(2020, 10, 31, 0, 0, 0, 0, time.UTC)} {
		if err := d.Scan(src); err != nil || d.String() != "2020-10-31" {
			t.Errorf("Scan(%v) = %s, %v", src, d, err)
		}
	}
	if err := d.Scan(nil); err != nil || !d.IsZero() {
		t.Errorf("Scan(nil) = %s, %v", d, err)
	}
	if v, _ := d.Value(); v != nil {
		t.Errorf("zero date Value = %v, want nil", v)
	}
}

func TestStartInVietnam(t *testing.T) {
	got := MustParse("2026-07-01").StartInVietnam().UTC()
	if want := time.Date(2026, 6, 30, 17, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("2026-07-01 starts at %v UTC, want %v", got, want)
	}
}
