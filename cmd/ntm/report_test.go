package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
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

// `ntm report` prints the report's figures and writes the same workbook
// the REST route answers as a file: an .xlsx that opens, one sheet per
// section, counted on the same day as the JSON report.
func TestReportCommandAndWorkbookRoute(t *testing.T) {
	s := startTestSuite(t, upConfig{})
	admin := tokenOf(t, demoAdmin)
	var r struct {
		AsOf    string
		Targets struct {
			Rows []struct{ Kind, Summary string }
		}
	}
	getJSON(t, s.httpURL+"/v1/units/19/report?period=2020", http.StatusOK, &r)

	code, header, body := send(t, http.MethodGet, s.httpURL+"/v1/units/19/report.xlsx?period=2020", admin, "")
	if code != http.StatusOK || header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		header.Get("Content-Disposition") != "attachment; filename=bao-cao-ntm-19-2020-den-2020-12-31.xlsx" {
		t.Fatalf("report.xlsx: %d %q %q", code, header.Get("Content-Type"), header.Get("Content-Disposition"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("report.xlsx does not open: %v", err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 6 {
		t.Errorf("report.xlsx sheets %q, want six", sheets)
	}
	rows, err := f.GetRows("Kế hoạch và kết quả")
	if err != nil || len(r.Targets.Rows) == 0 {
		t.Fatalf("targets sheet: %v; JSON targets %d", err, len(r.Targets.Rows))
	}
	for _, want := range r.Targets.Rows {
		if !slices.ContainsFunc(rows, func(row []string) bool { return slices.Contains(row, want.Kind) && slices.Contains(row, want.Summary) }) {
			t.Errorf("report.xlsx has no row %s %q", want.Kind, want.Summary)
		}
	}
	code, header, _ = send(t, http.MethodGet, s.httpURL+"/v1/units/19/aggregate.xlsx?as_of=2020-10-31", admin, "")
	if code != http.StatusOK || header.Get("Content-Disposition") != "attachment; filename=tong-hop-tieu-chi-19-2020-10-31.xlsx" {
		t.Errorf("aggregate.xlsx: %d %q", code, header.Get("Content-Disposition"))
	}

	file := filepath.Join(t.TempDir(), "report.xlsx")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"report", "19", "--period", "2020", "--xlsx", file, "--report-addr", s.reportAddr, "--token", admin}, &out, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Báo cáo kết quả thực hiện Chương trình MTQG xây dựng nông thôn mới năm 2020", "as of " + r.AsOf, "RECOGNITIONS", r.Targets.Rows[0].Summary, "Workbook written to " + file} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("ntm report printed no %q:\n%s", want, out.String())
		}
	}
	written, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if g, err := excelize.OpenReader(bytes.NewReader(written)); err != nil {
		t.Errorf("the written workbook does not open: %v", err)
	} else {
		_ = g.Close()
	}
}
