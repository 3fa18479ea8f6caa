package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The README's tour: the template of Võ Nhai's communes, then the sample
// form shipped in samples/: its dry run reports the bad row by row and
// column and writes nothing; fixed, it imports.
func TestTemplateAndImportOfTheSampleForm(t *testing.T) {
	s := startTestSuite(t, upConfig{})
	dir := t.TempDir()
	admin := tokenOf(t, demoAdmin)
	var out bytes.Buffer
	tpl := filepath.Join(dir, "bieu.xlsx")
	if err := run(context.Background(), []string{"template", "assessments", "--unit", "170", "--as-of", "2025-06-30", "-o", tpl,
		"--addr", s.criteriaAddr, "--token", admin}, &out, slog.Default()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(tpl)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Đánh giá")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 3 || rows[0][0] != "Mã đơn vị" || rows[1][0] != "unit_code" || rows[2][0] != "06002" || rows[2][3] != "NTM_COMMUNE_2021_2025" {
		t.Fatalf("template rows: %v", rows[:min(len(rows), 3)])
	}

	sample, err := os.ReadFile(filepath.Join("..", "..", "samples", "danh-gia-vo-nhai-2025-06-30.csv"))
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "danh-gia.csv")
	if err := os.WriteFile(bad, sample, 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = run(context.Background(), []string{"import", "assessments", bad, "--dry-run", "--addr", s.criteriaAddr, "--token", admin}, &out, slog.Default())
	if err == nil || !strings.Contains(err.Error(), ": 1 conflict") {
		t.Fatalf("dry run of the sample: %v, want 1 conflict\n%s", err, out.String())
	}
	for _, want := range []string{"5 rows, 4 created, 0 updated, 0 skipped, 1 rejected (dry run: nothing written)", "5    assessed_on  31/06/2025"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out.String())
		}
	}
	var listed struct{ Assessments []any }
	getJSON(t, s.httpURL+"/v1/units/06008/assessments?as_of=2025-06-30", 200, &listed)
	before := len(listed.Assessments)

	fixed := filepath.Join(dir, "danh-gia-sua.csv")
	if err := os.WriteFile(fixed, bytes.ReplaceAll(sample, []byte("31/06/2025"), []byte("30/06/2025")), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"import", "assessments", fixed, "--addr", s.criteriaAddr, "--token", admin, "--request-id", "vo-nhai-6t-2025"}, &out, slog.Default()); err != nil {
		t.Fatalf("import of the fixed sample: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "5 rows, 5 created") {
		t.Errorf("import output: %s", out.String())
	}
	getJSON(t, s.httpURL+"/v1/units/06008/assessments?as_of=2025-06-30", 200, &listed)
	if len(listed.Assessments) != before+1 {
		t.Errorf("06008 has %d assessments after the import, %d before", len(listed.Assessments), before)
	}
}

