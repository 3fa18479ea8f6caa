package compose

// fewestMet is the result of a "no commune under target criteria" plan
// (MIN_CRITERIA): the fewest criteria an assessed commune meets, read from
// the aggregate's histogram. It is false when no commune was assessed.
func (in *Inputs) fewestMet() (float64, bool) {
	for met, n := range in.Aggregate.GetMetHistogram() {
		if n > 0 {
			return float64(met), true
		}
	}
	return 0, false
}

// communesBelow counts the assessed communes meeting fewer than n criteria.
func (in *Inputs) communesBelow(n float64) int {
	count := 0
	for met, c := range in.Aggregate.GetMetHistogram() {
		if float64(met) < n {
			count += int(c)
		}
	}
	return count
}
