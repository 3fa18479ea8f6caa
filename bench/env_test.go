//go:build unix

package bench_test

// The environment every benchmark shares, built once per process: the
// registry, criteria, OCOP and funding services in this process on SQLite,
// one Redis cache under a prefix of this run, every service and the gateway
// verifying tokens (keys made for the run), served over TCP loopback; a
// synthetic country of 10,000 communes in 34 provinces loaded through the
// APIs; and the bare chains (package bare) answering the same aggregate.
// Without Redis the benchmarks skip (or fail under
// NTM_TEST_REQUIRE_SERVICES=1).

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/bench/bare"
	"github.com/ntmsuite/ntm/gateway"
	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria"
	"github.com/ntmsuite/ntm/services/criteria/synthetic"
	"github.com/ntmsuite/ntm/services/funding"
	"github.com/ntmsuite/ntm/services/ocop"
	"github.com/ntmsuite/ntm/services/registry"
)

const (
	communes  = 10_000
	redisAddr = "127.0.0.1:6379"
	// countryCode is the unit code of the whole country in every API.
	countryCode = "0"
	// parallelism multiplies GOMAXPROCS into the goroutines of the parallel
	// benchmarks: enough calls in flight to keep the CPUs busy while others
	// wait on the loopback and on Redis.
	parallelism = 8
	// dirPrefix names the temporary directory of a run; a later run removes
	// those of processes that have ended (there is no hook after the last
	// benchmark that would not need a TestMain).
	dirPrefix = "ntm-bench-"
	// batchAnswerBytes is the largest answer the clients of imports take:
	// the answer to a batch of assessments repeats each with its score,
	// 47 MB for 10,000, more than grpcserver.MaxMessageBytes.
	batchAnswerBytes = 256 << 20
)

// env is what the benchmarks share.
type env struct {
	dir      string
	keysJSON []byte // the run's key set, for a service started as a process
	keys     *auth.KeySet
	token    string // an admin's
	// ctx carries the admin's token to every gRPC call.
	ctx      context.Context
	rdb      *redis.Client
	prefix   string // of this run's keys in Redis
	metrics  *prometheus.Registry
	regAddr  string
	critConn *grpc.ClientConn
	crit     criteriav1.CriteriaServiceClient
	ocop     ocopv1.OcopServiceClient
	funding  fundingv1.FundingServiceClient
	restURL  string // the suite's gateway
	http     *http.Client
	bareConn *grpc.ClientConn
	bareURL  string // the bare gateway
	// country is the synthetic country loaded, without its assessments,
	// which load keeps encoded in assessments instead: as 570,000 small
	// objects they were two thirds of this process's live heap, which the
	// collector marks on every cycle, so every figure measured here paid
	// for the harness's own data (in P4 a mark phase took 39-52 ms with
	// them, 21-33 ms without).
	country     synthetic.Country
	assessments []byte
	// payload is the aggregate of province() as the service encodes it;
	// the bare chains answer these bytes.
	payload []byte
}

var (
	envOnce        sync.Once
	shared         *env
	envErr         error
	envUnavailable string
)

// setup returns the shared environment, building it on first use; it skips
// b when Redis is not there.
func setup(b *testing.B) *env {
	b.Helper()
	envOnce.Do(func() {
		start := time.Now()
		shared, envErr = newEnv()
		if envErr == nil && shared != nil {
			b.Logf("set up %d communes (services, import, assessments, plans, producers) in %v; aggregate payload %d bytes",
				communes, time.Since(start).Round(time.Millisecond), len(shared.payload))
		}
	})
	if envUnavailable != "" {
		dbtest.Unavailable(b, "%s", envUnavailable)
	}
	if envErr != nil {
		b.Fatalf("benchmark setup: %v", envErr)
	}
	return shared
}

