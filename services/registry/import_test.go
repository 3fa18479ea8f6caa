package registry_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/ntmsuite/ntm/platform/importing/importingtest"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/restheader"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// wait follows op until it is done.
func (e *env) wait(t *testing.T, ctx context.Context, op *operationv1.Operation, err error) *operationv1.Operation {
	t.Helper()
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return importingtest.Wait(t, ctx, e.ops, op)
}

func (e *env) importUnits(t *testing.T, ctx context.Context, req *registryv1.ImportUnitsFileRequest) *operationv1.Operation {
	t.Helper()
	op, err := e.reg.ImportUnitsFile(ctx, req)
	return e.wait(t, ctx, op, err)
}

func (e *env) importRecognitions(t *testing.T, ctx context.Context, req *registryv1.ImportRecognitionsRequest) *operationv1.Operation {
	t.Helper()
	op, err := e.reg.ImportRecognitions(ctx, req)
	return e.wait(t, ctx, op, err)
}

// exists reports whether unit code exists on day.
func (e *env) exists(t *testing.T, code, day string) bool {
	t.Helper()
	_, err := e.reg.GetUnit(e.as(admin), &registryv1.GetUnitRequest{Code: code, AsOf: day})
	if status.Code(err) != codes.NotFound && err != nil {
		t.Fatal(err)
	}
	return err == nil
}

// recognitionsOf lists the recognitions in force under parent on day, by unit.
func (e *env) recognitionsOf(t *testing.T, parent, day string) []string {
	t.Helper()
	resp, err := e.reg.ListRecognitions(e.as(admin), &registryv1.ListRecognitionsRequest{Parent: parent, AsOf: day})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range resp.GetRecognitions() {
		out = append(out, r.GetRecognition().GetUnitCode()+" "+r.GetRecognition().GetDecisionNumber())
	}
	return out
}

// A dry run of a unit file reports every bad row at its column, those
// ImportUnits' map rules refuse (a code that exists, a parent that does
// not, a row under a refused one) as well as unreadable cells, and
// writes nothing; a real run writes none of it unless atomic is false.
func TestImportUnitsFile(t *testing.T) {
	onBackends(t, func(t *testing.T, b backend) {
		e := start(t, b)
		ctx := e.as(admin)
		file := importingtest.File(t, "units-bad.csv")
		op := e.importUnits(t, ctx, &registryv1.ImportUnitsFileRequest{Content: file, DryRun: true})
		if op.GetState() != operationv1.Operation_SUCCEEDED {
			t.Fatalf("dry run ended %v: %v", op.GetState(), op.GetError())
		}
		importingtest.Golden(t, "units-bad.dry-run", op.GetSummary())
		op = e.importUnits(t, ctx, &registryv1.ImportUnitsFileRequest{Content: file})
		if op.GetState() != operationv1.Operation_FAILED || op.GetError().GetCode() != int32(codes.InvalidArgument) || op.GetSummary().GetWritten() {
			t.Fatalf("atomic import of a bad file ended %v %v %v, want FAILED InvalidArgument", op.GetState(), op.GetError(), op.GetSummary())
		}
		if e.exists(t, "102", "2010-01-01") {
			t.Fatal("a dry run or a failed atomic import wrote unit 102")
		}
		op = e.importUnits(t, ctx, &registryv1.ImportUnitsFileRequest{Content: file, Atomic: proto.Bool(false), DecisionNumber: "QĐ-1/2010"})
		if op.GetState() != operationv1.Operation_SUCCEEDED {
			t.Fatalf("import with atomic=false ended %v: %v", op.GetState(), op.GetError())
		}
		importingtest.Golden(t, "units-bad.per-row", op.GetSummary())
		lineage, err := e.reg.GetUnitLineage(ctx, &registryv1.GetUnitLineageRequest{Code: "10201"})
		if err != nil || len(lineage.GetVersions()) != 1 || lineage.GetVersions()[0].GetParentCode() != "102" {
			t.Fatalf("village 10201 of the file: %v %v", lineage, err)
		}
		if u, err := e.reg.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "102", AsOf: "2010-01-01"}); err != nil ||
			u.GetType() != registryv1.UnitType_COMMUNE || u.GetRegion() != "TDMNPB" || u.GetCommuneGroup() != "2" {
			t.Fatalf("commune 102 of the file: %v %v", u, err)
		}
	})
}

// Loading units is the whole country's decision, as ImportUnits is: an
// officer is refused before the file is read.
func TestImportUnitsFileNeedsTheCountry(t *testing.T) {
	e := start(t, backends[0])
	_, err := e.reg.ImportUnitsFile(e.as(provinceOfficer), &registryv1.ImportUnitsFileRequest{Content: importingtest.File(t, "units-bad.csv")})
	if status.Code(err) != codes.PermissionDenied {
		t.Fatalf("a province officer's unit import: %v, want PermissionDenied", err)
	}
}

