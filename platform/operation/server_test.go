package operation_test

import (
	"context"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/operation"
)

// guard has authentication on; the operation server asks it nothing that
// needs the registry.
var guard = auth.NewGuard(true, nil)

func isKind(err error, k fault.Kind) bool {
	f, ok := fault.As(err)
	return ok && f.Kind == k
}

// Another officer finds someone else's operation no more than a missing
// one: NotFound, and cannot cancel it; its actor and admins see it.
func TestOthersGetNotFound(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		r := newRunner(t, d)
		srv := operation.NewServer(r, guard)
		release := make(chan struct{})
		defer close(release)
		op, err := r.Start(as(t, officer), "import/assessments", 10, blocked(1, nil, release))
		if err != nil {
			t.Fatal(err)
		}
		missing := operation.Name("criteria-00000000-0000-0000-0000-000000000000")
		for _, name := range []string{op.GetName(), missing} {
			if _, err := srv.GetOperation(as(t, officer2), &operationv1.GetOperationRequest{Name: name}); !isKind(err, fault.KindNotFound) {
				t.Errorf("another officer's GetOperation(%s) = %v, want NotFound", name, err)
			}
			if _, err := srv.CancelOperation(as(t, officer2), &operationv1.CancelOperationRequest{Name: name}); !isKind(err, fault.KindNotFound) {
				t.Errorf("another officer's CancelOperation(%s) = %v, want NotFound", name, err)
			}
		}
		for _, id := range []auth.Identity{officer, admin} {
			got, err := srv.GetOperation(as(t, id), &operationv1.GetOperationRequest{Name: op.GetName()})
			if err != nil || got.GetState() != operationv1.Operation_RUNNING || got.GetActor() != officer.Subject {
				t.Errorf("%s's GetOperation = %v, %v; want it RUNNING (not cancelled by the other officer)", id.Subject, got, err)
			}
		}
		if _, err := srv.GetOperation(as(t, officer), &operationv1.GetOperationRequest{Name: "plans/12"}); !isKind(err, fault.KindInvalid) {
			t.Errorf("GetOperation(plans/12) = %v, want InvalidArgument", err)
		}
		if _, err := srv.CancelOperation(as(t, admin), &operationv1.CancelOperationRequest{Name: op.GetName()}); err != nil {
			t.Fatalf("admin's CancelOperation = %v", err)
		}
		if op = wait(t, r, idOf(t, op)); op.GetState() != operationv1.Operation_CANCELLED {
			t.Errorf("after the admin cancelled it = %v, want CANCELLED", op)
		}
	})
}

// A caller lists their own operations, newest first, page by page; an
// admin lists everyone's. A page token serves only the list it came from.
func TestList(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *db.DB) {
		r := newRunner(t, d)
		srv := operation.NewServer(r, guard)
		var mine, all []string // names, newest first
		for i, id := range []auth.Identity{officer, officer2, officer, officer2, officer} {
			op, err := r.Start(as(t, id), "import/units", int64(i), func(context.Context, *operation.Progress) (*operationv1.ImportSummary, error) {
				return nil, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// Done, so that what is listed no longer changes.
			wait(t, r, idOf(t, op))
			all = append([]string{op.GetName()}, all...)
			if id == officer {
				mine = append([]string{op.GetName()}, mine...)
			}
		}
		list := func(ctx context.Context, size int32, token string) (*operationv1.ListOperationsResponse, error) {
			return srv.ListOperations(ctx, &operationv1.ListOperationsRequest{PageSize: size, PageToken: token})
		}
		names := func(resp *operationv1.ListOperationsResponse) []string {
			var out []string
			for _, op := range resp.GetOperations() {
				out = append(out, op.GetName())
			}
			return out
		}
		first, err := list(as(t, officer), 2, "")
		if err != nil || !slices.Equal(names(first), mine[:2]) || first.GetNextPageToken() == "" {
			t.Fatalf("officer's first page = %v, %v; want %v and a token", names(first), err, mine[:2])
		}
		second, err := list(as(t, officer), 2, first.GetNextPageToken())
		if err != nil || !slices.Equal(names(second), mine[2:]) || second.GetNextPageToken() != "" {
			t.Errorf("officer's second page = %v, %q, %v; want %v and no token", names(second), second.GetNextPageToken(), err, mine[2:])
		}
		if _, err := list(as(t, officer2), 2, first.GetNextPageToken()); !isKind(err, fault.KindInvalid) {
			t.Errorf("another officer with the token = %v, want InvalidArgument", err)
		}
		everyone, err := list(as(t, admin), 0, "")
		if err != nil || !slices.Equal(names(everyone), all) {
			t.Errorf("admin's list = %v, %v; want %v", names(everyone), err, all)
		}
		// The list says what Get says.
		got, err := srv.GetOperation(as(t, admin), &operationv1.GetOperationRequest{Name: all[0]})
		if err != nil || !proto.Equal(got, everyone.GetOperations()[0]) {
			t.Errorf("GetOperation = %v, %v; want %v as listed", got, err, everyone.GetOperations()[0])
		}
	})
}
