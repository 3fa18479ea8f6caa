package server

import (
	"fmt"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
)

func setToProto(s *catalog.Set) *criteriav1.CriteriaSet {
	p := &criteriav1.CriteriaSet{
		Name: "criteriaSets/" + s.Code, Id: s.Code, DisplayName: s.Name, DisplayNameEn: s.NameEN,
		ValidFrom: s.Valid.From.String(), ValidTo: s.Valid.To.String(),
		ThresholdDimension: string(s.Dimension), ProvinceCode: s.ProvinceCode, BaseSet: s.Base,
		LegalBasis: s.LegalBasis, UnitType: unitTypeToProto(s.UnitType), Phase: s.Phase.Text,
	}
	for _, l := range s.Levels {
		p.Levels = append(p.Levels, levelRuleToProto(l))
	}
	for _, c := range s.Criteria {
		pc := &criteriav1.Criterion{Code: c.Code, DisplayName: c.Name, DisplayNameEn: c.NameEN, Confirmed: c.Confirmed}
		for _, ind := range c.Indicators {
			pi := &criteriav1.Indicator{Code: ind.Code, DisplayName: ind.Name, DisplayNameEn: ind.NameEN, Kind: kindToProto[ind.Kind],
				Op: ind.Op, Unit: ind.Unit, Confirmed: ind.Confirmed, Note: ind.Note}
			for _, t := range ind.Thresholds {
				pi.Thresholds = append(pi.Thresholds, &criteriav1.Threshold{Scope: t.Scope, Year: int32(t.Year), Value: t.Value, Source: t.Source, Confirmed: t.Confirmed})
			}
			pc.Indicators = append(pc.Indicators, pi)
		}
		p.Criteria = append(p.Criteria, pc)
	}
	for _, b := range s.Bands {
		p.ReportBands = append(p.ReportBands, &criteriav1.ReportBand{Label: b.Label, Min: int32(b.Min), Max: int32(b.Max)})
	}
	for _, n := range s.Below {
		p.ReportBelow = append(p.ReportBelow, int32(n))
	}
	return p
}

func levelRuleToProto(l catalog.LevelRule) *criteriav1.LevelRule {
	p := &criteriav1.LevelRule{Level: levelToProto(l.Level), DisplayName: l.Name, Requires: levelsToProto(l.Requires),
		LegalBasis: l.LegalBasis, Confirmed: l.Confirmed, Note: l.Note}
	if u := l.Units; u != nil {
		p.UnitsType, p.UnitsLevels, p.UnitsMinPercent = unitTypeToProto(u.Type), levelsToProto(u.Levels), int32(u.MinPercent)
	}
	return p
}

func targetKindToProto(k catalog.TargetKind) *criteriav1.TargetKind {
	return &criteriav1.TargetKind{Code: k.Code, DisplayName: k.Name, ValueUnit: k.ValueUnit,
		Measure:  criteriav1.TargetMeasure(criteriav1.TargetMeasure_value[string(k.Measure)]),
		UnitType: unitTypeToProto(k.UnitType), Levels: levelsToProto(k.Levels), MinStars: int32(k.MinStars),
		AtMost: k.AtMost, Confirmed: k.Confirmed, Note: k.Note}
}

// The catalog names unit types, levels and measures as the enums do (its
// tests check every name), so conversions go by name.
func unitTypeToProto(t catalog.UnitType) registryv1.UnitType {
	return registryv1.UnitType(registryv1.UnitType_value[string(t)])
}

func levelToProto(l catalog.Level) registryv1.RecognitionLevel {
	return registryv1.RecognitionLevel(registryv1.RecognitionLevel_value[string(l)])
}

func levelsToProto(ls []catalog.Level) []registryv1.RecognitionLevel {
	var out []registryv1.RecognitionLevel
	for _, l := range ls {
		out = append(out, levelToProto(l))
	}
	return out
}

