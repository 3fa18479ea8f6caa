// Package date is a calendar date without time or zone: what a decision's
// effective date, a validity range or an `as_of` is. Dates are written and
// stored as ISO 8601 `YYYY-MM-DD`, so text order is date order.
package date

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// MinYear and MaxYear bound the dates Parse accepts.
const (
	MinYear = 1900
	MaxYear = 2999
)

// Date is a calendar day. The zero value is "no date" (IsZero).
type Date struct {
	t time.Time // always midnight UTC; zero when unset
}

// Vietnam keeps UTC+7 all year; "today" for an office is the date there.
var vietnam = time.FixedZone("ICT", 7*60*60)

// Of returns the date of y-m-d. It does not normalise: use Parse for input.
func Of(y int, m time.Month, d int) Date {
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// Today is the current date in Vietnam.
func Today() Date { return FromTime(time.Now().In(vietnam)) }

// StartInVietnam is the instant the day begins in Vietnam, for asking
// which timestamps fall on an office's day.
func (d Date) StartInVietnam() time.Time {
	y, m, day := d.t.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, vietnam)
}

// FromTime is the calendar date of t in t's own location.
func FromTime(t time.Time) Date {
	y, m, d := t.Date()
	return Of(y, m, d)
}

// Parse reads a strict `YYYY-MM-DD` date and rejects days that do not exist (2021-02-30).
func Parse(s string) (Date, error) {
	if len(s) != 10 {
		return Date{}, fmt.Errorf("%q is not a date in YYYY-MM-DD form", s)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a valid date in YYYY-MM-DD form", s)
	}
	// Year 1 is the zero Date ("no date") and PostgreSQL refuses year 0; no
	// administrative record of this suite predates 1900.
	if t.Year() < MinYear || t.Year() > MaxYear {
		return Date{}, fmt.Errorf("%q is outside the years %d-%d", s, MinYear, MaxYear)
	}
	return Date{t}, nil
}

// ParseOrToday is Parse, with the empty string meaning today.
func ParseOrToday(s string) (Date, error) {
	if s == "" {
		return Today(), nil
	}
	return Parse(s)
}

// MustParse is Parse for literals in tests and fixtures; it panics on bad input.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (d Date) IsZero() bool { return d.t.IsZero() }

// String is `YYYY-MM-DD`, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

func (d Date) Year() int                    { return d.t.Year() }
func (d Date) Before(o Date) bool           { return d.t.Before(o.t) }
func (d Date) After(o Date) bool            { return d.t.After(o.t) }
func (d Date) Equal(o Date) bool            { return d.t.Equal(o.t) }
func (d Date) AddDays(n int) Date           { return Date{d.t.AddDate(0, 0, n)} }
func (d Date) AddMonths(n int) Date         { return Date{d.t.AddDate(0, n, 0)} }
func (d Date) Time() time.Time              { return d.t }
func (d Date) Compare(o Date) int           { return d.t.Compare(o.t) }
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Value stores the date as `YYYY-MM-DD` text (SQLite TEXT, PostgreSQL DATE), or NULL when zero.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date from text (SQLite) or a time.Time (PostgreSQL DATE); NULL is the zero date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = Of(v.Year(), v.Month(), v.Day())
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	}
	return fmt.Errorf("date: cannot scan %T", src)
}

// Range is the half-open validity range [From, To); a zero To means open-ended.
type Range struct {
	From, To Date
}

// Contains reports whether d falls inside the range.
func (r Range) Contains(d Date) bool {
	return !d.Before(r.From) && (r.To.IsZero() || d.Before(r.To))
}

// Overlaps reports whether two ranges share at least one day.
func (r Range) Overlaps(o Range) bool {
	aEndsAfterBStarts := r.To.IsZero() || o.From.Before(r.To)
	bEndsAfterAStarts := o.To.IsZero() || r.From.Before(o.To)
	return aEndsAfterBStarts && bEndsAfterAStarts
}
