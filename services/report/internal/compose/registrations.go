package compose

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/ntmsuite/ntm/platform/date"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
	"github.com/ntmsuite/ntm/services/report/internal/vn"
)

// ScoreKey names the score of a unit under a criteria set.
type ScoreKey struct{ Unit, Set string }

// Reached is the recognition by which reg reached its level, nil when it
// did not: the unit holds on asOf the level, or a level that requires it
// (by the rules of the registration's set, at any distance), by a
// recognition of the registration's year (see recognisedFor) effective on
// or before asOf. recs are the recognitions in force on asOf; set is the
// registration's.
func Reached(reg *criteriav1.Registration, recs []*registryv1.RecognitionInForce, set *criteriav1.CriteriaSet, asOf date.Date) *registryv1.Recognition {
	levels := atOrAbove(reg.GetLevel(), set)
	var first *registryv1.Recognition
	for _, r := range recs {
		rec := r.GetRecognition()
		if rec.GetUnitCode() != reg.GetUnitCode() || !levels[rec.GetLevel()] ||
			!recognisedFor(rec, reg.GetYear()) || rec.GetEffectiveDate() > asOf.String() {
			continue
		}
		if first == nil || rec.GetEffectiveDate() < first.GetEffectiveDate() {
			first = rec
		}
	}
	return first
}

// recognisedFor tells whether rec recognises its unit for year: by the
// year the decision names (năm đạt chuẩn: communes that reached the
// standard in 2019 are often recognised early in 2020), or, when it names
// none, by the year of its effective date.
func recognisedFor(rec *registryv1.Recognition, year int32) bool {
	if rec.GetYear() != 0 {
		return rec.GetYear() == year
	}
	return strings.HasPrefix(rec.GetEffectiveDate(), strconv.Itoa(int(year))+"-")
}

// atOrAbove is level with every level of set that requires it, directly or
// through another (MODEL requires ADVANCED, which requires STANDARD).
func atOrAbove(level registryv1.RecognitionLevel, set *criteriav1.CriteriaSet) map[registryv1.RecognitionLevel]bool {
	out := map[registryv1.RecognitionLevel]bool{level: true}
	for grew := true; grew; {
		grew = false
		for _, rule := range set.GetLevels() {
			if out[rule.GetLevel()] {
				continue
			}
			if slices.ContainsFunc(rule.GetRequires(), func(l registryv1.RecognitionLevel) bool { return out[l] }) {
				out[rule.GetLevel()] = true
				grew = true
			}
		}
	}
	return out
}

// Unreached are the registrations known on asOf (registered on or before
// it) that did not reach their level: the units whose scores the report
// shows. sets holds the registrations' sets by id.
func Unreached(regs []*criteriav1.Registration, recs []*registryv1.RecognitionInForce, sets map[string]*criteriav1.CriteriaSet, asOf date.Date) []*criteriav1.Registration {
	var out []*criteriav1.Registration
	for _, reg := range known(regs, asOf) {
		if Reached(reg, recs, sets[reg.GetCriteriaSet()], asOf) == nil {
			out = append(out, reg)
		}
	}
	return out
}

// known are the registrations recorded as registered on or before asOf.
func known(regs []*criteriav1.Registration, asOf date.Date) []*criteriav1.Registration {
	var out []*criteriav1.Registration
	for _, reg := range regs {
		if reg.GetRegisteredOn() <= asOf.String() {
			out = append(out, reg)
		}
	}
	return out
}

