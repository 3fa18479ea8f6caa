package storetest

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/registry/internal/store"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// The sets the store's recognitions are decided under: the criteria
// service's answers, as the registry's server hands them over.
var (
	communeSet = &unit.CriteriaSet{Code: "NTM_COMMUNE_2016_2020", UnitType: unit.Commune,
		Valid: date.Range{From: d("2016-12-01"), To: d("2021-01-01")}, Criteria: []string{"1 Quy hoạch", "10 Thu nhập"},
		Levels: []unit.LevelRule{{Level: unit.Standard}, {Level: unit.Advanced, Requires: []unit.Level{unit.Standard}}}}
	districtSet = &unit.CriteriaSet{Code: "NTM_DISTRICT_2016_2020", UnitType: unit.District,
		Valid: date.Range{From: d("2016-12-01"), To: d("2021-01-01")}, Criteria: []string{"1 Quy hoạch"},
		Levels: []unit.LevelRule{{Level: unit.Standard, UnitsType: unit.Commune, UnitsLevels: []unit.Level{unit.Standard, unit.Advanced}, UnitsMinPercent: 100}}}
	villageSet = &unit.CriteriaSet{Code: "NTM_VILLAGE_2016_2020", UnitType: unit.Village,
		Valid: date.Range{From: d("2016-12-01"), To: d("2022-03-08")}, Criteria: []string{"1 Giao thông"},
		Levels: []unit.LevelRule{{Level: unit.Standard}}}
)

// metAll is a score meeting every criterion of set on day.
func metAll(set *unit.CriteriaSet, code string, day string) *unit.Score {
	return &unit.Score{Assessment: "units/" + code + "/assessments/1", AssessedOn: d(day), CriteriaMet: len(set.Criteria), CriteriaCount: len(set.Criteria)}
}

// ask is a request for code at level from day under set, meeting its criteria.
func ask(set *unit.CriteriaSet, code string, level unit.Level, day, decision string) unit.RecognitionFacts {
	return unit.RecognitionFacts{Set: set, Score: metAll(set, code, day),
		Request: unit.Recognition{UnitCode: code, Level: level, DecisionNumber: decision, Valid: date.Range{From: d(day)}, CriteriaSet: set.Code, Year: d(day).Year()}}
}

func add(t *testing.T, s *store.Store, f unit.RecognitionFacts) unit.Recognition {
	t.Helper()
	dec, err := s.AddRecognition(context.Background(), f)
	if err != nil || dec.Retry {
		t.Fatalf("AddRecognition(%s %s from %s) = %+v, %v", f.Request.UnitCode, f.Request.Level, f.Request.Valid.From, dec, err)
	}
	return dec.Recognition
}

func under(t *testing.T, s *store.Store, q store.RecognitionsQuery) []store.RecognitionInForce {
	t.Helper()
	rs, err := s.RecognitionsUnder(context.Background(), q)
	if err != nil {
		t.Fatalf("RecognitionsUnder(%+v): %v", q, err)
	}
	return rs
}

