package store

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
)

// encodeByReflection is the columns as json.Marshal writes the shapes of
// json.go: what encode must write, byte for byte, so that rows written
// before and after it read and hash the same way.
func encodeByReflection(a Assessment) (values, verdicts, result string, err error) {
	vs := make([]valueJSON, len(a.Values))
	for i, v := range a.Values {
		vs[i].Code = v.Code
		if v.Value.IsFlag {
			vs[i].Flag = &v.Value.Flag
		} else {
			vs[i].Number = &v.Value.Number
		}
	}
	vds := make([]verdictJSON, len(a.Verdicts))
	for i, v := range a.Verdicts {
		vds[i] = verdictJSON{Criterion: v.Criterion, Status: statusJSON(v.Status)}
	}
	res := resultJSON{Criteria: make([]criterionJSON, len(a.Result.Criteria)),
		MetCount: a.Result.MetCount, Total: a.Result.Total, AllMet: a.Result.AllMet, Band: a.Result.Band}
	for i, c := range a.Result.Criteria {
		cj := criterionJSON{Code: c.Code, Name: c.Name, Status: statusJSON(c.Status), Basis: c.Basis, Missing: c.Missing}
		for _, g := range c.Failing {
			cj.Failing = append(cj.Failing, gapJSON(g))
		}
		res.Criteria[i] = cj
	}
	if values, err = marshal(vs); err != nil {
		return
	}
	if verdicts, err = marshal(vds); err != nil {
		return
	}
	result, err = marshal(res)
	return
}

// Strings and numbers where a JSON encoder can go wrong.
var (
	trickyStrings = []string{"", "1.1", "Giao thông", "Thu nhập: 38,5 (yêu cầu ≥ 41 triệu đồng/người/năm)",
		`<a href="x">&amp;</a>`, "tab\there\nline\r\b\f", "\x00\x01\x1f\x7f", "quote\" back\\slash",
		"\u2028\u2029", "bad \xff\xfe utf-8 \xc3", "emoji 🌾", "\u00a0nbsp"}
	trickyNumbers = []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 85.5, 100, 1e-6, 9.99e-7, 1e-7, 1.5e-9, 1e20, 1e21, 1.2345e22,
		123456789.125, math.MaxFloat64, math.SmallestNonzeroFloat64, -3.25e-10, 41}
)

func randomAssessment(r *rand.Rand) Assessment {
	str := func() string { return trickyStrings[r.IntN(len(trickyStrings))] }
	num := func() float64 {
		if r.IntN(3) == 0 {
			return (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(50)-25))
		}
		return trickyNumbers[r.IntN(len(trickyNumbers))]
	}
	status := func() scoring.Status {
		return []scoring.Status{scoring.Met, scoring.BasicallyMet, scoring.NotMet}[r.IntN(3)]
	}
	var a Assessment
	for range r.IntN(6) {
		v := scoring.IndicatorValue{Code: str()}
		if r.IntN(2) == 0 {
			v.Value = scoring.Value{IsFlag: true, Flag: r.IntN(2) == 0}
		} else {
			v.Value = scoring.Value{Number: num()}
		}
		a.Values = append(a.Values, v)
	}
	for range r.IntN(3) {
		a.Verdicts = append(a.Verdicts, scoring.Verdict{Criterion: str(), Status: status()})
	}
	for range r.IntN(4) {
		c := scoring.CriterionResult{Code: str(), Name: str(), Status: status(), Basis: str()}
		for range r.IntN(3) {
			c.Failing = append(c.Failing, scoring.Gap{Indicator: str(), Name: str(), Op: str(), Unit: str(), Threshold: num(), Value: num(), Summary: str()})
		}
		switch r.IntN(3) {
		case 0:
			c.Missing = []string{} // empty, not nil: omitted all the same
		case 1:
			c.Missing = []string{str(), str()}
		}
		a.Result.Criteria = append(a.Result.Criteria, c)
	}
	a.Result.MetCount, a.Result.Total, a.Result.AllMet, a.Result.Band = r.IntN(20), r.IntN(20), r.IntN(2) == 0, str()
	return a
}

// wantSameEncoding checks that e encodes a as json.Marshal does, and
// returns the row.
func wantSameEncoding(t *testing.T, e *encoder, a Assessment) row {
	t.Helper()
	values, verdicts, result, refErr := encodeByReflection(a)
	r, d, err := e.encode(a)
	if (err != nil) != (refErr != nil) {
		t.Fatalf("encode error %v, json.Marshal's %v, for %+v", err, refErr, a)
	}
	if err != nil {
		return r
	}
	if r.values != values || r.verdicts != verdicts || r.result != result {
		t.Fatalf("encode wrote\n%s\n%s\n%s\njson.Marshal\n%s\n%s\n%s", r.values, r.verdicts, r.result, values, verdicts, result)
	}
	// The trail's digests are of the columns as stored.
	for _, c := range []struct{ column, digest string }{{r.values, d.values}, {r.verdicts, d.verdicts}, {r.result, d.result}} {
		if sum := sha256.Sum256([]byte(c.column)); c.digest != hex.EncodeToString(sum[:]) {
			t.Fatalf("digest %s, want the SHA-256 of %s", c.digest, c.column)
		}
	}
	var back Assessment
	if err := r.decode(&back); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return r
}

// encode writes the columns exactly as json.Marshal does, over strings and
// numbers where encoders differ, empty and absent lists, and every status.
func TestEncodeIsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	// One encoder for every row, as an import uses it: a row's columns
	// must not change when the next is encoded in the same buffer.
	var e encoder
	var last row
	var lastWant [3]string
	for range 3000 {
		a := randomAssessment(r)
		got := wantSameEncoding(t, &e, a)
		if last != (row{}) && [3]string{last.values, last.verdicts, last.result} != lastWant {
			t.Fatalf("the row before changed when the next was encoded")
		}
		values, verdicts, result, _ := encodeByReflection(a)
		last, lastWant = got, [3]string{values, verdicts, result}
	}
	// What json.Marshal refuses, encode refuses.
	for _, a := range []Assessment{
		{Values: []scoring.IndicatorValue{{Code: "x", Value: scoring.Value{Number: math.NaN()}}}},
		{Result: scoring.Result{Criteria: []scoring.CriterionResult{{Code: "1", Status: scoring.Met,
			Failing: []scoring.Gap{{Threshold: math.Inf(1)}}}}}},
		{Verdicts: []scoring.Verdict{{Criterion: "1", Status: scoring.Status(99)}}},
	} {
		var e encoder
		if _, _, err := e.encode(a); err == nil {
			t.Errorf("encode(%+v) succeeded, want the error json.Marshal gives", a)
		}
	}
}

func FuzzEncode(f *testing.F) {
	for i, s := range trickyStrings {
		f.Add(s, trickyNumbers[i%len(trickyNumbers)], i%2 == 0)
	}
	f.Fuzz(func(t *testing.T, s string, n float64, flag bool) {
		a := Assessment{
			Values: []scoring.IndicatorValue{{Code: s, Value: scoring.Value{Number: n}}, {Code: s, Value: scoring.Value{IsFlag: true, Flag: flag}}},
			Result: scoring.Result{Band: s, Criteria: []scoring.CriterionResult{{Code: s, Name: s, Status: scoring.NotMet, Basis: s,
				Failing: []scoring.Gap{{Indicator: s, Name: s, Op: s, Unit: s, Threshold: n, Value: -n, Summary: s}}, Missing: []string{s}}}},
		}
		wantSameEncoding(t, &encoder{}, a)
	})
}
