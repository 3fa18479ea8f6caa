package grpcserver_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

func TestPanicBecomesInternal(t *testing.T) {
	log, logs := newLogger()
	client, _ := serve(t, grpcserver.Options{Logger: log}, func(_ context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		if req.GetCode() == "1" {
			panic("secret detail from a nil map")
		}
		return &registryv1.Unit{Code: req.GetCode()}, nil
	})

	var hdr metadata.MD
	_, err := client.GetUnit(context.Background(), &registryv1.GetUnitRequest{Code: "1"}, grpc.Header(&hdr))
	if st := status.Convert(err); st.Code() != codes.Internal || st.Message() != "internal error" {
		t.Fatalf("panic: got %v %q, want Internal \"internal error\"", st.Code(), st.Message())
	}
	out := logs.String()
	if !strings.Contains(out, "secret detail from a nil map") || !strings.Contains(out, "server_test.go") {
		t.Errorf("panic log lacks the value or stack:\n%s", out)
	}
	if id := hdr.Get(grpcserver.RequestIDHeader); len(id) != 1 || !strings.Contains(out, `"request_id":"`+id[0]+`"`) {
		t.Errorf("panic log does not name request id %v:\n%s", id, out)
	}

	// The server is still there.
	if _, err := client.GetUnit(context.Background(), &registryv1.GetUnitRequest{Code: "2"}); err != nil {
		t.Fatalf("call after panic: %v", err)
	}
}

// The server mints the id of every call itself, whatever the caller sends:
// the id names the call in the audit trail, where a caller must not be able
// to write one of its choosing. A sane id the caller sent is kept apart, as
// the client request id, and logged beside the server's.
func TestRequestID(t *testing.T) {
	var seen, seenClient string
	log, logs := newLogger()
	client, _ := serve(t, grpcserver.Options{Logger: log}, func(ctx context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		seen, seenClient = grpcserver.RequestIDFromContext(ctx), grpcserver.ClientRequestIDFromContext(ctx)
		return &registryv1.Unit{}, nil
	})
	call := func(t *testing.T, ctx context.Context) (id, clientID string) {
		t.Helper()
		var hdr metadata.MD
		if _, err := client.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "1"}, grpc.Header(&hdr)); err != nil {
			t.Fatal(err)
		}
		got := hdr.Get(grpcserver.RequestIDHeader)
		if len(got) != 1 || got[0] != seen {
			t.Fatalf("header %v, handler saw %q", got, seen)
		}
		if uuid.Validate(seen) != nil {
			t.Errorf("id %q is not a uuid the server minted", seen)
		}
		return seen, seenClient
	}

	t.Run("sent id is the client's, never the call's", func(t *testing.T) {
		ctx := metadata.AppendToOutgoingContext(context.Background(), grpcserver.RequestIDHeader, "req-42")
		id, clientID := call(t, ctx)
		if id == "req-42" || clientID != "req-42" {
			t.Errorf("id %q, client id %q; want a minted id and client id req-42", id, clientID)
		}
		if out := logs.String(); !strings.Contains(out, `"request_id":"`+id+`","client_request_id":"req-42"`) {
			t.Errorf("log does not carry both ids:\n%s", out)
		}
		// A uuid the caller sends is no more the call's id than any other.
		sent := uuid.NewString()
		if id, clientID := call(t, metadata.AppendToOutgoingContext(context.Background(), grpcserver.RequestIDHeader, sent)); id == sent || clientID != sent {
			t.Errorf("sent uuid %s: id %q, client id %q", sent, id, clientID)
		}
	})
	t.Run("missing id is generated", func(t *testing.T) {
		if _, clientID := call(t, context.Background()); clientID != "" {
			t.Errorf("client id %q without one sent", clientID)
		}
	})
	t.Run("unusable id is dropped", func(t *testing.T) {
		for _, bad := range []string{strings.Repeat("x", 500), "two words"} {
			ctx := metadata.AppendToOutgoingContext(context.Background(), grpcserver.RequestIDHeader, bad)
			if _, clientID := call(t, ctx); clientID != "" {
				t.Errorf("client id %q kept from %q", clientID, bad)
			}
		}
	})
	t.Run("each call its own id", func(t *testing.T) {
		first, _ := call(t, context.Background())
		if second, _ := call(t, context.Background()); second == first {
			t.Errorf("two calls share id %q", first)
		}
	})
}

func TestValidation(t *testing.T) {
	called := false
	client, _ := serve(t, grpcserver.Options{}, func(context.Context, *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		called = true
		return &registryv1.Unit{}, nil
	})
	_, err := client.GetUnit(context.Background(), &registryv1.GetUnitRequest{Code: "abc"})
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument {
		t.Fatalf("code = %v (%v), want InvalidArgument", st.Code(), err)
	}
	if called {
		t.Error("handler ran for an invalid request")
	}
	br := detail[*errdetails.BadRequest](t, st)
	if len(br.GetFieldViolations()) != 1 || br.GetFieldViolations()[0].GetField() != "code" || br.GetFieldViolations()[0].GetDescription() == "" {
		t.Errorf("field violations = %v, want one for \"code\" with a description", br.GetFieldViolations())
	}
	if info := detail[*errdetails.ErrorInfo](t, st); info.GetReason() != "INVALID_ARGUMENT" || info.GetDomain() != "ntm" {
		t.Errorf("error info = %v", info)
	}
}