func testRecognitions(t *testing.T, s *store.Store) {
	seed(t, s)
	ctx := context.Background()
	recognise := func(code, day string) unit.Recognition {
		t.Helper()
		return add(t, s, ask(communeSet, code, unit.Standard, day, "QĐ "+code))
	}
	recognise("100", "2019-12-01")
	r101 := recognise("101", "2018-06-01")
	recognise("103", "2020-06-01")
	ward := change(unit.KindReclassify, "2022-01-01")
	ward.Reclassify = &unit.Reclassify{Code: "103", NewType: unit.Ward, NewName: "Phường Tràng Xá"}
	merge := change(unit.KindMerge, "2025-07-01")
	merge.Merge = &unit.Merge{Sources: []string{"100", "101"}, NewUnit: &unit.Spec{Code: "150", Name: "Xã Mới", Type: unit.Commune, ParentCode: "19", Field: "m"}}
	apply(t, s, ward, merge)

	rows := func(q store.RecognitionsQuery) []row {
		t.Helper()
		if q.Parent == "" {
			q.Parent = "19"
		}
		return rowsOf(under(t, s, q))
	}
	q := func(day string, former bool) store.RecognitionsQuery {
		return store.RecognitionsQuery{AsOf: d(day), IncludeFormer: former}
	}
	laHien, lauThuong := row{"100", "Xã La Hiên", unit.Commune, false, false}, row{"101", "Xã Lâu Thượng", unit.Commune, false, false}
	trangXa := row{"103", "Phường Tràng Xá", unit.Ward, true, true}
	for _, tc := range []struct {
		name string
		q    store.RecognitionsQuery
		want []row
	}{
		{"before the others", q("2019-01-01", false), []row{lauThuong}},
		{"all three communes", q("2021-01-01", false), []row{laHien, lauThuong, {"103", "Xã Tràng Xá", unit.Commune, false, false}}},
		// 103 became a ward: not a current commune, as the aggregate counts.
		{"a ward is not a current commune", q("2023-01-01", false), []row{laHien, lauThuong}},
		{"a ward is a former commune", q("2023-01-01", true), []row{laHien, lauThuong, trangXa}},
		{"after the merger, current", q("2026-01-01", false), nil},
		// Merged away: named as on their last day.
		{"after the merger, former", q("2026-01-01", true),
			[]row{{"100", "Xã La Hiên", 0, true, true}, {"101", "Xã Lâu Thượng", 0, true, true}, trangXa}},
		{"effective from a day", store.RecognitionsQuery{AsOf: d("2021-01-01"), EffectiveFrom: d("2019-12-01")},
			[]row{laHien, {"103", "Xã Tràng Xá", unit.Commune, false, false}}},
		{"effective from a day, former", store.RecognitionsQuery{AsOf: d("2026-01-01"), IncludeFormer: true, EffectiveFrom: d("2020-01-01")},
			[]row{trangXa}},
		// The district 170 the three were under when recognised, and the ward itself.
		{"under a district, former", store.RecognitionsQuery{Parent: "170", AsOf: d("2026-01-01"), IncludeFormer: true},
			[]row{{"100", "Xã La Hiên", 0, true, true}, {"101", "Xã Lâu Thượng", 0, true, true}, trangXa}},
		{"the former commune itself", store.RecognitionsQuery{Parent: "103", AsOf: d("2023-01-01"), IncludeFormer: true}, []row{trangXa}},
		{"another district, former", store.RecognitionsQuery{Parent: "171", AsOf: d("2023-01-01"), IncludeFormer: true}, nil},
	} {
		if got := rows(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("%s: RecognitionsUnder(%+v) = %v, want %v", tc.name, tc.q, got, tc.want)
		}
	}

	// The whole country (parent ""): another province's commune joins.
	other := change(unit.KindCreate, "2008-01-01")
	other.Create = []unit.Spec{spec("20", "Tỉnh Khác", unit.Province, ""), spec("300", "Xã Khác", unit.Commune, "20")}
	apply(t, s, other)
	recognise("300", "2020-06-01")
	var got []string
	for _, r := range under(t, s, store.RecognitionsQuery{AsOf: d("2026-01-01"), IncludeFormer: true}) {
		got = append(got, r.UnitCode)
	}
	if want := []string{"300", "100", "101", "103"}; !slices.Equal(got, want) {
		t.Errorf("RecognitionsUnder(country, 2026-01-01, former) = %v, want %v", got, want)
	}
	if got := rows(q("2026-01-01", true)); len(got) != 3 {
		t.Errorf("province 19 sees another province's recognition: %v", got)
	}

	if _, err := s.RevokeRecognition(ctx, "101", r101.ID, d("2024-01-01"), "thu hồi 1", ""); err != nil {
		t.Fatal(err)
	}
	if got := rows(q("2026-01-01", true)); len(got) != 2 {
		t.Errorf("after revoking 101: %v, want 100 and 103", got)
	}
	if got := rows(q("2021-06-01", false)); len(got) != 3 {
		t.Errorf("revocation must not change the past: %v", got)
	}
	if _, err := s.RevokeRecognition(ctx, "101", r101.ID, d("2024-06-01"), "thu hồi 2", ""); err == nil {
		t.Error("revoked twice")
	}
	for _, bad := range []unit.RecognitionFacts{
		ask(communeSet, "170", unit.Standard, "2020-01-01", "x"),
		ask(communeSet, "100", unit.Standard, "2026-01-01", "x"),
	} {
		_, err := s.AddRecognition(ctx, bad)
		if f, ok := fault.As(err); !ok || len(f.Violations) == 0 {
			t.Errorf("AddRecognition(%s on %s) = %v, want a refusal", bad.Request.UnitCode, bad.Request.Valid.From, err)
		}
	}
}

