package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ntmsuite/ntm/platform/date"
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

// A period that does not parse, has not begun or is not a phase of the
// programme, a date outside the period or after today, a unit that has no
// report, and a period no criteria set was in force in are refused naming
// the field the caller sent, in the report's words, over REST (JSON and
// workbook alike) and from `ntm report`.
func TestReportRefusesBadPeriodAndDate(t *testing.T) {
	s := startTestSuite(t, upConfig{})
	admin := tokenOf(t, demoAdmin)
	// A span of two years from this one holds tomorrow whatever the day.
	today := date.Today()
	tomorrow := today.AddDays(1).String()
	twoYears := strconv.Itoa(today.Year()) + "-" + strconv.Itoa(today.Year()+1)
	for _, tc := range []struct{ unit, query, field, says string }{
		{"19", "period=2020-Q3", "period", "is not a period"},
		{"19", "period=2020-2019", "period", "is not a known period"},
		{"19", "period=", "period", "must be at least 1 characters"},
		{"19", "period=2999", "period", "has not begun"},
		{"19", "period=2101&as_of=2101-06-30", "period", "has not begun"},
		{"19", "period=2017-2019", "period", "2017-2019 is not a phase of the programme: a report of several years covers one phase, and the criteria catalogs name 2016-2020, 2021-2025, 2026-2030"},
		{"19", "period=2020&as_of=2021-01-01", "as_of", "outside the period 2020"},
		{"19", "period=2020-H2&as_of=2020-06-30", "as_of", "outside the period 2020-H2"},
		{"19", "period=2020&as_of=2020-02-30", "as_of", "not a valid date"},
		{"19", "period=" + twoYears + "&as_of=" + tomorrow, "as_of", tomorrow + " is after today"},
		{"0600201", "period=2020", "unit_code", "0600201 (Xóm Làng Lai) is a village on 2020-12-31: reports are of communes, districts, provinces or the whole country"},
		{"07001", "period=2020", "unit_code", "07001 (Phường Ba Hàng) is a ward on 2020-12-31"},
		{"19", "period=2016-H1", "period", "no report of 2016-H1 can be counted on 2016-06-30: no criteria set"},
		{"19", "period=2016-H1&as_of=2016-05-31", "as_of", "no report of 2016-H1 can be counted on 2016-05-31: no criteria set"},
	} {
		for _, route := range []string{"report", "report.xlsx"} {
			code, header, body := send(t, http.MethodGet, s.httpURL+"/v1/units/"+tc.unit+"/"+route+"?"+tc.query, admin, "")
			if code != http.StatusBadRequest || header.Get("Content-Type") != "application/json" || badField(t, body) != tc.field || !bytes.Contains(body, []byte(tc.says)) {
				t.Errorf("%s %s?%s = %d %s, want 400 naming %s saying %q", tc.unit, route, tc.query, code, body, tc.field, tc.says)
			}
		}
	}
	// A phase the catalogs name has its report.
	if code, _, body := send(t, http.MethodGet, s.httpURL+"/v1/units/19/report?period=2016-2020", admin, ""); code != http.StatusOK {
		t.Errorf("report?period=2016-2020 = %d %s", code, body)
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
