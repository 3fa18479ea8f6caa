package grpcserver_test

import (
	"context"
	"slices"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/grpctest"
)

// violations are the fields and descriptions of err's BadRequest, which
// must come with INVALID_ARGUMENT.
func violations(t *testing.T, err error) []string {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument {
		t.Fatalf("%v, want InvalidArgument", err)
	}
	var out []string
	for _, v := range detail[*errdetails.BadRequest](t, st).GetFieldViolations() {
		if v.GetDescription() == "" {
			t.Errorf("violation of %s without a description", v.GetField())
		}
		out = append(out, v.GetField())
	}
	return out
}

// textService is a stand-in whose one method takes a google.protobuf.Struct,
// strings nested at any depth.
func textService(called *bool) *grpc.ServiceDesc {
	return &grpc.ServiceDesc{
		ServiceName: "test.Text",
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{{
			MethodName: "Put",
			Handler: func(_ any, ctx context.Context, dec func(any) error, in grpc.UnaryServerInterceptor) (any, error) {
				req := new(structpb.Struct)
				if err := dec(req); err != nil {
					return nil, err
				}
				return in(ctx, req, &grpc.UnaryServerInfo{FullMethod: "/test.Text/Put"}, func(context.Context, any) (any, error) {
					*called = true
					return req, nil
				})
			},
		}},
	}
}

// A NUL anywhere in a request is refused by the chain before the handler.
func TestTextLinkRefusesNUL(t *testing.T) {
	var called bool
	s := grpcserver.New(grpcserver.Options{})
	s.GRPC().RegisterService(textService(&called), struct{}{})
	conn := grpctest.Dial(t, s)

	req, err := structpb.NewStruct(map[string]any{"note": "ok", "nested": map[string]any{"source": "ngân\x00sách"}})
	if err != nil {
		t.Fatal(err)
	}
	err = conn.Invoke(t.Context(), "/test.Text/Put", req, new(structpb.Struct))
	if got := violations(t, err); !slices.Equal(got, []string{`fields["nested"].struct_value.fields["source"].string_value`}) {
		t.Errorf("violations %q", got)
	}
	if called {
		t.Error("the handler ran for a request with a NUL")
	}
	req.Fields["nested"] = structpb.NewStringValue("ngân sách")
	if err := conn.Invoke(t.Context(), "/test.Text/Put", req, new(structpb.Struct)); err != nil || !called {
		t.Errorf("clean request: %v, handler ran %v", err, called)
	}
}