// row is a listed recognition as the tests compare it.
type row struct {
	code, name            string
	typ                   unit.Type
	former, formerCommune bool
}

func rowsOf(rs []store.RecognitionInForce) []row {
	var out []row
	for _, r := range rs {
		out = append(out, row{r.UnitCode, r.Name, r.TypeAsOf, r.Former, r.FormerCommune()})
	}
	return out
}

// Units of any type that lose the type they were recognised with are
// former, as communes are: a district abolished on 2025-07-01 and a village
// merged away that day are listed with include_former under the units they
// were under when recognised (at any depth), and under themselves.
func testFormerOfAnyType(t *testing.T, s *store.Store) {
	seed(t, s)
	add(t, s, ask(villageSet, "1000", unit.Standard, "2019-06-01", "V-1"))
	add(t, s, ask(communeSet, "200", unit.Standard, "2019-12-01", "C-1"))
	add(t, s, ask(districtSet, "171", unit.Standard, "2020-06-01", "D-1")) // its one commune, 200, is standard
	villages := change(unit.KindMerge, "2025-07-01")
	villages.Merge = &unit.Merge{Sources: []string{"1000"}, NewUnit: &unit.Spec{Code: "1001", Name: "Xóm Mới", Type: unit.Village, ParentCode: "100", Field: "m"}}
	districts := change(unit.KindAbolish, "2025-07-01")
	districts.Abolish = &unit.Abolish{Codes: []string{"170", "171"}, ChildrenNewParent: "19"}
	apply(t, s, villages, districts)

	village := row{"1000", "Xóm Làng Lai", unit.Village, false, false}
	district := row{"171", "Huyện Định Hóa", unit.District, false, false}
	commune := row{"200", "Xã Phượng Tiến", unit.Commune, false, false}
	formerVillage, formerDistrict := row{"1000", "Xóm Làng Lai", 0, true, false}, row{"171", "Huyện Định Hóa", 0, true, false}
	for _, tc := range []struct {
		name string
		q    store.RecognitionsQuery
		want []row
	}{
		{"before the abolition", store.RecognitionsQuery{Parent: "19", AsOf: d("2024-12-31")}, []row{village, district, commune}},
		{"a district lists itself", store.RecognitionsQuery{Parent: "171", AsOf: d("2024-12-31")}, []row{district, commune}},
		{"after, current", store.RecognitionsQuery{Parent: "19", AsOf: d("2026-01-01")}, []row{commune}},
		{"after, former", store.RecognitionsQuery{Parent: "19", AsOf: d("2026-01-01"), IncludeFormer: true}, []row{commune, formerVillage, formerDistrict}},
		{"the country, former", store.RecognitionsQuery{AsOf: d("2026-01-01"), IncludeFormer: true}, []row{commune, formerVillage, formerDistrict}},
		// The village was under 100 under 170 when recognised.
		{"two levels up", store.RecognitionsQuery{Parent: "170", AsOf: d("2026-01-01"), IncludeFormer: true}, []row{formerVillage}},
		{"its commune", store.RecognitionsQuery{Parent: "100", AsOf: d("2026-01-01"), IncludeFormer: true}, []row{formerVillage}},
		{"the abolished district itself", store.RecognitionsQuery{Parent: "171", AsOf: d("2026-01-01"), IncludeFormer: true}, []row{formerDistrict}},
		{"decided from a day", store.RecognitionsQuery{Parent: "19", AsOf: d("2026-01-01"), IncludeFormer: true, EffectiveFrom: d("2020-01-01")},
			[]row{formerDistrict}},
	} {
		if got := rowsOf(under(t, s, tc.q)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: RecognitionsUnder(%+v) = %v, want %v", tc.name, tc.q, got, tc.want)
		}
	}
}

