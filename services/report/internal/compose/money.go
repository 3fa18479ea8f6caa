package compose

import (
	"cmp"
	"slices"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/period"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
)

// MoneyInputs are the answers money per result is composed from: the
// communes that came to meet each criterion in the period (criteria
// service), the money of the period by purpose and source, and the
// purposes with the criterion each serves (funding service).
type MoneyInputs struct {
	UnitCode string
	Period   period.Period
	From, To date.Date
	Gains    *criteriav1.CriterionGains
	Funding  *fundingv1.FundingSummary
	Purposes []*fundingv1.Purpose
}

// MoneyPerResult joins, per criterion of the set in force at the period's
// end (Gains.criteria_set), the money of the purposes serving it in that set
// to the communes that came to meet it: disbursed money per such commune,
// in all and by source. A purpose serving no criterion of the set (OCOP,
// programme management) is in no row.
func MoneyPerResult(in MoneyInputs) *reportv1.MoneyPerResult {
	// Purposes link to criteria of national sets; a province's variant
	// shares its base's criteria.
	set := cmp.Or(in.Gains.GetNationalSet(), in.Gains.GetCriteriaSet())
	out := &reportv1.MoneyPerResult{UnitCode: in.UnitCode, Period: in.Period.String(), From: in.From.String(), To: in.To.String(),
		CriteriaSet: in.Gains.GetCriteriaSet(), Communes: in.Gains.GetCommunes()}
	money := map[string]*fundingv1.PurposeProgress{}
	for _, p := range in.Funding.GetByPurpose() {
		money[p.GetPurpose()] = p
	}
	for _, g := range in.Gains.GetCriteria() {
		row := &reportv1.CriterionMoney{Code: g.GetCode(), DisplayName: g.GetDisplayName(), CameToMeet: g.GetCameToMeet(),
			UnknownAtStart: g.GetUnknownAtStart(), Confirmed: g.GetConfirmed()}
		sources := map[string]*reportv1.SourceMoney{}
		for _, p := range in.Purposes {
			link := linkTo(p, set, g.GetCode())
			if link == nil {
				continue
			}
			row.Purposes = append(row.Purposes, p.GetCode())
			row.Confirmed = row.Confirmed && link.GetConfirmed()
			m := money[p.GetCode()]
			row.PlannedVnd += m.GetProgress().GetPlannedVnd()
			row.DisbursedVnd += m.GetProgress().GetDisbursedVnd()
			for _, src := range m.GetBySource() {
				sm := sources[src.GetSource()]
				if sm == nil {
					sm = &reportv1.SourceMoney{Source: src.GetSource(), DisplayName: src.GetDisplayName()}
					sources[src.GetSource()] = sm
				}
				sm.PlannedVnd += src.GetProgress().GetPlannedVnd()
				sm.DisbursedVnd += src.GetProgress().GetDisbursedVnd()
			}
		}
		row.BySource = inSourceOrder(in.Funding, sources)
		if n := int64(g.GetCameToMeet()); n > 0 {
			row.HasDisbursedPerCommune = true
			row.DisbursedPerCommuneVnd = perCommune(row.DisbursedVnd, n)
			for _, sm := range row.BySource {
				sm.DisbursedPerCommuneVnd = perCommune(sm.DisbursedVnd, n)
			}
		}
		out.Criteria = append(out.Criteria, row)
	}
	return out
}

func linkTo(p *fundingv1.Purpose, set, code string) *fundingv1.CriterionLink {
	for _, l := range p.GetCriteria() {
		if l.GetCriteriaSet() == set && l.GetCriterionCode() == code {
			return l
		}
	}
	return nil
}

// inSourceOrder lists sources in the order of the summary's by_source,
// which is the funding catalog's.
func inSourceOrder(sum *fundingv1.FundingSummary, sources map[string]*reportv1.SourceMoney) []*reportv1.SourceMoney {
	var out []*reportv1.SourceMoney
	for _, s := range sum.GetBySource() {
		if sm, ok := sources[s.GetSource()]; ok {
			out = append(out, sm)
		}
	}
	// A purpose's source always appears in the summary's by_source; sort
	// any other to the end so no money is dropped.
	var rest []string
	for code := range sources {
		if !slices.ContainsFunc(out, func(sm *reportv1.SourceMoney) bool { return sm.GetSource() == code }) {
			rest = append(rest, code)
		}
	}
	slices.Sort(rest)
	for _, code := range rest {
		out = append(out, sources[code])
	}
	return out
}

// perCommune is vnd / n (n > 0) rounded to the nearest dong, halves up;
// money is never negative. Computed from the remainder, so no sum of the
// largest amounts overflows.
func perCommune(vnd, n int64) int64 {
	q, r := vnd/n, vnd%n
	if r >= n-r {
		q++
	}
	return q
}
