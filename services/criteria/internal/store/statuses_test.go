package store

import (
	"slices"
	"testing"

	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
)

// The CHECK on the statuses column keeps bad characters out of the database,
// so corruption can only be shown here: it must fail, never read as not met.
func TestDecodeStatusesRejectsCorruption(t *testing.T) {
	for _, s := range []string{"MX", "m", "M N", "MBN\x00"} {
		if got, err := decodeStatuses(s); err == nil {
			t.Errorf("decodeStatuses(%q) = %v, want an error", s, got)
		}
	}
	got, err := decodeStatuses("MBN")
	if want := []scoring.Status{scoring.Met, scoring.BasicallyMet, scoring.NotMet}; err != nil || !slices.Equal(got, want) {
		t.Errorf("decodeStatuses(MBN) = %v, %v; want %v", got, err, want)
	}
	if got, err := decodeStatuses(""); err != nil || got == nil {
		t.Errorf(`decodeStatuses("") = %#v, %v; want an empty, non-nil slice (nil means not assessed)`, got, err)
	}
}
