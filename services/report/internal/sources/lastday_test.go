package sources

import (
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

func TestLastDayAs(t *testing.T) {
	commune, ward := registryv1.UnitType_COMMUNE, registryv1.UnitType_WARD
	// Xã Đông Cao became a ward on 2022-05-01 and merged away on 2025-07-01.
	versions := []*registryv1.Unit{
		{Type: commune, ValidFrom: "2008-01-01", ValidTo: "2022-05-01"},
		{Type: ward, ValidFrom: "2022-05-01", ValidTo: "2025-07-01"},
	}
	for _, c := range []struct {
		typ        registryv1.UnitType
		asOf, want string
	}{
		{commune, "2020-12-31", "2020-12-31"}, // still a commune
		{commune, "2022-12-31", "2022-04-30"}, // its last day as a commune
		{ward, "2026-01-01", "2025-06-30"},    // its last day at all
		{ward, "2021-12-31", ""},              // not yet a ward
	} {
		got, ok := lastDayAs(versions, c.typ, date.MustParse(c.asOf))
		if c.want == "" {
			if ok {
				t.Errorf("%v on %s: %s, want none", c.typ, c.asOf, got)
			}
			continue
		}
		if !ok || got != date.MustParse(c.want) {
			t.Errorf("%v on %s: %s (%v), want %s", c.typ, c.asOf, got, ok, c.want)
		}
	}
}