// A retry returns the first record and writes nothing; a second decision of
// a level in force is refused naming the first.
func testRecognitionRetry(t *testing.T, s *store.Store) {
	seed(t, s)
	ctx := context.Background()
	first := add(t, s, ask(communeSet, "100", unit.Standard, "2019-12-01", "2345/QĐ-UBND"))
	dec, err := s.AddRecognition(ctx, ask(communeSet, "100", unit.Standard, "2019-12-01", "2345/QĐ-UBND"))
	if err != nil || !dec.Retry || dec.Recognition.ID != first.ID {
		t.Errorf("retry = %+v, %v; want the first record (%d)", dec, err, first.ID)
	}
	_, err = s.AddRecognition(ctx, ask(communeSet, "100", unit.Standard, "2020-06-01", "99/QĐ-UBND"))
	if f, ok := fault.As(err); !ok || f.Kind != fault.KindAlreadyExists || f.ResourceName != first.Name() {
		t.Errorf("a second STANDARD in force = %v, want ALREADY_EXISTS naming %s", err, first.Name())
	}
	if got := under(t, s, store.RecognitionsQuery{Parent: "100", AsOf: d("2020-12-31")}); len(got) != 1 {
		t.Errorf("recognitions of 100 = %v, want the first alone", got)
	}
}

// Concurrent requests go through one at a time: copies of one decision make
// one row, and of two decisions of one level only one is recorded.
func testConcurrentRecognitions(t *testing.T, s *store.Store) {
	seed(t, s)
	const n = 6
	decs := make([]unit.Decision, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			code, decision := "100", "2345/QĐ-UBND" // half are copies of one decision...
			if i%2 == 1 {
				code, decision = "101", "DN-"+string(rune('A'+i)) // ...half are other decisions of one level
			}
			decs[i], errs[i] = s.AddRecognition(context.Background(), ask(communeSet, code, unit.Standard, "2019-12-01", decision))
		})
	}
	wg.Wait()
	created := map[string]int{}
	ids := map[string]map[int64]bool{"100": {}, "101": {}}
	for i, err := range errs {
		code := decs[i].Recognition.UnitCode
		switch f, _ := fault.As(err); {
		case err == nil:
			ids[code][decs[i].Recognition.ID] = true
			if !decs[i].Retry {
				created[code]++
			}
		case f != nil && f.Kind == fault.KindAlreadyExists && i%2 == 1:
		default:
			t.Errorf("request %d: %v", i, err)
		}
	}
	if created["100"] != 1 || len(ids["100"]) != 1 || created["101"] != 1 || len(ids["101"]) != 1 {
		t.Errorf("created %v with ids %v; want one row of each unit, every copy answered with it", created, ids)
	}
	if got := under(t, s, store.RecognitionsQuery{Parent: "170", AsOf: d("2020-01-01")}); len(got) != 2 {
		t.Errorf("rows in force = %v, want one per unit", got)
	}
}

