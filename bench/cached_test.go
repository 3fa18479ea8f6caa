//go:build unix

package bench_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

// BenchmarkP1CachedREST is a province's aggregate read through REST, from
// many clients at once, answered from Redis: "suite" through the gateway
// with an admin's token (verified there and in the service), "bare"
// through the bare grpc-gateway → gRPC → Redis GET chain. P1: suite
// throughput ≥ 70% of bare.
func BenchmarkP1CachedREST(b *testing.B) {
	e := setup(b)
	e.warm(b)
	b.Run("suite", func(b *testing.B) {
		e.benchRead(b, e.restGet(e.restURL+"/v1/units/"+e.province()+"/aggregate?as_of="+e.country.AssessedOn, e.token))
	})
	b.Run("bare", func(b *testing.B) {
		e.benchRead(b, e.restGet(e.bareURL+"/v1/units/"+e.province()+"/aggregate?as_of="+e.country.AssessedOn, ""))
	})
}

// BenchmarkP2CachedGRPC is the same read through gRPC, with the token:
// "suite" from the criteria service, "bare" from the bare server.
// "decoded": the client decodes the Aggregate, as a Go client does; "raw":
// it keeps the bytes as they come, so that the two compare the servers
// only. P2: suite throughput ≥ 90% of bare (decoded).
func BenchmarkP2CachedGRPC(b *testing.B) {
	e := setup(b)
	e.warm(b)
	req := e.aggregateRequest(e.province())
	for _, side := range []struct {
		name string
		conn *grpc.ClientConn
	}{{"suite", e.critConn}, {"bare", e.bareConn}} {
		b.Run(side.name+"/decoded", func(b *testing.B) {
			e.benchRead(b, func() error {
				agg := new(criteriav1.Aggregate)
				if err := side.conn.Invoke(e.ctx, criteriav1.CriteriaService_GetAggregate_FullMethodName, req, agg); err != nil {
					return err
				}
				if agg.GetUnitCode() != req.GetUnitCode() {
					return fmt.Errorf("aggregate of %s", agg.GetUnitCode())
				}
				return nil
			})
		})
		b.Run(side.name+"/raw", func(b *testing.B) {
			e.benchRead(b, func() error {
				var out rawReply
				return side.conn.Invoke(e.ctx, criteriav1.CriteriaService_GetAggregate_FullMethodName, req, &out, grpc.ForceCodecV2(rawReplyCodec{}))
			})
		})
	}
}

// warm caches the province's aggregate again (a benchmark before may have
// written).
func (e *env) warm(b *testing.B) {
	if _, err := e.crit.GetAggregate(e.ctx, e.aggregateRequest(e.province())); err != nil {
		b.Fatal(err)
	}
}

// restGet is a read of url with token ("" sends none) expecting 200.
func (e *env) restGet(url, token string) func() error {
	return func() error {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := e.http.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, body)
		}
		return nil
	}
}

// benchRead runs read from many goroutines and reports the reads that were
// not cache hits in the criteria service ("misses", 0 for a bare chain and
// for a warm read), and the CPU time per read of this process (clients and
// servers: cpu-us/op) and of Redis (redis-cpu-us/op): on a machine shared
// with other work, ns/op moves with the neighbours' load, CPU per read much
// less.
func (e *env) benchRead(b *testing.B, read func() error) {
	b.ReportAllocs()
	b.SetParallelism(parallelism)
	misses := e.cacheMisses(b, requestCache)
	cpu, redisCPU := processCPU(b), e.redisCPU(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := read(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(e.cacheMisses(b, requestCache)-misses, "misses")
	b.ReportMetric(float64((processCPU(b)-cpu).Microseconds())/float64(b.N), "cpu-us/op")
	b.ReportMetric(float64((e.redisCPU(b)-redisCPU).Microseconds())/float64(b.N), "redis-cpu-us/op")
}

// processCPU is the CPU time this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// redisCPU is the CPU time the Redis server has used (whoever for).
func (e *env) redisCPU(b *testing.B) time.Duration {
	info, err := e.rdb.Info(context.Background(), "cpu").Result()
	if err != nil {
		b.Fatal(err)
	}
	var d time.Duration
	for _, line := range strings.Split(info, "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), ":")
		if k == "used_cpu_user" || k == "used_cpu_sys" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				b.Fatal(err)
			}
			d += time.Duration(f * float64(time.Second))
		}
	}
	return d
}

// rawReply is a response kept in wire form; rawReplyCodec encodes requests
// as protos and leaves responses undecoded.
type rawReply struct{ b []byte }

type rawReplyCodec struct{}

func (rawReplyCodec) Name() string { return "proto" }

func (rawReplyCodec) Marshal(v any) (mem.BufferSlice, error) {
	return encoding.GetCodecV2("proto").Marshal(v)
}

func (rawReplyCodec) Unmarshal(data mem.BufferSlice, v any) error {
	v.(*rawReply).b = data.Materialize()
	return nil
}
