package cache

import (
	"bytes"
	"strconv"
	"testing"
	"time"
)

// The values kept stay within their bound whatever is put, a key holds its
// last value only, and an expired value is not returned.
func TestNearValuesBoundAndExpiry(t *testing.T) {
	n := newNearValues(10_000)
	value := bytes.Repeat([]byte("x"), 100)
	for i := range 1000 {
		n.put("key"+strconv.Itoa(i%300), "g"+strconv.Itoa(i), value, time.Minute)
		if n.bytes > n.limit {
			t.Fatalf("after %d puts: %d bytes kept, bound %d", i+1, n.bytes, n.limit)
		}
	}
	total := int64(0)
	for k, v := range n.m {
		total += int64(len(k) + len(v.stamp) + len(v.value))
	}
	if total != n.bytes {
		t.Errorf("%d bytes counted, %d kept", n.bytes, total)
	}
	n.put("k", "g1", value, time.Minute)
	n.put("k", "g2", value, time.Minute)
	if v, ok := n.get("k"); !ok || v.stamp != "g2" {
		t.Errorf("k: %+v %v, want the value under g2", v, ok)
	}
	n.put("gone", "g1", value, -time.Second)
	if _, ok := n.get("gone"); ok {
		t.Error("an expired value was returned")
	}
	n.put("huge", "g1", make([]byte, 5000), time.Minute)
	if _, ok := n.get("huge"); ok {
		t.Error("a value over a quarter of the bound was kept")
	}
	if _, ok := newNearValues(-1).get("k"); ok {
		t.Error("a cache keeping nothing returned a value")
	}
}
