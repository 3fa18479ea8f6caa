package server_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/importing/importingtest"

	"github.com/xuri/excelize/v2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/restheader"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	"github.com/ntmsuite/ntm/services/criteria"
)

// importFile imports testdata/import/name (or content) with req's options
// and waits for the operation.
func (e *env) importFile(t *testing.T, ctx context.Context, content []byte, req *criteriav1.ImportAssessmentsRequest) *operationv1.Operation {
	t.Helper()
	req.Content = content
	op, err := e.crit.ImportAssessments(ctx, req)
	if err != nil {
		t.Fatalf("ImportAssessments: %v", err)
	}
	return e.wait(t, ctx, op)
}

func (e *env) wait(t *testing.T, ctx context.Context, op *operationv1.Operation) *operationv1.Operation {
	t.Helper()
	return importingtest.Wait(t, ctx, e.ops, op)
}

func (e *env) assessmentsOf(t *testing.T, unit string) int {
	t.Helper()
	resp, err := e.crit.ListAssessments(context.Background(), &criteriav1.ListAssessmentsRequest{UnitCode: unit, AsOf: "2025-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	return len(resp.GetAssessments())
}

// A dry run reports every bad row by sheet, row and column, and writes nothing.
func TestImportDryRunReportsEveryConflict(t *testing.T) {
	e := newEnv(t)
	op := e.importFile(t, context.Background(), importingtest.File(t, "bad.csv"), &criteriav1.ImportAssessmentsRequest{DryRun: true, Author: author})
	if op.GetState() != operationv1.Operation_SUCCEEDED {
		t.Fatalf("dry run ended %v: %v", op.GetState(), op.GetError())
	}
	importingtest.Golden(t, "bad.dry-run", op.GetSummary())
	if n := e.assessmentsOf(t, "100"); n != 0 {
		t.Errorf("a dry run wrote %d assessments", n)
	}
}

// A real run of a file with conflicts writes none of it, unless atomic is
// false: then the clean rows are written and the others reported.
func TestImportIsAtomicUnlessAskedOtherwise(t *testing.T) {
	e := newEnv(t)
	op := e.importFile(t, context.Background(), importingtest.File(t, "bad.csv"), &criteriav1.ImportAssessmentsRequest{Author: author})
	if op.GetState() != operationv1.Operation_FAILED || op.GetError().GetCode() != int32(codes.InvalidArgument) {
		t.Fatalf("atomic import of a bad file ended %v %v, want FAILED InvalidArgument", op.GetState(), op.GetError())
	}
	if s := op.GetSummary(); s.GetWritten() || s.GetConflictsTotal() == 0 || e.assessmentsOf(t, "100") != 0 {
		t.Errorf("atomic import of a bad file: summary %v, %d assessments of 100", s, e.assessmentsOf(t, "100"))
	}
	op = e.importFile(t, context.Background(), importingtest.File(t, "bad.csv"), &criteriav1.ImportAssessmentsRequest{Author: author, Atomic: proto.Bool(false)})
	if op.GetState() != operationv1.Operation_SUCCEEDED {
		t.Fatalf("import with atomic=false ended %v: %v", op.GetState(), op.GetError())
	}
	importingtest.Golden(t, "bad.per-row", op.GetSummary())
	if n := e.assessmentsOf(t, "100"); n != 1 {
		t.Errorf("%d assessments of 100, want the clean row's", n)
	}
	score, err := e.crit.GetScore(context.Background(), &criteriav1.GetScoreRequest{UnitCode: "100", AsOf: "2024-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	if score.GetCriteriaSet() != set2021 || score.GetAssessedOn() != "2024-12-31" {
		t.Errorf("score of the imported row: %v", score)
	}
}

// The template of a district, filled in Excel and uploaded, is imported.
func TestImportTheFilledTemplate(t *testing.T) {
	e := newEnv(t)
	var header metadata.MD
	body, err := e.crit.GetAssessmentTemplate(context.Background(), &criteriav1.GetAssessmentTemplateRequest{UnitCode: district, AsOf: "2024-12-31"}, grpc.Header(&header))
	if err != nil {
		t.Fatal(err)
	}
	if got := header.Get(restheader.FileName); len(got) != 1 || got[0] != "bieu-danh-gia-"+set2021+"-170-2024-12-31.xlsx" {
		t.Errorf("file name %v", got)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body.GetData()))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Đánh giá")
	if err != nil {
		t.Fatal(err)
	}
	// Titles, keys, then Võ Nhai's communes on 2024-12-31: 100, 101, 102, 104.
	if len(rows) != 6 || rows[2][0] != "100" || rows[5][0] != "104" || rows[2][2] != "31/12/2024" {
		t.Fatalf("template rows: %v", rows)
	}
	col := map[string]int{}
	for i, k := range rows[1] {
		col[k] = i + 1
	}
	for r := 3; r <= 6; r++ {
		set := func(key, v string) {
			cell, _ := excelize.CoordinatesToCellName(col[key], r)
			if err := f.SetCellStr("Đánh giá", cell, v); err != nil {
				t.Fatal(err)
			}
		}
		set("author", author)
		set("1.1", "Đạt")
		set("2.1", "100")
		set("TC19", "Đ")
	}
	var filled bytes.Buffer
	if err := f.Write(&filled); err != nil {
		t.Fatal(err)
	}
	op := e.importFile(t, context.Background(), filled.Bytes(), &criteriav1.ImportAssessmentsRequest{})
	if op.GetState() != operationv1.Operation_SUCCEEDED || op.GetSummary().GetCreated() != 4 || op.GetRowsDone() != 4 {
		t.Fatalf("import of the filled template: %v", op)
	}
	agg, err := e.crit.GetAggregate(context.Background(), &criteriav1.GetAggregateRequest{UnitCode: district, AsOf: "2024-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	if agg.GetAssessedCommunes() != 4 {
		t.Errorf("aggregate of 170 counts %d assessed communes, want the 4 imported", agg.GetAssessedCommunes())
	}
}

// An officer's rows for units outside their commune are refused by name;
// the rest is imported when atomic is false.
func TestImportChecksScopePerRow(t *testing.T) {
	a := newSQLiteAuthEnv(t)
	officer := a.as(t, auth.Identity{Subject: "can-bo-la-hien", Role: auth.CommuneOfficer, Unit: "100"})
	file := []byte("unit_code,assessed_on,TC1,TC2\n100,2024-12-31,Đ,Đ\n101,2024-12-31,Đ,C\n")
	op := a.importFile(t, officer, file, &criteriav1.ImportAssessmentsRequest{Atomic: proto.Bool(false)})
	s := op.GetSummary()
	if op.GetState() != operationv1.Operation_SUCCEEDED || s.GetCreated() != 1 || s.GetRejected() != 1 {
		t.Fatalf("officer's import: %v", op)
	}
	if c := s.GetConflicts()[0]; c.GetRow() != 3 || c.GetColumn() != "unit_code" || !strings.Contains(c.GetMessage(), "101") {
		t.Errorf("conflict %v, want row 3's unit_code naming 101", c)
	}
	if got := op.GetActor(); got != "can-bo-la-hien" {
		t.Errorf("operation of %q", got)
	}
	// A viewer may import nothing.
	viewer := a.as(t, auth.Identity{Subject: "xem", Role: auth.Viewer})
	if _, err := a.crit.ImportAssessments(viewer, &criteriav1.ImportAssessmentsRequest{Content: file}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("viewer's import: %v, want PermissionDenied", err)
	}
	// Another officer cannot follow the operation.
	other := a.as(t, auth.Identity{Subject: "can-bo-khac", Role: auth.CommuneOfficer, Unit: "101"})
	if _, err := a.ops.GetOperation(other, &operationv1.GetOperationRequest{Name: op.GetName()}); status.Code(err) != codes.NotFound {
		t.Errorf("another officer reads the operation: %v, want NotFound", err)
	}
}

// A retried upload with the same request id is not imported twice.
func TestImportRetriedWithTheSameRequestID(t *testing.T) {
	e := newEnv(t)
	file := []byte("unit_code,assessed_on,author,TC1\n100,2024-12-31,VP,Đ\n")
	ctx := metadata.AppendToOutgoingContext(context.Background(), restheader.IdempotencyKey, "import-100-2024")
	first, err := e.crit.ImportAssessments(ctx, &criteriav1.ImportAssessmentsRequest{Content: file})
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.crit.ImportAssessments(ctx, &criteriav1.ImportAssessmentsRequest{Content: file})
	if err != nil {
		t.Fatal(err)
	}
	if again.GetName() != first.GetName() {
		t.Errorf("the retry started %s, the first %s", again.GetName(), first.GetName())
	}
	e.wait(t, ctx, first)
	if n := e.assessmentsOf(t, "100"); n != 1 {
		t.Errorf("%d assessments after a retried import, want 1", n)
	}
}

// What is no spreadsheet is refused at once, naming the field.
func TestImportRefusesUnreadableFiles(t *testing.T) {
	e := newEnv(t)
	for name, content := range map[string][]byte{
		"no header":   []byte("x,y\n1,2\n"),
		"broken zip":  append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0}, 64)...),
		"NUL in cell": []byte("unit_code,assessed_on\n10\x000,2024-12-31\n"),
	} {
		_, err := e.crit.ImportAssessments(context.Background(), &criteriav1.ImportAssessmentsRequest{Content: content})
		if status.Code(err) != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), "content") {
			t.Errorf("%s: %v, want InvalidArgument naming content", name, err)
		}
	}
}

