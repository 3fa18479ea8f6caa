package demo

import (
	"strings"
	"testing"
)

func TestDemoAssessmentsParse(t *testing.T) {
	as, err := Assessments()
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 205 {
		t.Fatalf("%d assessments, want 205", len(as))
	}
	// La Hiên, 2024: income is decided by the engine from the value.
	for _, a := range as {
		if a.GetUnitCode() == "06002" && a.GetAssessedOn() == "2024-12-31" {
			if len(a.GetVerdicts()) != 18 || len(a.GetValues()) != 1 || a.GetValues()[0].GetNumber() != 43.5 {
				t.Fatalf("La Hiên 2024: %d verdicts, values %v", len(a.GetVerdicts()), a.GetValues())
			}
			return
		}
	}
	t.Fatal("La Hiên 2024 missing")
}

func TestParseAssessmentsErrorsNameLineAndColumn(t *testing.T) {
	head := strings.Join(assessmentColumns, ",") + "\n"
	for _, c := range []struct{ body, want string }{
		{"06002,2019-12-31,S,ĐX,,a,,\n", "line 2: statuses: character 2"},
		{"06002,2019-12-31,S,Đ,10.1,a,,\n", "line 2: values:"},
		{"06002,2019-12-31,S,Đ,10.1=abc,a,,\n", "line 2: values: 10.1"},
		{"06002,2019-12-31,S,Đ,,a\n", "wrong number of fields"},
	} {
		_, err := ParseAssessments(strings.NewReader(head + c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want an error containing %q", c.body, err, c.want)
		}
	}
	if _, err := ParseAssessments(strings.NewReader("a,b\n")); err == nil {
		t.Error("a wrong header was accepted")
	}
}

func FuzzParseAssessments(f *testing.F) {
	f.Add([]byte(strings.Join(assessmentColumns, ",") + "\n06002,2019-12-31,S,ĐB.C,10.1=43.5;17.1=true,a,b,c\n"))
	f.Add(assessmentsCSV)
	f.Fuzz(func(t *testing.T, data []byte) {
		as, err := ParseAssessments(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		for _, a := range as {
			if len(a.GetVerdicts()) > 0 && a.GetVerdicts()[0].GetStatus() == 0 {
				t.Fatalf("unspecified verdict from %q", data)
			}
		}
	})
}
