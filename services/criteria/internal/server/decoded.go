package server

import (
	"bytes"
	"sync"

	"github.com/ntmsuite/ntm/platform/grpcserver"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

// decodedCap bounds the decoded aggregates kept: the ones being read now
// (a province's dashboard asks a few units and dates over and over).
const decodedCap = 1024

// decodedAggregates keeps, per cache key, the last aggregate decoded and the
// bytes it came from. A cache hit returns the same bytes until the next
// write, so most hits skip decoding: the warm read is what a dashboard does
// all day. Equal bytes make an equal message, so serving the kept one is
// exactly serving a fresh decode; messages handed out are shared and must
// not be modified (gRPC only reads a response).
// The wire form of every kept message is remembered in wire, so the server
// does not encode it again either.
type decodedAggregates struct {
	mu   sync.Mutex
	m    map[string]decodedAggregate
	wire *grpcserver.Wire
}

type decodedAggregate struct {
	raw []byte
	agg *criteriav1.Aggregate
}

// get returns the aggregate decoded from raw for key, or nil.
func (d *decodedAggregates) get(key string, raw []byte) *criteriav1.Aggregate {
	d.mu.Lock()
	e, ok := d.m[key]
	d.mu.Unlock()
	if ok && bytes.Equal(e.raw, raw) {
		return e.agg
	}
	return nil
}

// put keeps agg, decoded from raw, for key; when full it drops an arbitrary
// entry (map order), which costs at most one decode later.
func (d *decodedAggregates) put(key string, raw []byte, agg *criteriav1.Aggregate) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil {
		d.m = make(map[string]decodedAggregate)
	}
	if old, ok := d.m[key]; ok {
		d.wire.Forget(old.agg)
	} else if len(d.m) >= decodedCap {
		for k, e := range d.m {
			d.wire.Forget(e.agg)
			delete(d.m, k)
			break
		}
	}
	d.m[key] = decodedAggregate{raw: raw, agg: agg}
	d.wire.Remember(agg, raw)
}