func TestErrorsOverTheWire(t *testing.T) {
	log, logs := newLogger()
	client, _ := serve(t, grpcserver.Options{Logger: log}, func(_ context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		switch req.GetCode() {
		case "1":
			return nil, fmt.Errorf("load unit: %w", fault.NotFound("unit", "1", "unit 1 not found"))
		default:
			return nil, errors.New("dial tcp 10.0.0.7:5432: connection refused")
		}
	})

	_, err := client.GetUnit(context.Background(), &registryv1.GetUnitRequest{Code: "1"})
	st := status.Convert(err)
	if st.Code() != codes.NotFound || st.Message() != "unit 1 not found" {
		t.Fatalf("fault: got %v %q", st.Code(), st.Message())
	}
	if ri := detail[*errdetails.ResourceInfo](t, st); ri.GetResourceType() != "unit" || ri.GetResourceName() != "1" {
		t.Errorf("resource info = %v", ri)
	}

	_, err = client.GetUnit(context.Background(), &registryv1.GetUnitRequest{Code: "2"})
	if st := status.Convert(err); st.Code() != codes.Internal || st.Message() != "internal error" || len(st.Details()) != 0 {
		t.Fatalf("plain error: got %v %q %v", st.Code(), st.Message(), st.Details())
	}
	if out := logs.String(); !strings.Contains(out, "connection refused") || !strings.Contains(out, `"grpc.method":"GetUnit"`) {
		t.Errorf("log lacks the hidden cause or method:\n%s", out)
	}
}

func TestStream(t *testing.T) {
	log, logs := newLogger()
	_, conn := serve(t, grpcserver.Options{Logger: log}, nil)
	ctx := metadata.AppendToOutgoingContext(context.Background(), grpcserver.RequestIDHeader, "stream-7")
	open := func(t *testing.T) grpc.ClientStream {
		t.Helper()
		cs, err := conn.NewStream(ctx, &echoDesc.Streams[0], "/test.Echo/Units")
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}

	t.Run("request id and validation", func(t *testing.T) {
		cs := open(t)
		if err := cs.SendMsg(&registryv1.GetUnitRequest{Code: "12"}); err != nil {
			t.Fatal(err)
		}
		got := &registryv1.Unit{}
		if err := cs.RecvMsg(got); err != nil {
			t.Fatal(err)
		}
		if got.GetDisplayName() != "stream-7" || uuid.Validate(got.GetName()) != nil {
			t.Errorf("handler saw request id %q and client id %q, want a minted uuid and stream-7", got.GetName(), got.GetDisplayName())
		}
		if hdr, err := cs.Header(); err != nil || hdr.Get(grpcserver.RequestIDHeader)[0] != got.GetName() {
			t.Errorf("header = %v, %v; want the minted id %s", hdr, err, got.GetName())
		}

		if err := cs.SendMsg(&registryv1.GetUnitRequest{Code: "abc"}); err != nil {
			t.Fatal(err)
		}
		st := status.Convert(cs.RecvMsg(got))
		if st.Code() != codes.InvalidArgument {
			t.Fatalf("invalid message: got %v, want InvalidArgument", st.Code())
		}
		if br := detail[*errdetails.BadRequest](t, st); br.GetFieldViolations()[0].GetField() != "code" {
			t.Errorf("field violations = %v", br.GetFieldViolations())
		}
	})

	t.Run("panic", func(t *testing.T) {
		cs := open(t)
		if err := cs.SendMsg(&registryv1.GetUnitRequest{Code: "0"}); err != nil {
			t.Fatal(err)
		}
		st := status.Convert(cs.RecvMsg(&registryv1.Unit{}))
		if st.Code() != codes.Internal || st.Message() != "internal error" {
			t.Fatalf("got %v %q, want Internal \"internal error\"", st.Code(), st.Message())
		}
		if out := logs.String(); !strings.Contains(out, "stream handler bug") || !strings.Contains(out, `"client_request_id":"stream-7"`) {
			t.Errorf("panic not logged with the client's request id:\n%s", out)
		}
	})
}

func TestReflection(t *testing.T) {
	for _, on := range []bool{false, true} {
		s := grpcserver.New(grpcserver.Options{Reflection: on})
		_, got := s.GRPC().GetServiceInfo()["grpc.reflection.v1.ServerReflection"]
		if got != on {
			t.Errorf("Reflection=%v: reflection registered = %v", on, got)
		}
	}
}

// detail returns the status detail of type T, failing the test if absent.
func detail[T any](t *testing.T, st *status.Status) T {
	t.Helper()
	for _, d := range st.Details() {
		if v, ok := d.(T); ok {
			return v
		}
	}
	var zero T
	t.Fatalf("status %v has no %T detail (details: %v)", st.Code(), zero, st.Details())
	return zero
}
