package scoring

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
)

func TestAmountByRegionAndYear(t *testing.T) {
	set := shippedSet(t, set2016)
	tests := []struct {
		region  string
		year    int
		income  float64
		want    Status
		summary string
	}{
		{"TDMNPB", 2020, 36, Met, ""},
		{"TDMNPB", 2020, 35.9, NotMet, "Thu nhập bình quân đầu người khu vực nông thôn (triệu đồng/người): 35,9 (yêu cầu ≥ 36 triệu đồng/người/năm)"},
		{"DNB", 2020, 59, Met, ""},
		{"DNB", 2020, 58.9, NotMet, "Thu nhập bình quân đầu người khu vực nông thôn (triệu đồng/người): 58,9 (yêu cầu ≥ 59 triệu đồng/người/năm)"},
		{"TDMNPB", 2018, 30, Met, ""}, // synthetic 2018 row
		{"TDMNPB", 2018, 29.5, NotMet, "Thu nhập bình quân đầu người khu vực nông thôn (triệu đồng/người): 29,5 (yêu cầu ≥ 30 triệu đồng/người/năm)"},
		{"TDMNPB", 2021, 35.996, NotMet, "Thu nhập bình quân đầu người khu vực nông thôn (triệu đồng/người): 35,996 (yêu cầu ≥ 36 triệu đồng/người/năm)"},
	}
	for _, tt := range tests {
		r, err := Score(set, Context{Region: tt.region, Year: tt.year}, Input{Values: []IndicatorValue{num("10.1", tt.income)}})
		if err != nil {
			t.Fatal(err)
		}
		c := criterion(t, r, "10")
		if c.Status != tt.want || c.Basis != BasisValues {
			t.Errorf("%s %d income %v: %v (%s), want %v", tt.region, tt.year, tt.income, c.Status, c.Basis, tt.want)
		}
		if tt.want == NotMet {
			if len(c.Failing) != 1 || c.Failing[0].Summary != tt.summary || c.Failing[0].Value != tt.income || c.Failing[0].Op != ">=" {
				t.Errorf("gaps = %+v\nwant summary %q", c.Failing, tt.summary)
			}
		} else if len(c.Failing)+len(c.Missing) != 0 {
			t.Errorf("met criterion with gaps %+v missing %v", c.Failing, c.Missing)
		}
	}
}

func TestPercentAtLeast(t *testing.T) {
	set := shippedSet(t, set2016)
	tests := []struct {
		value   float64
		want    Status
		summary string
	}{
		{98, Met, ""},
		{100, Met, ""},
		{98 - 1e-12, Met, ""}, // float noise from a computed share
		{97.99, NotMet, "Tỷ lệ hộ sử dụng điện thường xuyên, an toàn từ các nguồn: 97,99 (yêu cầu ≥ 98%)"},
		{0, NotMet, "Tỷ lệ hộ sử dụng điện thường xuyên, an toàn từ các nguồn: 0 (yêu cầu ≥ 98%)"},
	}
	for _, tt := range tests {
		r, err := Score(set, Context{Region: "BTB", Year: 2019}, Input{Values: []IndicatorValue{flag("4.1", true), num("4.2", tt.value)}})
		if err != nil {
			t.Fatal(err)
		}
		c := criterion(t, r, "4")
		if c.Status != tt.want || (tt.want == NotMet && (len(c.Failing) != 1 || c.Failing[0].Summary != tt.summary)) {
			t.Errorf("4.2 = %v: %v %+v; want %v %q", tt.value, c.Status, c.Failing, tt.want, tt.summary)
		}
	}
}

func TestCeilingByRegion(t *testing.T) {
	set := shippedSet(t, set2016)
	tests := []struct {
		region   string
		stunting float64
		want     Status
		summary  string
	}{
		{"TDMNPB", 26.7, Met, ""},
		{"TDMNPB", 10, Met, ""},
		{"TDMNPB", 26.8, NotMet, "Tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng thể thấp còi (chiều cao theo tuổi): 26,8 (yêu cầu ≤ 26,7%)"},
		{"DBSH", 13.9, Met, ""},
		{"DBSH", 14, NotMet, "Tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng thể thấp còi (chiều cao theo tuổi): 14 (yêu cầu ≤ 13,9%)"},
	}
	for _, tt := range tests {
		in := Input{Values: []IndicatorValue{num("15.1", 90), flag("15.2", true), num("15.3", tt.stunting)}}
		r, err := Score(set, Context{Region: tt.region, Year: 2020}, in)
		if err != nil {
			t.Fatal(err)
		}
		c := criterion(t, r, "15")
		if c.Status != tt.want || (tt.want == NotMet && (len(c.Failing) != 1 || c.Failing[0].Summary != tt.summary || c.Failing[0].Threshold == 0)) {
			t.Errorf("%s stunting %v: %v %+v; want %v %q", tt.region, tt.stunting, c.Status, c.Failing, tt.want, tt.summary)
		}
	}
}

