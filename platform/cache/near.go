package cache

import (
	"sync"
	"time"
)

// nearValues keeps, in this process, the last value of each key read from
// or written to Redis with the stamp it was stored under. A read that
// finds one asks Redis for the generations alone: if they still make the
// stamp, the value kept is the one Redis holds under it (values under a
// stamp are computed from the same sources), so neither Redis nor this
// process copies it again. A cached aggregate is read this way all day
// between writes.
//
// It is bounded by the bytes of the values it keeps; past the bound it
// drops arbitrary entries (map order), which costs one value's transfer
// later. A value kept expires with the TTL it was stored with, or after
// nearLifetime when it was read (its TTL in Redis is unknown here), so
// that values still expire as the Cache contract says.
type nearValues struct {
	limit int64
	mu    sync.Mutex
	bytes int64
	m     map[string]nearValue
}

type nearValue struct {
	stamp   string
	value   []byte
	expires time.Time
}

// nearLifetime bounds how long a value read from Redis is kept here.
const nearLifetime = time.Minute

// DefaultNearBytes is how many bytes of values a Redis cache keeps in
// process unless RedisOptions.NearBytes says otherwise: some thousands
// of aggregates and summaries, the ones being read.
const DefaultNearBytes = 32 << 20

func newNearValues(limit int64) *nearValues {
	return &nearValues{limit: limit, m: make(map[string]nearValue)}
}

// get returns the value kept for key, if any and not expired.
func (n *nearValues) get(key string) (nearValue, bool) {
	if n.limit <= 0 {
		return nearValue{}, false
	}
	n.mu.Lock()
	v, ok := n.m[key]
	n.mu.Unlock()
	if !ok || !time.Now().Before(v.expires) {
		return nearValue{}, false
	}
	return v, true
}

// put keeps value as key's under stamp for at most ttl. A value larger
// than a quarter of the bound is not kept.
func (n *nearValues) put(key, stamp string, value []byte, ttl time.Duration) {
	size := int64(len(key) + len(stamp) + len(value))
	if size > n.limit/4 {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if old, ok := n.m[key]; ok {
		n.bytes -= int64(len(key) + len(old.stamp) + len(old.value))
		delete(n.m, key)
	}
	if n.bytes+size > n.limit {
		for k, v := range n.m {
			n.bytes -= int64(len(k) + len(v.stamp) + len(v.value))
			delete(n.m, k)
			if n.bytes+size <= n.limit*3/4 {
				break
			}
		}
	}
	n.m[key] = nearValue{stamp: stamp, value: value, expires: time.Now().Add(ttl)}
	n.bytes += size
}
