package cache

import (
	"errors"
	"testing"
)

// Held fetches a key once per generation, starts over on any other
// generation (an older one too: Redis may lose its keys), never keeps an
// error, and does not keep a value fetched while another generation took
// over.
func TestHeldFetchesOncePerGeneration(t *testing.T) {
	h := NewHeld[string, int](2)
	fetched := 0
	fetch := func() (int, error) { fetched++; return fetched, nil }
	get := func(gen int64, k string, f func() (int, error)) int {
		t.Helper()
		v, err := h.Get(gen, k, f)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if a, b := get(5, "x", fetch), get(5, "x", fetch); a != 1 || b != 1 {
		t.Fatalf("one key twice in a generation = %d, %d; want 1 fetched once", a, b)
	}
	if got := get(6, "x", fetch); got != 2 {
		t.Errorf("a newer generation = %d, want a fresh 2", got)
	}
	if got := get(1, "x", fetch); got != 3 {
		t.Errorf("an older generation = %d, want a fresh 3", got)
	}
	if _, err := h.Get(1, "y", func() (int, error) { return 0, errors.New("down") }); err == nil {
		t.Fatal("an error was not passed on")
	}
	if got := get(1, "y", fetch); got != 4 {
		t.Errorf("after an error = %d, want a fresh 4", got)
	}
	get(1, "z", fetch) // a third value: past the limit of 2, it starts over
	if got := get(1, "x", fetch); got != 6 {
		t.Errorf("past the limit = %d, want a fresh 6", got)
	}
	overtaken := get(1, "w", func() (int, error) { get(2, "v", fetch); return 100, nil })
	if got := get(2, "w", fetch); overtaken != 100 || got == 100 {
		t.Errorf("a value fetched under generation 1 while 2 took over was kept for 2 (%d, %d)", overtaken, got)
	}
}

// A generation the caller could not read (negative) is fetched every time,
// and neither holds its value nor drops what is held for a known one.
func TestHeldUnknownGeneration(t *testing.T) {
	h := NewHeld[string, int](10)
	fetches := 0
	fetch := func(v int) func() (int, error) { return func() (int, error) { fetches++; return v, nil } }
	if v, _ := h.Get(5, "k", fetch(1)); v != 1 {
		t.Fatalf("gen 5: %d, want 1", v)
	}
	for range 2 {
		if v, _ := h.Get(-1, "k", fetch(2)); v != 2 {
			t.Fatalf("unknown gen: %d, want a fresh 2", v)
		}
	}
	if v, _ := h.Get(5, "k", fetch(3)); v != 1 || fetches != 3 {
		t.Errorf("gen 5 after unknown reads: %d after %d fetches, want the held 1 after 3", v, fetches)
	}
}
