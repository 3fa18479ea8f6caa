package server_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/importing/importingtest"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpctest"
	"github.com/ntmsuite/ntm/platform/restheader"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	"github.com/ntmsuite/ntm/services/funding"
)

// importEnv is the test map's registry and a funding service with keys,
// for an admin and an officer of province 19 (not of 20, Xã Chi Lăng's).
type importEnv struct {
	fund           fundingv1.FundingServiceClient
	ops            operationv1.OperationServiceClient
	admin, officer context.Context
}

func newImportEnv(t *testing.T) *importEnv {
	t.Helper()
	c := cache.NewMemory()
	e := startRegistry(t, c)
	keys := grpctest.Keys(t)
	svc, err := funding.Open(context.Background(), funding.Config{SQLitePath: filepath.Join(t.TempDir(), "funding.db"), Cache: c,
		Registry: e.regConn, Logger: grpctest.Logger(), AuthKeys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	conn := grpctest.Dial(t, svc.Server())
	return &importEnv{fund: fundingv1.NewFundingServiceClient(conn), ops: operationv1.NewOperationServiceClient(conn),
		admin:   grpctest.WithToken(t, context.Background(), keys, auth.Identity{Subject: "admin", Role: auth.Admin}),
		officer: grpctest.WithToken(t, context.Background(), keys, auth.Identity{Subject: "so-tai-chinh", Role: auth.ProvinceOfficer, Unit: province})}
}

// wait polls op until it is done.
func (e *importEnv) wait(t *testing.T, ctx context.Context, op *operationv1.Operation) *operationv1.Operation {
	t.Helper()
	return importingtest.Wait(t, ctx, e.ops, op)
}

func (e *importEnv) importPlans(t *testing.T, ctx context.Context, req *fundingv1.ImportPlansRequest) *operationv1.Operation {
	t.Helper()
	if req.AllocatedOn == "" {
		req.AllocatedOn, req.DecisionNumber = "2025-01-15", "15/QĐ-UBND"
	}
	op, err := e.fund.ImportPlans(ctx, req)
	if err != nil {
		t.Fatalf("ImportPlans: %v", err)
	}
	return e.wait(t, ctx, op)
}

func (e *importEnv) importDisbursements(t *testing.T, ctx context.Context, req *fundingv1.ImportDisbursementsRequest) *operationv1.Operation {
	t.Helper()
	op, err := e.fund.ImportDisbursements(ctx, req)
	if err != nil {
		t.Fatalf("ImportDisbursements: %v", err)
	}
	return e.wait(t, ctx, op)
}

func (e *importEnv) plansOf(t *testing.T, unit string) []*fundingv1.Plan {
	t.Helper()
	resp, err := e.fund.ListPlans(e.admin, &fundingv1.ListPlansRequest{UnitCode: unit, AsOf: "2025-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetPlans()
}

// A dry run of plans reports every bad row by row and column (a fraction of
// a đồng, a source of no catalog, a unit outside the officer's province,
// goods in the wrong unit) and writes nothing.
func TestImportPlansDryRunReportsEveryConflict(t *testing.T) {
	e := newImportEnv(t)
	op := e.importPlans(t, e.officer, &fundingv1.ImportPlansRequest{Content: importingtest.File(t, "plans-bad.csv"), DryRun: true})
	if op.GetState() != operationv1.Operation_SUCCEEDED || op.GetKind() != "import/plans" {
		t.Fatalf("dry run ended %v: %v", op.GetState(), op)
	}
	importingtest.Golden(t, "plans-bad.dry-run", op.GetSummary())
	if n := len(e.plansOf(t, province)); n != 0 {
		t.Errorf("a dry run wrote %d plans", n)
	}
}

// A real run with conflicts writes none of the file, unless atomic is
// false: then the clean rows are written.
func TestImportPlansIsAtomicUnlessAskedOtherwise(t *testing.T) {
	e := newImportEnv(t)
	op := e.importPlans(t, e.officer, &fundingv1.ImportPlansRequest{Content: importingtest.File(t, "plans-bad.csv")})
	if op.GetState() != operationv1.Operation_FAILED || op.GetError().GetCode() != int32(codes.InvalidArgument) || op.GetSummary().GetWritten() {
		t.Fatalf("atomic import of a bad file ended %v %v", op.GetState(), op)
	}
	if n := len(e.plansOf(t, province)); n != 0 {
		t.Errorf("a failed atomic import wrote %d plans", n)
	}
	op = e.importPlans(t, e.officer, &fundingv1.ImportPlansRequest{Content: importingtest.File(t, "plans-bad.csv"), Atomic: proto.Bool(false)})
	if op.GetState() != operationv1.Operation_SUCCEEDED {
		t.Fatalf("import with atomic=false ended %v: %v", op.GetState(), op.GetError())
	}
	importingtest.Golden(t, "plans-bad.per-row", op.GetSummary())
	var got []string
	for _, p := range e.plansOf(t, "100") {
		got = append(got, p.GetSource()+" "+p.GetQuantity()+" "+p.GetQuantityUnit()+" "+mil(p.GetAmountVnd())+" "+p.GetAllocatedOn()+" "+p.GetDecisionNumber())
	}
	want := []string{"CENTRAL_BUDGET   1500 2025-01-15 15/QĐ-UBND", "CEMENT 120.5 tấn 0 2025-01-15 15/QĐ-UBND"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("plans of 100 (-want +got):\n%s", d)
	}
}

// seedPlans records, as the admin, plan 1 of 100 (1,500 million), plan 2
// of 120 in the other province, and plans 3 and 4 of 101 under one key.
func (e *importEnv) seedPlans(t *testing.T) {
	t.Helper()
	_, err := e.fund.BatchCreatePlans(e.admin, &fundingv1.BatchCreatePlansRequest{Plans: []*fundingv1.Plan{
		money("100", 2025, "CENTRAL_BUDGET", "TRANSPORT", 1500*M, "2025-01-15"),
		money("120", 2025, "CENTRAL_BUDGET", "TRANSPORT", 1000*M, "2025-01-15"),
		money("101", 2025, "PROVINCIAL_BUDGET", "SCHOOLS", 300*M, "2025-01-15"),
		money("101", 2025, "PROVINCIAL_BUDGET", "SCHOOLS", 200*M, "2025-06-01"),
	}})
	if err != nil {
		t.Fatal(err)
	}
}

// A dry run of disbursements finds each row's plan by id or by its key and
// reports every bad row: a fraction of a đồng, an unknown source, a unit or
// a plan outside the officer's province, an overrun without its reason
// (counting the rows above it), a key of two plans, an id and a unit that
// disagree.
func TestImportDisbursementsDryRunReportsEveryConflict(t *testing.T) {
	e := newImportEnv(t)
	e.seedPlans(t)
	op := e.importDisbursements(t, e.officer, &fundingv1.ImportDisbursementsRequest{Content: importingtest.File(t, "disbursements-bad.csv"), DryRun: true})
	if op.GetState() != operationv1.Operation_SUCCEEDED || op.GetKind() != "import/disbursements" {
		t.Fatalf("dry run ended %v: %v", op.GetState(), op)
	}
	importingtest.Golden(t, "disbursements-bad.dry-run", op.GetSummary())
	if d := e.plansOf(t, "100")[0].GetDisbursedVnd(); d != 0 {
		t.Errorf("a dry run disbursed %d VND", d)
	}
}

func TestImportDisbursementsIsAtomicUnlessAskedOtherwise(t *testing.T) {
	e := newImportEnv(t)
	e.seedPlans(t)
	op := e.importDisbursements(t, e.officer, &fundingv1.ImportDisbursementsRequest{Content: importingtest.File(t, "disbursements-bad.csv")})
	if op.GetState() != operationv1.Operation_FAILED || op.GetError().GetCode() != int32(codes.InvalidArgument) {
		t.Fatalf("atomic import of a bad file ended %v %v", op.GetState(), op)
	}
	if d := e.plansOf(t, "100")[0].GetDisbursedVnd(); d != 0 {
		t.Errorf("a failed atomic import disbursed %d VND", d)
	}
	op = e.importDisbursements(t, e.officer, &fundingv1.ImportDisbursementsRequest{Content: importingtest.File(t, "disbursements-bad.csv"), Atomic: proto.Bool(false)})
	if op.GetState() != operationv1.Operation_SUCCEEDED {
		t.Fatalf("import with atomic=false ended %v: %v", op.GetState(), op.GetError())
	}
	importingtest.Golden(t, "disbursements-bad.per-row", op.GetSummary())
	if d := e.plansOf(t, "100")[0].GetDisbursedVnd(); d != 500*M {
		t.Errorf("plan of 100 disbursed %d VND, want the clean row's 500 million", d)
	}
}

// fill writes values into the rows of a template's data sheet by column key.
func fill(t *testing.T, workbook []byte, sheetName string, values map[string]string) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(workbook))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(sheetName)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 3 {
		t.Fatalf("template without rows: %v", rows)
	}
	col := map[string]int{}
	for i, k := range rows[1] {
		col[k] = i + 1
	}
	for r := 3; r <= len(rows); r++ {
		for key, v := range values {
			cell, _ := excelize.CoordinatesToCellName(col[key], r)
			if err := f.SetCellStr(sheetName, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// The templates of a district, filled in Excel and uploaded, are imported:
// a plan for each of its communes, then a disbursement against each plan.
func TestImportTheFilledTemplates(t *testing.T) {
	e := newImportEnv(t)
	var header metadata.MD
	body, err := e.fund.GetPlanTemplate(e.officer, &fundingv1.GetPlanTemplateRequest{UnitCode: district, Year: 2025, AsOf: "2025-01-15"}, grpc.Header(&header))
	if err != nil {
		t.Fatal(err)
	}
	if got := header.Get(restheader.FileName); len(got) != 1 || got[0] != "bieu-ke-hoach-von-170-2025.xlsx" {
		t.Errorf("file name %v", got)
	}
	filled := fill(t, body.GetData(), "Kế hoạch vốn", map[string]string{"source": "Ngân sách Trung ương", "purpose": "Giao thông", "amount_vnd": "1.000.000.000", "allocated_on": "15/01/2025"})
	op := e.importPlans(t, e.officer, &fundingv1.ImportPlansRequest{Content: filled, AllocatedOn: "2025-02-01"})
	// Võ Nhai's communes in 2025: 100, 101 and 102 (103 merged into 102 in 2020).
	if op.GetState() != operationv1.Operation_SUCCEEDED || op.GetSummary().GetCreated() != 3 || op.GetRowsDone() != 3 {
		t.Fatalf("import of the filled plan template: %v", op)
	}
	body, err = e.fund.GetDisbursementTemplate(e.officer, &fundingv1.GetDisbursementTemplateRequest{UnitCode: district, Year: 2025, AsOf: "2025-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	filled = fill(t, body.GetData(), "Giải ngân", map[string]string{"disbursed_on": "30/06/2025", "amount_vnd": "400.000.000"})
	op = e.importDisbursements(t, e.officer, &fundingv1.ImportDisbursementsRequest{Content: filled})
	if op.GetState() != operationv1.Operation_SUCCEEDED || op.GetSummary().GetCreated() != 3 {
		t.Fatalf("import of the filled disbursement template: %v", op)
	}
	for _, p := range e.plansOf(t, district) {
		if p.GetAllocatedOn() != "2025-01-15" || p.GetDisbursedVnd() != 400*M {
			t.Errorf("plan %d of %s: allocated %s, disbursed %d VND", p.GetId(), p.GetUnitCode(), p.GetAllocatedOn(), p.GetDisbursedVnd())
		}
	}
}

// A retried upload with the same request id is not imported twice.
func TestImportPlansRetriedWithTheSameRequestID(t *testing.T) {
	e := newImportEnv(t)
	file := []byte("unit_code,year,source,purpose,amount_vnd\n100,2025,Ngân sách Trung ương,Giao thông,1.000.000\n")
	ctx := metadata.AppendToOutgoingContext(e.admin, restheader.IdempotencyKey, "ke-hoach-2025")
	req := &fundingv1.ImportPlansRequest{Content: file, AllocatedOn: "2025-01-15"}
	first, err := e.fund.ImportPlans(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.fund.ImportPlans(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if again.GetName() != first.GetName() {
		t.Errorf("the retry started %s, the first %s", again.GetName(), first.GetName())
	}
	e.wait(t, ctx, first)
	if n := len(e.plansOf(t, "100")); n != 1 {
		t.Errorf("%d plans after a retried import, want 1", n)
	}
}

// What is no spreadsheet is refused at once, naming the field; a viewer
// may import nothing.
func TestImportRefusesUnreadableFilesAndViewers(t *testing.T) {
	e := newImportEnv(t)
	for name, content := range map[string][]byte{
		"no header":   []byte("x,y\n1,2\n"),
		"broken zip":  append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0}, 64)...),
		"NUL in cell": []byte("unit_code,year\n10\x000,2025\n"),
	} {
		_, err := e.fund.ImportPlans(e.admin, &fundingv1.ImportPlansRequest{Content: content})
		if status.Code(err) != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), "content") {
			t.Errorf("plans, %s: %v, want InvalidArgument naming content", name, err)
		}
		_, err = e.fund.ImportDisbursements(e.admin, &fundingv1.ImportDisbursementsRequest{Content: content})
		if status.Code(err) != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), "content") {
			t.Errorf("disbursements, %s: %v, want InvalidArgument naming content", name, err)
		}
	}
}
