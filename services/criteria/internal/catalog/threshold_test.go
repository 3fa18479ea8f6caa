package catalog

import "testing"

// TestShippedThresholdShapes reads one indicator of each threshold shape of the
// shipped files.
func TestShippedThresholdShapes(t *testing.T) {
	c := shipped(t)
	legal := func(v float64, confirmed bool) Threshold { return Threshold{Value: v, Confirmed: confirmed} }
	synth := func(v float64) Threshold { return Threshold{Value: v, Source: SourceSynthetic} }
	tests := []struct {
		name, set, code, scope string
		year                   int
		want                   Threshold
	}{
		{"default number, confirmed", set2016, "4.2", "TN", 2018, legal(98, true)},
		{"default true is 1", set2021, "1.1", "DBSH", 2023, legal(1, false)},
		{"by_region", set2016, "15.3", "TN", 2019, legal(31.4, true)},
		{"national as default", set2016, "15.3", "", 2019, legal(21.8, true)},
		{"by_region with nulls: legal part", set2021, "15.4", "TDMNPB", 2023, legal(50, true)},
		{"by_region with nulls: synthetic part", set2021, "15.4", "BTB", 2023, synth(60)},
		{"synthetic {R: v}", set2021, "2.2", "TN", 2023, synth(80)},
		{"synthetic {default, R}: region", set2016, "2.2", "DBSH", 2018, synth(100)},
		{"synthetic {default, R}: default", set2016, "2.2", "TN", 2018, synth(70)},
		{"synthetic {default}", set2021, "17.8", "DNB", 2024, synth(70)},
		{"by_year_and_region exact year", set2016, "10.1", "TDMNPB", 2020, legal(36, true)},
		{"by_year_and_region national column", set2016, "10.1", "", 2020, legal(45, true)},
		{"by_year_and_region region ĐNB", set2016, "10.1", "DNB", 2020, legal(59, true)},
		{"synthetic year row", set2016, "10.1", "TDMNPB", 2018, synth(30)},
		{"year before the rows: nearest later", set2016, "10.1", "TDMNPB", 2016, synth(28)},
		{"year after the rows: nearest earlier", set2016, "10.1", "BTB", 2022, legal(36, true)},
		{"by_year_and_region null, synthetic years", set2021, "10.1", "DBSH", 2024, synth(60)},
		{"2026 uses the 2025 row", set2021, "10.1", "DBSCL", 2026, synth(57)},
		{"ceiling with synthetic", set2021, "11.1", "TDMNPB", 2022, synth(6)},
		{"count with unit", set2021, "17.4", "BTB", 2022, legal(2, false)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ind, _, ok := mustSet(t, c, tt.set).Indicator(tt.code)
			if !ok {
				t.Fatalf("%s %s missing", tt.set, tt.code)
			}
			got, ok := ind.ThresholdFor(tt.scope, tt.year)
			got.Scope, got.Year = "", 0
			if !ok || got != tt.want {
				t.Errorf("ThresholdFor(%q, %d) = %+v, %v; want %+v", tt.scope, tt.year, got, ok, tt.want)
			}
		})
	}
}

func TestShippedKindsAndUnits(t *testing.T) {
	c := shipped(t)
	tests := []struct {
		set, code string
		kind      Kind
		op, unit  string
	}{
		{set2016, "10.1", KindAmount, OpAtLeast, "million VND/person/year"},
		{set2016, "15.3", KindPercent, OpAtMost, "%"},
		{set2016, "8.1", KindBoolean, OpBool, ""},
		{set2021, "17.4", KindCount, OpAtLeast, "m2/person"},
		{set2021, "11.1", KindPercent, OpAtMost, "%"},
	}
	for _, tt := range tests {
		ind, _, _ := mustSet(t, c, tt.set).Indicator(tt.code)
		if ind.Kind != tt.kind || ind.Op != tt.op || ind.Unit != tt.unit {
			t.Errorf("%s %s: kind %s op %s unit %q", tt.set, tt.code, ind.Kind, ind.Op, ind.Unit)
		}
	}
}

