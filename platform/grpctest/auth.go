package grpctest

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/metadata"

	"github.com/ntmsuite/ntm/platform/auth"
)

// Keys is a new key set of one EdDSA key, for servers that authenticate.
func Keys(t testing.TB) *auth.KeySet {
	t.Helper()
	data, err := auth.NewKeySet("test", auth.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := auth.ParseKeySet(data)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// WithToken is ctx carrying, as a client sends it, a token of keys for id
// valid for an hour.
func WithToken(t testing.TB, ctx context.Context, keys *auth.KeySet, id auth.Identity) context.Context {
	t.Helper()
	token, err := keys.Sign(id, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}
