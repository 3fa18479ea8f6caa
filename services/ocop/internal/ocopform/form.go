// Package ocopform is the OCOP spreadsheets offices fill in Excel: the list
// of producers (danh sách chủ thể), the list of products and the council's
// results (kết quả đánh giá, phân hạng). For each it writes the template and
// reads filled rows into the API's messages for the API's own checks; it
// does no I/O.
package ocopform

import (
	"strconv"
	"strings"
)

// InstructionsSheet explains each form.
const InstructionsSheet = "Hướng dẫn"

// dateHint is how a date cell is written, for messages.
const dateHint = "not a date: write day/month/year (31/12/2024) or 2024-12-31"

// fieldColumn maps a violation's field, relative to the row's message
// ("registered_on", "scores[2].points"), to the column that filled it:
// the field's first name when it is one of keys, else "" (the row).
func fieldColumn(field string, keys ...string) string {
	name, _, _ := strings.Cut(field, ".")
	name, _, _ = strings.Cut(name, "[")
	for _, k := range keys {
		if k == name {
			return k
		}
	}
	return ""
}

// reference reads a resource named in a cell: "producers/12" or "12" is 12.
func reference(cell, collection string) (int64, bool) {
	s := strings.TrimPrefix(strings.TrimSpace(cell), collection+"/")
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0 && s[0] != '+'
}

// word finds cell among the words of each value (any case); ok is false
// when no value has it.
func word[T any](cell string, words map[string]T) (T, bool) {
	v, ok := words[strings.ToLower(strings.Join(strings.Fields(cell), " "))]
	return v, ok
}
