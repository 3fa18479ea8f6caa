package sheet_test

import (
	"testing"

	"github.com/ntmsuite/ntm/platform/sheet"
)

func TestDecimal(t *testing.T) {
	for in, want := range map[string]string{
		"85": "85", "85,5": "85.5", "85.5": "85.5", "1.234,5": "1234.5", "1,234.5": "1234.5", " 41,5 ": "41.5",
		"-3": "-3", "1 234,5": "1234.5", "1\u00a0234": "1234", "1.234.567,5": "1234567.5", "0,855": "0.855",
	} {
		if got, ok := sheet.Decimal(in); !ok || got != want {
			t.Errorf("Decimal(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "abc", "1e5", "NaN", "Inf", "0x10", "1,234,567", "1.2.3", "--1", "-", ".", "1-2", "1,5.2", "12,34.5", "1.2345,6"} {
		if got, ok := sheet.Decimal(in); ok {
			t.Errorf("Decimal(%q) = %q, want refused", in, got)
		}
	}
}