// A row refused only once the rows before it went to the database (its
// unit does not exist, which the registry tells, not the file) still
// leaves nothing written in an atomic import, and only itself out of a
// per-row one, on both stores: rows are checked as they are written.
func TestImportRowRefusedWhileWriting(t *testing.T) {
	file := []byte("unit_code;assessed_on;1.1;2.1;10.1\n" +
		"100;31/12/2024;Đạt;100;45,5\n" +
		"101;31/12/2024;Đạt;100;40\n" +
		"999;31/12/2024;Đạt;100;40\n" +
		"102;31/12/2024;Đạt;100;40\n")
	onEachStore(t, func(t *testing.T, e *env, cfg criteria.Config) {
		e.openCriteria(t, cfg)
		written := func() int { return e.assessmentsOf(t, "100") + e.assessmentsOf(t, "101") + e.assessmentsOf(t, "102") }

		op := e.importFile(t, context.Background(), file, &criteriav1.ImportAssessmentsRequest{Author: author})
		if op.GetState() != operationv1.Operation_FAILED || op.GetError().GetCode() != int32(codes.InvalidArgument) {
			t.Fatalf("atomic import ended %v %v, want FAILED InvalidArgument", op.GetState(), op.GetError())
		}
		if s := op.GetSummary(); s.GetWritten() || s.GetConflictsTotal() != 1 || s.GetConflicts()[0].GetRow() != 4 || written() != 0 {
			t.Errorf("atomic import: summary %v, %d assessments written", s, written())
		}

		op = e.importFile(t, context.Background(), file, &criteriav1.ImportAssessmentsRequest{Author: author, Atomic: proto.Bool(false)})
		if op.GetState() != operationv1.Operation_SUCCEEDED {
			t.Fatalf("per-row import ended %v: %v", op.GetState(), op.GetError())
		}
		if s := op.GetSummary(); !s.GetWritten() || s.GetCreated() != 3 || s.GetRejected() != 1 || written() != 3 {
			t.Errorf("per-row import: summary %v, %d assessments written", s, written())
		}
	})
}
