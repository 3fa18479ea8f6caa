package topology

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	"github.com/ntmsuite/ntm/cmd/ntm/internal/demo"
	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache/cachetest"
	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/tlstest"
)

// durationEnv sets how long the mixed load runs (`make topology
// TOPOLOGY_DURATION=1m`); 20 seconds unless set.
const durationEnv = "NTM_TOPOLOGY_DURATION"

// binaries are the commands of a production deployment, one per process.
var binaries = map[string]string{
	"registry": "github.com/ntmsuite/ntm/services/registry/cmd/registry",
	"criteria": "github.com/ntmsuite/ntm/services/criteria/cmd/criteria",
	"ocop":     "github.com/ntmsuite/ntm/services/ocop/cmd/ocop",
	"funding":  "github.com/ntmsuite/ntm/services/funding/cmd/funding",
	"report":   "github.com/ntmsuite/ntm/services/report/cmd/report",
	"gateway":  "github.com/ntmsuite/ntm/gateway/cmd/gateway",
}

// The load: writers post assessments of their own commune (one writer a
// commune, so each knows what the commune's latest assessment says),
// readers read what the criteria service serves, and a few other services.
var (
	writerCommunes = []string{"06101", "05101"}
	readers        = 3
	// assessedOn is the day of every assessment of the load: the latest of a
	// commune on that day is the one with the highest id, its last write.
	assessedOn = "2026-10-31"
)

var (
	writer = auth.Identity{Subject: "topology-writer", Role: auth.Admin}
	reader = auth.Identity{Subject: "topology-reader", Role: auth.Viewer}
	loader = auth.Identity{Subject: "topology-demo", Role: auth.System}
)

// The suite as deployed: the registry, two criteria replicas, OCOP, funding,
// report and the gateway as separate processes of their own binaries, on one
// PostgreSQL database (a schema each) and Redis, with mTLS between them.
// A mixed load of reads and writes runs through the gateway while one
// criteria replica is killed (SIGKILL) and started again. No read fails;
// every acknowledged write is there once and audited once; a write is seen
// by the next aggregate read, whichever replica serves it; and both replicas
// served calls, the restarted one too (their /metrics).
func TestTopology(t *testing.T) {
	if testing.Short() {
		t.Skip("starts seven processes and loads them for " + loadDuration(t).String())
	}
	began := time.Now()
	d := newDeployment(t)
	t.Logf("built in %v", time.Since(began).Round(time.Millisecond))
	began = time.Now()
	d.start(t)
	t.Logf("started in %v", time.Since(began).Round(time.Millisecond))
	began = time.Now()
	d.loadDemo(t)
	t.Logf("demo loaded in %v", time.Since(began).Round(time.Millisecond))

	res := d.runLoad(t, loadDuration(t))
	t.Logf("load: %d reads, %d writes acknowledged, %d unacknowledged; criteria replicas served %v",
		res.reads.Load(), len(res.acked), len(res.unacked), res.served)

	if n := res.failedReads.Load(); n > 0 {
		t.Errorf("%d reads failed; first: %v", n, res.firstFailure.Load())
	}
	if len(res.ryw) > 0 {
		t.Errorf("%d aggregate reads after a write did not reflect it; first: %s", len(res.ryw), res.ryw[0])
	}
	for name, n := range res.served {
		if n == 0 {
			t.Errorf("criteria replica %s served no call", name)
		}
	}
	if len(res.acked) == 0 {
		t.Fatal("no write was acknowledged")
	}
	d.checkWrites(t, res)
}

func loadDuration(t *testing.T) time.Duration {
	v := os.Getenv(durationEnv)
	if v == "" {
		return 20 * time.Second
	}
	dur, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("%s: %v", durationEnv, err)
	}
	return dur
}

// deployment is the processes, their addresses and what they share.
type deployment struct {
	bin      string
	env      []string
	tlsFiles tlstest.Files
	keys     *auth.KeySet
	pgURL    string
	httpURL  string
	http     *http.Client
	clientTL *tls.Config

	grpc    map[string]string // gRPC address by process name
	metrics map[string]string // /metrics address by process name
	procs   map[string]*process
}

