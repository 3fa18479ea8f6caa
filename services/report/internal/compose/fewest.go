package compose

// fewestMet is the result of a "no commune under target criteria" plan
// (MIN_CRITERIA): the fewest criteria an assessed commune meets, as far as
// the aggregate tells it. The aggregate gives communes by band and "under
// N" counts, not each commune's figure, so the result is the largest
// threshold no assessed commune is under (the lowest band holding a commune
// starts there): exact for the thresholds reports quote, and given only
// when it decides the plan. It is false when no commune was assessed, or
// when the target is not a threshold of the set's bands or "under N"
// counts and some commune may lie under it.
func (in *Inputs) fewestMet(target float64) (float64, bool) {
	agg := in.Aggregate
	if agg.GetAssessedCommunes() == 0 {
		return 0, false
	}
	mins := map[string]int32{}
	for _, b := range in.Sets[agg.GetCriteriaSet()].GetReportBands() {
		mins[b.GetLabel()] = b.GetMin()
	}
	bound, found := int32(0), false
	for _, b := range agg.GetBands() {
		if m, ok := mins[b.GetLabel()]; ok && b.GetCommunes() > 0 && (!found || m < bound) {
			bound, found = m, true
		}
	}
	for _, b := range agg.GetBelow() {
		if b.GetCommunes() == 0 && b.GetCriteria() > bound {
			bound = b.GetCriteria()
		}
	}
	if float64(bound) >= target {
		return float64(bound), true
	}
	if n, ok := in.communesBelow(target); ok && n > 0 {
		return float64(bound), true
	}
	return 0, false
}

// communesBelow counts the assessed communes meeting fewer than n
// criteria, when the aggregate tells it: n is one of its "under N" counts,
// or a boundary of the set's bands.
func (in *Inputs) communesBelow(n float64) (int, bool) {
	agg := in.Aggregate
	for _, b := range agg.GetBelow() {
		if float64(b.GetCriteria()) == n {
			return int(b.GetCommunes()), true
		}
	}
	bands := map[string][2]int32{}
	for _, b := range in.Sets[agg.GetCriteriaSet()].GetReportBands() {
		bands[b.GetLabel()] = [2]int32{b.GetMin(), b.GetMax()}
	}
	count := 0
	for _, b := range agg.GetBands() {
		r, ok := bands[b.GetLabel()]
		switch {
		case !ok, float64(r[0]) < n && n <= float64(r[1]):
			return 0, false // a band unknown, or one that n splits
		case float64(r[1]) < n:
			count += int(b.GetCommunes())
		}
	}
	return count, true
}
