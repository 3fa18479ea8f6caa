package period

import (
	"slices"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in       string
		kind     Kind
		from, to string
	}{
		{"2020-H1", Half, "2020-01-01", "2020-06-30"},
		{"2020-H2", Half, "2020-07-01", "2020-12-31"},
		{"2020", Year, "2020-01-01", "2020-12-31"},
		{"2016-2020", Phase, "2016-01-01", "2020-12-31"},
		{"2010-2015", Phase, "2010-01-01", "2015-12-31"},
	} {
		p, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if p.Kind != c.kind || p.From != date.MustParse(c.from) || p.To != date.MustParse(c.to) || p.String() != c.in {
			t.Errorf("Parse(%q) = %+v, want %v %s..%s", c.in, p, c.kind, c.from, c.to)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "is not a period"},
		{"abc", "is not a period"},
		{"2020-Q3", "is not a period"},
		{"2020-H3", "is not a period"},
		{"20201", "is not a period"},
		{"1899", "is not a period"},
		{"2020-2019", "is not a known period"},
		{"2020-2020", "is not a known period"},
		{"2000-2020", "is not a known period"},
		{"2016-2020-H1", "is not a period"},
		{" 2020", "is not a period"},
	} {
		_, err := Parse(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want an error saying %q", c.in, err, c.want)
		}
	}
}

func TestYearsAndContains(t *testing.T) {
	p, _ := Parse("2016-2020")
	if got := p.Years(); !slices.Equal(got, []int{2016, 2017, 2018, 2019, 2020}) {
		t.Errorf("Years = %v", got)
	}
	if !p.Contains(date.MustParse("2016-01-01")) || !p.Contains(date.MustParse("2020-12-31")) || p.Contains(date.MustParse("2021-01-01")) {
		t.Error("Contains is wrong at the edges")
	}
	h, _ := Parse("2020-H2")
	if y := h.YearPeriod(); y.Kind != Year || y.String() != "2020" || y.From != date.MustParse("2020-01-01") {
		t.Errorf("YearPeriod of 2020-H2 = %+v", y)
	}
	if y, _ := Parse("2020"); y.YearPeriod() != y {
		t.Error("a year's YearPeriod is itself")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2020-H1", "2020", "2016-2020", "x", "9999-99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			return
		}
		if p.From.After(p.To) || !p.Contains(p.From) || !p.Contains(p.To) || p.String() != s {
			t.Fatalf("Parse(%q) = %+v", s, p)
		}
	})
}

func TestMustParse(t *testing.T) {
	if p := MustParse("2016-2020"); p.Kind != Phase || p.String() != "2016-2020" {
		t.Errorf("MustParse(2016-2020) = %+v", p)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustParse(2020-Q3) did not panic")
		}
	}()
	MustParse("2020-Q3")
}
