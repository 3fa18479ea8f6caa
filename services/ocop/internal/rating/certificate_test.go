package rating

import "testing"

func TestValidUntil(t *testing.T) {
	months := load(t).Certificate.ValidMonths
	if months != 36 {
		t.Fatalf("valid months = %d, want 36 from the data", months)
	}
	tests := []struct {
		issued string
		months int
		want   string
	}{
		{"2022-03-15", months, "2025-03-15"},
		{"2022-12-31", months, "2025-12-31"},
		// The day does not exist in the month reached: valid to the end of that month.
		{"2020-02-29", months, "2023-03-01"},
		{"2022-08-31", 6, "2023-03-01"},
		{"2023-08-31", 6, "2024-03-01"},
		{"2023-08-29", 6, "2024-02-29"},
		{"2022-01-31", 3, "2022-05-01"},
	}
	for _, tt := range tests {
		if got := ValidUntil(d(tt.issued), tt.months); got != d(tt.want) {
			t.Errorf("ValidUntil(%s, %d) = %s, want %s", tt.issued, tt.months, got, tt.want)
		}
	}
}

func TestInForceAndExpiring(t *testing.T) {
	cert := Certificate{IssuedOn: d("2022-03-15"), ValidUntil: ValidUntil(d("2022-03-15"), 36)}
	revoked := cert
	revoked.EndedOn = d("2024-01-01")
	late := cert // an end after the validity changes nothing
	late.EndedOn = d("2026-01-01")
	tests := []struct {
		name     string
		c        Certificate
		asOf     string
		days     int
		inForce  bool
		expiring bool
	}{
		{"before issue", cert, "2022-03-14", 30, false, false},
		{"issue day", cert, "2022-03-15", 30, true, false},
		{"last day", cert, "2025-03-14", 0, true, false},
		{"last day, 1 day ahead", cert, "2025-03-14", 1, true, true},
		{"valid until", cert, "2025-03-15", 30, false, false},
		{"30 days ahead", cert, "2025-02-13", 30, true, true},
		{"31 days ahead", cert, "2025-02-12", 30, true, false},
		{"revoked: day before", revoked, "2023-12-31", 30, true, false},
		// The day before a later revocation, a certificate near its end reads
		// as expiring: that day did not know of the revocation.
		{"revoked: day before, its end within 500 days", revoked, "2023-12-31", 500, true, true},
		{"revoked: from the day", revoked, "2024-01-01", 30, false, false},
		{"revoked: near its validity", revoked, "2025-03-01", 30, false, false},
		{"ended after its validity", late, "2025-03-01", 30, true, true},
		{"ended after its validity: valid until", late, "2025-03-15", 30, false, false},
	}
	for _, tt := range tests {
		if got := InForce(tt.c, d(tt.asOf)); got != tt.inForce {
			t.Errorf("%s: InForce(%s) = %v", tt.name, tt.asOf, got)
		}
		if got := ExpiringWithin(tt.c, d(tt.asOf), tt.days); got != tt.expiring {
			t.Errorf("%s: ExpiringWithin(%s, %d) = %v", tt.name, tt.asOf, tt.days, got)
		}
	}
}