// ImportUnits names the bad fields of every bad row, not the first only.
func TestImportUnitsReportsEveryBadRow(t *testing.T) {
	e := start(t, backends[0])
	_, err := e.reg.ImportUnits(e.as(admin), &registryv1.ImportUnitsRequest{Units: []*registryv1.ImportedUnit{
		imported("102", "Xã Dân Tiến", registryv1.UnitType_COMMUNE, "170"),
		imported("103", "Xã Xa", registryv1.UnitType_COMMUNE, "999"),
		imported("100", "Xã La Hiên", registryv1.UnitType_COMMUNE, "170"),
	}})
	if d := cmp.Diff([]string{"units[1].unit.parent_code", "units[2].unit.code"}, violationFields(err)); d != "" {
		t.Errorf("violations (-want +got):\n%s", d)
	}
	if e.exists(t, "102", "2008-01-01") {
		t.Error("an import with bad rows wrote its good one")
	}
}

// A dry run of a recognition file checks every row as CreateRecognition
// would, with the criteria service's sets and scores and the rows above
// it, and places each refusal at its column; atomic=false records the
// clean rows, and importing them again skips them.
func TestImportRecognitions(t *testing.T) {
	onBackends(t, func(t *testing.T, b backend) {
		e := start(t, b)
		ctx := e.as(admin)
		file := importingtest.File(t, "recognitions-bad.csv")
		op := e.importRecognitions(t, ctx, &registryv1.ImportRecognitionsRequest{Content: file, DryRun: true})
		if op.GetState() != operationv1.Operation_SUCCEEDED {
			t.Fatalf("dry run ended %v: %v", op.GetState(), op.GetError())
		}
		importingtest.Golden(t, "recognitions-bad.dry-run", op.GetSummary())
		op = e.importRecognitions(t, ctx, &registryv1.ImportRecognitionsRequest{Content: file})
		if op.GetState() != operationv1.Operation_FAILED || op.GetError().GetCode() != int32(codes.InvalidArgument) {
			t.Fatalf("atomic import of a bad file ended %v %v, want FAILED InvalidArgument", op.GetState(), op.GetError())
		}
		if got := e.recognitionsOf(t, "19", "2020-01-01"); len(got) != 0 {
			t.Fatalf("a dry run or a failed atomic import recorded %v", got)
		}
		op = e.importRecognitions(t, ctx, &registryv1.ImportRecognitionsRequest{Content: file, Atomic: proto.Bool(false)})
		if op.GetState() != operationv1.Operation_SUCCEEDED {
			t.Fatalf("import with atomic=false ended %v: %v", op.GetState(), op.GetError())
		}
		importingtest.Golden(t, "recognitions-bad.per-row", op.GetSummary())
		if d := cmp.Diff([]string{"100 QĐ-100"}, e.recognitionsOf(t, "19", "2020-01-01")); d != "" {
			t.Errorf("recognitions (-want +got):\n%s", d)
		}
		op = e.importRecognitions(t, ctx, &registryv1.ImportRecognitionsRequest{Content: file, Atomic: proto.Bool(false)})
		if s := op.GetSummary(); s.GetSkipped() != 1 || s.GetCreated() != 0 {
			t.Errorf("the same file again: %v, want its recorded row skipped", s)
		}
	})
}

// An officer's rows of units outside the province are refused one by
// one; a commune officer, who decides about no unit, is refused outright.
func TestImportRecognitionsScope(t *testing.T) {
	e := start(t, backends[0])
	file := importingtest.File(t, "recognitions-mixed-scope.csv")
	op := e.importRecognitions(t, e.as(provinceOfficer), &registryv1.ImportRecognitionsRequest{Content: file, Atomic: proto.Bool(false)})
	s := op.GetSummary()
	if op.GetState() != operationv1.Operation_SUCCEEDED || s.GetCreated() != 1 || len(s.GetConflicts()) != 1 ||
		s.GetConflicts()[0].GetRow() != 3 || s.GetConflicts()[0].GetColumn() != "unit_code" {
		t.Fatalf("a province officer's import of 100 and 200: %v %v", op.GetState(), s)
	}
	if d := cmp.Diff([]string{"100 QĐ-100"}, e.recognitionsOf(t, "", "2020-01-01")); d != "" {
		t.Errorf("recognitions (-want +got):\n%s", d)
	}
	if _, err := e.reg.ImportRecognitions(e.as(communeOfficer), &registryv1.ImportRecognitionsRequest{Content: file}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("a commune officer's import: %v, want PermissionDenied", err)
	}
}

// A file that is no spreadsheet is refused at once, naming content.
func TestImportRefusesAnUnreadableFile(t *testing.T) {
	e := start(t, backends[0])
	for name, call := range map[string]func() error{
		"units": func() error {
			_, err := e.reg.ImportUnitsFile(e.as(admin), &registryv1.ImportUnitsFileRequest{Content: []byte("PK\x03\x04 not a zip")})
			return err
		},
		"recognitions": func() error {
			_, err := e.reg.ImportRecognitions(e.as(admin), &registryv1.ImportRecognitionsRequest{Content: []byte("PK\x03\x04 not a zip")})
			return err
		},
	} {
		err := call()
		if status.Code(err) != codes.InvalidArgument || !slices.Contains(violationFields(err), "content") {
			t.Errorf("%s: an unreadable file: %v, want InvalidArgument naming content", name, err)
		}
	}
}

