package sheet

import (
	"strconv"
	"strings"
	"time"
)

// excelEpoch is day 0 of Excel's 1900 date system for serials after
// 1900-02-28: Excel counts a 29 February 1900 that never existed (serial
// 60), so later serials are offset from 30 December 1899.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// maxSerial is 9999-12-31, the last date Excel shows.
const maxSerial = 2958465

// DateCell reads a date the ways it arrives from offices and returns it as
// yyyy-mm-dd: an Excel serial number ("45657", also with a time fraction,
// as a date cell read raw or formatted as a number gives it), the
// Vietnamese day-first "31/12/2024" or "1/2/2025" (also with '-' or '.'),
// or ISO "2024-12-31" (also "2024/12/31"). A time after a space
// ("2024-12-31 00:00") is ignored. The bool is false for anything else,
// including dates that do not exist (30/02/2025) and the US month-first
// order, which is not told apart from day-first and so not guessed.
func DateCell(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if d, rest, ok := strings.Cut(s, " "); ok {
		if !isTime(strings.TrimSpace(rest)) {
			return "", false
		}
		s = d
	}
	if t, ok := serialDate(s); ok {
		return t.Format(time.DateOnly), true
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) != 3 || strings.Count(s, "/")+strings.Count(s, "-")+strings.Count(s, ".") != 2 {
		return "", false
	}
	y, m, d := parts[2], parts[1], parts[0]
	if len(parts[0]) == 4 {
		y, d = parts[0], parts[2]
	}
	if len(y) != 4 || len(m) > 2 || len(d) > 2 {
		return "", false
	}
	yi, ok1 := digits(y)
	mi, ok2 := digits(m)
	di, ok3 := digits(d)
	if !ok1 || !ok2 || !ok3 || yi < 1 {
		return "", false
	}
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if t.Year() != yi || int(t.Month()) != mi || t.Day() != di {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// serialDate reads an Excel serial day number, whole or with a fraction.
func serialDate(s string) (time.Time, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	n, ok := digits(whole)
	if !ok || n < 1 || n > maxSerial || n == 60 {
		return time.Time{}, false
	}
	if frac != "" && !allDigits(frac) {
		return time.Time{}, false
	}
	if n < 60 {
		n++ // before the phantom 29 February the offset is one day less
	}
	return excelEpoch.AddDate(0, 0, n), true
}

// digits parses a non-empty run of ASCII digits (no sign, no spaces) that
// fits in an int.
func digits(s string) (int, bool) {
	if len(s) > 9 || !allDigits(s) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func isTime(s string) bool {
	for _, layout := range []string{"15:04", "15:04:05", "3:04 PM", "3:04:05 PM"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