func newEnv() (*env, error) {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr})
	pctx, cancel := context.WithTimeout(ctx, time.Second)
	err := rdb.Ping(pctx).Err()
	cancel()
	if err != nil {
		_ = rdb.Close()
		envUnavailable = fmt.Sprintf("Redis is not reachable at %s: %v", redisAddr, err)
		return nil, nil
	}
	removeStaleDirs()
	e := &env{rdb: rdb, metrics: prometheus.NewRegistry(),
		prefix: fmt.Sprintf("ntm-bench:%d-%d:", os.Getpid(), time.Now().UnixNano())}
	if e.dir, err = os.MkdirTemp("", fmt.Sprintf("%s%d-", dirPrefix, os.Getpid())); err != nil {
		return nil, err
	}
	if e.keysJSON, err = auth.NewKeySet("bench", auth.EdDSA); err != nil {
		return nil, err
	}
	if e.keys, err = auth.ParseKeySet(e.keysJSON); err != nil {
		return nil, err
	}
	if e.token, err = e.keys.Sign(auth.Identity{Subject: "bench-admin", Role: auth.Admin}, 24*time.Hour, time.Now()); err != nil {
		return nil, err
	}
	e.ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+e.token)
	if err := e.startSuite(ctx); err != nil {
		return nil, err
	}
	if err := e.load(); err != nil {
		return nil, err
	}
	// Every key of the run, generations included, outlives it by an hour
	// at most (INCR keeps a TTL).
	if err := e.expireRunKeys(ctx); err != nil {
		return nil, err
	}
	return e, e.startBare(ctx)
}

// startSuite starts the services and the gateway as `ntm up` does, on
// SQLite, with the run's Redis cache and keys, logging nothing (a log line
// per call is not what is measured) and without rate limits.
func (e *env) startSuite(ctx context.Context) error {
	rc := cache.NewRedis(cache.RedisOptions{Addr: redisAddr, Prefix: e.prefix})
	logger := slog.New(slog.DiscardHandler)
	metrics := grpcserver.NewMetrics(e.metrics)
	regLis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	critLis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	e.regAddr = regLis.Addr().String()
	regConn, err := grpcclient.Dial(e.regAddr)
	if err != nil {
		return err
	}
	if e.critConn, err = grpcclient.Dial(critLis.Addr().String(), grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(grpcserver.MaxMessageBytes))); err != nil {
		return err
	}
	e.crit = criteriav1.NewCriteriaServiceClient(e.critConn)
	reg, err := registry.Open(ctx, registry.Config{SQLitePath: filepath.Join(e.dir, "registry.db"), Logger: logger, Metrics: metrics,
		Cache: rc, AuthKeys: e.keys, Criteria: e.critConn})
	if err != nil {
		return err
	}
	go func() { _ = reg.Serve(ctx, regLis) }()
	crit, err := criteria.Open(ctx, criteria.Config{SQLitePath: filepath.Join(e.dir, "criteria.db"), Registry: regConn, Cache: rc,
		Logger: logger, Metrics: metrics, Registerer: e.metrics, AuthKeys: e.keys})
	if err != nil {
		return err
	}
	go func() { _ = crit.Serve(ctx, critLis) }()
	oc, err := ocop.Open(ctx, ocop.Config{SQLitePath: filepath.Join(e.dir, "ocop.db"), Registry: regConn, Cache: rc,
		Logger: logger, Metrics: metrics, AuthKeys: e.keys})
	if err != nil {
		return err
	}
	ocopAddr, err := serve(ctx, oc.Serve)
	if err != nil {
		return err
	}
	fu, err := funding.Open(ctx, funding.Config{SQLitePath: filepath.Join(e.dir, "funding.db"), Registry: regConn, Cache: rc,
		Logger: logger, Metrics: metrics, AuthKeys: e.keys})
	if err != nil {
		return err
	}
	fundingAddr, err := serve(ctx, fu.Serve)
	if err != nil {
		return err
	}
	for addr, bind := range map[string]func(*grpc.ClientConn){
		ocopAddr:    func(c *grpc.ClientConn) { e.ocop = ocopv1.NewOcopServiceClient(c) },
		fundingAddr: func(c *grpc.ClientConn) { e.funding = fundingv1.NewFundingServiceClient(c) },
	} {
		c, err := grpcclient.Dial(addr, grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(grpcserver.MaxMessageBytes)))
		if err != nil {
			return err
		}
		bind(c)
	}
	gw, err := gateway.New(ctx, gateway.Options{RegistryAddr: e.regAddr, CriteriaAddr: critLis.Addr().String(),
		OcopAddr: ocopAddr, FundingAddr: fundingAddr, Logger: logger, AuthKeys: e.keys})
	if err != nil {
		return err
	}
	e.restURL, err = serveHTTP(gw.Handler())
	e.http = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	return err
}

