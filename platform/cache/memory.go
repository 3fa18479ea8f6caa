package cache

import (
	"context"
	"sync"
	"time"
)

// defaultMaxEntries caps Memory: values under old stamps stay until they
// expire, so without a cap a burst of writes could grow it without bound.
const defaultMaxEntries = 10_000

// Memory is the in-process Cache for single-machine mode, where all services
// run in one process and share one instance. It is safe for concurrent use.
type Memory struct {
	mu      sync.Mutex
	max     int
	gens    map[string]int64 // keyed like Redis: genKey(name)
	entries map[string]memEntry
	now     func() time.Time // replaced in tests
}

type memEntry struct {
	value   []byte
	expires time.Time
}

var _ Cache = (*Memory)(nil)

// NewMemory returns an empty in-process cache holding at most 10,000 values.
func NewMemory() *Memory {
	return newMemory(defaultMaxEntries)
}

func newMemory(max int) *Memory {
	return &Memory{
		max:     max,
		gens:    make(map[string]int64),
		entries: make(map[string]memEntry),
		now:     time.Now,
	}
}

// Get implements Cache. The returned value is a copy the caller may keep.
func (m *Memory) Get(_ context.Context, gens []string, key string) (string, []byte, bool, error) {
	g := make([]int64, len(gens))
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, name := range gens {
		g[i] = m.gens[genKey(name)]
	}
	stamp := makeStamp(g)
	vk := valueKey(key, stamp)
	e, ok := m.entries[vk]
	if !ok {
		return stamp, nil, false, nil
	}
	if !m.now().Before(e.expires) {
		delete(m.entries, vk)
		return stamp, nil, false, nil
	}
	return stamp, append([]byte(nil), e.value...), true, nil
}

// Set implements Cache. It stores a copy of value.
func (m *Memory) Set(_ context.Context, stamp, key string, value []byte, ttl time.Duration) error {
	if ttl <= 0 {
		return errNoTTL
	}
	e := memEntry{value: append([]byte(nil), value...)}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	e.expires = now.Add(ttl)
	vk := valueKey(key, stamp)
	if _, ok := m.entries[vk]; !ok && len(m.entries) >= m.max {
		m.makeRoom(now)
	}
	m.entries[vk] = e
	return nil
}

// makeRoom drops expired entries and, if that frees less than a tenth of the
// cap, arbitrary ones (map order) down to 90% of it. Freeing a tenth at a
// time keeps the O(n) sweep amortised over many inserts.
func (m *Memory) makeRoom(now time.Time) {
	for k, e := range m.entries {
		if !now.Before(e.expires) {
			delete(m.entries, k)
		}
	}
	target := m.max - max(m.max/10, 1)
	for k := range m.entries {
		if len(m.entries) <= target {
			break
		}
		delete(m.entries, k)
	}
}

// Bump implements Cache. Like Redis, a generation starts at the time in
// microseconds.
func (m *Memory) Bump(_ context.Context, gen string) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := genKey(gen)
	if _, ok := m.gens[k]; !ok {
		m.gens[k] = time.Now().UnixMicro()
	} else {
		m.gens[k]++
	}
	return m.gens[k], nil
}

// len reports the number of stored values, expired or not (for tests).
func (m *Memory) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}