func (in *Inputs) registrationSection() *reportv1.RegistrationSection {
	b := in.basis("Đăng ký đạt chuẩn " + vn.Years(in.Period) + " đến ngày " + vn.Date(in.AsOf.String()) +
		". Đạt: được công nhận ở mức đã đăng ký (hoặc mức cao hơn) đạt chuẩn năm đăng ký (năm đạt chuẩn ghi trong quyết định; " +
		"quyết định không ghi năm thì theo năm của ngày hiệu lực), có hiệu lực đến ngày " +
		vn.Date(in.AsOf.String()) + ". Tiêu chí còn thiếu: theo lần đánh giá gần nhất đến ngày đó, theo bộ tiêu chí của đăng ký.")
	s := &reportv1.RegistrationSection{Basis: b}
	type key struct {
		unitType registryv1.UnitType
		level    registryv1.RecognitionLevel
	}
	tallies := map[key]*reportv1.RegistrationTally{}
	for _, reg := range known(in.Registrations, in.AsOf) {
		set := in.Sets[reg.GetCriteriaSet()]
		row := in.outcome(reg, set)
		s.Rows = append(s.Rows, row)
		k := key{reg.GetUnitType(), reg.GetLevel()}
		t := tallies[k]
		if t == nil {
			t = &reportv1.RegistrationTally{UnitType: reg.GetUnitType().String(), Level: reg.GetLevel().String(), DisplayName: levelName(set, reg.GetLevel())}
			tallies[k] = t
		}
		t.Registered++
		if row.GetReached() {
			t.Reached++
		}
	}
	slices.SortStableFunc(s.Rows, func(a, b *reportv1.RegistrationOutcome) int {
		return cmp.Or(cmp.Compare(a.GetYear(), b.GetYear()), cmp.Compare(a.GetUnitCode(), b.GetUnitCode()),
			cmp.Compare(parseLevel(a.GetLevel()), parseLevel(b.GetLevel())))
	})
	keys := make([]key, 0, len(tallies))
	for k := range tallies {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(typeRank(a.unitType), typeRank(b.unitType)), cmp.Compare(a.level, b.level))
	})
	for _, k := range keys {
		s.ByLevel = append(s.ByLevel, tallies[k])
	}
	return s
}

// outcome is whether reg reached its level, and what the unit still
// misses when it did not.
func (in *Inputs) outcome(reg *criteriav1.Registration, set *criteriav1.CriteriaSet) *reportv1.RegistrationOutcome {
	row := &reportv1.RegistrationOutcome{UnitType: reg.GetUnitType().String(), UnitCode: reg.GetUnitCode(),
		DisplayName: in.UnitNames[reg.GetUnitCode()], Level: reg.GetLevel().String(), Year: reg.GetYear()}
	if rec := Reached(reg, in.Recognitions, set, in.AsOf); rec != nil {
		row.Reached, row.RecognitionDecision, row.RecognisedOn = true, rec.GetDecisionNumber(), rec.GetEffectiveDate()
		return row
	}
	score := in.Scores[ScoreKey{reg.GetUnitCode(), reg.GetCriteriaSet()}]
	if score == nil {
		// Never assessed under the set: every criterion is still to be met.
		row.CriteriaCount = int32(len(set.GetCriteria()))
		for _, c := range set.GetCriteria() {
			row.Missing = append(row.Missing, c.GetCode()+" "+c.GetDisplayName())
		}
		return row
	}
	row.AssessedOn, row.CriteriaMet, row.CriteriaCount = score.GetAssessedOn(), score.GetMetCount(), score.GetCriteriaCount()
	for _, c := range score.GetCriteria() {
		if c.GetStatus() != criteriav1.CriterionStatus_MET {
			row.Missing = append(row.Missing, c.GetCode()+" "+c.GetDisplayName())
		}
	}
	return row
}

// levelName is the title set gives level ("Xã đạt chuẩn nông thôn mới"),
// or the level's name when the set does not define it.
func levelName(set *criteriav1.CriteriaSet, level registryv1.RecognitionLevel) string {
	for _, rule := range set.GetLevels() {
		if rule.GetLevel() == level {
			return rule.GetDisplayName()
		}
	}
	return level.String()
}

// typeRank orders unit types as reports list them: communes, villages,
// districts, provinces.
func typeRank(t registryv1.UnitType) int {
	switch t {
	case registryv1.UnitType_COMMUNE:
		return 0
	case registryv1.UnitType_VILLAGE:
		return 1
	case registryv1.UnitType_DISTRICT:
		return 2
	}
	return 3
}