// startBare starts the bare chains: a gRPC server answering the country's
// aggregate from a Redis key of its own, and a grpc-gateway in front of it.
func (e *env) startBare(ctx context.Context) error {
	key := e.prefix + "bare:aggregate"
	if err := e.rdb.Set(ctx, key, e.payload, time.Hour).Err(); err != nil {
		return err
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	bare.Serve(lis, e.rdb, key)
	if e.bareConn, err = grpcclient.Dial(lis.Addr().String()); err != nil {
		return err
	}
	h, err := bare.Gateway(ctx, e.bareConn)
	if err != nil {
		return err
	}
	e.bareURL, err = serveHTTP(h)
	return err
}

// load writes the country through the APIs: the units in one import, one
// assessment of every commune, a year's funding plan of every commune and
// an OCOP producer in every tenth; then reads the country's aggregate.
func (e *env) load() error {
	var err error
	if e.country, err = synthetic.New(synthetic.Options{Communes: communes, Seed: 1}); err != nil {
		return err
	}
	conn, err := grpcclient.Dial(e.regAddr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := registryv1.NewRegistryServiceClient(conn).ImportUnits(e.ctx, e.country.ImportUnitsRequest()); err != nil {
		return fmt.Errorf("import units: %w", err)
	}
	if err := importAssessments(e.ctx, e.crit, e.country.Assessments); err != nil {
		return err
	}
	if e.assessments, err = proto.Marshal(&criteriav1.BatchCreateAssessmentsRequest{Assessments: e.country.Assessments}); err != nil {
		return err
	}
	e.country.Assessments = nil
	if err := e.loadPlans(); err != nil {
		return err
	}
	if err := e.loadProducers(); err != nil {
		return err
	}
	agg, err := e.crit.GetAggregate(e.ctx, e.aggregateRequest(countryCode))
	if err != nil {
		return err
	}
	if agg.GetCommunes() != communes || agg.GetAssessedCommunes() != communes {
		return fmt.Errorf("aggregate counts %d communes, %d assessed; want %d", agg.GetCommunes(), agg.GetAssessedCommunes(), communes)
	}
	if agg, err = e.crit.GetAggregate(e.ctx, e.aggregateRequest(e.province())); err != nil {
		return err
	}
	e.payload, err = proto.MarshalOptions{Deterministic: true}.Marshal(agg)
	return err
}

// countryAssessments are the country's assessments, aligned with
// country.Communes, decoded anew (see env.country).
func (e *env) countryAssessments(b *testing.B) []*criteriav1.Assessment {
	var req criteriav1.BatchCreateAssessmentsRequest
	if err := proto.Unmarshal(e.assessments, &req); err != nil {
		b.Fatal(err)
	}
	return req.GetAssessments()
}

// province is the code of the province whose aggregate the cached reads ask for.
func (e *env) province() string { return e.country.Provinces[0].Code }

// importAssessments writes assessments in batches of the largest size a
// request takes comfortably.
func importAssessments(ctx context.Context, crit criteriav1.CriteriaServiceClient, as []*criteriav1.Assessment) error {
	const batch = 5000
	for lo := 0; lo < len(as); lo += batch {
		hi := min(lo+batch, len(as))
		if _, err := crit.BatchCreateAssessments(ctx, &criteriav1.BatchCreateAssessmentsRequest{Assessments: as[lo:hi]}); err != nil {
			return fmt.Errorf("assessments %d..%d: %w", lo, hi, err)
		}
	}
	return nil
}

// loadPlans gives every commune a plan of the assessment's year, from the
// first money source and purpose of the catalog.
func (e *env) loadPlans() error {
	plans := make([]*fundingv1.Plan, 0, len(e.country.Communes))
	for i := range e.country.Communes {
		p, err := e.plan(i, 1_000_000_000)
		if err != nil {
			return err
		}
		plans = append(plans, p)
	}
	const batch = 1000 // the most BatchCreatePlans takes
	for lo := 0; lo < len(plans); lo += batch {
		if _, err := e.funding.BatchCreatePlans(e.ctx, &fundingv1.BatchCreatePlansRequest{Plans: plans[lo:min(lo+batch, len(plans))]}); err != nil {
			return fmt.Errorf("plans %d..: %w", lo, err)
		}
	}
	return nil
}

var planKind struct {
	once            sync.Once
	source, purpose string
	err             error
}

// plan is a plan of commune i, of amount VND.
func (e *env) plan(i int, amount int64) (*fundingv1.Plan, error) {
	planKind.once.Do(func() {
		srcs, err := e.funding.ListFundingSources(e.ctx, &fundingv1.ListFundingSourcesRequest{})
		if err != nil {
			planKind.err = err
			return
		}
		purposes, err := e.funding.ListPurposes(e.ctx, &fundingv1.ListPurposesRequest{})
		if err != nil || len(purposes.GetPurposes()) == 0 {
			planKind.err = fmt.Errorf("purposes: %v", err)
			return
		}
		planKind.purpose = purposes.GetPurposes()[0].GetCode()
		year := int32(e.year())
		for _, s := range srcs.GetSources() {
			if s.GetQuantityUnit() == "" && (s.GetFromYear() == 0 || s.GetFromYear() <= year) && (s.GetToYear() == 0 || s.GetToYear() >= year) {
				planKind.source = s.GetCode()
				return
			}
		}
		planKind.err = errors.New("no money source open in the assessment year")
	})
	return &fundingv1.Plan{Year: int32(e.year()), UnitCode: e.country.Communes[i].Code, Source: planKind.source,
		Purpose: planKind.purpose, AmountVnd: amount, AllocatedOn: e.country.AssessedOn}, planKind.err
}

// loadProducers registers a producer in every tenth commune, four calls at
// a time (there is no batch call).
func (e *env) loadProducers() error {
	var g errgroup.Group
	g.SetLimit(4)
	for i := 0; i < len(e.country.Communes); i += 10 {
		g.Go(func() error {
			_, err := e.ocop.CreateProducer(e.ctx, e.producer(i))
			return err
		})
	}
	return g.Wait()
}

func (e *env) producer(i int) *ocopv1.CreateProducerRequest {
	c := e.country.Communes[i]
	return &ocopv1.CreateProducerRequest{Producer: &ocopv1.Producer{DisplayName: "Hợp tác xã Giả lập " + c.Code,
		Kind: ocopv1.ProducerKind_COOPERATIVE, UnitCode: c.Code, RegisteredOn: e.country.AssessedOn}}
}

func (e *env) year() int {
	y, _ := strconv.Atoi(e.country.AssessedOn[:4])
	return y
}

func (e *env) aggregateRequest(unit string) *criteriav1.GetAggregateRequest {
	return &criteriav1.GetAggregateRequest{UnitCode: unit, AsOf: e.country.AssessedOn}
}

// expireRunKeys gives every key of the run a TTL of an hour: generations
// never expire in production, these belong to this run alone.
func (e *env) expireRunKeys(ctx context.Context) error {
	iter := e.rdb.Scan(ctx, 0, e.prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		if err := e.rdb.Expire(ctx, iter.Val(), time.Hour).Err(); err != nil {
			return err
		}
	}
	return iter.Err()
}

// serve serves a service on a loopback port for the rest of the process.
func serve(ctx context.Context, fn func(context.Context, net.Listener) error) (string, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go func() { _ = fn(ctx, lis) }()
	return lis.Addr().String(), nil
}

// serveHTTP serves h on a loopback port with the gateway's server limits,
// for the rest of the process, and returns its base URL.
func serveHTTP(h http.Handler) (string, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := gateway.DefaultServerOptions().Server(h, nil)
	go func() { _ = srv.Serve(lis) }()
	return "http://" + lis.Addr().String(), nil
}

// removeStaleDirs removes the temporary directories of earlier runs whose
// process has ended.
func removeStaleDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, d := range dirs {
		pid, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(filepath.Base(d), dirPrefix), "-", 2)[0])
		if err != nil || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			_ = os.RemoveAll(d)
		}
	}
}

// The criteria service's two aggregate caches (see its aggregatecache.go):
// by request, and by content. A read that misses the first and hits the
// second was answered from the cache without being computed.
const (
	requestCache = "criteria_aggregate"
	contentCache = "criteria_aggregate_content"
)

// cacheMisses counts the reads of the criteria service's aggregate cache
// name that were not hits (misses and errors), from its Prometheus counters.
func (e *env) cacheMisses(b *testing.B, name string) float64 {
	families, err := e.metrics.Gather()
	if err != nil {
		b.Fatal(err)
	}
	var n float64
	for _, f := range families {
		if f.GetName() != "ntm_cache_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["cache"] == name && labels["result"] != "hit" {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return n
}
