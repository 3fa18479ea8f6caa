package server

import (
	"cmp"
	"context"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/request"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
	"github.com/ntmsuite/ntm/services/criteria/internal/statusindex"
	"github.com/ntmsuite/ntm/services/criteria/internal/trend"
)

// GetCriterionGains counts, for each criterion of the commune set in force
// on `to`, the communes under the unit on `to` that came to meet it between
// `from` and `to` (trend.Gains; the definition is CriterionGain's).
func (s *Server) GetCriterionGains(ctx context.Context, req *criteriav1.GetCriterionGainsRequest) (*criteriav1.CriterionGains, error) {
	code := req.GetUnitCode()
	if err := s.guard.Unit(ctx, auth.Read, code); err != nil {
		return nil, err
	}
	from, err := request.Date(req.GetFrom(), "from")
	if err != nil {
		return nil, err
	}
	to, err := request.Date(req.GetTo(), "to")
	if err != nil {
		return nil, err
	}
	if to.Before(from) {
		return nil, fault.Invalid("to", "%s is before from (%s)", to, from)
	}
	u, err := aggregatedUnit(ctx, s.registry, code, to)
	if err != nil {
		return nil, err
	}
	set, err := s.setFor(u, catalog.UnitCommune, "", "", to, "to")
	if err != nil {
		return nil, err
	}
	codes, err := communesOf(ctx, s.registry, u, to)
	if err != nil {
		return nil, err
	}
	if err := s.index.catchUp(ctx); err != nil {
		return nil, err
	}
	own, err := trend.Readings(s.catalog, set, set)
	if err != nil {
		return nil, err
	}
	communes := s.index.Resolve(codes)
	endStates, _ := s.index.Latest(set.Code, to, communes)
	starts := s.startBaselines(u.ProvinceCode, from, to, set, communes)
	out := &criteriav1.CriterionGains{UnitCode: code, From: from.String(), To: to.String(), CriteriaSet: set.Code, Communes: int32(len(codes)),
		NationalSet: cmp.Or(set.Base, set.Code)}
	for _, g := range trend.Gains(trend.Baseline{Readings: own, States: endStates}, starts) {
		out.Criteria = append(out.Criteria, &criteriav1.CriterionGain{Code: g.Code, DisplayName: g.Name, MetAtEnd: int32(g.MetAtEnd),
			MetAtStart: int32(g.MetAtStart), CameToMeet: int32(len(g.Came)), CommuneCodes: g.Came, UnknownAtStart: int32(g.UnknownAtStart),
			Confirmed: g.Confirmed, Approximate: g.Approximate})
	}
	return out, nil
}

// startBaselines are the communes' starts in the order trend.Gains tries
// them: the latest assessment before from under the set in force the day
// before, then each commune's first assessment dated in the period, under
// whichever commune set it was made (one baseline per such set, holding
// only the communes whose earliest assessment is under it). A set no
// crosswalk leads from to the end set gives no baseline.
func (s *Server) startBaselines(province string, from, to date.Date, end *catalog.Set, communes statusindex.Units) []trend.Baseline {
	codes := communes.Codes()
	var out []trend.Baseline
	day := from.AddDays(-1)
	if set, ok := s.catalog.SetFor(day, province, catalog.UnitCommune); ok {
		if rs, err := trend.Readings(s.catalog, set, end); err == nil {
			states, _ := s.index.Latest(set.Code, day, communes)
			out = append(out, trend.Baseline{Readings: rs, States: states})
		}
	}
	period := date.Range{From: from, To: to.AddDays(1)}
	earliest := make([]date.Date, len(codes))
	var firsts []trend.Baseline
	var firstOn [][]date.Date
	for _, set := range s.catalog.Sets() {
		if set.UnitType != catalog.UnitCommune || (set.ProvinceCode != "" && set.ProvinceCode != province) || !set.Valid.Overlaps(period) {
			continue
		}
		rs, err := trend.Readings(s.catalog, set, end)
		if err != nil {
			continue
		}
		states, on := s.index.First(set.Code, from, to, communes)
		for j := range codes {
			if states[j].Statuses != nil && (earliest[j].IsZero() || on[j].Before(earliest[j])) {
				earliest[j] = on[j]
			}
		}
		firsts = append(firsts, trend.Baseline{Readings: rs, States: states})
		firstOn = append(firstOn, on)
	}
	// Keep each commune's earliest only: two sets' firsts of one commune
	// (a set ending in the period, its successor) are not both its start.
	for i, b := range firsts {
		for j := range codes {
			if b.States[j].Statuses != nil && !firstOn[i][j].Equal(earliest[j]) {
				b.States[j] = scoring.CommuneState{Code: codes[j]}
			}
		}
	}
	return append(out, firsts...)
}
