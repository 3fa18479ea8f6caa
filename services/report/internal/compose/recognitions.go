package compose

import (
	"cmp"
	"slices"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
	"github.com/ntmsuite/ntm/services/report/internal/vn"
)

// recognitionSection counts recognitions by level for communes, villages
// and districts. What is in force on AsOf (the levels, their titles, the
// units holding each, former units and the denominator) is the criteria
// aggregate's, counted once there from the registry's list; the section
// adds what was decided in the period, from the same list.
func (in *Inputs) recognitionSection() *reportv1.RecognitionSection {
	b := in.basis("Trong kỳ: quyết định công nhận có hiệu lực từ ngày " + vn.Date(in.Period.From.String()) + " đến ngày " +
		vn.Date(in.AsOf.String()) + " (còn hiệu lực). Lũy kế: đang có hiệu lực ngày " + vn.Date(in.AsOf.String()) + ". " + reportedNote +
		" Tỷ lệ tính trên số đơn vị cùng cấp của ngày đó, cộng các đơn vị cũ được tính.")
	b.CountMode = countReported
	return &reportv1.RecognitionSection{
		Basis:     b,
		Communes:  in.levelCounts(registryv1.UnitType_COMMUNE),
		Villages:  in.levelCounts(registryv1.UnitType_VILLAGE),
		Districts: in.levelCounts(registryv1.UnitType_DISTRICT),
		Decided:   in.decided(),
	}
}

func (in *Inputs) levelCounts(t registryv1.UnitType) []*reportv1.LevelCount {
	tallies := in.tallies(t)
	out := make([]*reportv1.LevelCount, 0, len(tallies))
	for _, tally := range tallies {
		levels := []registryv1.RecognitionLevel{parseLevel(tally.GetLevel())}
		out = append(out, &reportv1.LevelCount{
			Level: tally.GetLevel(), DisplayName: tally.GetDisplayName(),
			InPeriod:   int32(in.recognised(t, levels, in.Period.From.String())),
			Cumulative: tally.GetUnits(), FormerUnits: tally.GetFormerCommunes(),
			Denominator: tally.GetDenominator(), Percent: tally.GetPercent(),
		})
	}
	return out
}

// tallies are the aggregate's recognition tallies of type t (counted
// "reported", as the report asks it).
func (in *Inputs) tallies(t registryv1.UnitType) []*criteriav1.RecognitionTally {
	switch t {
	case registryv1.UnitType_COMMUNE:
		return in.Aggregate.GetRecognitions()
	case registryv1.UnitType_VILLAGE:
		return in.Aggregate.GetVillageRecognitions()
	case registryv1.UnitType_DISTRICT:
		return in.Aggregate.GetDistrictRecognitions()
	}
	return nil
}

// decided lists the recognitions in force on AsOf that were decided in the
// period, by date.
func (in *Inputs) decided() []*reportv1.RecognitionRow {
	var out []*reportv1.RecognitionRow
	from := in.Period.From.String()
	for _, r := range in.Recognitions {
		rec := r.GetRecognition()
		if rec.GetEffectiveDate() < from {
			continue
		}
		out = append(out, &reportv1.RecognitionRow{
			UnitCode: rec.GetUnitCode(), DisplayName: r.GetDisplayName(), UnitType: rec.GetUnitType().String(),
			Level: rec.GetLevel().String(), DecisionNumber: rec.GetDecisionNumber(), EffectiveDate: rec.GetEffectiveDate(),
			CriteriaSet: rec.GetCriteriaSet(), OverrideReason: rec.GetOverrideReason(),
		})
	}
	slices.SortStableFunc(out, func(a, b *reportv1.RecognitionRow) int {
		return cmp.Or(cmp.Compare(a.GetEffectiveDate(), b.GetEffectiveDate()), cmp.Compare(a.GetUnitCode(), b.GetUnitCode()),
			cmp.Compare(parseLevel(a.GetLevel()), parseLevel(b.GetLevel())))
	})
	return out
}

// recognised counts the units of type t (on the recognition's date)
// holding one of levels on AsOf by a recognition effective on or after from
// (ISO text; "" for any date): the unit itself and the units under it,
// former ones included (communes become wards or merged away, districts
// abolished), as reports count.
func (in *Inputs) recognised(t registryv1.UnitType, levels []registryv1.RecognitionLevel, from string) int {
	units := map[string]bool{}
	for _, r := range in.Recognitions {
		rec := r.GetRecognition()
		if rec.GetUnitType() == t && slices.Contains(levels, rec.GetLevel()) && rec.GetEffectiveDate() >= from {
			units[rec.GetUnitCode()] = true
		}
	}
	return len(units)
}

// denominator is the number of units of type t a share of them is taken
// of, as the aggregate counts it: those under the unit on AsOf (and the unit
// itself when of the type), and the former units of the type counted at
// any level. Every tally of a type has the same; 0 when it has none.
func (in *Inputs) denominator(t registryv1.UnitType) int {
	for _, tally := range in.tallies(t) {
		return int(tally.GetDenominator())
	}
	return 0
}

// parseLevel reads a level's name as the aggregate writes it.
func parseLevel(s string) registryv1.RecognitionLevel {
	return registryv1.RecognitionLevel(registryv1.RecognitionLevel_value[s])
}
