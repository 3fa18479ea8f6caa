package fundingform

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ntmsuite/ntm/platform/sheet"
)

// Amount reads a sum of money in whole đồng as offices write it: "1.500.000",
// "1,500,000", "1 500 000" and "1500000" are all 1500000, with or without
// a trailing "đ", "đồng" or "VND". A separator followed by three digits
// groups thousands; any other is a decimal mark, and a fraction of a đồng
// is refused (",00" is not a fraction). A sign is kept for the API's own
// rule on negative amounts.
func Amount(cell string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(cell))
	for _, unit := range []string{"đồng", "vnđ", "vnd", "đ"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, unit))
	}
	s = strings.NewReplacer(" ", "", "\u00a0", "").Replace(s)
	sign := ""
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		sign, s = "-", rest
	}
	whole, frac, err := splitDecimal(s)
	if err != nil || whole == "" {
		return 0, fmt.Errorf("%q is not an amount in đồng like 1.500.000", cell)
	}
	if strings.Trim(frac, "0") != "" {
		return 0, fmt.Errorf("%q has a fraction of a đồng: amounts are whole đồng", cell)
	}
	n, err := strconv.ParseInt(sign+whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is too large an amount", cell)
	}
	return n, nil
}

// Quantity reads goods as offices write them into the API's form, a
// decimal with a point (sheet.Decimal: "120,5" and "120.5" are "120.5").
// The API then checks the number itself (decimals, size); a negative
// quantity is refused here.
func Quantity(cell string) (string, error) {
	d, ok := sheet.Decimal(cell)
	if !ok || strings.HasPrefix(d, "-") || strings.HasPrefix(d, "+") {
		return "", fmt.Errorf("%q is not a quantity like 120 or 120,5", cell)
	}
	return d, nil
}

// splitDecimal splits digits written with thousands separators and a
// decimal mark into the whole digits and the fraction's.
func splitDecimal(s string) (whole, frac string, err error) {
	comma, dot := strings.Count(s, ","), strings.Count(s, ".")
	var group, decimal string
	switch {
	case comma > 0 && dot > 0:
		group, decimal = ".", ","
		if strings.LastIndexByte(s, '.') > strings.LastIndexByte(s, ',') {
			group, decimal = ",", "."
		}
	case comma+dot == 1:
		// One mark: thousands when three digits follow it, else decimals.
		mark := ","
		if dot == 1 {
			mark = "."
		}
		_, after, _ := strings.Cut(s, mark)
		group, decimal = mark, ""
		if len(after) != 3 {
			group, decimal = "", mark
		}
	case comma > 1:
		group = ","
	case dot > 1:
		group = "."
	}
	if decimal != "" {
		if strings.Count(s, decimal) > 1 {
			return "", "", fmt.Errorf("two decimal marks")
		}
		s, frac, _ = strings.Cut(s, decimal)
		if !digitsOnly(frac) || frac == "" {
			return "", "", fmt.Errorf("bad fraction")
		}
	}
	if group != "" {
		parts := strings.Split(s, group)
		if len(parts[0]) == 0 || len(parts[0]) > 3 {
			return "", "", fmt.Errorf("bad grouping")
		}
		for _, p := range parts[1:] {
			if len(p) != 3 {
				return "", "", fmt.Errorf("bad grouping")
			}
		}
		s = strings.Join(parts, "")
	}
	if !digitsOnly(s) {
		return "", "", fmt.Errorf("not digits")
	}
	return s, frac, nil
}

// FormatVND writes whole đồng grouped by dots, as Vietnamese forms do
// ("1.500.000"); Amount reads it back.
func FormatVND(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