func newDeployment(t *testing.T) *deployment {
	d := &deployment{grpc: map[string]string{}, metrics: map[string]string{}, procs: map[string]*process{}}
	d.pgURL = dbtest.EmptyPostgresDatabase(t)
	prefix := cachetest.Prefix(t)
	d.tlsFiles = tlstest.New(t)
	keyJSON, err := auth.NewKeySet("topology", auth.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	if d.keys, err = auth.ParseKeySet(keyJSON); err != nil {
		t.Fatal(err)
	}
	d.clientTL, err = config.TLSFiles{Cert: d.tlsFiles.Cert, Key: d.tlsFiles.Key, CA: d.tlsFiles.CA}.Client()
	if err != nil {
		t.Fatal(err)
	}
	// A call that hangs fails rather than holding the test until its timeout.
	d.http = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: d.clientTL, MaxIdleConnsPerHost: 16}}
	// Flags every process shares, as NTM_* variables (each reads those of
	// its own flags): production profile (TLS everywhere, keys required),
	// one Redis prefix, and no rate limits: this test measures balancing.
	d.env = append(os.Environ(),
		auth.KeysEnv+"="+string(keyJSON),
		"NTM_PROFILE=production",
		"NTM_TLS_CERT="+d.tlsFiles.Cert, "NTM_TLS_KEY="+d.tlsFiles.Key, "NTM_TLS_CA="+d.tlsFiles.CA,
		"NTM_REDIS_ADDR="+cachetest.RedisAddr(), "NTM_CACHE_PREFIX="+prefix,
		"NTM_RATE_LIMIT_PRINCIPAL=0", "NTM_RATE_LIMIT_ADDRESS=0",
	)
	d.bin = binDir(t)
	pkgs := make([]string, 0, len(binaries))
	for _, p := range binaries {
		pkgs = append(pkgs, p)
	}
	// Without the symbol table and DWARF: linking is most of the build.
	build := exec.Command("go", append([]string{"build", "-ldflags=-s -w", "-o", d.bin + string(filepath.Separator)}, pkgs...)...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, name := range []string{"registry", "criteria-a", "criteria-b", "ocop", "funding", "report"} {
		d.grpc[name], d.metrics[name] = freeAddr(t), freeAddr(t)
	}
	d.grpc["gateway"] = freeAddr(t)
	d.httpURL = "https://" + d.grpc["gateway"]
	return d
}

// binDir is where the binaries are built: .bin/topology of the checkout,
// kept between runs because go build skips linking a binary that is up to
// date (most of the test's time otherwise); a temporary directory outside
// a workspace checkout.
func binDir(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for ; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			bin := filepath.Join(dir, ".bin", "topology")
			if err := os.MkdirAll(bin, 0o755); err != nil {
				t.Fatal(err)
			}
			return bin
		}
		if filepath.Dir(dir) == dir {
			return t.TempDir()
		}
	}
}

// criteriaAddrs is the replica list every client of criteria dials.
func (d *deployment) criteriaAddrs() string { return d.grpc["criteria-a"] + "," + d.grpc["criteria-b"] }