var kindToProto = map[catalog.Kind]criteriav1.IndicatorKind{
	catalog.KindBoolean: criteriav1.IndicatorKind_BOOLEAN,
	catalog.KindPercent: criteriav1.IndicatorKind_PERCENT,
	catalog.KindAmount:  criteriav1.IndicatorKind_AMOUNT,
	catalog.KindCount:   criteriav1.IndicatorKind_COUNT,
}

// inputFromProto reads an assessment's values and verdicts; the engine
// checks them against the set.
func inputFromProto(a *criteriav1.Assessment, field string) scoring.Input {
	in := scoring.Input{Field: field}
	if n := len(a.GetValues()); n > 0 {
		in.Values = make([]scoring.IndicatorValue, 0, n)
	}
	for _, v := range a.GetValues() {
		iv := scoring.IndicatorValue{Code: v.GetIndicatorCode()}
		switch x := v.GetValue().(type) {
		case *criteriav1.IndicatorValue_Flag:
			iv.Value = scoring.Value{Flag: x.Flag, IsFlag: true}
		case *criteriav1.IndicatorValue_Number:
			iv.Value = scoring.Value{Number: x.Number}
		}
		in.Values = append(in.Values, iv)
	}
	for _, v := range a.GetVerdicts() {
		in.Verdicts = append(in.Verdicts, scoring.Verdict{Criterion: v.GetCriterionCode(), Status: scoring.Status(v.GetStatus())})
	}
	return in
}

func assessmentToProto(a store.Assessment) *criteriav1.Assessment {
	p := &criteriav1.Assessment{
		Name: store.Name(a.UnitCode, a.ID), UnitCode: a.UnitCode, AssessedOn: a.AssessedOn.String(), CriteriaSet: a.SetCode,
		Author: a.Author, Note: a.Note, EvidenceRef: a.EvidenceRef,
		Score:      scoreToProto(a),
		CreateTime: a.CreatedAt.UTC().Format(time.RFC3339),
	}
	for _, v := range a.Values {
		pv := &criteriav1.IndicatorValue{IndicatorCode: v.Code}
		if v.Value.IsFlag {
			pv.Value = &criteriav1.IndicatorValue_Flag{Flag: v.Value.Flag}
		} else {
			pv.Value = &criteriav1.IndicatorValue_Number{Number: v.Value.Number}
		}
		p.Values = append(p.Values, pv)
	}
	for _, v := range a.Verdicts {
		p.Verdicts = append(p.Verdicts, &criteriav1.CriterionVerdict{CriterionCode: v.Criterion, Status: criteriav1.CriterionStatus(v.Status)})
	}
	return p
}

// scoreToProto is the score stored with an assessment: decided when it was
// recorded, so later changes to thresholds do not rewrite history.
func scoreToProto(a store.Assessment) *criteriav1.Score {
	r := a.Result
	p := &criteriav1.Score{
		UnitCode: a.UnitCode, CriteriaSet: a.SetCode, Assessment: store.Name(a.UnitCode, a.ID), AssessedOn: a.AssessedOn.String(),
		MetCount: int32(r.MetCount), CriteriaCount: int32(r.Total), AllMet: r.AllMet, Band: r.Band,
	}
	for _, c := range r.Criteria {
		pc := &criteriav1.CriterionScore{Code: c.Code, DisplayName: c.Name, Status: criteriav1.CriterionStatus(c.Status), Basis: c.Basis, Missing: c.Missing}
		for _, g := range c.Failing {
			pc.Failing = append(pc.Failing, &criteriav1.IndicatorGap{IndicatorCode: g.Indicator, DisplayName: g.Name, Op: g.Op,
				Threshold: g.Threshold, Value: g.Value, Unit: g.Unit, Summary: g.Summary})
		}
		p.Criteria = append(p.Criteria, pc)
	}
	return p
}

// dateRange is how errors show a set's validity: "from 2021-01-01 until 2026-01-01" or "from 2026-01-01".
func dateRange(r date.Range) string {
	if r.To.IsZero() {
		return "from " + r.From.String()
	}
	return fmt.Sprintf("from %s until %s", r.From, r.To)
}
