// Package cachetest gives tests a Redis of their own: a key prefix cleaned
// up afterwards, and a proxy that makes Redis unreachable and back on demand.
package cachetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ntmsuite/ntm/platform/dbtest"
)

// redisAddr is the test server: env NTM_TEST_REDIS_ADDR, default the local one.
func RedisAddr() string {
	if a := os.Getenv("NTM_TEST_REDIS_ADDR"); a != "" {
		return a
	}
	return "127.0.0.1:6379"
}

// Prefix is a fresh key prefix for one test, whose keys are deleted at
// cleanup. It skips t, or fails it with NTM_TEST_REQUIRE_SERVICES=1, when
// Redis does not answer.
func Prefix(t testing.TB) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	prefix := "ntm_test_" + hex.EncodeToString(b) + ":"
	admin := redis.NewClient(&redis.Options{Addr: RedisAddr()})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := admin.Ping(ctx).Err(); err != nil {
		_ = admin.Close()
		dbtest.Unavailable(t, "Redis at %s is not reachable: %v", RedisAddr(), err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		iter := admin.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			admin.Del(ctx, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Errorf("clean up %s*: %v", prefix, err)
		}
		_ = admin.Close()
	})
	return prefix
}

// Proxy forwards TCP connections to a target until stopped: stopping it is
// Redis becoming unreachable (connections cut, new ones refused) while the
// server keeps its data, as in a network partition. Addr is where to dial.
type Proxy struct {
	target, addr string
	mu           sync.Mutex
	lis          net.Listener
	conns        map[net.Conn]bool
	wg           sync.WaitGroup
}

// StartProxy listens on a free local port in front of target; it is stopped at cleanup.
func StartProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	p := &Proxy{target: target, addr: "127.0.0.1:0", conns: map[net.Conn]bool{}}
	p.Start(t)
	t.Cleanup(p.Stop)
	return p
}

// Addr is the proxy's address, the same after a Stop and Start.
func (p *Proxy) Addr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.addr
}

// Start listens (again) on the proxy's address: Redis is reachable again.
func (p *Proxy) Start(t testing.TB) {
	t.Helper()
	lis, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("proxy: %v", err)
	}
	p.mu.Lock()
	p.lis, p.addr = lis, lis.Addr().String()
	p.mu.Unlock()
	p.wg.Go(func() {
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			p.wg.Go(func() { p.forward(c) })
		}
	})
}

func (p *Proxy) forward(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = c.Close()
		return
	}
	if !p.track(c, up) {
		return
	}
	var wg sync.WaitGroup
	for _, pair := range [][2]net.Conn{{up, c}, {c, up}} {
		wg.Go(func() {
			_, _ = io.Copy(pair[0], pair[1])
			_ = pair[0].Close()
			_ = pair[1].Close()
		})
	}
	wg.Wait()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, up)
	p.mu.Unlock()
}

// track records the pair, or closes it if the proxy was stopped meanwhile.
func (p *Proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lis == nil {
		for _, c := range conns {
			_ = c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.conns[c] = true
	}
	return true
}

// Stop refuses new connections and cuts the open ones.
func (p *Proxy) Stop() {
	p.mu.Lock()
	if p.lis != nil {
		if err := p.lis.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			panic(err)
		}
		p.lis = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
