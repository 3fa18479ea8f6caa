package grpcserver

import (
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func TestWireCodecSendsRememberedBytes(t *testing.T) {
	w := &Wire{}
	c := newWireCodec(w)
	msg := wrapperspb.String("tiêu chí")
	want, _ := proto.Marshal(msg)

	got, err := c.Marshal(msg)
	if err != nil || string(got.Materialize()) != string(want) {
		t.Fatalf("not remembered: %q, %v; want the proto encoding", got.Materialize(), err)
	}
	// Remembered bytes are sent as they are (here deliberately not msg's encoding).
	w.Remember(msg, []byte("held"))
	if got, _ := c.Marshal(msg); string(got.Materialize()) != "held" {
		t.Fatalf("remembered: %q, want the held bytes", got.Materialize())
	}
	// Another message equal in content is not the remembered one.
	if got, _ := c.Marshal(wrapperspb.String("tiêu chí")); string(got.Materialize()) != string(want) {
		t.Fatalf("an equal message got %q", got.Materialize())
	}
	w.Forget(msg)
	if got, _ := c.Marshal(msg); string(got.Materialize()) != string(want) {
		t.Fatalf("forgotten: %q, want the proto encoding", got.Materialize())
	}
}
