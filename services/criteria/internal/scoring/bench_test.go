package scoring

import "testing"

func BenchmarkAggregate10k(b *testing.B) {
	set := shippedSet(b, set2021)
	n := len(set.Criteria)
	communes := make([]CommuneState, 10_000)
	for i := range communes {
		communes[i].Code = "c"
		if i%20 == 0 {
			continue // 5% not assessed
		}
		st := make([]Status, n)
		for j := range st {
			st[j] = Status((i*7+j*3)%3 + 1)
			if st[j] == Met {
				communes[i].MetCount++
			}
		}
		communes[i] = NewCommuneState("c", st, communes[i].MetCount)
	}
	b.ReportAllocs()
	for b.Loop() {
		Aggregate(set, communes)
	}
}

func BenchmarkScore(b *testing.B) {
	set := shippedSet(b, set2021)
	in := Input{Values: passing(b, set, "BTB", 2024), Field: "assessment."}
	ctx := Context{Region: "BTB", Year: 2024}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Score(set, ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
