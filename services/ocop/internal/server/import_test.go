package server_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/importing/importingtest"

	"github.com/xuri/excelize/v2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/restheader"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	"github.com/ntmsuite/ntm/services/ocop"
)

// importKind is one kind of file the service imports, with what its test
// files need recorded first and how to count what an import wrote.
type importKind struct {
	name string
	// seed records what the kind's files refer to: producers 1 (commune
	// 100) and 2 (commune 110), product 1 of producer 1.
	seed  func(t *testing.T, a *api)
	start func(a *api, content []byte, dryRun bool, atomic *bool) (*operationv1.Operation, error)
	count func(t *testing.T, a *api) int
}

var importKinds = []importKind{
	{name: "producers",
		seed: func(*testing.T, *api) {},
		start: func(a *api, content []byte, dryRun bool, atomic *bool) (*operationv1.Operation, error) {
			return a.ImportProducers(a.ctx, &ocopv1.ImportProducersRequest{Content: content, DryRun: dryRun, Atomic: atomic})
		},
		count: func(t *testing.T, a *api) int {
			t.Helper()
			resp, err := a.ListProducers(a.ctx, &ocopv1.ListProducersRequest{UnitCode: country})
			if err != nil {
				t.Fatal(err)
			}
			return len(resp.GetProducers())
		}},
	{name: "products",
		seed: seedProducers,
		start: func(a *api, content []byte, dryRun bool, atomic *bool) (*operationv1.Operation, error) {
			return a.ImportProducts(a.ctx, &ocopv1.ImportProductsRequest{Content: content, DryRun: dryRun, Atomic: atomic})
		},
		count: func(t *testing.T, a *api) int {
			t.Helper()
			resp, err := a.ListProducts(a.ctx, &ocopv1.ListProductsRequest{UnitCode: country})
			if err != nil {
				t.Fatal(err)
			}
			return len(resp.GetProducts())
		}},
	{name: "evaluations",
		seed: func(t *testing.T, a *api) {
			seedProducers(t, a)
			a.product(t, 1, "Chè xanh La Hiên", "BEVERAGE")
		},
		start: func(a *api, content []byte, dryRun bool, atomic *bool) (*operationv1.Operation, error) {
			return a.ImportEvaluations(a.ctx, &ocopv1.ImportEvaluationsRequest{Content: content, DryRun: dryRun, Atomic: atomic})
		},
		count: func(t *testing.T, a *api) int {
			t.Helper()
			return len(a.get(t, 1, "").GetEvaluations())
		}},
}

func seedProducers(t *testing.T, a *api) {
	a.producer(t, "HTX Chè La Hiên", ocopv1.ProducerKind_COOPERATIVE, "100", "2020-01-01")
	a.producer(t, "HTX Hóa Thượng", ocopv1.ProducerKind_COOPERATIVE, "110", "2020-01-01")
}

// importFile starts an import of kind and waits for its operation.
func (a *api) importFile(t *testing.T, kind importKind, content []byte, dryRun bool, atomic *bool) *operationv1.Operation {
	t.Helper()
	op, err := kind.start(a, content, dryRun, atomic)
	if err != nil {
		t.Fatalf("import %s: %v", kind.name, err)
	}
	return a.wait(t, op)
}

func (a *api) wait(t *testing.T, op *operationv1.Operation) *operationv1.Operation {
	t.Helper()
	return importingtest.Wait(t, a.ctx, a.ops, op)
}

// For each kind, a dry run reports every bad row of a file by row and
// column and writes nothing; a real run writes none of the file unless
// atomic is false, and then the clean rows.
func TestImportDryRunAtomicAndPerRow(t *testing.T) {
	for _, kind := range importKinds {
		t.Run(kind.name, func(t *testing.T) {
			e := newEnv(t)
			a := e.api
			kind.seed(t, a)
			before := kind.count(t, a)
			file := importingtest.File(t, kind.name+"-bad.csv")

			op := a.importFile(t, kind, file, true, nil)
			if op.GetState() != operationv1.Operation_SUCCEEDED || op.GetKind() != "import/"+kind.name {
				t.Fatalf("dry run: %v", op)
			}
			importingtest.Golden(t, kind.name+"-bad.dry-run", op.GetSummary())
			if n := kind.count(t, a); n != before {
				t.Errorf("a dry run wrote: %d %s, was %d", n, kind.name, before)
			}

			op = a.importFile(t, kind, file, false, nil)
			if op.GetState() != operationv1.Operation_FAILED || op.GetError().GetCode() != int32(codes.InvalidArgument) || op.GetSummary().GetWritten() {
				t.Fatalf("atomic import of a bad file: %v, want FAILED InvalidArgument", op)
			}
			if n := kind.count(t, a); n != before {
				t.Errorf("a failed atomic import wrote: %d %s, was %d", n, kind.name, before)
			}

			op = a.importFile(t, kind, file, false, proto.Bool(false))
			s := op.GetSummary()
			if op.GetState() != operationv1.Operation_SUCCEEDED || !s.GetWritten() {
				t.Fatalf("import with atomic=false: %v", op)
			}
			if n := kind.count(t, a); n != before+int(s.GetCreated()) || s.GetCreated() == 0 {
				t.Errorf("%d %s after writing %d clean rows, was %d", n, kind.name, s.GetCreated(), before)
			}
			if s.GetRows() != s.GetCreated()+s.GetRejected() {
				t.Errorf("summary %v: every row is created or rejected", s)
			}
		})
	}
}