func TestBooleanAndCount(t *testing.T) {
	set := shippedSet(t, set2021)
	tests := []struct {
		name      string
		values    []IndicatorValue
		criterion string
		want      Status
		summaries []string
	}{
		{"flag true", []IndicatorValue{flag("7.1", true)}, "7", Met, nil},
		{"flag false", []IndicatorValue{flag("7.1", false)}, "7", NotMet, []string{"Xã có chợ nông thôn hoặc nơi mua bán, trao đổi hàng hóa: chưa đạt"}},
		{"count at threshold", criterionValues(t, set, "BTB", 2023, "17", map[string]float64{"17.4": 2}), "17", Met, nil},
		{"count below", criterionValues(t, set, "BTB", 2023, "17", map[string]float64{"17.4": 1.5}), "17", NotMet, []string{"Đất cây xanh sử dụng công cộng tại điểm dân cư nông thôn: 1,5 (yêu cầu ≥ 2 m²/người)"}},
	}
	for _, tt := range tests {
		r, err := Score(set, Context{Region: "BTB", Year: 2023}, Input{Values: tt.values})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		c := criterion(t, r, tt.criterion)
		var got []string
		for _, g := range c.Failing {
			got = append(got, g.Summary)
		}
		if c.Status != tt.want || !reflect.DeepEqual(got, tt.summaries) {
			t.Errorf("%s: %v %q; want %v %q", tt.name, c.Status, got, tt.want, tt.summaries)
		}
	}
}

func TestEqualOp(t *testing.T) {
	set := handmade(catalog.OpEqual, catalog.KindCount, "", catalog.Threshold{Value: 3})
	tests := []struct {
		v       float64
		want    Status
		summary string
	}{
		{3, Met, ""},
		{3 + 1e-12, Met, ""},
		{2, NotMet, "Chỉ tiêu: 2 (yêu cầu = 3)"},
		{4, NotMet, "Chỉ tiêu: 4 (yêu cầu = 3)"},
	}
	for _, tt := range tests {
		r, err := Score(set, Context{Region: "R1", Year: 2030}, Input{Values: []IndicatorValue{num("1.1", tt.v)}})
		if err != nil {
			t.Fatal(err)
		}
		c := r.Criteria[0]
		if c.Status != tt.want || (tt.want == NotMet && c.Failing[0].Summary != tt.summary) {
			t.Errorf("%v: %v %+v", tt.v, c.Status, c.Failing)
		}
	}
}

func TestCommuneGroup(t *testing.T) {
	set := shippedSet(t, set2026)
	tests := []struct {
		name, group string
		values      []IndicatorValue
		criterion   string
		want        Status
		summary     string
	}{
		{"group 3 at 85", "3", []IndicatorValue{num("1.1", 85), num("1.2", 85)}, "1", Met, ""},
		{"group 2 at 85", "2", []IndicatorValue{num("1.1", 85), num("1.2", 90)}, "1", NotMet, "Có quy hoạch chung xây dựng xã được phê duyệt và được công bố công khai đúng thời hạn: 85 (yêu cầu ≥ 90%)"},
		{"group 1 at 85", "1", []IndicatorValue{num("1.1", 85), num("1.2", 95)}, "1", NotMet, "Có quy hoạch chung xây dựng xã được phê duyệt và được công bố công khai đúng thời hạn: 85 (yêu cầu ≥ 95%)"},
		{"poverty group 3", "3", []IndicatorValue{num("6.1", 4), num("6.2", 100), num("6.3", 100)}, "6", Met, ""},
		{"poverty group 1", "1", []IndicatorValue{num("6.1", 4), num("6.2", 100), num("6.3", 100)}, "6", NotMet, "Tỷ lệ nghèo đa chiều giai đoạn 2026 - 2030: 4 (yêu cầu ≤ 1%)"},
	}
	for _, tt := range tests {
		// The region is irrelevant to a commune-group set.
		r, err := Score(set, Context{Region: "TDMNPB", CommuneGroup: tt.group, Year: 2027}, Input{Values: tt.values})
		if err != nil {
			t.Fatal(err)
		}
		c := criterion(t, r, tt.criterion)
		if c.Status != tt.want || (tt.want == NotMet && (len(c.Failing) != 1 || c.Failing[0].Summary != tt.summary)) {
			t.Errorf("%s: %v %+v; want %v %q", tt.name, c.Status, c.Failing, tt.want, tt.summary)
		}
	}
}

