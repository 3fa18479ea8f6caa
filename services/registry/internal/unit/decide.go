package unit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ntmsuite/ntm/platform/fault"
)

// RecognitionFacts is everything a recognition is decided on: the set and
// the score come from the criteria service before the write, the rest is
// read inside the write's transaction.
type RecognitionFacts struct {
	// Request is the recognition asked for: unit, level, decision number,
	// effective date, set, year and override reason.
	Request Recognition
	// Set is the set the request names; nil when the criteria service has none.
	Set *CriteriaSet
	// Score is the unit's latest assessment under Set on or before the
	// effective date; nil when there is none.
	Score   *Score
	Subject Subject
	// Recognitions are every recognition of the unit, revoked ones included.
	Recognitions []Recognition
	// Units is the tally of the level's units condition (zero when it asks none).
	Units UnitsTally
}

// Decision is what to keep of a recognition request.
type Decision struct {
	Recognition Recognition
	// Retry says the request repeats a recorded decision: Recognition is
	// that record, and nothing is to be written.
	Retry bool
}

// DecideRecognition decides a recognition request from its facts: the
// recognition to record with its check, the earlier record when the request
// repeats it, or the refusal naming the field at fault.
func DecideRecognition(f RecognitionFacts) (Decision, error) {
	req := f.Request
	if first, ok := sameDecision(f.Recognitions, req); ok {
		if first.CriteriaSet != req.CriteriaSet || first.Year != req.Year || first.OverrideReason != req.OverrideReason {
			return Decision{}, fault.AlreadyExists("recognition", first.Name(),
				"decision %s recognising unit %s at %s from %s is already recorded as %s with another criteria set, year or override reason",
				req.DecisionNumber, req.UnitCode, req.Level, req.Valid.From, first.Name())
		}
		return Decision{Recognition: first, Retry: true}, nil
	}
	rule, err := CheckRecognitionSet(req, f.Set, f.Subject)
	if err != nil {
		return Decision{}, err
	}
	if held, ok := holding(f.Recognitions, req); ok {
		return Decision{}, fault.AlreadyExists("recognition", held.Name(),
			"unit %s already holds %s from %s (%s, decision %s): one recognition of a level is in force at a time; revoke it first",
			req.UnitCode, req.Level, held.Valid.From, held.Name(), held.DecisionNumber)
	}
	if len(rule.Requires) > 0 && !holdsAny(f.Recognitions, rule.Requires, req) {
		return Decision{}, fault.Invalid("recognition.level", "%s under %s requires %s in force on %s; unit %s holds %s",
			req.Level, f.Set.Code, orList(rule.Requires), req.Valid.From, req.UnitCode, heldOn(f.Recognitions, req))
	}
	r := req
	r.UnitType = f.Subject.Version.Type
	r.Check = check(f, rule)
	if short := shortfalls(f, r.Check); len(short) > 0 && strings.TrimSpace(req.OverrideReason) == "" {
		return Decision{}, fault.Invalid("recognition.override_reason", "%s: give override_reason to recognise it anyway",
			strings.Join(short, "; "))
	}
	return Decision{Recognition: r}, nil
}

// CheckRecognitionSet checks what a request asks of its set before anything
// is read of the unit's assessments: the unit exists on the effective date,
// the set exists, assesses units of the unit's type (in its province, for a
// provincial variant), is valid on the date and defines the level. It
// returns the set's rule for the level.
func CheckRecognitionSet(req Recognition, set *CriteriaSet, subj Subject) (LevelRule, error) {
	on := req.Valid.From
	if !subj.Exists {
		return LevelRule{}, fault.Invalid("unit_code", "unit %s does not exist on %s", req.UnitCode, on)
	}
	if set == nil {
		return LevelRule{}, fault.Invalid("recognition.criteria_set", "no criteria set %q (GET /v1/criteriaSets lists them)", req.CriteriaSet)
	}
	if set.UnitType != subj.Version.Type {
		return LevelRule{}, fault.Invalid("recognition.criteria_set", "criteria set %s assesses units of type %s; unit %s is a %s on %s",
			set.Code, set.UnitType, req.UnitCode, subj.Version.Type, on)
	}
	if set.ProvinceCode != "" && set.ProvinceCode != subj.ProvinceCode {
		return LevelRule{}, fault.Invalid("recognition.criteria_set", "criteria set %s belongs to province %s; unit %s is in province %s on %s",
			set.Code, set.ProvinceCode, req.UnitCode, subj.ProvinceCode, on)
	}
	if !set.Valid.Contains(on) {
		until := "on"
		if !set.Valid.To.IsZero() {
			until = "until " + set.Valid.To.AddDays(-1).String()
		}
		return LevelRule{}, fault.Invalid("recognition.criteria_set", "criteria set %s is valid from %s %s, not on the effective date %s",
			set.Code, set.Valid.From, until, on)
	}
	rule, ok := set.Rule(req.Level)
	if !ok {
		defined := make([]Level, len(set.Levels))
		for i, r := range set.Levels {
			defined[i] = r.Level
		}
		return LevelRule{}, fault.Invalid("recognition.level", "criteria set %s defines %s, not %s",
			set.Code, orList(defined), req.Level)
	}
	return rule, nil
}

