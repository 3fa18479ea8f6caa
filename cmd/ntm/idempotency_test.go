package main

import (
	"bytes"
	"database/sql"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// idempotentCreate is one create of the reproduction: a body, the
// same request changed, and where its rows go.
type idempotentCreate struct {
	name    string
	path    string // REST path of the POST
	body    string // the resource, as posted
	other   string // another resource for the same path
	service string // database (SQLite file, PostgreSQL schema) of the rows
	table   string
	addr    func(*suite) string
	method  string // full gRPC method of the create
	// request is a new request message and where the resource goes in it
	// (with the path's fields, as JSON).
	request func() proto.Message
	wrap    func(resource string) string
	reply   func() proto.Message
}

var idempotentCreates = []idempotentCreate{
	{
		name: "plans", path: "/v1/plans", service: "funding", table: "plans",
		body:  `{"year":2026,"unitCode":"` + demoNeighbour + `","source":"CENTRAL_BUDGET","purpose":"TRANSPORT","amountVnd":"1000000","allocatedOn":"2026-01-15"}`,
		other: `{"year":2026,"unitCode":"` + demoNeighbour + `","source":"CENTRAL_BUDGET","purpose":"TRANSPORT","amountVnd":"2000000","allocatedOn":"2026-01-15"}`,
		addr:  func(s *suite) string { return s.fundingAddr }, method: "/ntm.funding.v1.FundingService/CreatePlan",
		request: func() proto.Message { return &fundingv1.CreatePlanRequest{} }, reply: func() proto.Message { return &fundingv1.Plan{} },
		wrap: func(r string) string { return `{"plan":` + r + `}` },
	},
	{
		name: "assessments", path: "/v1/units/" + demoCommune + "/assessments", service: "criteria", table: "assessments",
		body:  assessmentBody(),
		other: strings.Replace(assessmentBody(), "2026-10-31", "2026-11-01", 1),
		addr:  func(s *suite) string { return s.criteriaAddr }, method: "/ntm.criteria.v1.CriteriaService/CreateAssessment",
		request: func() proto.Message { return &criteriav1.CreateAssessmentRequest{} }, reply: func() proto.Message { return &criteriav1.Assessment{} },
		wrap: func(r string) string { return `{"unitCode":"` + demoCommune + `","assessment":` + r + `}` },
	},
	{
		name: "producers", path: "/v1/producers", service: "ocop", table: "producers",
		body:  `{"displayName":"HTX Chè Võ Nhai","kind":"COOPERATIVE","unitCode":"` + demoCommune + `","registeredOn":"2026-01-05"}`,
		other: `{"displayName":"HTX Mật ong Võ Nhai","kind":"COOPERATIVE","unitCode":"` + demoCommune + `","registeredOn":"2026-01-05"}`,
		addr:  func(s *suite) string { return s.ocopAddr }, method: "/ntm.ocop.v1.OcopService/CreateProducer",
		request: func() proto.Message { return &ocopv1.CreateProducerRequest{} }, reply: func() proto.Message { return &ocopv1.Producer{} },
		wrap: func(r string) string { return `{"producer":` + r + `}` },
	},
	{
		name: "recognitions", path: "/v1/units/" + demoCommune + "/recognitions", service: "registry", table: "recognitions",
		body:  recognitionBody("IDEM-1/QĐ-UBND"),
		other: recognitionBody("IDEM-2/QĐ-UBND"),
		addr:  func(s *suite) string { return s.registryAddr }, method: "/ntm.registry.v1.RegistryService/CreateRecognition",
		request: func() proto.Message { return &registryv1.CreateRecognitionRequest{} }, reply: func() proto.Message { return &registryv1.Recognition{} },
		wrap: func(r string) string { return `{"unitCode":"` + demoCommune + `","recognition":` + r + `}` },
	},
}

// recognitionBody recognises the demo commune, which holds no recognition,
// under decision number.
func recognitionBody(number string) string {
	return `{"level":"STANDARD","decisionNumber":"` + number + `","effectiveDate":"2026-03-01","criteriaSet":"NTM_COMMUNE_2026_2030","year":2026,` +
		`"overrideReason":"Kiểm tra gửi lại yêu cầu"}`
}

// suiteDB reads the rows of the suite's databases, as its services keep them.
type suiteDB struct {
	sqliteDir string // SQLite: the data directory
	pg        *sql.DB
}

func openSuiteDB(t *testing.T, cfg upConfig) suiteDB {
	t.Helper()
	if cfg.postgresURL == "" {
		return suiteDB{sqliteDir: cfg.dataDir}
	}
	pg, err := sql.Open("pgx", cfg.postgresURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pg.Close() })
	return suiteDB{pg: pg}
}

