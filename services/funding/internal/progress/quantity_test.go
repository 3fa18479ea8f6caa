package progress

import (
	"strconv"
	"testing"
)

func TestParseQuantity(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"120", 120_000, true}, {"120.5", 120_500, true}, {"0.125", 125, true}, {"0", 0, true},
		{"1000000000", MaxQuantityMilli, true},
		{"1000000000.001", 0, false}, {"99999999999999999999", 0, false},
		{"", 0, false}, {".5", 0, false}, {"5.", 0, false}, {"-5", 0, false}, {"+5", 0, false},
		{"1.2345", 0, false}, {"1,5", 0, false}, {"1e3", 0, false}, {"1 000", 0, false}, {"1.2.3", 0, false},
	} {
		got, err := ParseQuantity(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseQuantity(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestFormatQuantity(t *testing.T) {
	for milli, want := range map[int64]string{0: "0", 5: "0.005", 120_500: "120.5", 120_000: "120", 125: "0.125", 1_010: "1.01", -1_500: "-1.5"} {
		if got := FormatQuantity(milli); got != want {
			t.Errorf("FormatQuantity(%d) = %q, want %q", milli, got, want)
		}
	}
}

// FuzzParseQuantity: any text either fails or reads to a quantity in range
// that formats back to the same number.
func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{"120", "120.5", "0.125", "", ".", "1e3", "-1", "00012.500", "1000000000.000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseQuantity(s)
		if err != nil {
			return
		}
		if n < 0 || n > MaxQuantityMilli {
			t.Fatalf("ParseQuantity(%q) = %d, out of range", s, n)
		}
		back, err := ParseQuantity(FormatQuantity(n))
		if err != nil || back != n {
			t.Fatalf("round trip of %q: %d -> %q -> %d, %v", s, n, FormatQuantity(n), back, err)
		}
		if f, _ := strconv.ParseFloat(s, 64); f*1000 < float64(n)-1 || f*1000 > float64(n)+1 {
			t.Fatalf("ParseQuantity(%q) = %d, far from %v", s, n, f)
		}
	})
}