// args are the command line of a process; the flags not given are the
// shared NTM_* variables.
func (d *deployment) args(name string) (bin string, args []string) {
	db := func(schema string) []string {
		return []string{"--postgres-url", d.pgURL, "--postgres-schema", schema}
	}
	serving := []string{"--grpc-addr", d.grpc[name], "--metrics-addr", d.metrics[name]}
	switch name {
	case "registry":
		return "registry", append(append(serving, db("registry")...), "--criteria-addr", d.criteriaAddrs())
	case "criteria-a", "criteria-b":
		return "criteria", append(append(serving, db("criteria")...), "--registry-addr", d.grpc["registry"])
	case "ocop", "funding":
		return name, append(append(serving, db(name)...), "--registry-addr", d.grpc["registry"])
	case "report":
		return "report", append(serving, "--registry-addr", d.grpc["registry"], "--criteria-addr", d.criteriaAddrs(),
			"--ocop-addr", d.grpc["ocop"], "--funding-addr", d.grpc["funding"])
	case "gateway":
		return "gateway", []string{"--http-addr", d.grpc["gateway"], "--registry-addr", d.grpc["registry"],
			"--criteria-addr", d.criteriaAddrs(), "--ocop-addr", d.grpc["ocop"], "--funding-addr", d.grpc["funding"],
			"--report-addr", d.grpc["report"]}
	}
	panic("unknown process " + name)
}

// start starts every process in turn, each once the one before serves, so
// that a process failing to start is the one the failure names.
func (d *deployment) start(t *testing.T) {
	for _, name := range []string{"registry", "criteria-a", "criteria-b", "ocop", "funding", "report", "gateway"} {
		d.startProcess(t, name)
	}
}

func (d *deployment) startProcess(t *testing.T, name string) {
	t.Helper()
	bin, args := d.args(name)
	p := startProcess(t, name, filepath.Join(d.bin, bin), args, d.env)
	d.procs[name] = p
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var err error
	if name == "gateway" {
		err = p.waitUntil(ctx, func(ctx context.Context) error { return d.get(ctx, "/healthz", reader, nil) })
	} else {
		err = p.waitUntil(ctx, func(ctx context.Context) error { return d.healthy(ctx, d.grpc[name]) })
	}
	if err != nil {
		t.Fatalf("%s did not start serving: %v\n%s", name, err, p.log())
	}
}

// healthy asks the process at addr for its gRPC health, over mTLS.
func (d *deployment) healthy(ctx context.Context, addr string) error {
	conn, err := grpcclient.Dial(addr, grpcclient.WithTLS(d.clientTL))
	if err != nil {
		return err
	}
	defer conn.Close()
	res, err := grpc_health_v1.NewHealthClient(conn).Check(ctx, &grpc_health_v1.HealthCheckRequest{})
	if err != nil {
		return err
	}
	if res.GetStatus() != grpc_health_v1.HealthCheckResponse_SERVING {
		return fmt.Errorf("health %v", res.GetStatus())
	}
	return nil
}