func TestMissingValuesAndThresholds(t *testing.T) {
	set := shippedSet(t, set2016)
	r, err := Score(set, Context{Region: "TN", Year: 2019}, Input{Values: []IndicatorValue{num("15.1", 90)}})
	if err != nil {
		t.Fatal(err)
	}
	c := criterion(t, r, "15")
	if c.Status != NotMet || c.Basis != BasisValues || !reflect.DeepEqual(c.Missing, []string{"15.2", "15.3"}) {
		t.Errorf("partial: %+v", c)
	}
	c = criterion(t, r, "17")
	if c.Status != NotMet || c.Basis != BasisNone || len(c.Missing) != 9 || c.Missing[1] != "17.1b" {
		t.Errorf("nothing given: %+v", c)
	}
	// A failing value and a missing one: both reported.
	r, _ = Score(set, Context{Region: "TN", Year: 2019}, Input{Values: []IndicatorValue{num("15.1", 80)}})
	if c = criterion(t, r, "15"); len(c.Failing) != 1 || len(c.Missing) != 2 {
		t.Errorf("failing and missing: %+v", c)
	}

	byRegion := handmade(catalog.OpAtLeast, catalog.KindPercent, "%", catalog.Threshold{Scope: "R1", Value: 50})
	tests := []struct {
		region, want string
	}{
		{"R2", "1.1 (chưa có ngưỡng cho vùng R2, năm 2030)"},
		{"", "1.1 (chưa có ngưỡng: xã chưa có vùng, năm 2030)"},
	}
	for _, tt := range tests {
		r, err := Score(byRegion, Context{Region: tt.region, Year: 2030}, Input{Values: []IndicatorValue{num("1.1", 90)}})
		if err != nil {
			t.Fatal(err)
		}
		if c := r.Criteria[0]; c.Status != NotMet || !reflect.DeepEqual(c.Missing, []string{tt.want}) {
			t.Errorf("region %q: %+v", tt.region, c)
		}
	}
}

func TestTwoPartWater(t *testing.T) {
	set := shippedSet(t, set2016)
	values := criterionValues(t, set, "TDMNPB", 2020, "17", map[string]float64{"17.1": 85, "17.1b": 40})
	r, err := Score(set, Context{Region: "TDMNPB", Year: 2020}, Input{Values: values})
	if err != nil {
		t.Fatal(err)
	}
	c := criterion(t, r, "17")
	if c.Status != NotMet || len(c.Failing) != 1 || c.Failing[0].Indicator != "17.1b" || c.Failing[0].Threshold != 45 {
		t.Errorf("hygienic 85 (≥80) but clean 40 (<45): %+v", c)
	}
	values = criterionValues(t, set, "TDMNPB", 2020, "17", map[string]float64{"17.1": 85, "17.1b": 45})
	r, _ = Score(set, Context{Region: "TDMNPB", Year: 2020}, Input{Values: values})
	if c := criterion(t, r, "17"); c.Status != Met {
		t.Errorf("both parts met: %+v", c)
	}
}

func TestAllMet(t *testing.T) {
	tests := []struct {
		set, scope string
		year       int
		band       string
	}{
		{set2016, "DBSCL", 2020, "19"},
		{set2016, "TN", 2016, "19"},
		{set2021, "DNB", 2024, "19"},
		{set2026, "2", 2026, "10"},
	}
	for _, tt := range tests {
		set := shippedSet(t, tt.set)
		ctx := Context{Region: tt.scope, CommuneGroup: tt.scope, Year: tt.year}
		r, err := Score(set, ctx, Input{Values: passing(t, set, tt.scope, tt.year)})
		if err != nil {
			t.Fatal(err)
		}
		if !r.AllMet || r.MetCount != len(set.Criteria) || r.Total != len(set.Criteria) || r.Band != tt.band {
			t.Errorf("%s: met %d/%d all %v band %q", tt.set, r.MetCount, r.Total, r.AllMet, r.Band)
		}
	}
}

