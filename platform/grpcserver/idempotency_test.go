package grpcserver_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/grpctest"
	"github.com/ntmsuite/ntm/platform/idempotency"
	"github.com/ntmsuite/ntm/platform/restheader"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// recognitions is a RegistryService whose creates number their records and
// answer 201 as real ones do; a unit "0" fails.
type recognitions struct {
	registryv1.UnimplementedRegistryServiceServer
	calls atomic.Int64
}

func (r *recognitions) CreateRecognition(ctx context.Context, req *registryv1.CreateRecognitionRequest) (*registryv1.Recognition, error) {
	n := r.calls.Add(1)
	if req.GetUnitCode() == "0" {
		return nil, fault.NotFound("unit", "units/0", "no unit 0")
	}
	grpcserver.SetCreated(ctx)
	rec := proto.CloneOf(req.GetRecognition())
	rec.Name = fmt.Sprintf("units/%s/recognitions/%d", req.GetUnitCode(), n)
	return rec, nil
}

func (r *recognitions) GetUnit(_ context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
	r.calls.Add(1)
	return &registryv1.Unit{Code: req.GetCode(), Name: fmt.Sprintf("units/%s %d", req.GetCode(), r.calls.Load())}, nil
}

var linkMigrations = fstest.MapFS{"00001_link_test.sql": {Data: []byte("-- +goose Up\nCREATE TABLE link_test (id bigint);\n-- +goose Down\nDROP TABLE link_test;\n")}}

// serveIdempotent starts an authenticating server with an idempotency
// store over a fresh database.
func serveIdempotent(t *testing.T) (registryv1.RegistryServiceClient, *recognitions, *auth.KeySet) {
	t.Helper()
	keys := grpctest.Keys(t)
	s := grpcserver.New(grpcserver.Options{AuthKeys: keys, Idempotency: idempotency.New(dbtest.SQLite(t, linkMigrations), idempotency.Options{})})
	r := &recognitions{}
	registryv1.RegisterRegistryServiceServer(s.GRPC(), r)
	return registryv1.NewRegistryServiceClient(grpctest.Dial(t, s)), r, keys
}

func recognitionRequest(unit, decision, id string) *registryv1.CreateRecognitionRequest {
	return &registryv1.CreateRecognitionRequest{UnitCode: unit, RequestId: id, Recognition: &registryv1.Recognition{
		Level: registryv1.RecognitionLevel_STANDARD, DecisionNumber: decision, EffectiveDate: "2026-03-01", CriteriaSet: "NTM_COMMUNE_2026_2030"}}
}

var officer = auth.Identity{Subject: "officer-19", Role: auth.ProvinceOfficer, Unit: "19"}

// A retry with the request's request_id gets the first record and its
// 201 header without the handler running; another caller's same id is its
// own; a failed call is not remembered.
func TestRetryWithRequestIDIsAnsweredOnce(t *testing.T) {
	client, r, keys := serveIdempotent(t)
	ctx := grpctest.WithToken(t, t.Context(), keys, officer)
	var first, again metadata.MD
	a, err := client.CreateRecognition(ctx, recognitionRequest("06101", "1/QĐ", "r-1"), grpc.Header(&first))
	if err != nil {
		t.Fatal(err)
	}
	b, err := client.CreateRecognition(ctx, recognitionRequest("06101", "1/QĐ", "r-1"), grpc.Header(&again))
	if err != nil || !proto.Equal(a, b) || r.calls.Load() != 1 {
		t.Fatalf("retry = %v, %v after %d runs; want %v after 1", b, err, r.calls.Load(), a)
	}
	if got := again.Get(restheader.HTTPCode); len(got) != 1 || got[0] != "201" || first.Get(restheader.HTTPCode)[0] != "201" {
		t.Errorf("headers of the call %v and of its retry %v, want 201 in both", first, again)
	}

	other := grpctest.WithToken(t, t.Context(), keys, auth.Identity{Subject: "officer-20", Role: auth.ProvinceOfficer, Unit: "20"})
	if c, err := client.CreateRecognition(other, recognitionRequest("06101", "1/QĐ", "r-1")); err != nil || c.GetName() == a.GetName() {
		t.Errorf("another caller's r-1 = %v, %v; want a record of its own", c, err)
	}

	for range 2 {
		_, err := client.CreateRecognition(ctx, recognitionRequest("0", "1/QĐ", "r-fails"))
		grpctest.WantCode(t, err, codes.NotFound)
	}
	if r.calls.Load() != 4 {
		t.Errorf("%d runs, want 4: a failed call runs again when retried", r.calls.Load())
	}
	if _, err := client.CreateRecognition(ctx, recognitionRequest("06101", "1/QĐ", "")); err != nil || r.calls.Load() != 5 {
		t.Errorf("call without an id = %v after %d runs, want a run", err, r.calls.Load())
	}
}

