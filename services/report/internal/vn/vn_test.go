package vn

import (
	"testing"

	"github.com/ntmsuite/ntm/platform/period"
)

func TestNumber(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{
		{0, "0"}, {7, "7"}, {16.1, "16,1"}, {75.5, "75,5"}, {72.027972, "72,03"}, {100, "100"},
		{999, "999"}, {1000, "1.000"}, {1044000, "1.044.000"}, {850000000000, "850.000.000.000"},
		{13.25, "13,25"}, {0.005, "0,01"}, {-3, "-3"}, {-0.001, "0"}, {1234.5, "1.234,5"},
	} {
		if got := Number(c.in); got != c.want {
			t.Errorf("Number(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestQuantity(t *testing.T) {
	for _, c := range []struct {
		x          float64
		unit, want string
	}{
		{7, "xã", "7 xã"}, {72.03, "%", "72,03%"}, {16.1, "tiêu chí/xã", "16,1 tiêu chí/xã"}, {3, "", "3"},
	} {
		if got := Quantity(c.x, c.unit); got != c.want {
			t.Errorf("Quantity(%v, %q) = %q, want %q", c.x, c.unit, got, c.want)
		}
	}
}

func TestDate(t *testing.T) {
	if got := Date("2020-10-31"); got != "31/10/2020" {
		t.Errorf("Date = %q", got)
	}
	if got := Date(""); got != "" {
		t.Errorf("Date of nothing = %q", got)
	}
}

func TestYears(t *testing.T) {
	for in, want := range map[string]string{"2020-H2": "năm 2020", "2020": "năm 2020", "2016-2020": "các năm 2016-2020"} {
		p, err := period.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := Years(p); got != want {
			t.Errorf("Years(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestPeriod(t *testing.T) {
	for in, want := range map[string]string{
		"2020-H1": "6 tháng đầu năm 2020", "2020-H2": "6 tháng cuối năm 2020",
		"2020": "năm 2020", "2016-2020": "giai đoạn 2016-2020",
	} {
		p, err := period.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := Period(p); got != want {
			t.Errorf("Period(%s) = %q, want %q", in, got, want)
		}
	}
}
