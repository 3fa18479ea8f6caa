package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
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
	if err == nil || !strings.Contains(err.Error(), "1 conflicts") {
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
	if err == nil || !strings.Contains(err.Error(), "1 conflicts") || !strings.Contains(out.String(), "level   Xuất sắc") {
		t.Fatalf("dry run of a bad recognition: %v\n%s", err, out.String())
	}
}
