package progress

// Planned is what a disbursement is checked against: the plan's money, or
// its goods and their valuation.
type Planned struct {
	Totals
	// InKind plans are checked on their quantity, and on their valuation
	// only when they were valued.
	InKind bool
}

// Overrun says which of a plan's allocations a disbursement takes above.
type Overrun struct {
	Amount, Quantity bool
	// After is the plan's disbursed totals with the disbursement added.
	After Totals
}

// Any reports whether anything is above the plan.
func (o Overrun) Any() bool { return o.Amount || o.Quantity }

// CheckDisbursement adds a disbursement d to what was disbursed against a
// plan before it, and says what the result takes above the plan. The caller
// refuses an overrun unless the disbursement states its reason. ErrOverflow
// when the plan's disbursed total would no longer fit in int64.
func CheckDisbursement(plan Planned, before, d Totals) (Overrun, error) {
	after, err := before.Plus(d)
	if err != nil {
		return Overrun{}, err
	}
	o := Overrun{After: after}
	if plan.InKind {
		o.Quantity = after.QuantityMilli > plan.QuantityMilli
		o.Amount = plan.AmountVND > 0 && after.AmountVND > plan.AmountVND
	} else {
		o.Amount = after.AmountVND > plan.AmountVND
	}
	return o, nil
}
