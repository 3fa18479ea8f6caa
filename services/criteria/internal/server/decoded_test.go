package server

import (
	"strconv"
	"testing"

	"github.com/ntmsuite/ntm/platform/grpcserver"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

func TestDecodedAggregatesServeOnlyTheSameBytes(t *testing.T) {
	d := decodedAggregates{wire: &grpcserver.Wire{}}
	agg := &criteriav1.Aggregate{UnitCode: "19"}
	d.put("k", []byte("v1"), agg)
	if got := d.get("k", []byte("v1")); got != agg {
		t.Fatalf("same bytes: %v, want the kept message", got)
	}
	if got := d.get("k", []byte("v2")); got != nil {
		t.Fatalf("other bytes (a newer value): %v, want nil", got)
	}
	if got := d.get("other", []byte("v1")); got != nil {
		t.Fatalf("other key: %v, want nil", got)
	}
}

func TestDecodedAggregatesStayBounded(t *testing.T) {
	d := decodedAggregates{wire: &grpcserver.Wire{}}
	for i := range decodedCap + 100 {
		d.put(strconv.Itoa(i), []byte("v"), &criteriav1.Aggregate{})
	}
	if n := len(d.m); n != decodedCap {
		t.Fatalf("%d kept, want %d", n, decodedCap)
	}
	if remembered := d.wire.Len(); remembered != decodedCap {
		t.Fatalf("%d remembered in wire form, want %d: evicted ones must be forgotten", remembered, decodedCap)
	}
}
