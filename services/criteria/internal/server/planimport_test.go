package server_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/importing/importingtest"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
)

// done waits for the operation an import call started.
func (e *env) done(t *testing.T, ctx context.Context, op *operationv1.Operation, err error) *operationv1.Operation {
	t.Helper()
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return e.wait(t, ctx, op)
}

// A registration list with a row equal to a registration on file
// (skipped), one differing from it (a conflict naming it), and rows the
// checks of CreateRegistration refuse, each at its column.
func TestImportRegistrations(t *testing.T) {
	a := newSQLiteAuthEnv(t)
	a.register(t, "100", registration(advanced, 2021, "2020-12-20"))
	a.register(t, "110", registration(standard, 2021, "2020-12-20"))
	ctx := a.admin(t)
	file := importingtest.File(t, "registrations.csv")
	before := a.trail(t)
	op, err := a.crit.ImportRegistrations(ctx, &criteriav1.ImportRegistrationsRequest{Content: file, DryRun: true})
	op = a.done(t, ctx, op, err)
	if op.GetState() != operationv1.Operation_SUCCEEDED {
		t.Fatalf("dry run ended %v: %v", op.GetState(), op.GetError())
	}
	importingtest.Golden(t, "registrations.dry-run", op.GetSummary())
	if after := a.trail(t); len(after) != len(before) {
		t.Errorf("a dry run wrote %d audit events", len(after)-len(before))
	}
	op, err = a.crit.ImportRegistrations(ctx, &criteriav1.ImportRegistrationsRequest{Content: file})
	if op = a.done(t, ctx, op, err); op.GetState() != operationv1.Operation_FAILED || op.GetSummary().GetWritten() {
		t.Errorf("atomic import with conflicts: %v %v", op.GetState(), op.GetSummary())
	}
	op, err = a.crit.ImportRegistrations(ctx, &criteriav1.ImportRegistrationsRequest{Content: file, Atomic: proto.Bool(false)})
	op = a.done(t, ctx, op, err)
	if s := op.GetSummary(); op.GetState() != operationv1.Operation_SUCCEEDED || s.GetCreated() != 1 || s.GetSkipped() != 1 || !s.GetWritten() {
		t.Fatalf("import with atomic=false: %v %v", op.GetState(), s)
	}
	if got := a.registrations(t, "101", 2021, "2020-12-31"); len(got) != 1 {
		t.Errorf("101 has %v registrations for 2021, want the imported one", got)
	}
}

// Targets: a kind named by its plan's wording, and the refusals of
// CreateTarget at their columns.
func TestImportTargets(t *testing.T) {
	a := newSQLiteAuthEnv(t)
	ctx := a.admin(t)
	op, err := a.crit.ImportTargets(ctx, &criteriav1.ImportTargetsRequest{Content: importingtest.File(t, "targets.csv"), Atomic: proto.Bool(false)})
	op = a.done(t, ctx, op, err)
	if op.GetState() != operationv1.Operation_SUCCEEDED {
		t.Fatalf("import ended %v: %v", op.GetState(), op.GetError())
	}
	importingtest.Golden(t, "targets.per-row", op.GetSummary())
	resp, err := a.crit.ListTargets(ctx, &criteriav1.ListTargetsRequest{UnitCode: "19", Period: "2026"})
	if err != nil || len(resp.GetTargets()) != 1 || resp.GetTargets()[0].GetKind() != "COMMUNES_STANDARD_NEW" || resp.GetTargets()[0].GetValue() != 5 {
		t.Fatalf("targets of 19 for 2026: %v %v", resp.GetTargets(), err)
	}
	// The same file again: the target on file is skipped, nothing new.
	op, err = a.crit.ImportTargets(ctx, &criteriav1.ImportTargetsRequest{Content: importingtest.File(t, "targets.csv"), Atomic: proto.Bool(false)})
	if s := a.done(t, ctx, op, err).GetSummary(); s.GetCreated() != 0 || s.GetSkipped() != 1 {
		t.Errorf("the file again: %v", s)
	}
}

// The plan's template, filled in Excel, imports.
func TestImportTheTargetTemplate(t *testing.T) {
	a := newSQLiteAuthEnv(t)
	ctx := a.admin(t)
	body, err := a.crit.GetTargetTemplate(ctx, &criteriav1.GetTargetTemplateRequest{UnitCode: "19", Period: "2026-2030"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body.GetData()))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Chỉ tiêu")
	if err != nil || len(rows) < 4 || rows[2][0] != "19" || rows[2][2] != "2026-2030" {
		t.Fatalf("template rows %v, %v", rows, err)
	}
	// Only the first kind gets a value; the others' rows are deleted as the instructions say.
	if err := f.SetCellStr("Chỉ tiêu", "E3", "7"); err != nil {
		t.Fatal(err)
	}
	for r := len(rows); r > 3; r-- {
		if err := f.RemoveRow("Chỉ tiêu", r); err != nil {
			t.Fatal(err)
		}
	}
	var filled bytes.Buffer
	if err := f.Write(&filled); err != nil {
		t.Fatal(err)
	}
	op, err := a.crit.ImportTargets(ctx, &criteriav1.ImportTargetsRequest{Content: filled.Bytes()})
	if op = a.done(t, ctx, op, err); op.GetState() != operationv1.Operation_SUCCEEDED || op.GetSummary().GetCreated() != 1 {
		t.Fatalf("import of the filled template: %v", op)
	}
}

// A template of a unit that no longer exists names it, never a 500.
func TestTemplateOfAUnitGone(t *testing.T) {
	a := newSQLiteAuthEnv(t)
	_, err := a.crit.GetRegistrationTemplate(a.admin(t), &criteriav1.GetRegistrationTemplateRequest{UnitCode: "103", AsOf: "2024-12-31"})
	if code := status.Code(err); code != codes.InvalidArgument && code != codes.NotFound {
		t.Errorf("template of a commune merged away: %v, want InvalidArgument or NotFound", err)
	}
}
