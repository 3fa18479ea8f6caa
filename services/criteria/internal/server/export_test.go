package server

// SetListingMinUnits makes batches of n units of a date or more list the
// map of that date, until the returned function puts it back.
func SetListingMinUnits(n int) (restore func()) {
	old := listingMinUnits
	listingMinUnits = n
	return func() { listingMinUnits = old }
}
