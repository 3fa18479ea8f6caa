package catalog

// ThresholdFor returns the threshold that applies to a commune of scope (region
// or commune group) in year, the most specific first: scope and year, scope
// alone, year alone (a national row), then the default.
//
// Year-dependent amounts (income) have rows for some years only. When year has
// no row, the nearest earlier year is used, else the nearest later one: the
// 2016-2020 file has rows for 2017-2020 only (legal 2020, synthetic 2017-2019),
// so an assessment of 2016 uses 2017 and one of 2021 or 2022 (the set applied
// until March 2022) uses 2020; the 2021-2025 file has 2022-2025, so early 2026
// uses 2025.
func (ind *Indicator) ThresholdFor(scope string, year int) (Threshold, bool) {
	y := ind.effectiveYear(scope, year)
	var best Threshold
	rank := 0
	for _, t := range ind.Thresholds {
		r := 0
		switch {
		case t.Scope == scope && t.Year == y:
			r = 4
		case t.Scope == scope && t.Year == 0:
			r = 3
		case t.Scope == "" && t.Year == y:
			r = 2
		case t.Scope == "" && t.Year == 0:
			r = 1
		}
		if r > rank {
			best, rank = t, r
		}
	}
	return best, rank > 0
}

// effectiveYear is year if some row for scope (or for every scope) has it,
// else the nearest earlier such year, else the nearest later one; year itself
// when no row depends on the year.
func (ind *Indicator) effectiveYear(scope string, year int) int {
	earlier, later := 0, 0
	for _, t := range ind.Thresholds {
		if t.Year == 0 || (t.Scope != scope && t.Scope != "") {
			continue
		}
		switch {
		case t.Year == year:
			return year
		case t.Year < year && t.Year > earlier:
			earlier = t.Year
		case t.Year > year && (later == 0 || t.Year < later):
			later = t.Year
		}
	}
	if earlier != 0 {
		return earlier
	}
	if later != 0 {
		return later
	}
	return year
}
