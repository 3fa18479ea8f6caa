package server_test

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

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/dbtest"
)

// redisAddr is the test server: env NTM_TEST_REDIS_ADDR, default the local one.
func redisAddr() string {
	if a := os.Getenv("NTM_TEST_REDIS_ADDR"); a != "" {
		return a
	}
	return "127.0.0.1:6379"
}

// redisPrefix is a fresh key prefix for one test, whose keys are deleted at
// cleanup. It skips t, or fails it with NTM_TEST_REQUIRE_SERVICES=1, when
// Redis does not answer.
func redisPrefix(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	prefix := "ntm_test_" + hex.EncodeToString(b) + ":"
	admin := redis.NewClient(&redis.Options{Addr: redisAddr()})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := admin.Ping(ctx).Err(); err != nil {
		_ = admin.Close()
		dbtest.Unavailable(t, "Redis at %s is not reachable: %v", redisAddr(), err)
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

// newRedis is a cache client of its own on addr under prefix, closed at cleanup.
// Timeouts are generous so that a loaded machine does not fail over by itself.
func newRedis(t *testing.T, addr, prefix string) *cache.Redis {
	if !testing.Verbose() {
		redis.SetLogger(quietRedis{}) // refused dials while Redis is away are expected
	}
	r := cache.NewRedis(cache.RedisOptions{Addr: addr, Prefix: prefix, DialTimeout: 5 * time.Second, ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second})
	t.Cleanup(func() { _ = r.Close() })
	return r
}

type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

// proxy forwards TCP connections to a target until stopped: stopping it is
// Redis becoming unreachable (connections cut, new ones refused) while the
// server keeps its data, as in a network partition.
type proxy struct {
	target, addr string
	mu           sync.Mutex
	lis          net.Listener
	conns        map[net.Conn]bool
	wg           sync.WaitGroup
}

// startProxy listens on a free local port in front of target.
func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	p := &proxy{target: target, addr: "127.0.0.1:0", conns: map[net.Conn]bool{}}
	p.start(t)
	t.Cleanup(p.stop)
	return p
}

// start listens (again) on the proxy's address.
func (p *proxy) start(t *testing.T) {
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

func (p *proxy) forward(c net.Conn) {
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
func (p *proxy) track(conns ...net.Conn) bool {
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

// stop refuses new connections and cuts the open ones.
func (p *proxy) stop() {
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
