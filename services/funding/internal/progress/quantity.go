package progress

import (
	"fmt"
	"strconv"
	"strings"
)

// quantityDecimals is how many decimals a quantity may have: thousandths of
// a tonne are kilograms, finer than any report.
const quantityDecimals = 3

// ParseQuantity reads a quantity of goods written as a decimal number with
// at most 3 decimals ("120", "120.5", "0.125") into thousandths. No sign,
// exponent, thousands separator or comma: a request is read exactly, never
// through floating point. It refuses more than MaxQuantityMilli.
func ParseQuantity(s string) (int64, error) {
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || (hasPoint && frac == "") {
		return 0, fmt.Errorf("%q is not a number like 120 or 120.5", s)
	}
	if len(frac) > quantityDecimals {
		return 0, fmt.Errorf("%q has more than %d decimals", s, quantityDecimals)
	}
	if !digitsOnly(whole) || !digitsOnly(frac) {
		return 0, fmt.Errorf("%q is not a number like 120 or 120.5", s)
	}
	digits := whole + frac + strings.Repeat("0", quantityDecimals-len(frac))
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n > MaxQuantityMilli {
		return 0, fmt.Errorf("%q is above %s", s, FormatQuantity(MaxQuantityMilli))
	}
	return n, nil
}

// FormatQuantity writes thousandths as the shortest decimal ("120.5"), the
// inverse of ParseQuantity.
func FormatQuantity(milli int64) string {
	if milli < 0 {
		return "-" + FormatQuantity(-milli)
	}
	s := strconv.FormatInt(milli, 10)
	if len(s) <= quantityDecimals {
		s = strings.Repeat("0", quantityDecimals-len(s)+1) + s
	}
	whole, frac := s[:len(s)-quantityDecimals], strings.TrimRight(s[len(s)-quantityDecimals:], "0")
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
