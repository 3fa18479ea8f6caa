// Package period reads the reporting periods offices write: six months
// ("2020-H1", báo cáo 6 tháng), a year ("2020", báo cáo năm) and a phase
// ("2016-2020", giai đoạn), as the calendar days they cover.
package period

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
)

// Kind is the length of a period.
type Kind int

const (
	Half  Kind = iota + 1 // six months: H1 is January-June, H2 July-December
	Year                  // a calendar year
	Phase                 // several whole years, e.g. a five-year phase
)

// MaxPhaseYears bounds a phase: the programme's phases are five or six
// years (2010-2015); a longer span is a typing mistake.
const MaxPhaseYears = 10

// Period is a reporting period: the days From to To, both included.
type Period struct {
	Kind     Kind
	From, To date.Date
	// Text is the period as written ("2020-H1", "2020", "2016-2020").
	Text string
}

// Parse reads "YYYY-H1", "YYYY-H2", "YYYY" or "YYYY-YYYY". Errors say what is
// wrong in words a caller can act on; they do not name a field.
func Parse(s string) (Period, error) {
	const forms = "write 2020-H1 or 2020-H2 (six months), 2020 (a year) or 2016-2020 (a phase)"
	first, rest, hasDash := strings.Cut(s, "-")
	y1, err := year(first)
	if err != nil {
		return Period{}, fmt.Errorf("%q is not a period: %s", s, forms)
	}
	switch {
	case !hasDash:
		return Period{Kind: Year, From: date.Of(y1, time.January, 1), To: date.Of(y1, time.December, 31), Text: s}, nil
	case rest == "H1":
		return Period{Kind: Half, From: date.Of(y1, time.January, 1), To: date.Of(y1, time.June, 30), Text: s}, nil
	case rest == "H2":
		return Period{Kind: Half, From: date.Of(y1, time.July, 1), To: date.Of(y1, time.December, 31), Text: s}, nil
	}
	y2, err := year(rest)
	if err != nil {
		return Period{}, fmt.Errorf("%q is not a period: %s", s, forms)
	}
	if y2 <= y1 || y2-y1+1 > MaxPhaseYears {
		return Period{}, fmt.Errorf("%q is not a known period: a phase runs forward over 2 to %d years, e.g. 2016-2020", s, MaxPhaseYears)
	}
	return Period{Kind: Phase, From: date.Of(y1, time.January, 1), To: date.Of(y2, time.December, 31), Text: s}, nil
}

// MustParse is Parse for literals in tests and fixtures; it panics on bad input.
func MustParse(s string) Period {
	p, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

// year reads four digits within the years dates may take.
func year(s string) (int, error) {
	if len(s) != 4 {
		return 0, fmt.Errorf("not a year")
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < date.MinYear || y > date.MaxYear {
		return 0, fmt.Errorf("not a year")
	}
	return y, nil
}

// Contains reports whether d falls in the period.
func (p Period) Contains(d date.Date) bool { return !d.Before(p.From) && !d.After(p.To) }

// Years are the calendar years the period covers, in order.
func (p Period) Years() []int {
	var ys []int
	for y := p.From.Year(); y <= p.To.Year(); y++ {
		ys = append(ys, y)
	}
	return ys
}

// YearPeriod is the year a half lies in; a year or a phase is itself. Six-month
// reports are measured against the year's plan.
func (p Period) YearPeriod() Period {
	if p.Kind != Half {
		return p
	}
	y := p.From.Year()
	return Period{Kind: Year, From: date.Of(y, time.January, 1), To: date.Of(y, time.December, 31), Text: strconv.Itoa(y)}
}

// String is the period as written.
func (p Period) String() string { return p.Text }
