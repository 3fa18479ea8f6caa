// Package request reads the fields every service's requests share (dates,
// as_of, page sizes) into domain values, with errors that name the field.
package request

import (
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
)

// Date reads a required calendar date; field names it in the error.
func Date(s, field string) (date.Date, error) {
	d, err := date.Parse(s)
	if err != nil {
		return d, fault.Invalid(field, "%v", err)
	}
	return d, nil
}

// AsOf reads an optional as_of: empty is today in Vietnam.
func AsOf(s, field string) (date.Date, error) {
	if s == "" {
		return date.Today(), nil
	}
	return Date(s, field)
}

// PageSize is n bounded to (0, max], with def for 0 or less (AIP-158).
func PageSize(n int32, def, max int) int {
	switch {
	case n <= 0:
		return def
	case int(n) > max:
		return max
	}
	return int(n)
}
