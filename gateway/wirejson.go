package gateway

import (
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

// A cached aggregate reaches the gateway as the same bytes read after
// read (the criteria service sends what its cache holds), yet protojson
// would turn the decoded message into the same JSON on every read, the
// largest part of the gateway's work on such a read. So, as the criteria
// service sends remembered wire bytes (grpcserver.Wire), the gateway
// answers remembered JSON: its gRPC codec keeps the wire bytes of each
// decoded answer of a type in rememberWire until the answer is written,
// and its JSON marshaler looks those bytes up in a bounded cache of the
// JSON they gave. Equal bytes of one type decode to equal messages, and
// the marshaler's options do not change, so a cached answer is exactly
// what protojson writes.

// rememberWire says which answers are read many times unchanged and are
// large enough that their JSON is worth keeping: the aggregates.
func rememberWire(v any) (proto.Message, bool) {
	m, ok := v.(*criteriav1.Aggregate)
	return m, ok
}

// maxWireMemo bounds the answers whose wire bytes are remembered at once
// (each holds its message too, some 8 KB for an aggregate): an answer is
// forgotten when it is marshaled, so this is the requests in flight; the
// bound matters for answers never marshaled (a call that failed after its
// message arrived), which must not pile up.
const maxWireMemo = 1024

// wireMemo holds the wire bytes of decoded answers until they are
// marshaled, as strings: the JSON cache's keys.
type wireMemo struct {
	mu  sync.Mutex
	raw map[proto.Message]string
}

func newWireMemo() *wireMemo { return &wireMemo{raw: make(map[proto.Message]string)} }

// remember records raw as the wire form of m. When full it forgets every
// answer: those in flight are then marshaled without the cache, which
// costs time, never correctness.
func (w *wireMemo) remember(m proto.Message, raw string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.raw) >= maxWireMemo {
		clear(w.raw)
	}
	w.raw[m] = raw
}

// take returns and forgets the wire form of m.
func (w *wireMemo) take(m proto.Message) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	raw, ok := w.raw[m]
	if ok {
		delete(w.raw, m)
	}
	return raw, ok
}

func (w *wireMemo) len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.raw)
}

// wireCodec is the proto codec of the gateway's gRPC clients, which also
// remembers the wire bytes of the answers rememberWire names.
type wireCodec struct {
	encoding.CodecV2
	memo *wireMemo
}

func newWireCodec(memo *wireMemo) wireCodec {
	return wireCodec{CodecV2: encoding.GetCodecV2("proto"), memo: memo}
}

func (c wireCodec) Unmarshal(data mem.BufferSlice, v any) error {
	if err := c.CodecV2.Unmarshal(data, v); err != nil {
		return err
	}
	if m, ok := rememberWire(v); ok {
		// A copy: data goes back to gRPC's buffer pool.
		var raw strings.Builder
		raw.Grow(data.Len())
		for _, b := range data {
			raw.Write(b.ReadOnlyData())
		}
		c.memo.remember(m, raw.String())
	}
	return nil
}

// maxJSONCacheBytes bounds the JSON cache, wire bytes and JSON together:
// some hundreds of aggregates (a province's is about 2.7 KB of wire and
// 4 KB of JSON), the ones read most staying in.
const maxJSONCacheBytes = 4 << 20

// jsonKey is an answer by its type and wire bytes.
type jsonKey struct {
	typ  protoreflect.FullName
	wire string
}

// jsonCache is the JSON of answers by their wire bytes, bounded by size;
// when full a random entry makes room, so that the entries read most are
// the likeliest to stay.
type jsonCache struct {
	mu    sync.RWMutex
	json  map[jsonKey][]byte
	bytes int
}

func newJSONCache() *jsonCache { return &jsonCache{json: make(map[jsonKey][]byte)} }

func (c *jsonCache) get(k jsonKey) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	b, ok := c.json[k]
	return b, ok
}

func (c *jsonCache) put(k jsonKey, b []byte) {
	size := len(k.wire) + len(b)
	if size > maxJSONCacheBytes/16 {
		return // one answer must not push out most of the others
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.json[k]; ok {
		return // marshaled by concurrent reads of the same answer
	}
	for c.bytes+size > maxJSONCacheBytes {
		c.evictOne()
	}
	c.json[k] = b
	c.bytes += size
}

// evictOne removes a random entry (the map is not empty: put only calls it
// over budget).
func (c *jsonCache) evictOne() {
	skip := rand.IntN(len(c.json))
	for k, b := range c.json {
		if skip == 0 {
			delete(c.json, k)
			c.bytes -= len(k.wire) + len(b)
			return
		}
		skip--
	}
}

// wireJSON is the mux's JSON marshaler, answering remembered answers from
// the JSON cache.
type wireJSON struct {
	explainingJSON
	memo  *wireMemo
	cache *jsonCache
}

// Marshal is explainingJSON's, taken from the cache for an answer whose
// wire bytes were remembered. The bytes returned may be shared with other
// requests: the mux only writes them.
func (j wireJSON) Marshal(v any) ([]byte, error) {
	m, ok := v.(proto.Message)
	if !ok {
		return j.explainingJSON.Marshal(v)
	}
	raw, ok := j.memo.take(m)
	if !ok {
		return j.explainingJSON.Marshal(v)
	}
	k := jsonKey{typ: m.ProtoReflect().Descriptor().FullName(), wire: raw}
	if b, ok := j.cache.get(k); ok {
		return b, nil
	}
	b, err := j.explainingJSON.Marshal(v)
	if err == nil {
		j.cache.put(k, b)
	}
	return b, err
}

// newAnswerMarshaler is the mux's marshaler for every media type: file
// answers (google.api.HttpBody) as they are, everything else as JSON.
func newAnswerMarshaler(memo *wireMemo) runtime.Marshaler {
	return &runtime.HTTPBodyMarshaler{Marshaler: wireJSON{explainingJSON: explainingJSON{jsonMarshaler}, memo: memo, cache: newJSONCache()}}
}