// count is the number of rows of table in service's database.
func (d suiteDB) count(t *testing.T, service, table string) int {
	t.Helper()
	conn, query := d.pg, `SELECT count(*) FROM `+service+`.`+table
	if d.pg == nil {
		var err error
		if conn, err = sql.Open("sqlite", "file:"+filepath.Join(d.sqliteDir, service+".db")+"?mode=ro"); err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		query = `SELECT count(*) FROM ` + table
	}
	var n int
	if err := conn.QueryRowContext(t.Context(), query).Scan(&n); err != nil {
		t.Fatalf("count %s.%s: %v", service, table, err)
	}
	return n
}

// postWithKey posts body as the demo admin with an Idempotency-Key.
func postWithKey(t *testing.T, url, key, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tokenOf(t, demoAdmin))
	req.Header.Set("Idempotency-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b.Bytes()
}

// The reproduction through the gateway: the same POST twice with
// the same Idempotency-Key gave two plans (and two assessments, producers,
// recognitions). Now the retry answers the first record byte for byte,
// 201 included, with no second row and no second audit event; the same key
// with another body is 400 naming request_id; a key that differs from the
// request's requestId, or is not printable ASCII, is 400 naming it too.
func TestRetriedPostWithIdempotencyKeyCreatesOnce(t *testing.T) {
	for _, st := range storageConfigs {
		t.Run(st.name, func(t *testing.T) {
			cfg := st.cfg(t)
			s := startTestSuite(t, cfg)
			d := openSuiteDB(t, cfg)
			for _, c := range idempotentCreates {
				t.Run(c.name, func(t *testing.T) {
					url, key := s.httpURL+c.path, "retry-"+c.name
					rows, events := d.count(t, c.service, c.table), d.count(t, c.service, "audit_events")
					code, _, first := postWithKey(t, url, key, c.body)
					if code != http.StatusCreated {
						t.Fatalf("first POST = %d %s, want 201", code, first)
					}
					code, _, again := postWithKey(t, url, key, c.body)
					if code != http.StatusCreated || !bytes.Equal(again, first) {
						t.Errorf("retry = %d %s, want 201 %s", code, again, first)
					}
					if got := d.count(t, c.service, c.table); got != rows+1 {
						t.Errorf("%d %s after a POST and its retry, want %d", got, c.table, rows+1)
					}
					if got := d.count(t, c.service, "audit_events"); got != events+1 {
						t.Errorf("%d audit events after a POST and its retry, want %d", got, events+1)
					}
					code, _, refused := postWithKey(t, url, key, c.other)
					if code != http.StatusBadRequest || !bytes.Contains(refused, []byte(`"request_id"`)) || !bytes.Contains(refused, []byte("IDEMPOTENCY_KEY_REUSED")) {
						t.Errorf("same key, other body = %d %s, want 400 IDEMPOTENCY_KEY_REUSED naming request_id", code, refused)
					}
					code, _, differs := postWithKey(t, url+"?requestId=another-"+c.name, key, c.other)
					if code != http.StatusBadRequest || !bytes.Contains(differs, []byte(`"request_id"`)) {
						t.Errorf("header and requestId differ = %d %s, want 400 naming request_id", code, differs)
					}
					code, _, malformed := postWithKey(t, url, "khóa-"+c.name, c.body)
					if code != http.StatusBadRequest || !bytes.Contains(malformed, []byte(`"request_id"`)) {
						t.Errorf("a key that is not printable ASCII = %d %s, want 400 naming request_id", code, malformed)
					}
					if got := d.count(t, c.service, c.table); got != rows+1 {
						t.Errorf("%d %s after the refusals, want %d", got, c.table, rows+1)
					}
				})
			}
		})
	}
}

