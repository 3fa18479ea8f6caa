package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/ntmsuite/ntm/gateway"
	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/ratelimit"
)

// startTestSuite runs `ntm up --demo` in-process on free ports until the test ends.
func startTestSuite(t *testing.T, cfg upConfig) *suite {
	t.Helper()
	s, stop := startLoggingSuite(t, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(stop)
	return s
}

// startLoggingSuite runs `ntm up --demo` in-process on free ports, logging
// to logger, and returns it with stop, which ends it and waits until every
// server has stopped (so every span has ended and every line is logged).
func startLoggingSuite(t *testing.T, cfg upConfig, logger *slog.Logger) (s *suite, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg.httpAddr, cfg.registryAddr, cfg.criteriaAddr, cfg.ocopAddr, cfg.fundingAddr, cfg.reportAddr, cfg.demo = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0", true
	cfg.authKeys = testKeys
	// The limits `ntm up` runs with by default: the tests must never trip them.
	cfg.http, cfg.rateLimit = gateway.DefaultServerOptions(), ratelimit.Default
	if cfg.dataDir == "" {
		cfg.dataDir = t.TempDir()
	}
	s, err := startSuite(ctx, cfg, logger)
	if err != nil {
		cancel()
		t.Fatalf("startSuite: %v", err)
	}
	var once sync.Once
	return s, func() {
		once.Do(func() {
			cancel()
			if err := s.wait(); err != nil {
				t.Errorf("suite stopped with %v", err)
			}
		})
	}
}

// debugJSON logs every level as JSON to w, as a log scan wants it.
func debugJSON(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// testHMACSecret is the secret of testKeys' second key, known to the tests
// so that they can sign tokens auth.KeySet would never issue (another
// audience).
var testHMACSecret = bytes.Repeat([]byte("ntm-test-secret!"), 2)

// testKeys sign the tokens of these tests (with an EdDSA key made for the
// run); every test suite verifies with them.
var testKeys = func() *auth.KeySet {
	signing, err := auth.NewKeySet("test-ed", auth.EdDSA)
	if err != nil {
		panic(err)
	}
	var set map[string][]map[string]string
	if err := json.Unmarshal(signing, &set); err != nil {
		panic(err)
	}
	set["keys"] = append(set["keys"], map[string]string{"kid": "test-hs", "alg": auth.HS256, "key": base64.StdEncoding.EncodeToString(testHMACSecret)})
	data, err := json.Marshal(set)
	if err != nil {
		panic(err)
	}
	keys, err := auth.ParseKeySet(data)
	if err != nil {
		panic(err)
	}
	return keys
}()

// tokenOf is a bearer token of id, signed with testKeys.
func tokenOf(t *testing.T, id auth.Identity) string {
	t.Helper()
	token, err := testKeys.Sign(id, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// send makes one REST call with token ("" sends none) and returns the
// status, headers and body.
func send(t *testing.T, method, url, token, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// call sends as token, fails t unless the status is want, and decodes the
// answer into out (when not nil).
func call(t *testing.T, method, url, token, body string, want int, out any) (http.Header, []byte) {
	t.Helper()
	code, header, b := send(t, method, url, token, body)
	if code != want {
		t.Fatalf("%s %s %s = %d %s, want %d", method, url, body, code, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, b)
		}
	}
	return header, b
}

// getJSON reads url as the demo admin.
func getJSON(t *testing.T, url string, wantStatus int, out any) http.Header {
	t.Helper()
	header, _ := call(t, http.MethodGet, url, tokenOf(t, demoAdmin), "", wantStatus, out)
	return header
}

type unitList struct {
	Units []struct {
		Code, DisplayName, Type, ParentCode string
	}
	AsOf string
}

func communes(t *testing.T, base, asOf string) []string {
	t.Helper()
	var l unitList
	getJSON(t, base+"/v1/units?parent=19&type=COMMUNE&as_of="+asOf, http.StatusOK, &l)
	var codes []string
	for _, u := range l.Units {
		codes = append(codes, u.Code)
	}
	return codes
}

// The demo province as of the day of the seed report and as of today differ
// exactly as the recorded changes say: one merger in 2020, three communes
// became wards in 2022, and on 2025-07-01 nine communes merged into three and
// the districts were abolished.
func checkDemoTimeTravel(t *testing.T, base string) {
	t.Helper()
	if got := len(communes(t, base, "2019-12-31")); got != 34 {
		t.Errorf("communes on 2019-12-31 = %d, want 34", got)
	}
	before := communes(t, base, "2020-10-31")
	if len(before) != 33 || contains(before, "05007") {
		t.Errorf("communes on 2020-10-31 = %d (Phúc Chu 05007 merged on 2020-01-01), want 33", len(before))
	}
	if got := len(communes(t, base, "2022-05-01")); got != 30 {
		t.Errorf("communes on 2022-05-01 = %d, want 30 (3 became wards)", got)
	}
	after := communes(t, base, "2026-01-01")
	if len(after) != 27 || !contains(after, "06101") || contains(after, "06003") {
		t.Errorf("communes on 2026-01-01 = %v, want 27 with the new Xã Võ Nhai 06101", after)
	}
	var districts unitList
	getJSON(t, base+"/v1/units?parent=19&type=DISTRICT&as_of=2026-01-01", http.StatusOK, &districts)
	if len(districts.Units) != 0 {
		t.Errorf("districts after 2025-07-01: %v", districts.Units)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestUpServesDemoProvince(t *testing.T) {
	s := startTestSuite(t, upConfig{})
	base := s.httpURL

	var health map[string]any
	getJSON(t, base+"/healthz", http.StatusOK, &health)
	checkDemoTimeTravel(t, base)

	var lineage struct {
		Predecessors []struct{ FromCode, DecisionNumber string }
	}
	getJSON(t, base+"/v1/units/06101/lineage", http.StatusOK, &lineage)
	if len(lineage.Predecessors) != 3 {
		t.Errorf("Xã Võ Nhai came from %v, want 3 units", lineage.Predecessors)
	}
	var unit struct{ DisplayName, ValidTo, Type string }
	getJSON(t, base+"/v1/units/07002?as_of=2021-01-01", http.StatusOK, &unit)
	if unit.DisplayName != "Xã Đông Cao" || unit.Type != "COMMUNE" || unit.ValidTo != "2022-05-01" {
		t.Errorf("07002 in 2021 = %+v", unit)
	}
	getJSON(t, base+"/v1/units/07002?as_of=2026-01-01", http.StatusNotFound, nil)

	var openapi map[string]any
	getJSON(t, base+"/openapi.json", http.StatusOK, &openapi)
}

func TestBadInputIs400NamingTheFieldAndChangesNothing(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL
	before := communes(t, base, "2026-01-01")
	for _, tc := range []struct {
		path, body, field string
		status            int
	}{
		{"/v1/units", `{"unit":{"code":"09999","displayName":"Xã Lạ","type":"COMMUNE","parentCode":"555"},"validFrom":"2026-01-01","decisionNumber":"1"}`, "unit.parent_code", 400},
		{"/v1/units", `{"unit":{"code":"06002","displayName":"Xã La Hiên","type":"COMMUNE","parentCode":"19"},"validFrom":"2026-01-01","decisionNumber":"1"}`, "unit.code", 400},
		{"/v1/units", `{"unit":{"code":"9a","displayName":"Xã","type":"COMMUNE","parentCode":"19"},"validFrom":"2026-01-01","decisionNumber":"1"}`, "unit.code", 400},
		{"/v1/units", `{"unit":{"code":"09999","displayName":"Xã","type":"COMMUNE","parentCode":"19"},"validFrom":"2026-02-30","decisionNumber":"1"}`, "valid_from", 400},
		{"/v1/unitChanges", `{"decisionNumber":"1","effectiveDate":"2026-01-01","merge":{"sourceCodes":["06101","05007"],"absorbingCode":"06101"}}`, "unit_change.merge.source_codes[1]", 400},
		{"/v1/unitChanges", `{"decisionNumber":"1","effectiveDate":"2026-01-01","abolish":{"codes":["06101"]}}`, "units/06101", 400},
	} {
		code, _, body := send(t, http.MethodPost, base+tc.path, tokenOf(t, demoAdmin), tc.body)
		if code != tc.status || !bytes.Contains(body, []byte(fmt.Sprintf("%q", tc.field))) {
			t.Errorf("POST %s %s = %d %s; want %d naming %q", tc.path, tc.body, code, body, tc.status, tc.field)
		}
	}
	if after := communes(t, base, "2026-01-01"); len(after) != len(before) {
		t.Errorf("rejected requests changed the map: %d communes, want %d", len(after), len(before))
	}
}

func TestImportUnits(t *testing.T) {
	s := startTestSuite(t, upConfig{})
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var out bytes.Buffer
	bad := write("bad.csv", "code,name,type,parent_code,valid_from\n0610101,Thôn Mới,VILLAGE,06101,2026-03-01\n0610102,Thôn Lạc,VILLAGE,888,2026-03-01\n")
	err := run(context.Background(), []string{"import", "units", "--registry-addr", s.registryAddr, "--token", tokenOf(t, demoAdmin), bad}, &out, slog.Default())
	if err == nil || !strings.Contains(err.Error(), "the file has 1 conflicts; nothing was written") {
		t.Fatalf("import of a bad parent: %v, want 1 conflict and nothing written", err)
	}
	if !regexp.MustCompile(`\b3 +parent_code +888 +parent unit 888 does not exist`).MatchString(out.String()) {
		t.Fatalf("the conflict at row 3, column parent_code is not in the summary:\n%s", out.String())
	}
	good := write("good.csv", "code,name,type,parent_code,valid_from\n0610101,Thôn Mới,VILLAGE,06101,2026-03-01\n")
	// Flags after the file name, as the README writes it.
	if err := run(context.Background(), []string{"import", "units", good, "--registry-addr", s.registryAddr, "--token", tokenOf(t, demoAdmin)}, &out, slog.Default()); err != nil {
		t.Fatal(err)
	}
	var villages unitList
	getJSON(t, s.httpURL+"/v1/units?parent=06101&as_of=2026-03-01", http.StatusOK, &villages)
	var names []string
	for _, u := range villages.Units {
		names = append(names, u.DisplayName)
	}
	// Xã Võ Nhai got Phú Thượng's three villages in the 2025 merger; the import adds one,
	// and the failed import before it wrote nothing (no Thôn Lạc anywhere).
	if len(names) != 4 || !contains(names, "Thôn Mới") {
		t.Fatalf("villages of 06101 after import = %v", names)
	}
	getJSON(t, s.httpURL+"/v1/units/0610102?as_of=2026-03-01", http.StatusNotFound, nil)
}

// With --postgres-url the suite keeps its data in PostgreSQL, one schema per service.
func TestUpOnPostgres(t *testing.T) {
	url := dbtest.EmptyPostgresDatabase(t)
	s := startTestSuite(t, upConfig{postgresURL: url})
	checkDemoTimeTravel(t, s.httpURL)
	pg, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	var versions int
	if err := pg.QueryRow(`SELECT count(*) FROM registry.unit_versions`).Scan(&versions); err != nil || versions == 0 {
		t.Fatalf("registry schema in PostgreSQL holds %d unit versions (%v)", versions, err)
	}
}

// storageConfigs are the suite on SQLite and on PostgreSQL (the SQLite
// files in a directory of the test's, where openSuiteDB finds them).
var storageConfigs = []struct {
	name string
	cfg  func(t *testing.T) upConfig
}{
	{"sqlite", func(t *testing.T) upConfig { return upConfig{dataDir: t.TempDir()} }},
	{"postgres", func(t *testing.T) upConfig { return upConfig{postgresURL: dbtest.EmptyPostgresDatabase(t)} }},
}

// A start that fails (here: the registry's port is taken) returns its error
// and releases what it opened, instead of failing again while cleaning up.
func TestFailedStartReturnsItsError(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	cfg := upConfig{httpAddr: "127.0.0.1:0", registryAddr: taken.Addr().String(), criteriaAddr: "127.0.0.1:0", ocopAddr: "127.0.0.1:0",
		fundingAddr: "127.0.0.1:0", reportAddr: "127.0.0.1:0", authKeys: testKeys, dataDir: t.TempDir()}
	s, err := startSuite(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), "registry") {
		t.Fatalf("startSuite with the registry's port taken = %v, %v; want an error naming the registry", s, err)
	}
}