// loadDemo loads the demo province over gRPC, as `ntm up --demo` does,
// with the criteria calls spread over both replicas.
func (d *deployment) loadDemo(t *testing.T) {
	var conns []*grpc.ClientConn
	for _, addr := range []string{d.grpc["registry"], d.criteriaAddrs(), d.grpc["ocop"], d.grpc["funding"]} {
		c, err := grpcclient.Dial(addr, grpcclient.WithTLS(d.clientTL))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	token, err := d.keys.Sign(loader, 10*time.Minute, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+token)
	if _, err := demo.Load(ctx, conns[0], conns[1], conns[2], conns[3]); err != nil {
		t.Fatalf("load the demo: %v", err)
	}
}

// loadResult is what the load saw.
type loadResult struct {
	reads, failedReads atomic.Int64
	firstFailure       atomic.Value
	// acked and unacked are the writes by author, with the assessment's
	// name for acknowledged ones; unacknowledged writes may or may not
	// have been recorded.
	acked   map[string]string
	unacked map[string]bool
	// ryw lists aggregate reads that did not reflect the write before them.
	ryw []string
	// served is the calls each criteria replica handled (the restarted
	// one: since it restarted).
	served map[string]float64
}

// runLoad runs readers and writers through the gateway for dur, killing
// criteria-b a quarter of the way in and starting it again at half-time.
// It goes on (up to a minute more) until the restarted replica has served
// calls: its clients reconnect with a backoff of up to five seconds.
func (d *deployment) runLoad(t *testing.T, dur time.Duration) *loadResult {
	res := &loadResult{acked: map[string]string{}, unacked: map[string]bool{}, served: map[string]float64{}}
	stop := make(chan struct{})
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range readers {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				path := readPaths[(i+n)%len(readPaths)]
				res.reads.Add(1)
				if err := d.get(t.Context(), path, reader, nil); err != nil {
					res.failedReads.Add(1)
					res.firstFailure.CompareAndSwap(nil, fmt.Sprintf("GET %s: %v", path, err))
				}
			}
		})
	}
	for w, commune := range writerCommunes {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				author := fmt.Sprintf("topology-w%d-%d", w, n)
				met := n%2 == 0
				name, err := d.writeAssessment(t.Context(), commune, author, met)
				mu.Lock()
				if err != nil {
					res.unacked[author] = true
				} else {
					res.acked[author] = name
				}
				mu.Unlock()
				if err != nil {
					continue
				}
				// Read your write, from whichever replica answers.
				res.reads.Add(1)
				var agg struct {
					Criteria []struct {
						Code string
						Met  int
					}
				}
				if err := d.get(t.Context(), "/v1/units/"+commune+"/aggregate?as_of="+assessedOn, reader, &agg); err != nil {
					res.failedReads.Add(1)
					res.firstFailure.CompareAndSwap(nil, fmt.Sprintf("aggregate of %s: %v", commune, err))
					continue
				}
				want := map[bool]int{true: 1, false: 0}[met]
				if len(agg.Criteria) == 0 || agg.Criteria[0].Code != "1" || agg.Criteria[0].Met != want {
					mu.Lock()
					res.ryw = append(res.ryw, fmt.Sprintf("%s wrote criterion 1 met=%v to %s, the aggregate read next has %+v", author, met, commune, agg.Criteria))
					mu.Unlock()
				}
			}
		})
	}

	time.Sleep(dur / 4)
	// Both replicas served before one goes away.
	for _, name := range []string{"criteria-a", "criteria-b"} {
		if n := d.handled(t, name); n == 0 {
			t.Errorf("%s served no call in the first quarter of the load", name)
		}
	}
	d.procs["criteria-b"].kill(t)
	time.Sleep(dur / 4)
	d.startProcess(t, "criteria-b")
	time.Sleep(dur / 2)
	for deadline := time.Now().Add(time.Minute); d.handled(t, "criteria-b") == 0 && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	for _, name := range []string{"criteria-a", "criteria-b"} {
		res.served[name] = d.handled(t, name)
	}
	return res
}

// readPaths are the reads of the load: criteria's (the replicas), and the
// services behind them.
var readPaths = []string{
	"/v1/units/19/aggregate?as_of=" + assessedOn,
	"/v1/units/06101/assessments?as_of=" + assessedOn + "&page_size=5",
	"/v1/units/05101/score?as_of=" + assessedOn,
	"/v1/criteriaSets",
	"/v1/units/19/aggregate?as_of=2020-10-31",
	"/v1/units?parent=19&as_of=" + assessedOn,
	"/v1/units/19/ocopSummary?as_of=" + assessedOn,
	"/v1/units/0/fundingSummary?as_of=" + assessedOn,
}

// writeAssessment records an assessment of commune through the gateway,
// with criterion 1 met or not, and returns its name.
func (d *deployment) writeAssessment(ctx context.Context, commune, author string, met bool) (string, error) {
	statuses := []string{"NOT_MET", "MET", "MET", "NOT_MET", "MET", "MET", "MET", "MET", "NOT_MET", "MET"}
	if met {
		statuses[0] = "MET"
	}
	var verdicts []string
	for i, s := range statuses {
		verdicts = append(verdicts, fmt.Sprintf(`{"criterionCode":"%d","status":"%s"}`, i+1, s))
	}
	body := fmt.Sprintf(`{"assessedOn":%q,"criteriaSet":"NTM_COMMUNE_2026_2030","author":%q,"verdicts":[%s]}`,
		assessedOn, author, strings.Join(verdicts, ","))
	var created struct{ Name string }
	err := d.do(ctx, http.MethodPost, "/v1/units/"+commune+"/assessments", writer, body, map[string]string{"Idempotency-Key": author}, http.StatusCreated, &created)
	return created.Name, err
}

