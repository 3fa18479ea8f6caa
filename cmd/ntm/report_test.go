package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// badField is the field a 400 answer names.
func badField(t *testing.T, body []byte) string {
	t.Helper()
	var st struct {
		Details []struct {
			FieldViolations []struct{ Field string } `json:"fieldViolations"`
		} `json:"details"`
	}
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	for _, d := range st.Details {
		for _, v := range d.FieldViolations {
			return v.Field
		}
	}
	return ""
}

// A period that does not parse or is not known, and a date outside the
// period, are refused naming the field, over REST (JSON and workbook alike)
// and from `ntm report`.
func TestReportRefusesBadPeriodAndDate(t *testing.T) {
	s := startTestSuite(t, upConfig{})
	admin := tokenOf(t, demoAdmin)
	for _, tc := range []struct{ query, field string }{
		{"period=2020-Q3", "period"},
		{"period=2020-2019", "period"},
		{"period=", "period"},
		{"period=2999", "period"},
		{"period=2020&as_of=2021-01-01", "as_of"},
		{"period=2020-H2&as_of=2020-06-30", "as_of"},
		{"period=2020&as_of=2020-02-30", "as_of"},
	} {
		for _, route := range []string{"report", "report.xlsx"} {
			code, header, body := send(t, http.MethodGet, s.httpURL+"/v1/units/19/"+route+"?"+tc.query, admin, "")
			if code != http.StatusBadRequest || header.Get("Content-Type") != "application/json" || badField(t, body) != tc.field {
				t.Errorf("%s?%s = %d %s, want 400 naming %s", route, tc.query, code, body, tc.field)
			}
		}
	}

	var out bytes.Buffer
	err := run(context.Background(), []string{"report", "19", "--period", "2020-Q3", "--report-addr", s.reportAddr, "--token", admin}, &out, nil)
	if err == nil || !strings.Contains(err.Error(), "period") {
		t.Errorf("ntm report --period 2020-Q3: %v", err)
	}
	err = run(context.Background(), []string{"report", "--period", "2020"}, &out, nil)
	if err == nil || !strings.Contains(err.Error(), "usage: ntm report UNIT") {
		t.Errorf("ntm report without a unit: %v", err)
	}
}
