package progress

import (
	"errors"
	"math"
	"testing"
)

func TestAddReportsOverflow(t *testing.T) {
	if got, err := Add(math.MaxInt64-1, 1); err != nil || got != math.MaxInt64 {
		t.Errorf("Add(max-1, 1) = %d, %v; want max", got, err)
	}
	if _, err := Add(math.MaxInt64, 1); !errors.Is(err, ErrOverflow) {
		t.Errorf("Add(max, 1) error = %v, want ErrOverflow", err)
	}
	if _, err := (Totals{QuantityMilli: math.MaxInt64}).Plus(Totals{QuantityMilli: 1}); !errors.Is(err, ErrOverflow) {
		t.Errorf("quantity overflow error = %v, want ErrOverflow", err)
	}
}

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		part, whole int64
		want        float64
	}{
		{0, 0, 0}, {85, 100, 85}, {1, 3, 33.33}, {2, 3, 66.67}, {120, 100, 120},
		// Large amounts keep their precision to 2 decimals.
		{MaxAmountVND / 3, MaxAmountVND, 33.33},
	} {
		if got := Percent(tc.part, tc.whole); got != tc.want {
			t.Errorf("Percent(%d, %d) = %v, want %v", tc.part, tc.whole, got, tc.want)
		}
	}
}

func TestCheckDisbursement(t *testing.T) {
	money := Planned{Totals: Totals{AmountVND: 1_000}}
	cement := Planned{Totals: Totals{QuantityMilli: 50_000}, InKind: true}
	valued := Planned{Totals: Totals{AmountVND: 90_000, QuantityMilli: 50_000}, InKind: true}
	for _, tc := range []struct {
		name                string
		plan                Planned
		before, d           Totals
		amount, quantity    bool
		afterAmount, afterQ int64
	}{
		{name: "money within", plan: money, before: Totals{AmountVND: 600}, d: Totals{AmountVND: 400}, afterAmount: 1_000},
		{name: "money above", plan: money, before: Totals{AmountVND: 600}, d: Totals{AmountVND: 401}, amount: true, afterAmount: 1_001},
		{name: "cement within", plan: cement, d: Totals{QuantityMilli: 50_000, AmountVND: 5}, afterQ: 50_000, afterAmount: 5},
		{name: "cement above", plan: cement, before: Totals{QuantityMilli: 49_000}, d: Totals{QuantityMilli: 1_001}, quantity: true, afterQ: 50_001},
		{name: "valued cement above its valuation", plan: valued, d: Totals{QuantityMilli: 1, AmountVND: 90_001}, amount: true, afterQ: 1, afterAmount: 90_001},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := CheckDisbursement(tc.plan, tc.before, tc.d)
			if err != nil {
				t.Fatal(err)
			}
			if o.Amount != tc.amount || o.Quantity != tc.quantity || o.Any() != (tc.amount || tc.quantity) ||
				o.After != (Totals{AmountVND: tc.afterAmount, QuantityMilli: tc.afterQ}) {
				t.Errorf("overrun = %+v, want amount %v quantity %v after %d/%d", o, tc.amount, tc.quantity, tc.afterAmount, tc.afterQ)
			}
		})
	}
	if _, err := CheckDisbursement(money, Totals{AmountVND: math.MaxInt64}, Totals{AmountVND: 1}); !errors.Is(err, ErrOverflow) {
		t.Errorf("overflowing disbursement error = %v, want ErrOverflow", err)
	}
}
