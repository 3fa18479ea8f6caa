//go:build linux

package bench_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria"
	"github.com/ntmsuite/ntm/services/criteria/synthetic"
)

// p6Years are the years whose 31 December every commune is assessed on for
// P6, under the set in force then.
var p6Years = []struct {
	year int
	set  string
}{
	{2016, "NTM_COMMUNE_2016_2020"}, {2017, "NTM_COMMUNE_2016_2020"}, {2018, "NTM_COMMUNE_2016_2020"},
	{2019, "NTM_COMMUNE_2016_2020"}, {2020, "NTM_COMMUNE_2016_2020"}, {2021, "NTM_COMMUNE_2016_2020"},
	{2022, "NTM_COMMUNE_2021_2025"}, {2023, "NTM_COMMUNE_2021_2025"}, {2024, "NTM_COMMUNE_2021_2025"},
	{2025, "NTM_COMMUNE_2021_2025"},
}

// BenchmarkP6RSS is the memory of the criteria service holding 10,000
// communes × 10 years of assessments: its binary (services/criteria/cmd/
// criteria) started as a process of its own on a SQLite file prepared
// through the API, the run's registry and keys; once it has answered the
// country's aggregate of the last year, rss-MB is its resident memory
// (VmRSS) and hwm-MB the most it ever had (VmHWM). One operation is one
// start. P6: rss-MB ≤ 150.
func BenchmarkP6RSS(b *testing.B) {
	e := setup(b)
	bin, db := e.p6Prepare(b)
	var rss, hwm float64
	for b.Loop() {
		r, h := e.p6Measure(b, bin, db)
		rss, hwm = max(rss, r), max(hwm, h)
	}
	b.ReportMetric(rss, "rss-MB")
	b.ReportMetric(hwm, "hwm-MB")
}

var p6 struct {
	once    sync.Once
	bin, db string
	err     error
}

// p6Prepare builds the service's binary and its database, once per run.
// The database takes minutes to write through the API, so when
// NTM_BENCH_DATA names a directory (make bench: .bin/bench) it is kept
// there for later runs, under a hash of what makes it (p6Inputs).
func (e *env) p6Prepare(b *testing.B) (bin, db string) {
	p6.once.Do(func() {
		start := time.Now()
		p6.bin = filepath.Join(e.dir, "criteria")
		out, err := exec.Command("go", "build", "-o", p6.bin, "github.com/ntmsuite/ntm/services/criteria/cmd/criteria").CombinedOutput()
		if err != nil {
			p6.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		if p6.db, p6.err = e.p6Database(); p6.err == nil {
			b.Logf("P6: built the service and its database %s in %v", p6.db, time.Since(start).Round(time.Millisecond))
		}
	})
	if p6.err != nil {
		b.Fatal(p6.err)
	}
	return p6.bin, p6.db
}

// p6Inputs are what the prepared database is made of, relative to this
// package: the service's schema, its catalogs and the synthetic country.
var p6Inputs = []string{"../services/criteria/internal/store/migrations", "../services/criteria/catalogs", "../services/criteria/synthetic"}

// p6Database is the prepared database: kept from an earlier run under
// NTM_BENCH_DATA if one made it from the same inputs, else written now.
func (e *env) p6Database() (string, error) {
	dir := os.Getenv("NTM_BENCH_DATA")
	if dir == "" {
		file := filepath.Join(e.dir, "p6.db")
		return file, e.p6Load(file)
	}
	h := sha256.New()
	fmt.Fprintln(h, communes, p6Years)
	for _, in := range p6Inputs {
		if err := hashFiles(h, in); err != nil {
			return "", err
		}
	}
	file, err := filepath.Abs(filepath.Join(dir, fmt.Sprintf("p6-%x.db", h.Sum(nil)[:8])))
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(file); err == nil {
		return file, nil
	}
	// Another version's database is 1.5 GB nobody will read again.
	old, _ := filepath.Glob(filepath.Join(dir, "p6-*.db*"))
	for _, f := range old {
		_ = os.Remove(f)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// Written aside and renamed, so that an interrupted run leaves no
	// half-written database to be taken for a prepared one.
	tmp := filepath.Join(dir, fmt.Sprintf("p6-writing-%d.db", os.Getpid()))
	if err := e.p6Load(tmp); err != nil {
		return "", err
	}
	return file, os.Rename(tmp, file)
}

// hashFiles writes the names and contents of the files under dir to h.
func hashFiles(h io.Writer, dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintln(h, path, len(data))
		_, err = h.Write(data)
		return err
	})
}

// p6Load stores a year's assessments of every commune for each of
// p6Years, through a criteria service of this process on file.
func (e *env) p6Load(file string) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	regConn, err := grpcclient.Dial(e.regAddr)
	if err != nil {
		return err
	}
	defer regConn.Close()
	svc, err := criteria.Open(ctx, criteria.Config{SQLitePath: file, Registry: regConn, Cache: cache.NewMemory(),
		Logger: slog.New(slog.DiscardHandler), AuthKeys: e.keys})
	if err != nil {
		return err
	}
	addr, err := serve(ctx, svc.Serve)
	if err != nil {
		return err
	}
	conn, err := grpcclient.Dial(addr, grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(batchAnswerBytes)))
	if err != nil {
		return err
	}
	defer conn.Close()
	crit := criteriav1.NewCriteriaServiceClient(conn)
	for _, y := range p6Years {
		c, err := synthetic.New(synthetic.Options{Communes: communes, Seed: uint64(y.year), AssessedOn: fmt.Sprintf("%d-12-31", y.year), CriteriaSet: y.set})
		if err != nil {
			return err
		}
		if err := importAssessments(e.ctx, crit, c.Assessments); err != nil {
			return fmt.Errorf("%d: %w", y.year, err)
		}
	}
	cancel()
	return svc.Close()
}

// p6Measure starts the service on db, waits until it answers the country's
// aggregate, and returns its VmRSS and VmHWM in MB.
func (e *env) p6Measure(b *testing.B, bin, db string) (rss, hwm float64) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := lis.Addr().String()
	_ = lis.Close()
	logFile := filepath.Join(e.dir, "p6.log")
	log, err := os.Create(logFile)
	if err != nil {
		b.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(bin, "--grpc-addr", addr, "--metrics-addr", "", "--registry-addr", e.regAddr, "--sqlite-path", db)
	cmd.Env = append(os.Environ(), "NTM_AUTH_KEYS="+string(e.keysJSON))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	conn, err := grpcclient.Dial(addr)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	crit := criteriav1.NewCriteriaServiceClient(conn)
	last := p6Years[len(p6Years)-1]
	req := &criteriav1.GetAggregateRequest{UnitCode: countryCode, AsOf: fmt.Sprintf("%d-12-31", last.year)}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
		agg, err := crit.GetAggregate(ctx, req)
		cancel()
		if err == nil {
			if agg.GetAssessedCommunes() != communes {
				b.Fatalf("the service sees %d assessed communes, want %d", agg.GetAssessedCommunes(), communes)
			}
			break
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(logFile)
			b.Fatalf("the service did not answer in 3 minutes: %v\n%s", err, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	status, err := procStatus(cmd.Process.Pid)
	if err != nil {
		b.Fatal(err)
	}
	return status["VmRSS"], status["VmHWM"]
}

// procStatus reads the memory lines of /proc/<pid>/status, in MB.
func procStatus(pid int) (map[string]float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		fields := strings.Fields(v)
		if !ok || len(fields) != 2 || fields[1] != "kB" {
			continue
		}
		kb, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return nil, err
		}
		out[k] = kb / 1024
	}
	return out, sc.Err()
}