// Offices of 2016-2020 often kept one verdict per criterion and no values.
func TestVerdicts(t *testing.T) {
	set := shippedSet(t, set2016)
	var verdicts []Verdict
	for i, c := range set.Criteria {
		st := Met
		switch {
		case i >= 17:
			st = NotMet
		case i >= 15:
			st = BasicallyMet
		}
		verdicts = append(verdicts, Verdict{Criterion: c.Code, Status: st})
	}
	r, err := Score(set, Context{Region: "TDMNPB", Year: 2019}, Input{Verdicts: verdicts})
	if err != nil {
		t.Fatal(err)
	}
	// 15 met, 2 basically met (not counted), 2 not met.
	if r.MetCount != 15 || r.AllMet || r.Band != "15-18" || r.Total != 19 {
		t.Errorf("met %d band %q all %v", r.MetCount, r.Band, r.AllMet)
	}
	if c := criterion(t, r, "16"); c.Status != BasicallyMet || c.Basis != BasisVerdict || c.Missing != nil {
		t.Errorf("criterion 16: %+v", c)
	}

	// The verdict wins over values, both ways.
	in := Input{Verdicts: []Verdict{{Criterion: "10", Status: Met}, {Criterion: "4", Status: NotMet}},
		Values: []IndicatorValue{num("10.1", 20), flag("4.1", true), num("4.2", 100)}}
	r, err = Score(set, Context{Region: "TDMNPB", Year: 2020}, in)
	if err != nil {
		t.Fatal(err)
	}
	if c := criterion(t, r, "10"); c.Status != Met || c.Basis != BasisVerdict || c.Failing != nil {
		t.Errorf("criterion 10: %+v", c)
	}
	if c := criterion(t, r, "4"); c.Status != NotMet || c.Basis != BasisVerdict {
		t.Errorf("criterion 4: %+v", c)
	}
}

func TestErrorsNameTheField(t *testing.T) {
	set := shippedSet(t, set2021)
	tests := []struct {
		name string
		in   Input
		want []string // violated fields
	}{
		{"unknown indicator", Input{Values: []IndicatorValue{num("10.1", 50), num("99.1", 1)}}, []string{"a.values[1].indicator_code"}},
		{"empty code", Input{Values: []IndicatorValue{num("", 1)}}, []string{"a.values[0].indicator_code"}},
		{"flag for a percent", Input{Values: []IndicatorValue{flag("2.1", true)}}, []string{"a.values[0]"}},
		{"number for a boolean", Input{Values: []IndicatorValue{num("1.1", 1)}}, []string{"a.values[0]"}},
		{"same indicator twice", Input{Values: []IndicatorValue{num("2.1", 100), num("2.2", 80), num("2.1", 90)}}, []string{"a.values[2].indicator_code"}},
		{"percent over 100", Input{Values: []IndicatorValue{num("2.1", 120)}}, []string{"a.values[0]"}},
		{"negative amount", Input{Values: []IndicatorValue{num("10.1", -1)}}, []string{"a.values[0]"}},
		{"not a number", Input{Values: []IndicatorValue{num("10.1", math.NaN())}}, []string{"a.values[0]"}},
		{"unknown criterion", Input{Verdicts: []Verdict{{Criterion: "20", Status: Met}}}, []string{"a.verdicts[0].criterion_code"}},
		{"bad status", Input{Verdicts: []Verdict{{Criterion: "1", Status: 0}}}, []string{"a.verdicts[0].status"}},
		{"criterion twice", Input{Verdicts: []Verdict{{Criterion: "1", Status: Met}, {Criterion: "1", Status: NotMet}}}, []string{"a.verdicts[1].criterion_code"}},
		{"all reported together", Input{Values: []IndicatorValue{num("99", 1), flag("2.1", true)}, Verdicts: []Verdict{{Criterion: "x", Status: Met}}},
			[]string{"a.values[0].indicator_code", "a.values[1]", "a.verdicts[0].criterion_code"}},
	}
	for _, tt := range tests {
		tt.in.Field = "a."
		_, err := Score(set, Context{Region: "BTB", Year: 2023}, tt.in)
		f, ok := fault.As(err)
		if !ok || f.Kind != fault.KindInvalid {
			t.Errorf("%s: err = %v, want a fault.Invalid", tt.name, err)
			continue
		}
		var got []string
		for _, v := range f.Violations {
			got = append(got, v.Field)
			if v.Description == "" {
				t.Errorf("%s: %s has no description", tt.name, v.Field)
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: fields %v, want %v (%v)", tt.name, got, tt.want, err)
		}
	}
	_, err := Score(set, Context{}, Input{Field: "a.", Values: []IndicatorValue{num("1.1", 1)}})
	if !strings.Contains(err.Error(), "yes/no") {
		t.Errorf("kind error should say the indicator is yes/no: %v", err)
	}
	_, err = Score(set, Context{}, Input{Field: "a.", Values: []IndicatorValue{flag("2.1", true)}})
	if !strings.Contains(err.Error(), "give a number") {
		t.Errorf("kind error should ask for a number: %v", err)
	}
}

func TestNumberFormat(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{38.5, "38,5"}, {36, "36"}, {26.75, "26,75"}, {0, "0"}, {-3.5, "-3,5"},
		{1250, "1.250"}, {1234567.891, "1.234.567,89"}, {83.33333, "83,33"}, {-0.001, "0"},
	}
	for _, tt := range tests {
		if got := number(tt.v); got != tt.want {
			t.Errorf("number(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
