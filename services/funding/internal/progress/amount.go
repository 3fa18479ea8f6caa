// Package progress is the funding service's arithmetic, without I/O: whole
// VND and thousandths of goods added with overflow checks, the rule that
// refuses a disbursement above its plan, and the roll-up of plans into the
// figures reports quote (planned, disbursed, percent by source, purpose,
// criterion, year and unit).
package progress

import (
	"errors"
	"math"
)

// MaxAmountVND is the largest amount one plan or disbursement may carry:
// 10^15 VND (a million billion đồng) is above the whole 2026-2030 national
// program (about 1,044,000 billion), so a larger figure is a typing mistake
// (extra zeros), and sums of many records stay far from int64's limit.
const MaxAmountVND int64 = 1_000_000_000_000_000

// MaxQuantityMilli is the largest quantity of goods one record may carry, in
// thousandths (10^9 units: a billion tonnes of cement).
const MaxQuantityMilli int64 = 1_000_000_000_000

// ErrOverflow is a sum too large for int64: reported, never wrapped.
var ErrOverflow = errors.New("sum exceeds the largest amount that can be counted (int64)")

// Add returns a+b for non-negative a and b, or ErrOverflow.
func Add(a, b int64) (int64, error) {
	if b > 0 && a > math.MaxInt64-b {
		return 0, ErrOverflow
	}
	return a + b, nil
}

// Totals are money (VND) and goods (thousandths of their unit) added together.
type Totals struct {
	AmountVND     int64
	QuantityMilli int64
}

// Plus adds t and u, or ErrOverflow.
func (t Totals) Plus(u Totals) (Totals, error) {
	a, err := Add(t.AmountVND, u.AmountVND)
	if err != nil {
		return Totals{}, err
	}
	q, err := Add(t.QuantityMilli, u.QuantityMilli)
	if err != nil {
		return Totals{}, err
	}
	return Totals{AmountVND: a, QuantityMilli: q}, nil
}

// Percent is part/whole in percent rounded to 2 decimals, 0 when whole is
// 0. It is for display: the amounts stay integers and travel with it.
func Percent(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return math.Round(float64(part)/float64(whole)*10000) / 100
}
