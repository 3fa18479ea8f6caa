package audit_test

import (
	"context"
	"database/sql"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/grpctest"
)

// writerMethod is a write of a stand-in service whose handler records one
// change, as a real service's write does.
const writerMethod = "/ntm.audittest.Writer/Write"

func writerService(d *db.DB) *grpc.ServiceDesc {
	return &grpc.ServiceDesc{
		ServiceName: "ntm.audittest.Writer",
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{{
			MethodName: "Write",
			Handler: func(_ any, ctx context.Context, dec func(any) error, in grpc.UnaryServerInterceptor) (any, error) {
				req := new(emptypb.Empty)
				if err := dec(req); err != nil {
					return nil, err
				}
				h := func(ctx context.Context, _ any) (any, error) {
					err := d.InTx(ctx, func(tx *sql.Tx) error {
						return audit.Record(ctx, tx, audit.Change{Resource: "plans/5", Unit: "06005", After: map[string]int{"amount": 5}})
					})
					return &emptypb.Empty{}, err
				}
				return in(ctx, req, &grpc.UnaryServerInfo{FullMethod: writerMethod}, h)
			},
		}},
	}
}

// Through the real server chain: the trail holds the token's caller, the
// request id the server minted (never the one the caller sent, which is
// kept apart as the client request id) and the method of the write, and
// only admins read it.
func TestRecordAndListThroughTheServer(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		keys := grpctest.Keys(t)
		srv := grpcserver.New(grpcserver.Options{Logger: grpctest.Logger(), AuthKeys: keys})
		srv.GRPC().RegisterService(writerService(d), struct{}{})
		audit.Register(srv, "ocop", d, auth.NewGuard(true, (&noPaths{}).lookup))
		conn := grpctest.Dial(t, srv)

		officer := auth.Identity{Subject: "lan", Role: auth.CommuneOfficer, Unit: "06005"}
		ctx := metadata.AppendToOutgoingContext(grpctest.WithToken(t, t.Context(), keys, officer),
			grpcserver.RequestIDHeader, "req-42")
		var hdr metadata.MD
		if err := conn.Invoke(ctx, writerMethod, &emptypb.Empty{}, &emptypb.Empty{}, grpc.Header(&hdr)); err != nil {
			t.Fatalf("write: %v", err)
		}

		client := auditv1.NewAuditServiceClient(conn)
		if _, err := client.ListAuditEvents(grpctest.WithToken(t, t.Context(), keys, officer), &auditv1.ListAuditEventsRequest{}); status.Code(err) != codes.PermissionDenied {
			t.Errorf("officer lists the audit: %v, want PermissionDenied", err)
		}
		if _, err := client.ListAuditEvents(t.Context(), &auditv1.ListAuditEventsRequest{}); status.Code(err) != codes.Unauthenticated {
			t.Errorf("no token: %v, want Unauthenticated", err)
		}
		resp, err := client.ListAuditEvents(grpctest.WithToken(t, t.Context(), keys, admin), &auditv1.ListAuditEventsRequest{})
		if err != nil {
			t.Fatalf("admin lists the audit: %v", err)
		}
		if len(resp.GetAuditEvents()) != 1 {
			t.Fatalf("%d events, want 1", len(resp.GetAuditEvents()))
		}
		e := resp.GetAuditEvents()[0]
		if e.GetService() != "ocop" || e.GetActor() != "lan" || e.GetActorRole() != "commune_officer" || e.GetActorUnit() != "06005" ||
			e.GetMethod() != writerMethod || e.GetResource() != "plans/5" ||
			e.GetUnitCode() != "06005" || e.GetBefore() != "" || e.GetAfter() != `{"amount":5}` {
			t.Errorf("event %v", e)
		}
		if minted := hdr.Get(grpcserver.RequestIDHeader); len(minted) != 1 || e.GetRequestId() != minted[0] || e.GetClientRequestId() != "req-42" {
			t.Errorf("event request id %q, client request id %q; want the id the server answered (%v) and req-42",
				e.GetRequestId(), e.GetClientRequestId(), minted)
		}
	})
}