// SetFits says whether CheckRecognitionSet lets the request through, so
// that the unit's score under the set is worth asking for.
func SetFits(req Recognition, set *CriteriaSet, subj Subject) bool {
	_, err := CheckRecognitionSet(req, set, subj)
	return err == nil
}

// sameDecision finds the recorded decision req repeats: same level,
// effective date and decision number (the unit is the same already).
func sameDecision(recs []Recognition, req Recognition) (Recognition, bool) {
	i := slices.IndexFunc(recs, func(r Recognition) bool {
		return r.Level == req.Level && r.Valid.From.Equal(req.Valid.From) && r.DecisionNumber == req.DecisionNumber
	})
	if i < 0 {
		return Recognition{}, false
	}
	return recs[i], true
}

// holding finds a recognition of req's level that would be in force with
// it: not revoked by its effective date, whether it began before or after.
func holding(recs []Recognition, req Recognition) (Recognition, bool) {
	i := slices.IndexFunc(recs, func(r Recognition) bool { return r.Level == req.Level && r.Valid.Overlaps(req.Valid) })
	if i < 0 {
		return Recognition{}, false
	}
	return recs[i], true
}

func holdsAny(recs []Recognition, levels []Level, req Recognition) bool {
	return slices.ContainsFunc(recs, func(r Recognition) bool {
		return r.InForceOn(req.Valid.From) && slices.Contains(levels, r.Level)
	})
}

// heldOn lists the levels the unit holds on req's date, for a refusal.
func heldOn(recs []Recognition, req Recognition) string {
	var held []Level
	for _, r := range recs {
		if r.InForceOn(req.Valid.From) {
			held = append(held, r.Level)
		}
	}
	if len(held) == 0 {
		return "none"
	}
	return orList(held)
}

// check is what the decision is kept with: the score (every criterion of
// the set unmet when there is no assessment) and the units tally.
func check(f RecognitionFacts, rule LevelRule) Check {
	c := Check{CriteriaCount: len(f.Set.Criteria), Unmet: f.Set.Criteria}
	if s := f.Score; s != nil {
		c = Check{Assessment: s.Assessment, AssessedOn: s.AssessedOn, CriteriaMet: s.CriteriaMet, CriteriaCount: s.CriteriaCount, Unmet: s.Unmet}
	}
	if rule.UnitsMinPercent > 0 {
		c.UnitsAtLevel, c.UnitsCounted, c.UnitsMinPercent = f.Units.AtLevel, f.Units.Counted, rule.UnitsMinPercent
	}
	return c
}

// shortfalls says what the unit lacks for the level, in the words of the
// refusal; empty when it meets it.
func shortfalls(f RecognitionFacts, c Check) []string {
	req := f.Request
	var out []string
	switch {
	case f.Score == nil:
		out = append(out, fmt.Sprintf("unit %s has no assessment under %s on or before %s", req.UnitCode, f.Set.Code, req.Valid.From))
	case len(c.Unmet) > 0:
		out = append(out, fmt.Sprintf("criteria not met on the assessment of %s (%s): %s", c.AssessedOn, c.Assessment, strings.Join(c.Unmet, ", ")))
	}
	if c.UnitsMinPercent > 0 && (c.UnitsCounted == 0 || c.UnitsAtLevel*100 < c.UnitsMinPercent*c.UnitsCounted) {
		rule, _ := f.Set.Rule(req.Level)
		out = append(out, fmt.Sprintf("%d of %d %s under unit %s hold %s on %s, the level asks %d%%",
			c.UnitsAtLevel, c.UnitsCounted, rule.UnitsType.Plural(), req.UnitCode, orList(rule.UnitsLevels), req.Valid.From, c.UnitsMinPercent))
	}
	return out
}

// orList writes levels as "STANDARD, ADVANCED or MODEL".
func orList(levels []Level) string {
	names := make([]string, len(levels))
	for i, l := range levels {
		names[i] = l.String()
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
