package rating

import "github.com/ntmsuite/ntm/platform/date"

// Certificate is what a certificate's validity depends on.
type Certificate struct {
	IssuedOn date.Date
	// ValidUntil is the first day it no longer holds (ValidUntil of IssuedOn).
	ValidUntil date.Date
	// EndedOn is set when a revocation or a later certificate of the product
	// ended it early: the first day it no longer holds.
	EndedOn date.Date
}

// ValidUntil is the first day a certificate issued on `issued` no longer
// holds after months of validity (36 in the data): 2022-03-15 + 36 months is
// 2025-03-15. When the month reached has no such day (issued on 31 August,
// 6 months), the validity runs to the end of that month.
func ValidUntil(issued date.Date, months int) date.Date {
	y, m, d := issued.Time().Date()
	first := date.Of(y, m, 1).AddMonths(months)
	if last := first.AddMonths(1).AddDays(-1).Time().Day(); d > last {
		return first.AddMonths(1)
	}
	return first.AddDays(d - 1)
}

// end is the first day c no longer holds, early end included.
func (c Certificate) end() date.Date {
	if !c.EndedOn.IsZero() && c.EndedOn.Before(c.ValidUntil) {
		return c.EndedOn
	}
	return c.ValidUntil
}

// InForce reports whether c holds on asOf.
func InForce(c Certificate, asOf date.Date) bool {
	return !asOf.Before(c.IssuedOn) && asOf.Before(c.end())
}

// ExpiringWithin reports whether c holds on asOf and reaches the end of its
// validity within days (ValidUntil no later than asOf + days): the
// certificates whose holders are due the notice before expiry. An end
// recorded for a later day (a renewal, a revocation) does not change it: a
// past date reads as that day saw it.
func ExpiringWithin(c Certificate, asOf date.Date, days int) bool {
	return InForce(c, asOf) && !asOf.AddDays(days).Before(c.ValidUntil)
}