// TestThresholdCoverage: every indicator of every shipped set has a threshold
// (legal or synthetic) for every region or group a commune can be in, and for
// amounts for every year the set was in force.
func TestThresholdCoverage(t *testing.T) {
	for _, s := range shipped(t).Sets() {
		first := s.Valid.From.Year()
		last := first + 4 // open-ended set: its first five years
		if !s.Valid.To.IsZero() {
			last = s.Valid.To.AddDays(-1).Year()
		}
		for _, c := range s.Criteria {
			for _, ind := range c.Indicators {
				years := []int{first}
				if ind.Kind == KindAmount {
					years = years[:0]
					for y := first; y <= last; y++ {
						years = append(years, y)
					}
				}
				for _, scope := range s.Scopes {
					for _, y := range years {
						if _, ok := ind.ThresholdFor(scope, y); !ok {
							t.Errorf("%s %s: no threshold for %s %q in %d", s.Code, ind.Code, s.Dimension, scope, y)
						}
					}
				}
			}
		}
	}
}

// TestUnconfirmedFlagged: a placeholder is never confirmed, and a legal value
// is exactly as confirmed as its indicator.
func TestUnconfirmedFlagged(t *testing.T) {
	for _, s := range shipped(t).Sets() {
		for _, c := range s.Criteria {
			for _, ind := range c.Indicators {
				for _, th := range ind.Thresholds {
					if th.Source == SourceSynthetic && th.Confirmed {
						t.Errorf("%s %s: synthetic threshold %+v is confirmed", s.Code, ind.Code, th)
					}
					if th.Source == "" && th.Confirmed != ind.Confirmed {
						t.Errorf("%s %s: legal threshold %+v, indicator confirmed %v", s.Code, ind.Code, th, ind.Confirmed)
					}
				}
			}
		}
	}
}

func TestThresholdForPrecedence(t *testing.T) {
	ind := Indicator{Thresholds: []Threshold{
		{Value: 1},                         // default
		{Year: 2020, Value: 2},             // every region, 2020
		{Scope: "A", Value: 3},             // region A, every year
		{Scope: "A", Year: 2020, Value: 4}, // region A, 2020
		{Scope: "B", Year: 2018, Value: 5}, // region B, 2018 only
		{Scope: "B", Year: 2022, Value: 6}, // region B, 2022 only
		{Scope: "C", Year: 2019, Value: 7}, // region C, 2019 only
	}}
	tests := []struct {
		scope string
		year  int
		want  float64
	}{
		{"A", 2020, 4}, // scope + year
		{"A", 2021, 4}, // no 2021 row: nearest earlier year, 2020
		{"A", 2019, 4}, // no earlier year for A or all: nearest later, 2020
		{"Z", 2020, 2}, // year alone
		{"Z", 2010, 2}, // before every row: nearest later year (2020)
		{"B", 2018, 5},
		{"B", 2020, 2}, // B has no 2020 row: the 2020 row of every region
		{"B", 2021, 2}, // nearest earlier of B's and everyone's years: 2020
		{"B", 2023, 6}, // nearest earlier: 2022
		{"C", 2030, 2}, // nearest earlier: 2020 (every region)
	}
	for _, tt := range tests {
		got, ok := ind.ThresholdFor(tt.scope, tt.year)
		if !ok || got.Value != tt.want {
			t.Errorf("ThresholdFor(%q, %d) = %v, %v; want %v", tt.scope, tt.year, got.Value, ok, tt.want)
		}
	}
	flat := Indicator{Thresholds: []Threshold{{Value: 1}, {Scope: "A", Value: 3}}}
	if got, _ := flat.ThresholdFor("A", 2020); got.Value != 3 {
		t.Errorf("scope row: got %v, want 3", got.Value)
	}
	if got, _ := flat.ThresholdFor("Z", 2020); got.Value != 1 {
		t.Errorf("default row: got %v, want 1", got.Value)
	}
	if _, ok := (&Indicator{Thresholds: []Threshold{{Scope: "A", Value: 1}}}).ThresholdFor("B", 2020); ok {
		t.Error("a region with no row and no default must find nothing")
	}
}
