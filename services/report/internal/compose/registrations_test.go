package compose

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
)

func outcomeLines(rows []*reportv1.RegistrationOutcome) []string {
	var out []string
	for _, r := range rows {
		s := fmt.Sprintf("%d %s %s %s %s", r.GetYear(), r.GetUnitType(), r.GetUnitCode(), r.GetDisplayName(), r.GetLevel())
		if r.GetReached() {
			s += fmt.Sprintf(": reached by %s on %s", r.GetRecognitionDecision(), r.GetRecognisedOn())
		} else {
			s += fmt.Sprintf(": not reached, %d/%d on %q, missing %s", r.GetCriteriaMet(), r.GetCriteriaCount(), r.GetAssessedOn(), strings.Join(r.GetMissing(), ", "))
		}
		out = append(out, s)
	}
	return out
}

func tallyLines(ts []*reportv1.RegistrationTally) []string {
	var out []string
	for _, t := range ts {
		out = append(out, fmt.Sprintf("%s %s %q: %d/%d", t.GetUnitType(), t.GetLevel(), t.GetDisplayName(), t.GetReached(), t.GetRegistered()))
	}
	return out
}

// 102 and 103 reached the standard in 2020; 104 did not and misses 10 and
// 17 on its October assessment; 105 was never assessed (every criterion is
// missing); 106 registered ADVANCED, held it from 2019 and reached MODEL,
// which requires it, in 2020; village 301 reached its level.
func TestRegistrationsAndWhatTheUnreachedMiss(t *testing.T) {
	s := Compose(fixture(t, "2020", "2020-12-31")).GetRegistrations()
	all19 := make([]string, 0, 19)
	for _, c := range communeCriteria() {
		all19 = append(all19, c.GetCode()+" "+c.GetDisplayName())
	}
	equalLines(t, "rows", outcomeLines(s.GetRows()), []string{
		"2020 COMMUNE 102 Xã Phú Thượng STANDARD: reached by 102/QĐ-UBND on 2020-03-10",
		"2020 COMMUNE 103 Xã La Hiên STANDARD: reached by 103/QĐ-UBND on 2020-06-01",
		`2020 COMMUNE 104 Xã Dân Tiến STANDARD: not reached, 17/19 on "2020-10-31", missing 10 Thu nhập, 17 Môi trường`,
		`2020 COMMUNE 105 Xã Bình Long STANDARD: not reached, 0/19 on "", missing ` + strings.Join(all19, ", "),
		"2020 COMMUNE 106 Xã Tràng Xá ADVANCED: reached by 2106/QĐ-UBND on 2020-10-20",
		"2020 VILLAGE 301 Xóm Làng Lai STANDARD: reached by 301/QĐ-UBND on 2020-02-01",
	})
	equalLines(t, "by level", tallyLines(s.GetByLevel()), []string{
		`COMMUNE STANDARD "Xã đạt chuẩn nông thôn mới": 2/4`,
		`COMMUNE ADVANCED "Xã đạt chuẩn nông thôn mới nâng cao": 1/1`,
		`VILLAGE STANDARD "Thôn đạt chuẩn nông thôn mới": 1/1`,
	})
}

// As of June, only the registrations known then count, and those reached
// later are not reached yet.
func TestRegistrationsAsOfMidYear(t *testing.T) {
	in := fixture(t, "2020-H1", "2020-03-31")
	in.Registrations = append(in.Registrations, registration("107", standard, 2020, "2020-04-02", communeSet))
	s := Compose(in).GetRegistrations()
	equalLines(t, "by level", tallyLines(s.GetByLevel()), []string{
		`COMMUNE STANDARD "Xã đạt chuẩn nông thôn mới": 1/4`,
		`COMMUNE ADVANCED "Xã đạt chuẩn nông thôn mới nâng cao": 0/1`,
		`VILLAGE STANDARD "Thôn đạt chuẩn nông thôn mới": 1/1`,
	})
}

