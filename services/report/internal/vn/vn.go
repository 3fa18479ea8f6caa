// Package vn writes numbers, dates and periods the way Vietnamese reports
// print them: "16,1 tiêu chí/xã", "1.044.000 tỷ đồng", "31/10/2020",
// "6 tháng đầu năm 2020".
package vn

import (
	"math"
	"strconv"
	"strings"

	"github.com/ntmsuite/ntm/platform/period"
)

// Round2 keeps two decimals, halves away from zero: reports print "72,03%"
// and "16,1 tiêu chí"; comparisons of plans and results are made on the
// figures as printed.
func Round2(x float64) float64 { return math.Round(x*100) / 100 }

// Number is x with at most two decimals, a decimal comma and dots between
// thousands: 16.1 is "16,1", 1044000 is "1.044.000", 100 is "100".
func Number(x float64) string {
	s := strconv.FormatFloat(math.Abs(Round2(x)), 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	var b strings.Builder
	if Round2(x) < 0 {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// Quantity is x followed by its unit: "7 xã", "16,1 tiêu chí/xã", and
// "72,03%" without a space, as percentages are written.
func Quantity(x float64, unit string) string {
	switch unit {
	case "":
		return Number(x)
	case "%":
		return Number(x) + "%"
	}
	return Number(x) + " " + unit
}

// Date writes an ISO date (YYYY-MM-DD) as offices do, 31/10/2020; anything
// else is returned as it is.
func Date(iso string) string {
	y, rest, ok1 := strings.Cut(iso, "-")
	m, d, ok2 := strings.Cut(rest, "-")
	if !ok1 || !ok2 {
		return iso
	}
	return d + "/" + m + "/" + y
}

// Years words the calendar years a period covers, as plans and budgets
// are counted: "năm 2020" (a half lies in its year), "các năm 2016-2020".
func Years(p period.Period) string {
	if p.From.Year() == p.To.Year() {
		return "năm " + strconv.Itoa(p.From.Year())
	}
	return "các năm " + strconv.Itoa(p.From.Year()) + "-" + strconv.Itoa(p.To.Year())
}

// Period names a reporting period as report titles do: "6 tháng đầu năm
// 2020", "6 tháng cuối năm 2020", "năm 2020", "giai đoạn 2016-2020".
func Period(p period.Period) string {
	y := strconv.Itoa(p.From.Year())
	switch {
	case p.Kind == period.Half && p.From.Time().Month() == 1:
		return "6 tháng đầu năm " + y
	case p.Kind == period.Half:
		return "6 tháng cuối năm " + y
	case p.Kind == period.Year:
		return "năm " + y
	}
	return "giai đoạn " + y + "-" + strconv.Itoa(p.To.Year())
}
