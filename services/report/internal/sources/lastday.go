package sources

import (
	"github.com/ntmsuite/ntm/platform/date"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// lastDayAs is the last day, on or before asOf, on which a unit had type
// typ, from the versions of its lineage: the day a registered commune that
// has since become a ward or merged away was last a commune, so that its
// score is read from the set it registered under. It is false when the unit
// never had the type by asOf.
func lastDayAs(versions []*registryv1.Unit, typ registryv1.UnitType, asOf date.Date) (date.Date, bool) {
	var last date.Date
	for _, v := range versions {
		from, err := date.Parse(v.GetValidFrom())
		if err != nil || v.GetType() != typ || from.After(asOf) {
			continue
		}
		day := asOf
		if to, err := date.Parse(v.GetValidTo()); err == nil && !to.After(asOf) {
			day = to.AddDays(-1) // valid_to is the first day after the version
		}
		if day.After(last) {
			last = day
		}
	}
	return last, !last.IsZero()
}