// The same over gRPC with request_id in the request: a retry gets the first
// record and writes nothing, twenty concurrent retries make one row, and the
// same id with another request is INVALID_ARGUMENT naming request_id.
func TestRetriedGRPCCreateWithRequestIDCreatesOnce(t *testing.T) {
	for _, st := range storageConfigs {
		t.Run(st.name, func(t *testing.T) {
			cfg := st.cfg(t)
			s := startTestSuite(t, cfg)
			d := openSuiteDB(t, cfg)
			for _, c := range idempotentCreates {
				t.Run(c.name, func(t *testing.T) {
					ctx, conn := dialAsAdmin(t, c.addr(s))
					request := func(resource, id string) proto.Message {
						req := c.request()
						js := strings.TrimSuffix(c.wrap(resource), "}") + `,"requestId":"` + id + `"}`
						if err := protojson.Unmarshal([]byte(js), req); err != nil {
							t.Fatalf("%s: %v", js, err)
						}
						return req
					}
					rows := d.count(t, c.service, c.table)
					const n = 20
					replies, errs := make([]proto.Message, n), make([]error, n)
					var wg sync.WaitGroup
					for i := range n {
						wg.Go(func() {
							replies[i] = c.reply()
							errs[i] = conn.Invoke(ctx, c.method, request(c.body, "grpc-"+c.name), replies[i])
						})
					}
					wg.Wait()
					for i := range n {
						if errs[i] != nil || !proto.Equal(replies[i], replies[0]) {
							t.Fatalf("call %d = %v %v, want %v", i, errs[i], replies[i], replies[0])
						}
					}
					if got := d.count(t, c.service, c.table); got != rows+1 {
						t.Errorf("%d %s after %d concurrent calls with one request_id, want %d", got, c.table, n, rows+1)
					}
					err := conn.Invoke(ctx, c.method, request(c.other, "grpc-"+c.name), c.reply())
					if !namesRequestID(err) {
						t.Errorf("same request_id, other request = %v, want INVALID_ARGUMENT naming request_id", err)
					}
				})
			}
		})
	}
}

// namesRequestID reports whether err is INVALID_ARGUMENT with a field
// violation of request_id.
func namesRequestID(err error) bool {
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument {
		return false
	}
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				if v.GetField() == "request_id" {
					return true
				}
			}
		}
	}
	return false
}

// Without a request id nothing is remembered: the same POST twice still
// creates twice (the id is the client's promise that the two are one).
func TestPostWithoutKeyIsNotRemembered(t *testing.T) {
	cfg := upConfig{dataDir: t.TempDir()}
	s := startTestSuite(t, cfg)
	d := openSuiteDB(t, cfg)
	c := idempotentCreates[0]
	rows := d.count(t, c.service, c.table)
	for range 2 {
		call(t, http.MethodPost, s.httpURL+c.path, tokenOf(t, demoAdmin), c.body, http.StatusCreated, nil)
	}
	if got, keys := d.count(t, c.service, c.table), d.count(t, c.service, "idempotency_keys"); got != rows+2 || keys != 0 {
		t.Errorf("%d %s and %d keys after two POSTs without a key, want %d and 0", got, c.table, keys, rows+2)
	}
}