func (d *deployment) get(ctx context.Context, path string, id auth.Identity, out any) error {
	return d.do(ctx, http.MethodGet, path, id, "", nil, http.StatusOK, out)
}

// do calls the gateway as id and decodes the answer into out (if not nil).
func (d *deployment) do(ctx context.Context, method, path string, id auth.Identity, body string, header map[string]string, want int, out any) error {
	token, err := d.keys.Sign(id, time.Hour, time.Now())
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, d.httpURL+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := d.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != want {
		return fmt.Errorf("%s %s: %s: %s", method, path, res.Status, bytes.TrimSpace(b))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// handled is the calls to the criteria service the replica's /metrics count.
func (d *deployment) handled(t *testing.T, name string) float64 {
	t.Helper()
	res, err := http.Get("http://" + d.metrics[name] + "/metrics")
	if err != nil {
		t.Errorf("scrape %s: %v", name, err)
		return 0
	}
	defer res.Body.Close()
	total := 0.0
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "grpc_server_handled_total{") || !strings.Contains(line, `grpc_service="ntm.criteria.v1.CriteriaService"`) {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			t.Errorf("%s metrics line %q: %v", name, line, err)
		}
		total += v
	}
	if err := sc.Err(); err != nil {
		t.Errorf("scrape %s: %v", name, err)
	}
	return total
}

// checkWrites reads back every assessment of the writers' communes and the
// writer's audit trail: each acknowledged write once, an unacknowledged one
// at most once, and one audit event for each write recorded.
func (d *deployment) checkWrites(t *testing.T, res *loadResult) {
	recorded := map[string][]string{} // author -> names
	for _, commune := range writerCommunes {
		pageToken := ""
		for {
			var page struct {
				Assessments   []struct{ Name, Author string }
				NextPageToken string
			}
			if err := d.get(t.Context(), "/v1/units/"+commune+"/assessments?as_of="+assessedOn+"&page_size=500&page_token="+pageToken, writer, &page); err != nil {
				t.Fatal(err)
			}
			for _, a := range page.Assessments {
				if strings.HasPrefix(a.Author, "topology-w") {
					recorded[a.Author] = append(recorded[a.Author], a.Name)
				}
			}
			if pageToken = page.NextPageToken; pageToken == "" {
				break
			}
		}
	}
	for author, name := range res.acked {
		if got := recorded[author]; len(got) != 1 || got[0] != name {
			t.Errorf("acknowledged write %s (%s) is recorded as %v, want once", author, name, got)
		}
	}
	for author, names := range recorded {
		if _, ok := res.acked[author]; !ok && (!res.unacked[author] || len(names) > 1) {
			t.Errorf("write %s is recorded as %v, but was not acknowledged once", author, names)
		}
	}

	audited := map[string]int{} // resource -> events
	pageToken := ""
	for {
		var page struct {
			AuditEvents   []struct{ Resource string }
			NextPageToken string
		}
		admin := auth.Identity{Subject: "topology-auditor", Role: auth.Admin}
		if err := d.get(t.Context(), "/v1/auditEvents?actor="+writer.Subject+"&page_size=500&page_token="+pageToken, admin, &page); err != nil {
			t.Fatal(err)
		}
		for _, e := range page.AuditEvents {
			audited[e.Resource]++
		}
		if pageToken = page.NextPageToken; pageToken == "" {
			break
		}
	}
	events := 0
	for author, names := range recorded {
		for _, name := range names {
			if audited[name] != 1 {
				t.Errorf("write %s (%s) has %d audit events, want 1", author, name, audited[name])
			}
			events++
		}
	}
	if total := sumValues(audited); total != events {
		t.Errorf("the writer's trail has %d events for %d writes recorded", total, events)
	}
}

func sumValues(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
