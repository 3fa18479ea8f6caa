//go:build unix

package gateway

// Benchmarks of the REST read path of a cached aggregate (issue 16, P1),
// the gateway's share of it:
//
//	BenchmarkRESTAggregate      GET /v1/units/{code}/aggregate through the whole gateway (bearer token verified, rate limit, access log, request id, …)
//	BenchmarkBareRESTAggregate  the same request through a bare grpc-gateway mux (runtime.NewServeMux, every field written)
//
// Both reach the same stub criteria service over loopback gRPC, which
// answers a fixed aggregate of the size of a province's (about 2.7 KB on
// the wire): what differs is only what the gateway adds. The ratio of
// their throughputs is the gateway's part of P1 (≥ 70%); the real
// service's share is measured by services/criteria's benchmarks.

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/ratelimit"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

// benchParallelism multiplies GOMAXPROCS into the clients of the
// benchmarks: enough requests in flight to keep the CPUs busy, as wrk's
// 32 connections do.
const benchParallelism = 8

// benchGet runs GET url with header in parallel until b.N requests were
// answered 200, reading each body whole as a client does.
func benchGet(b *testing.B, h http.Handler, path string, header http.Header) {
	hts := httptest.NewServer(h)
	b.Cleanup(hts.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1024}}
	b.Cleanup(client.CloseIdleConnections)
	get := func() (int, error) {
		req, err := http.NewRequest(http.MethodGet, hts.URL+path, nil)
		if err != nil {
			return 0, err
		}
		req.Header = header.Clone()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		return int(n), err
	}
	n, err := get()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(n))
	b.SetParallelism(benchParallelism)
	b.ResetTimer()
	start := processCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := get(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64((processCPU(b)-start).Microseconds())/float64(b.N), "cpu-us/op")
}

// processCPU is the CPU time this process has used so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

const benchAggregatePath = "/v1/units/19/aggregate?asOf=2025-06-30"

// BenchmarkRESTAggregate is the whole gateway as deployed: an admin's
// EdDSA token verified, rate limits counted (in this process, limits too
// high to refuse), the access log written (to nowhere, in the JSON the
// services log).
func BenchmarkRESTAggregate(b *testing.B) {
	addr := serveStubCriteria(b, sampleAggregate("19", 1))
	keyFile, err := auth.NewKeySet("k1", auth.EdDSA)
	if err != nil {
		b.Fatal(err)
	}
	keys, err := auth.ParseKeySet(keyFile)
	if err != nil {
		b.Fatal(err)
	}
	token, err := keys.Sign(auth.Identity{Subject: "bench", Role: auth.Admin}, time.Hour, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	unlimited := ratelimit.Rule{Limit: 1 << 50, Window: time.Minute}
	limits := &ratelimit.Policy{Limiter: ratelimit.New(ratelimit.Options{}), Principal: unlimited, Address: unlimited, FailedAuth: unlimited}
	gw, err := New(b.Context(), Options{CriteriaAddr: addr, AuthKeys: keys, RateLimit: limits,
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = gw.Close() })
	benchGet(b, gw.Handler(), benchAggregatePath, http.Header{"Authorization": {"Bearer " + token}})
}

// BenchmarkBareRESTAggregate is the floor under BenchmarkRESTAggregate:
// grpc-gateway's mux and nothing around it, writing every field as the
// gateway does (the bare chain of make bench).
func BenchmarkBareRESTAggregate(b *testing.B) {
	addr := serveStubCriteria(b, sampleAggregate("19", 1))
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = conn.Close() })
	mux := runtime.NewServeMux(runtime.WithMarshalerOption(runtime.MIMEWildcard,
		&runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}))
	if err := criteriav1.RegisterCriteriaServiceHandler(b.Context(), mux, conn); err != nil {
		b.Fatal(err)
	}
	benchGet(b, mux, benchAggregatePath, http.Header{})
}
