package grpcserver_test

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/grpctest"
	"github.com/ntmsuite/ntm/platform/restheader"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// revoker answers RevokeRecognition with the etag its handler saw, and
// GetUnit (which has no etag field) with the unit asked for.
type revoker struct {
	registryv1.UnimplementedRegistryServiceServer
}

func (revoker) RevokeRecognition(_ context.Context, req *registryv1.RevokeRecognitionRequest) (*registryv1.Recognition, error) {
	return &registryv1.Recognition{Etag: req.GetEtag()}, nil
}

func (revoker) GetUnit(_ context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
	return &registryv1.Unit{Code: req.GetCode()}, nil
}

func TestIfMatchBecomesTheRequestEtag(t *testing.T) {
	s := grpcserver.New(grpcserver.Options{})
	registryv1.RegisterRegistryServiceServer(s.GRPC(), revoker{})
	client := registryv1.NewRegistryServiceClient(grpctest.Dial(t, s))
	revoke := func(field string, ifMatch ...string) (string, error) {
		ctx := context.Background()
		for _, v := range ifMatch {
			ctx = metadata.AppendToOutgoingContext(ctx, restheader.IfMatch, v)
		}
		r, err := client.RevokeRecognition(ctx, &registryv1.RevokeRecognitionRequest{UnitCode: "1", Id: 1,
			RevokedOn: "2024-01-01", RevocationDecision: "1/QĐ", Etag: field})
		return r.GetEtag(), err
	}
	for _, tc := range []struct {
		name, field string
		ifMatch     []string
		want        string
	}{
		{"header only", "", []string{`"4"`}, `"4"`},
		{"field only", `"5"`, nil, `"5"`},
		{"both, the same", `"6"`, []string{`"6"`}, `"6"`},
		{"the header twice, the same", "", []string{`"7"`, `"7"`}, `"7"`},
		{"neither", "", nil, ""},
	} {
		if got, err := revoke(tc.field, tc.ifMatch...); err != nil || got != tc.want {
			t.Errorf("%s: handler saw etag %q (%v), want %q", tc.name, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		name, field string
		ifMatch     []string
	}{
		{"both, different", `"1"`, []string{`"2"`}},
		{"two header etags", "", []string{`"1"`, `"2"`}},
		// Validation runs after the header is applied: its rules hold for it.
		{"header too long", "", []string{`"` + strings.Repeat("9", 200) + `"`}},
	} {
		_, err := revoke(tc.field, tc.ifMatch...)
		st := status.Convert(err)
		if st.Code() != codes.InvalidArgument {
			t.Errorf("%s: %v, want InvalidArgument", tc.name, err)
			continue
		}
		br := detail[*errdetails.BadRequest](t, st)
		if len(br.GetFieldViolations()) != 1 || br.GetFieldViolations()[0].GetField() != "etag" {
			t.Errorf("%s: violations %v, want one naming etag", tc.name, br.GetFieldViolations())
		}
	}

	// A request without an etag field is not conditional: If-Match is ignored.
	ctx := metadata.AppendToOutgoingContext(context.Background(), restheader.IfMatch, `"1"`)
	if u, err := client.GetUnit(ctx, &registryv1.GetUnitRequest{Code: "01"}); err != nil || u.GetCode() != "01" {
		t.Errorf("GetUnit with If-Match = %v, %v", u, err)
	}
}