// violationFields are the fields of err's BadRequest.
func violationFields(err error) []string {
	var out []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out = append(out, v.GetField())
			}
		}
	}
	return out
}

// templateFile fetches a template and opens it.
func templateFile(t *testing.T, data []byte, err error) *excelize.File {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func setCells(t *testing.T, f *excelize.File, sheet string, cells map[string]string) []byte {
	t.Helper()
	for cell, v := range cells {
		if err := f.SetCellStr(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The unit template of a district lists its communes; filled in Excel
// with a new one, it imports it, and the listed ones, which exist, are
// conflicts rather than updates.
func TestUnitTemplateRoundTrip(t *testing.T) {
	e := start(t, backends[0])
	ctx := e.as(admin)
	body, err := e.reg.GetUnitTemplate(ctx, &registryv1.GetUnitTemplateRequest{ParentCode: "170", AsOf: "2010-01-01"})
	f := templateFile(t, body.GetData(), err)
	rows, err := f.GetRows("Đơn vị")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên", "Ngày hiệu lực", "Vùng", "Nhóm xã"},
		{"code", "name", "type", "parent_code", "valid_from", "region", "commune_group"},
		{"100", "Xã La Hiên", "Xã", "170", "01/01/2008"},
		{"101", "Xã Lâu Thượng", "Xã", "170", "01/01/2008"},
	}
	if d := cmp.Diff(want, rows); d != "" {
		t.Fatalf("template rows (-want +got):\n%s", d)
	}
	filled := setCells(t, f, "Đơn vị", map[string]string{"A5": "102", "B5": "Xã Dân Tiến", "C5": "Xã", "D5": "170", "E5": "01/01/2010", "G5": "1"})
	op := e.importUnits(t, ctx, &registryv1.ImportUnitsFileRequest{Content: filled, Atomic: proto.Bool(false)})
	s := op.GetSummary()
	if op.GetState() != operationv1.Operation_SUCCEEDED || s.GetCreated() != 1 || s.GetRejected() != 2 {
		t.Fatalf("import of the filled template: %v %v", op.GetState(), s)
	}
	if !e.exists(t, "102", "2010-01-01") {
		t.Error("unit 102 of the filled template was not created")
	}
}

// The recognition template of a district lists its communes dated as_of;
// filled in Excel, it records their recognitions.
func TestRecognitionTemplateRoundTrip(t *testing.T) {
	e := start(t, backends[0])
	ctx := e.as(admin)
	body, err := e.reg.GetRecognitionTemplate(ctx, &registryv1.GetRecognitionTemplateRequest{UnitCode: "170", AsOf: "2019-12-20"})
	f := templateFile(t, body.GetData(), err)
	rows, err := f.GetRows("Công nhận")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || !cmp.Equal(rows[2], []string{"100", "Xã La Hiên", "", "", "20/12/2019"}) || rows[3][0] != "101" {
		t.Fatalf("template rows: %q", rows)
	}
	filled := setCells(t, f, "Công nhận", map[string]string{
		"C3": "Đạt chuẩn nông thôn mới", "D3": "QĐ-100", "F3": commune2016, "G3": "2019",
		"C4": "Đạt chuẩn nông thôn mới", "D4": "QĐ-101", "F4": commune2016, "G4": "2019", "H4": "Tiêu chí 10, 17 đạt theo kết quả rà soát cuối năm",
	})
	op := e.importRecognitions(t, ctx, &registryv1.ImportRecognitionsRequest{Content: filled})
	if s := op.GetSummary(); op.GetState() != operationv1.Operation_SUCCEEDED || s.GetCreated() != 2 || !s.GetWritten() {
		t.Fatalf("import of the filled template: %v %v %v", op.GetState(), op.GetError(), s)
	}
	if d := cmp.Diff([]string{"100 QĐ-100", "101 QĐ-101"}, e.recognitionsOf(t, "170", "2020-01-01")); d != "" {
		t.Errorf("recognitions (-want +got):\n%s", d)
	}
}

// A retried upload with the same request id is the first import again,
// not a second one whose every row exists already.
func TestImportRetriedWithTheSameRequestID(t *testing.T) {
	e := start(t, backends[0])
	ctx := metadata.AppendToOutgoingContext(e.as(admin), restheader.IdempotencyKey, "don-vi-102")
	req := &registryv1.ImportUnitsFileRequest{Content: []byte("code,name,type,parent_code,valid_from\n102,Xã Dân Tiến,Xã,170,01/01/2010\n")}
	first, err := e.reg.ImportUnitsFile(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.reg.ImportUnitsFile(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if again.GetName() != first.GetName() {
		t.Errorf("the retry started %s, the first %s", again.GetName(), first.GetName())
	}
	if op := e.wait(t, ctx, first, nil); op.GetState() != operationv1.Operation_SUCCEEDED || op.GetSummary().GetCreated() != 1 {
		t.Errorf("the import ended %v %v", op.GetState(), op.GetSummary())
	}
}
