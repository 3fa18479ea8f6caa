package cache

import "sync"

// Held keeps values that stay true for one generation of a namespace: what
// a service learnt from another as of a generation (the registry's answers,
// its lineage links, a decoded roll-up of its map) holds until a write
// bumps it. A computation told its generations (Loader.LoadAt) asks here
// before asking the other service. It is safe for concurrent use; values
// are shared, and callers must not modify them.
type Held[K comparable, V any] struct {
	max    int
	mu     sync.Mutex
	gen    int64
	values map[K]V
}

// NewHeld holds at most limit values (at least 1); past it, it starts over.
func NewHeld[K comparable, V any](limit int) *Held[K, V] {
	return &Held[K, V]{max: max(1, limit), values: make(map[K]V)}
}

// Get returns k's value held for gen, or else fetch's, then held for gen.
// Any generation other than the one held (newer, or older after Redis lost
// its keys) starts over. A negative gen stands for one the caller could not
// read (the cache did not answer, registryclient.UnknownGeneration): fetch
// answers, and nothing is held or dropped. A value fetched while another generation took
// over is returned but not kept, for it may predate that generation's
// write; an error is never kept. fetch runs without the lock, so other keys
// need not wait for it.
func (h *Held[K, V]) Get(gen int64, k K, fetch func() (V, error)) (V, error) {
	if gen < 0 {
		return fetch()
	}
	h.mu.Lock()
	if h.gen != gen {
		h.gen, h.values = gen, make(map[K]V)
	}
	if v, ok := h.values[k]; ok {
		h.mu.Unlock()
		return v, nil
	}
	h.mu.Unlock()
	v, err := fetch()
	if err != nil {
		return v, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.gen == gen {
		if len(h.values) >= h.max {
			h.values = make(map[K]V)
		}
		h.values[k] = v
	}
	return v, nil
}