// An officer's rows outside their scope are refused one by one, the rest
// imported (atomic=false); a caller who may write nowhere is refused.
func TestImportChecksScopePerRow(t *testing.T) {
	_, as := newKeyedEnv(t, ocop.Config{SQLitePath: filepath.Join(t.TempDir(), "ocop.db"), Cache: cache.NewMemory()})
	root := as(admin)
	seedProducers(t, root) // 1 in commune 100, 2 in 110
	root.product(t, 1, "Chè xanh La Hiên", "BEVERAGE")
	root.product(t, 2, "Chè Hóa Thượng", "BEVERAGE")
	root.producer(t, "HTX Chi Lăng", ocopv1.ProducerKind_COOPERATIVE, "120", "2020-01-01")
	root.product(t, 3, "Na Chi Lăng", "FOOD")

	for _, tc := range []struct {
		kind        importKind
		caller      *api
		file        string
		refusedRow  int64
		refusedCell string
	}{
		{importKinds[0], as(officer100), "unit_code,display_name,kind,registered_on\n100,HTX A,HTX,2023-01-01\n101,HTX B,HTX,2023-01-01\n", 3, "unit_code"},
		{importKinds[1], as(officer100), "producer,display_name,product_group\nproducers/1,Chè búp,Đồ uống\nproducers/2,Chè búp,Đồ uống\n", 3, "producer"},
		{importKinds[2], as(officer19), "product,evaluated_on,council_level,A1\nproducts/1,2024-11-20,Cấp tỉnh,6\nproducts/3,2024-11-20,Cấp tỉnh,6\n", 3, "product"},
	} {
		t.Run(tc.kind.name, func(t *testing.T) {
			op := tc.caller.importFile(t, tc.kind, []byte(tc.file), false, proto.Bool(false))
			s := op.GetSummary()
			if op.GetState() != operationv1.Operation_SUCCEEDED || s.GetCreated() != 1 || s.GetRejected() != 1 {
				t.Fatalf("officer's import: %v", op)
			}
			if c := s.GetConflicts()[0]; c.GetRow() != tc.refusedRow || c.GetColumn() != tc.refusedCell || !strings.Contains(c.GetMessage(), c.GetValue()) {
				t.Errorf("conflict %v, want row %d's %s, naming what it refuses", c, tc.refusedRow, tc.refusedCell)
			}
		})
	}
	// A viewer imports nothing, nor does a commune officer a council's results.
	if _, err := importKinds[0].start(as(viewer), []byte("unit_code\n100\n"), true, nil); status.Code(err) != codes.PermissionDenied {
		t.Errorf("viewer's import: %v, want PermissionDenied", err)
	}
	if _, err := importKinds[2].start(as(officer100), []byte("product\nproducts/1\n"), true, nil); status.Code(err) != codes.PermissionDenied {
		t.Errorf("commune officer's import of evaluations: %v, want PermissionDenied", err)
	}
}

