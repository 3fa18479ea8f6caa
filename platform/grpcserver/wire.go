package grpcserver

import (
	"sync"

	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"
)

// Wire holds the wire form of response messages that are served many times
// unchanged (cached aggregates): the server sends those bytes instead of
// encoding the message again. A handler that answers with a remembered
// message must never modify it; it forgets the message when it stops
// serving it.
type Wire struct {
	m sync.Map // proto.Message (a pointer) -> []byte
}

// Remember records raw as the encoding of m.
func (w *Wire) Remember(m proto.Message, raw []byte) { w.m.Store(m, raw) }

// Forget drops what Remember recorded for m.
func (w *Wire) Forget(m proto.Message) { w.m.Delete(m) }

// Len is the number of messages remembered: it must stay bounded by what
// the handler keeps.
func (w *Wire) Len() int {
	n := 0
	w.m.Range(func(_, _ any) bool { n++; return true })
	return n
}

// wireCodec is the proto codec, except for remembered messages.
type wireCodec struct {
	encoding.CodecV2
	wire *Wire
}

func newWireCodec(w *Wire) wireCodec {
	return wireCodec{CodecV2: encoding.GetCodecV2("proto"), wire: w}
}

func (c wireCodec) Marshal(v any) (mem.BufferSlice, error) {
	if m, ok := v.(proto.Message); ok {
		if raw, ok := c.wire.m.Load(m); ok {
			// SliceBuffer's Free is a no-op: the bytes stay ours.
			return mem.BufferSlice{mem.SliceBuffer(raw.([]byte))}, nil
		}
	}
	return c.CodecV2.Marshal(v)
}
