package sheet

import "strings"

// Decimal reads a number as offices type it in Vietnamese and English
// spreadsheets and returns it with a decimal point and no grouping:
// "85,5" and "85.5" are "85.5"; with both marks the last is the decimal
// one ("1.234,5" and "1,234.5" are "1234.5"); spaces between digits are
// dropped ("1 234,5"). One mark repeated ("1,234,567") is ambiguous and
// refused, as is a grouping that is not by thousands ("1,5.2"), and so are
// exponents, hex, NaN and Inf, which no form means.
// Numbers an .xlsx stores arrive plain already (Read keeps the stored
// value), so these rules only meet what was typed as text.
func Decimal(cell string) (string, bool) {
	s := strings.TrimSpace(cell)
	if strings.ContainsAny(s, " \u00a0") {
		s = digitSpaces.Replace(s)
	}
	comma, dot := strings.LastIndexByte(s, ','), strings.LastIndexByte(s, '.')
	switch {
	case comma >= 0 && dot >= 0:
		// The last mark is the decimal one; the other groups thousands.
		mark, group := max(comma, dot), ","
		if comma > dot {
			group = "."
		}
		whole := s[:mark]
		if !grouped(whole, group) {
			return "", false
		}
		s = strings.ReplaceAll(whole, group, "") + "." + s[mark+1:]
	case strings.Count(s, ",") == 1:
		s = strings.Replace(s, ",", ".", 1)
	}
	digits, points := 0, 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.':
			points++
		case (r == '-' || r == '+') && i == 0:
		default:
			return "", false
		}
	}
	if digits == 0 || points > 1 {
		return "", false
	}
	return s, true
}

// digitSpaces drops the spaces that group digits. Built once: a
// Replacer's tables cost more than the tens of thousands of cells of a
// country's form it then reads.
var digitSpaces = strings.NewReplacer(" ", "", "\u00a0", "")

// grouped reports digits grouped by thousands with group: one to three
// digits (after a sign), then groups of exactly three.
func grouped(whole, group string) bool {
	parts := strings.Split(strings.TrimLeft(whole, "+-"), group)
	for i, p := range parts {
		if (i == 0 && (len(p) < 1 || len(p) > 3)) || (i > 0 && len(p) != 3) {
			return false
		}
	}
	return true
}