// The products template of a district lists its producers; filled in
// Excel and uploaded, it is imported.
func TestImportTheFilledProductTemplate(t *testing.T) {
	e := newEnv(t)
	a := e.api
	seedProducers(t, a) // 1 in 100 (district 170), 2 in 110 (171)
	a.producer(t, "Hộ Lê Văn C", ocopv1.ProducerKind_HOUSEHOLD_BUSINESS, "102", "2021-01-01")
	var header metadata.MD
	body, err := a.GetProductTemplate(a.ctx, &ocopv1.GetProductTemplateRequest{UnitCode: district, AsOf: "2024-12-31"}, grpc.Header(&header))
	if err != nil {
		t.Fatal(err)
	}
	if got := header.Get(restheader.FileName); len(got) != 1 || got[0] != "danh-sach-san-pham-ocop-170-2024-12-31.xlsx" {
		t.Errorf("file name %v", got)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body.GetData()))
	if err != nil {
		t.Fatal(err)
	}
	const sheetName = "Sản phẩm"
	rows, err := f.GetRows(sheetName)
	if err != nil {
		t.Fatal(err)
	}
	// Titles, keys, then the producers of 170: 1 and 3.
	if len(rows) != 4 || rows[2][0] != "producers/1" || rows[3][0] != "producers/3" || rows[3][1] != "Hộ Lê Văn C" {
		t.Fatalf("template rows: %v", rows)
	}
	for r, name := range map[int]string{3: "Chè xanh La Hiên", 4: "Miến dong"} {
		for col, v := range map[string]string{"C": name, "D": "Thực phẩm"} {
			if err := f.SetCellStr(sheetName, col+strconv.Itoa(r), v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var filled bytes.Buffer
	if err := f.Write(&filled); err != nil {
		t.Fatal(err)
	}
	op := a.importFile(t, importKinds[1], filled.Bytes(), false, nil)
	if op.GetState() != operationv1.Operation_SUCCEEDED || op.GetSummary().GetCreated() != 2 || op.GetRowsDone() != 2 {
		t.Fatalf("import of the filled template: %v", op)
	}
	resp, err := a.ListProducts(a.ctx, &ocopv1.ListProductsRequest{UnitCode: district, ProductGroup: "FOOD"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.GetProducts()) != 2 || resp.GetProducts()[1].GetProducerId() != 3 {
		t.Errorf("products of 170: %v", resp.GetProducts())
	}
}

// The results template has a column per line of the catalog in force and
// a drop-down of council levels; the producers' template a row per commune.
func TestTemplatesOfProducersAndEvaluations(t *testing.T) {
	e := newEnv(t)
	a := e.api
	body, err := a.GetEvaluationTemplate(a.ctx, &ocopv1.GetEvaluationTemplateRequest{AsOf: "2024-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body.GetData()))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Kết quả đánh giá")
	if err != nil {
		t.Fatal(err)
	}
	keys := strings.Join(rows[1], ",")
	if !strings.HasPrefix(keys, "product,product_name,year,evaluated_on,council_level,note,A1,A2,") || !strings.HasSuffix(keys, ",C4") {
		t.Errorf("keys of the OCOP_2023 form: %s", keys)
	}
	if _, err := a.GetEvaluationTemplate(a.ctx, &ocopv1.GetEvaluationTemplateRequest{Catalog: "OCOP_1999"}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("template of an unknown catalog: %v", err)
	}
	body, err = a.GetProducerTemplate(a.ctx, &ocopv1.GetProducerTemplateRequest{UnitCode: district2, AsOf: "2024-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	if f, err = excelize.OpenReader(bytes.NewReader(body.GetData())); err != nil {
		t.Fatal(err)
	}
	if rows, err = f.GetRows("Chủ thể"); err != nil || len(rows) != 3 || rows[2][0] != "110" || rows[2][1] != "Xã Hóa Thượng" {
		t.Errorf("producers' template of 171: %v %v", rows, err)
	}
}

// A retried upload with the same request id is not imported twice.
func TestImportRetriedWithTheSameRequestID(t *testing.T) {
	e := newEnv(t)
	a := e.api.as(metadata.AppendToOutgoingContext(context.Background(), restheader.IdempotencyKey, "import-producers-100"))
	file := []byte("unit_code,display_name,kind,registered_on\n100,HTX A,HTX,2023-01-01\n")
	first, err := importKinds[0].start(a, file, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := importKinds[0].start(a, file, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.GetName() != first.GetName() {
		t.Errorf("the retry started %s, the first %s", again.GetName(), first.GetName())
	}
	a.wait(t, first)
	if n := importKinds[0].count(t, e.api); n != 1 {
		t.Errorf("%d producers after a retried import, want 1", n)
	}
}

// What is no spreadsheet is refused at once, naming the field.
func TestImportRefusesUnreadableFiles(t *testing.T) {
	e := newEnv(t)
	for _, kind := range importKinds {
		for name, content := range map[string][]byte{
			"no header":  []byte("x,y\n1,2\n"),
			"broken zip": append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0}, 64)...),
		} {
			_, err := kind.start(e.api, content, true, nil)
			if status.Code(err) != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), "content") {
				t.Errorf("%s, %s: %v, want InvalidArgument naming content", kind.name, name, err)
			}
		}
	}
}

// A file is read up to the limit every import has (25 MiB at the gateway),
// not refused by the service as a request larger than one record.
func TestImportTakesFilesLargerThanOneRecord(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	b.WriteString("unit_code,display_name,kind,registered_on\n")
	for b.Len() < 2<<20 {
		b.WriteString("100,Hợp tác xã chè La Hiên,COOPERATIVE,2020-01-01\n")
	}
	if _, err := importKinds[0].start(e.api, []byte(b.String()), true, nil); err != nil {
		t.Fatalf("dry run of a %d-byte file: %v", b.Len(), err)
	}
}
