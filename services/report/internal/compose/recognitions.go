package compose

import (
	"cmp"
	"slices"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
	"github.com/ntmsuite/ntm/services/report/internal/vn"
)

// recognitionSection counts recognitions by level for communes, villages
// and districts. The levels and their titles are the aggregate's (every
// level the catalog defines for the type, even at zero); the counts come
// from the recognitions in force, by the one rule targets use too, so that
// the section, the targets and GET /v1/recognitions agree.
func (in *Inputs) recognitionSection() *reportv1.RecognitionSection {
	b := in.basis("Trong kỳ: quyết định công nhận có hiệu lực từ ngày " + vn.Date(in.Period.From.String()) + " đến ngày " +
		vn.Date(in.AsOf.String()) + " (còn hiệu lực). Lũy kế: đang có hiệu lực ngày " + vn.Date(in.AsOf.String()) + ". " + reportedNote +
		" Tỷ lệ tính trên số đơn vị cùng cấp của ngày đó, cộng các đơn vị cũ được tính.")
	b.CountMode = countReported
	agg := in.Aggregate
	return &reportv1.RecognitionSection{
		Basis:     b,
		Communes:  in.levelCounts(registryv1.UnitType_COMMUNE, agg.GetRecognitions()),
		Villages:  in.levelCounts(registryv1.UnitType_VILLAGE, agg.GetVillageRecognitions()),
		Districts: in.levelCounts(registryv1.UnitType_DISTRICT, agg.GetDistrictRecognitions()),
		Decided:   in.decided(),
	}
}

func (in *Inputs) levelCounts(t registryv1.UnitType, tallies []*criteriav1.RecognitionTally) []*reportv1.LevelCount {
	out := make([]*reportv1.LevelCount, 0, len(tallies))
	denominator := in.denominator(t)
	for _, tally := range tallies {
		levels := []registryv1.RecognitionLevel{parseLevel(tally.GetLevel())}
		all := in.recognised(t, levels, "")
		c := &reportv1.LevelCount{
			Level: tally.GetLevel(), DisplayName: tally.GetDisplayName(),
			InPeriod:    int32(len(in.recognised(t, levels, in.Period.From.String()).units)),
			Cumulative:  int32(len(all.units)),
			FormerUnits: int32(len(all.former)),
			Denominator: int32(denominator),
		}
		if denominator > 0 {
			c.Percent = vn.Round2(100 * float64(c.Cumulative) / float64(denominator))
		}
		out = append(out, c)
	}
	return out
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

// recognisedUnits are the units holding a level on AsOf, and of them those
// that no longer have the type they were recognised with.
type recognisedUnits struct{ units, former map[string]bool }

// recognised finds the units of type t (on the recognition's date) holding
// one of levels on AsOf by a recognition effective on or after from (ISO
// text; "" for any date): the unit itself and the units under it, with the
// former ones (communes become wards or merged away, districts abolished),
// as reports count.
func (in *Inputs) recognised(t registryv1.UnitType, levels []registryv1.RecognitionLevel, from string) recognisedUnits {
	out := recognisedUnits{units: map[string]bool{}, former: map[string]bool{}}
	for _, r := range in.Recognitions {
		rec := r.GetRecognition()
		if rec.GetUnitType() != t || !slices.Contains(levels, rec.GetLevel()) || rec.GetEffectiveDate() < from {
			continue
		}
		out.units[rec.GetUnitCode()] = true
		if registryclient.IsFormer(r) {
			out.former[rec.GetUnitCode()] = true
		}
	}
	return out
}

// denominator is the number of units of type t a share of them is taken
// of: those under the unit on AsOf (and the unit itself when of the type),
// and the former units of the type counted at any level, as the criteria
// aggregate counts.
func (in *Inputs) denominator(t registryv1.UnitType) int {
	n := 0
	for _, c := range in.Counts {
		if c.GetType() == t {
			n += int(c.GetUnits())
		}
	}
	if in.Unit.GetType() == t {
		n++
	}
	former := map[string]bool{}
	for _, r := range in.Recognitions {
		if rec := r.GetRecognition(); registryclient.IsFormer(r) && rec.GetUnitType() == t {
			former[rec.GetUnitCode()] = true
		}
	}
	return n + len(former)
}

// parseLevel reads a level's name as the aggregate writes it.
func parseLevel(s string) registryv1.RecognitionLevel {
	return registryv1.RecognitionLevel(registryv1.RecognitionLevel_value[s])
}
