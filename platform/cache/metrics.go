package cache

import (
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	hits, misses, errors prometheus.Counter
}

// newMetrics returns the request counters of cache name, registered with reg
// if it is not nil. Loaders of the same name on one registry share counters.
func newMetrics(reg prometheus.Registerer, name string) *metrics {
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name:        "ntm_cache_requests_total",
		Help:        "Cache reads by result: hit, miss, or error (the value was computed without the cache).",
		ConstLabels: prometheus.Labels{"cache": name},
	}, []string{"result"})
	if reg != nil {
		if err := reg.Register(vec); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				panic(err)
			}
			existing, ok := are.ExistingCollector.(*prometheus.CounterVec)
			if !ok {
				panic(err)
			}
			vec = existing
		}
	}
	return &metrics{
		hits:   vec.WithLabelValues("hit"),
		misses: vec.WithLabelValues("miss"),
		errors: vec.WithLabelValues("error"),
	}
}

// warnEvery limits cache-failure logs: while Redis is down every request
// fails over, and one line per request would bury everything else.
const warnEvery = 10 * time.Second

// warnLimiter lets one warning through per warnEvery.
type warnLimiter struct {
	last       atomic.Int64 // unix nanoseconds of the last line
	suppressed atomic.Int64 // warnings left out since then
}

// warn logs a cache failure at most once per warnEvery, saying how many were
// left out since the previous line. The metrics count every one.
func (l *Loader) warn(msg, key string, err error) {
	now := time.Now().UnixNano()
	last := l.warns.last.Load()
	if now-last < int64(warnEvery) || !l.warns.last.CompareAndSwap(last, now) {
		l.warns.suppressed.Add(1)
		return
	}
	l.log.Warn(msg, "key", key, "err", err, "suppressed", l.warns.suppressed.Swap(0), slog.Duration("interval", warnEvery))
}