// The check, the override reason and the unit's type are kept as decided.
func testRecognitionCheck(t *testing.T, s *store.Store) {
	seed(t, s)
	f := ask(communeSet, "100", unit.Standard, "2019-12-01", "2345/QĐ-UBND")
	f.Score = &unit.Score{Assessment: "units/100/assessments/7", AssessedOn: d("2019-11-30"), CriteriaMet: 1, CriteriaCount: 2, Unmet: []string{"10 Thu nhập"}}
	f.Request.OverrideReason = "Tỉnh công nhận theo Tờ trình số 12/TTr-UBND"
	r := add(t, s, f)
	want := unit.Check{Assessment: "units/100/assessments/7", AssessedOn: d("2019-11-30"), CriteriaMet: 1, CriteriaCount: 2, Unmet: []string{"10 Thu nhập"}}
	got := under(t, s, store.RecognitionsQuery{Parent: "100", AsOf: d("2020-01-01")})
	if len(got) != 1 || !reflect.DeepEqual(got[0].Check, want) || got[0].OverrideReason != f.Request.OverrideReason ||
		got[0].UnitType != unit.Commune || !reflect.DeepEqual(got[0].Recognition, r) {
		t.Errorf("stored %+v, want %+v as returned by AddRecognition, with check %+v", got, r, want)
	}
}

// A district level counts the communes under the district holding the
// levels it asks for on the date, and keeps the tally.
func testUnitsCondition(t *testing.T, s *store.Store) {
	seed(t, s)
	ctx := context.Background()
	for _, code := range []string{"100", "101"} {
		add(t, s, ask(communeSet, code, unit.Standard, "2019-12-01", "QĐ "+code))
	}
	_, err := s.AddRecognition(ctx, ask(districtSet, "170", unit.Standard, "2020-12-01", "DN-1"))
	if f, ok := fault.As(err); !ok || len(f.Violations) == 0 || f.Violations[0].Field != "recognition.override_reason" ||
		!strings.Contains(f.Message, "2 of 4 communes under unit 170") {
		t.Fatalf("district with half its communes = %v, want a refusal on override_reason saying 2 of 4", err)
	}
	for _, code := range []string{"102", "103"} {
		add(t, s, ask(communeSet, code, unit.Standard, "2020-06-01", "QĐ "+code))
	}
	r := add(t, s, ask(districtSet, "170", unit.Standard, "2020-12-01", "DN-1"))
	if c := r.Check; c.UnitsAtLevel != 4 || c.UnitsCounted != 4 || c.UnitsMinPercent != 100 || r.UnitType != unit.District {
		t.Errorf("district recognition %+v, want 4 of 4 communes kept", r)
	}
}

func testCountUnits(t *testing.T, s *store.Store) {
	seed(t, s)
	abolish := change(unit.KindAbolish, "2025-07-01")
	abolish.Abolish = &unit.Abolish{Codes: []string{"170", "171"}, ChildrenNewParent: "19"}
	apply(t, s, abolish)
	for _, tc := range []struct {
		parent, day string
		want        []store.TypeCount
	}{
		{"19", "2020-01-01", []store.TypeCount{{Type: unit.District, Units: 2}, {Type: unit.Commune, Units: 5}, {Type: unit.Village, Units: 1}}},
		{"170", "2020-01-01", []store.TypeCount{{Type: unit.Commune, Units: 4}, {Type: unit.Village, Units: 1}}},
		{"19", "2025-07-01", []store.TypeCount{{Type: unit.Commune, Units: 5}, {Type: unit.Village, Units: 1}}},
		{"", "2020-01-01", []store.TypeCount{{Type: unit.Province, Units: 1}, {Type: unit.District, Units: 2}, {Type: unit.Commune, Units: 5}, {Type: unit.Village, Units: 1}}},
		{"19", "2000-01-01", nil},
	} {
		got, err := s.CountUnits(context.Background(), tc.parent, d(tc.day))
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("CountUnits(%q, %s) = %v, %v; want %v", tc.parent, tc.day, got, err, tc.want)
		}
	}
}
