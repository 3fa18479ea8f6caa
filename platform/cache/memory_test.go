package cache

import (
	"strconv"
	"testing"
	"time"
)

func TestMemory(t *testing.T) {
	run(t, func(*testing.T) Cache { return NewMemory() })
}

func TestMemoryCap(t *testing.T) {
	ctx := t.Context()
	m := newMemory(100)
	for i := range 1000 {
		if err := m.Set(ctx, "g", strconv.Itoa(i), []byte("v"), time.Hour); err != nil {
			t.Fatal(err)
		}
		if n := m.len(); n > 100 {
			t.Fatalf("%d entries after %d Sets, cap 100", n, i+1)
		}
	}
	if _, _, found, _ := m.Get(ctx, nil, "999"); !found {
		t.Error("the newest value was evicted")
	}
}

func TestMemoryCapEvictsExpiredFirst(t *testing.T) {
	ctx := t.Context()
	m := newMemory(10)
	now := time.Unix(0, 0)
	m.now = func() time.Time { return now }
	for i := range 5 {
		_ = m.Set(ctx, "g", "short"+strconv.Itoa(i), []byte("v"), time.Second)
	}
	for i := range 5 {
		_ = m.Set(ctx, "g", "long"+strconv.Itoa(i), []byte("v"), time.Hour)
	}
	now = now.Add(time.Minute)
	_ = m.Set(ctx, "g", "new", []byte("v"), time.Hour)
	for i := range 5 {
		if _, _, found, _ := m.Get(ctx, nil, "long"+strconv.Itoa(i)); !found {
			t.Errorf("live value long%d evicted while expired ones were there", i)
		}
	}
	if n := m.len(); n != 6 {
		t.Errorf("%d entries, want 6 (5 live + new)", n)
	}
}

func TestMemoryValueIsCopied(t *testing.T) {
	ctx := t.Context()
	m := NewMemory()
	v := []byte("abc")
	_ = m.Set(ctx, "g", "k", v, time.Hour)
	v[0] = 'X'
	_, got, _, _ := m.Get(ctx, nil, "k")
	got[1] = 'Y'
	_, again, _, _ := m.Get(ctx, nil, "k")
	if string(again) != "abc" {
		t.Fatalf("stored value changed to %q through caller slices", again)
	}
}
