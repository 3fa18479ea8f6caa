package scoring

import (
	"strconv"
	"strings"

	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
)

// unitVI is how an office writes each catalog unit; a unit not listed is
// shown as the catalog writes it.
var unitVI = map[string]string{
	"%":                       "%",
	"million VND/person/year": "triệu đồng/người/năm",
	"m2/person":               "m²/người",
}

var opVI = map[string]string{
	catalog.OpAtLeast: "≥",
	catalog.OpAtMost:  "≤",
	catalog.OpEqual:   "=",
}

// summary is the line an office reads for a failing indicator:
// "<name>: 38,5 (yêu cầu ≥ 41 triệu đồng/người/năm)", or "<name>: chưa đạt".
func summary(ind *catalog.Indicator, value, threshold float64) string {
	if ind.Op == catalog.OpBool {
		return ind.Name + ": chưa đạt"
	}
	v, t := number(value), number(threshold)
	if v == t {
		// 35.996 rounds to "36": show every digit rather than "36 (yêu cầu ≥ 36)".
		v = vietnamese(strconv.FormatFloat(value, 'f', -1, 64))
	}
	return ind.Name + ": " + v + " (yêu cầu " + opVI[ind.Op] + " " + withUnit(t, ind.Unit) + ")"
}

func withUnit(n, unit string) string {
	u, ok := unitVI[unit]
	if !ok {
		u = unit
	}
	switch u {
	case "":
		return n
	case "%":
		return n + "%"
	}
	return n + " " + u
}

// number writes v the Vietnamese way: decimal comma, "." between thousands,
// at most two decimals, no trailing zeros (38,5; 1.250; 26,75).
func number(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return vietnamese(s)
}

// vietnamese turns a Go decimal ("-1234.5") into "-1.234,5".
func vietnamese(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}