// The same id with another request, or a field and metadata that differ,
// or a malformed metadata id is INVALID_ARGUMENT naming request_id, and
// the handler does not run.
func TestRequestIDRefusals(t *testing.T) {
	client, r, keys := serveIdempotent(t)
	ctx := grpctest.WithToken(t, t.Context(), keys, officer)
	if _, err := client.CreateRecognition(ctx, recognitionRequest("06101", "1/QĐ", "r-1")); err != nil {
		t.Fatal(err)
	}
	_, err := client.CreateRecognition(ctx, recognitionRequest("06101", "2/QĐ", "r-1"))
	grpctest.WantViolations(t, err, "request_id")

	withKey := func(keys ...string) context.Context {
		c := ctx
		for _, k := range keys {
			c = metadata.AppendToOutgoingContext(c, restheader.IdempotencyKey, k)
		}
		return c
	}
	// The gateway's form, which carries any bytes.
	withBinKey := func(key string) context.Context {
		return metadata.AppendToOutgoingContext(ctx, restheader.IdempotencyKeyBin, key)
	}
	for name, c := range map[string]struct {
		ctx context.Context
		id  string
	}{
		"differs":   {withKey("r-2"), "r-3"},
		"twice":     {withKey("r-2", "r-2"), ""},
		"space":     {withKey("r 2"), ""},
		"too long":  {withKey(strings.Repeat("r", 129)), ""},
		"non-ASCII": {withBinKey("khóa"), ""},
		"both":      {metadata.AppendToOutgoingContext(withBinKey("r-2"), restheader.IdempotencyKey, "r-2"), ""},
	} {
		_, err := client.CreateRecognition(c.ctx, recognitionRequest("06101", "3/QĐ", c.id))
		if fields := grpctest.Violations(t, err); len(fields) != 1 || fields[0] != "request_id" {
			t.Errorf("%s: violations %v, want request_id", name, fields)
		}
	}
	if r.calls.Load() != 1 {
		t.Errorf("%d runs, want only the first", r.calls.Load())
	}
	if _, err := client.CreateRecognition(withKey("r-4"), recognitionRequest("06101", "3/QĐ", "r-4")); err != nil {
		t.Errorf("the same id in field and metadata = %v, want it accepted", err)
	}
}

// The metadata alone makes any write remembered, whatever its request;
// a read with it runs every time, as reads change nothing to repeat.
func TestIdempotencyKeyMetadataOnAnyWrite(t *testing.T) {
	client, r, keys := serveIdempotent(t)
	ctx := metadata.AppendToOutgoingContext(grpctest.WithToken(t, t.Context(), keys, officer), restheader.IdempotencyKey, "k-1")
	a, err := client.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "19"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := client.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "19"})
	if err != nil || proto.Equal(a, b) || r.calls.Load() != 2 {
		t.Errorf("a read with a key = %v, %v after %d runs; want a fresh answer after 2", b, err, r.calls.Load())
	}
	first, err := client.CreateRecognition(ctx, recognitionRequest("06101", "5/QĐ", ""))
	if err != nil {
		t.Fatal(err)
	}
	again, err := client.CreateRecognition(ctx, recognitionRequest("06101", "5/QĐ", ""))
	if err != nil || !proto.Equal(first, again) {
		t.Errorf("a retried write with the key in metadata = %v, %v; want the first answer %v", again, err, first)
	}
}