// The forms of money from the command line: the template of Võ Nhai's
// plans, a dry run of a file with a fraction of a đồng, and the template
// of its disbursements.
func TestTemplateAndImportOfPlans(t *testing.T) {
	s := startTestSuite(t, upConfig{})
	dir := t.TempDir()
	admin := tokenOf(t, demoAdmin)
	var out bytes.Buffer
	tpl := filepath.Join(dir, "ke-hoach.xlsx")
	if err := run(context.Background(), []string{"template", "plans", "--unit", "170", "--year", "2025", "--as-of", "2025-06-30", "-o", tpl,
		"--addr", s.fundingAddr, "--token", admin}, &out, slog.Default()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(tpl)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Kế hoạch vốn")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 3 || rows[0][0] != "Mã đơn vị" || rows[1][0] != "unit_code" || rows[2][0] != "06002" || rows[2][2] != "2025" {
		t.Fatalf("template rows: %v", rows[:min(len(rows), 3)])
	}

	file := filepath.Join(dir, "ke-hoach.csv")
	if err := os.WriteFile(file, []byte("unit_code,year,source,purpose,amount_vnd\n06002,2025,Ngân sách Trung ương,Giao thông,\"1.500.000,5\"\n06002,2025,Ngân sách tỉnh,Giao thông,2.000.000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = run(context.Background(), []string{"import", "plans", file, "--dry-run", "--allocated-on", "2025-01-15", "--addr", s.fundingAddr, "--token", admin}, &out, slog.Default())
	if err == nil || !strings.Contains(err.Error(), ": 1 conflict") || !strings.Contains(out.String(), "2 rows, 1 created, 0 updated, 0 skipped, 1 rejected (dry run: nothing written)") {
		t.Fatalf("dry run of plans: %v\n%s", err, out.String())
	}

	tpl = filepath.Join(dir, "giai-ngan.xlsx")
	if err := run(context.Background(), []string{"template", "disbursements", "--unit", "170", "--year", "2025", "--as-of", "2025-06-30", "-o", tpl,
		"--addr", s.fundingAddr, "--token", admin}, &out, slog.Default()); err != nil {
		t.Fatal(err)
	}
	if f, err = excelize.OpenFile(tpl); err != nil {
		t.Fatal(err)
	}
	if rows, err = f.GetRows("Giải ngân"); err != nil || len(rows) < 2 || rows[0][0] != "Mã kế hoạch" || rows[1][0] != "plan_id" {
		t.Fatalf("disbursement template rows: %v %v", rows[:min(len(rows), 3)], err)
	}
}

// The OCOP files from the command line: a list of producers imported, the
// products template of their commune listing them, filled and imported,
// and the council results' form of the catalog in force.
func TestTemplateAndImportOfOcopFiles(t *testing.T) {
	s := startTestSuite(t, upConfig{})
	dir := t.TempDir()
	admin := tokenOf(t, demoAdmin)
	ntm := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append(args, "--addr", s.ocopAddr, "--token", admin), &out, slog.Default())
		return out.String(), err
	}
	producers := filepath.Join(dir, "chu-the.csv")
	if err := os.WriteFile(producers, []byte("unit_code,display_name,kind,registered_on\n06002,HTX Chè La Hiên,Hợp tác xã,15/03/2024\n06002,HTX Ma,Hội,15/03/2024\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := ntm("import", "producers", producers); err == nil || !strings.Contains(out, "2 rows, 0 created, 0 updated, 0 skipped, 1 rejected (nothing written)") {
		t.Fatalf("atomic import of a bad list: %v\n%s", err, out)
	}
	if out, err := ntm("import", "producers", producers, "--atomic=false"); err == nil || !strings.Contains(out, "2 rows, 1 created") {
		t.Fatalf("import of the good row: %v\n%s", err, out)
	}

	tpl := filepath.Join(dir, "san-pham.xlsx")
	if out, err := ntm("template", "products", "--unit", "06002", "-o", tpl); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	f, err := excelize.OpenFile(tpl)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Sản phẩm")
	if err != nil {
		t.Fatal(err)
	}
	// The commune's producers, the one imported among them, each on a row.
	row := slices.IndexFunc(rows, func(r []string) bool { return len(r) > 1 && r[1] == "HTX Chè La Hiên" })
	if row < 2 || !strings.HasPrefix(rows[row][0], "producers/") {
		t.Fatalf("products template: %v", rows)
	}
	for col, v := range map[string]string{"C": "Chè xanh La Hiên", "D": "Đồ uống"} {
		cell := col + strconv.Itoa(row+1)
		if err := f.SetCellStr("Sản phẩm", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	// The office deletes the rows of the other producers, as the instructions say.
	for r := len(rows); r >= 3; r-- {
		if r != row+1 {
			if err := f.RemoveRow("Sản phẩm", r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	if out, err := ntm("import", "products", tpl); err != nil || !strings.Contains(out, "1 rows, 1 created") {
		t.Fatalf("import of the filled products template: %v\n%s", err, out)
	}

	results := filepath.Join(dir, "ket-qua.xlsx")
	if out, err := ntm("template", "evaluations", "--catalog", "OCOP_2023", "--unit", "06002", "-o", results); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if f, err = excelize.OpenFile(results); err != nil {
		t.Fatal(err)
	}
	if rows, err = f.GetRows("Kết quả đánh giá"); err != nil || !slices.ContainsFunc(rows, func(r []string) bool { return len(r) > 1 && r[1] == "Chè xanh La Hiên" }) {
		t.Errorf("results template: %v %v", rows, err)
	}
}

// The registry's forms from the command line: the templates of Võ Nhai's
// units (its township first) and communes, and a recognition file whose dry run reports its
// bad row and fails.
func TestTemplateAndImportOfTheRegistrysForms(t *testing.T) {
	s := startTestSuite(t, upConfig{})
	dir := t.TempDir()
	admin := tokenOf(t, demoAdmin)
	var out bytes.Buffer
	for kind, want := range map[string]struct{ sheet, first string }{"units": {"Đơn vị", "06001"}, "recognitions": {"Công nhận", "06002"}} {
		tpl := filepath.Join(dir, kind+".xlsx")
		if err := run(context.Background(), []string{"template", kind, "--unit", "170", "--as-of", "2025-06-30", "-o", tpl,
			"--addr", s.registryAddr, "--token", admin}, &out, slog.Default()); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenFile(tpl)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(want.sheet)
		_ = f.Close()
		if err != nil || len(rows) < 3 || rows[0][0] != "Mã đơn vị" || rows[2][0] != want.first {
			t.Fatalf("%s template rows: %v %v", kind, rows[:min(len(rows), 3)], err)
		}
	}
	file := filepath.Join(dir, "cong-nhan.csv")
	if err := os.WriteFile(file, []byte("unit_code,level,decision_number,effective_date,criteria_set\n06002,Xuất sắc,QĐ-1,30/06/2025,NTM_COMMUNE_2021_2025\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err := run(context.Background(), []string{"import", "recognitions", file, "--dry-run", "--addr", s.registryAddr, "--token", admin}, &out, slog.Default())
	if err == nil || !strings.Contains(err.Error(), ": 1 conflict") || !strings.Contains(out.String(), "level   Xuất sắc") {
		t.Fatalf("dry run of a bad recognition: %v\n%s", err, out.String())
	}
}