func TestReachedNeedsTheRegistrationsYear(t *testing.T) {
	in := fixture(t, "2020", "2020-12-31")
	set := in.Sets[communeSet]
	asOf := date.MustParse("2020-12-31")
	for _, tc := range []struct {
		why  string
		reg  *criteriav1.Registration
		want string
	}{
		{"recognised in 2018, registered for 2020", registration("101", standard, 2020, "2020-01-15", communeSet), ""},
		{"the level itself in the year", registration("102", standard, 2020, "2020-01-15", communeSet), "102/QĐ-UBND"},
		{"a level two steps above it in the year", registration("106", standard, 2020, "2020-01-15", communeSet), "2106/QĐ-UBND"},
		{"a lower level does not reach a higher one", registration("103", advanced, 2020, "2020-01-15", communeSet), ""},
		{"a former commune keeps what it reached", registration("201", standard, 2019, "2019-01-15", communeSet), "201/QĐ-UBND"},
		{"recognised after the date asked", registration("102", advanced, 2020, "2020-01-15", communeSet), "1102/QĐ-UBND"},
	} {
		got := Reached(tc.reg, in.Recognitions, set, asOf).GetDecisionNumber()
		if got != tc.want {
			t.Errorf("%s: reached by %q, want %q", tc.why, got, tc.want)
		}
	}
	if r := Reached(registration("102", advanced, 2020, "2020-01-15", communeSet), in.Recognitions, set, date.MustParse("2020-11-14")); r != nil {
		t.Errorf("reached on 2020-11-14 by a recognition of 2020-11-15")
	}
}

// A decision names the year the unit reached the standard (năm đạt chuẩn),
// which is often the year before its date: the registration of that year is
// reached by it, the registration of the decision's own year is not. A
// decision naming no year counts for the year of its date.
func TestReachedByTheYearTheDecisionNames(t *testing.T) {
	in := fixture(t, "2016-2020", "2020-12-31")
	set := in.Sets[communeSet]
	ofYear := func(r *registryv1.RecognitionInForce, year int32) *registryv1.RecognitionInForce {
		r.Recognition.Year = year
		return r
	}
	recs := []*registryv1.RecognitionInForce{
		ofYear(rec("401", commune, standard, "2020-02-10", "401/QĐ-UBND"), 2019), // reached in 2019, decided in 2020
		ofYear(rec("402", commune, standard, "2019-07-01", "402/QĐ-UBND"), 0),    // no year named: its date's
	}
	for _, tc := range []struct {
		why  string
		reg  *criteriav1.Registration
		asOf string
		want string
	}{
		{"the year the decision names", registration("401", standard, 2019, "2019-01-15", communeSet), "2020-12-31", "401/QĐ-UBND"},
		{"not the year of its date", registration("401", standard, 2020, "2020-01-15", communeSet), "2020-12-31", ""},
		{"not before it is effective", registration("401", standard, 2019, "2019-01-15", communeSet), "2020-02-09", ""},
		{"no year named: its date's year", registration("402", standard, 2019, "2019-01-15", communeSet), "2020-12-31", "402/QĐ-UBND"},
		{"no year named: not another year", registration("402", standard, 2020, "2020-01-15", communeSet), "2020-12-31", ""},
	} {
		if got := Reached(tc.reg, recs, set, date.MustParse(tc.asOf)).GetDecisionNumber(); got != tc.want {
			t.Errorf("%s: reached by %q, want %q", tc.why, got, tc.want)
		}
	}
}

func TestUnreachedAreTheScoresToAsk(t *testing.T) {
	in := fixture(t, "2020", "2020-12-31")
	var got []string
	for _, r := range Unreached(in.Registrations, in.Recognitions, in.Sets, in.AsOf) {
		got = append(got, r.GetUnitCode())
	}
	equalLines(t, "unreached", got, []string{"104", "105"})
	got = nil
	for _, r := range Unreached(in.Registrations, in.Recognitions, in.Sets, date.MustParse("2020-01-16")) {
		got = append(got, r.GetUnitCode())
	}
	equalLines(t, "unreached on 2020-01-16 (the village registered on the 20th)", got, []string{"102", "103", "104", "105", "106"})
}
