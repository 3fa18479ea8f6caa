package operation

import (
	"context"
	"errors"

	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/request"
)

// Server serves a service's operations (ntm.operation.v1.OperationService)
// to the callers who started them, and to admins.
type Server struct {
	operationv1.UnimplementedOperationServiceServer
	runner *Runner
	guard  *auth.Guard
}

// NewServer serves the operations of runner.
func NewServer(runner *Runner, guard *auth.Guard) *Server {
	return &Server{runner: runner, guard: guard}
}

// Register serves the operations of runner on srv.
func Register(srv *grpcserver.Server, runner *Runner, guard *auth.Guard) {
	operationv1.RegisterOperationServiceServer(srv.GRPC(), NewServer(runner, guard))
}

func (s *Server) GetOperation(ctx context.Context, req *operationv1.GetOperationRequest) (*operationv1.Operation, error) {
	_, op, err := s.authorize(ctx, req.GetName())
	return op, err
}

func (s *Server) CancelOperation(ctx context.Context, req *operationv1.CancelOperationRequest) (*operationv1.Operation, error) {
	id, _, err := s.authorize(ctx, req.GetName())
	if err != nil {
		return nil, err
	}
	return s.runner.Cancel(ctx, id)
}

// listQuery is what a page token binds: the actor whose operations are
// listed ("" for an admin's list of all), so that a token is not reused
// by someone else.
type listQuery struct{ Actor string }

func (s *Server) ListOperations(ctx context.Context, req *operationv1.ListOperationsRequest) (*operationv1.ListOperationsResponse, error) {
	actor, admin, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	q := listQuery{}
	if !admin {
		q.Actor = actor
	}
	f := ListFilter{Actor: q.Actor, Limit: request.PageSize(req.GetPageSize(), 50, 500)}
	if f.Before, err = request.PageAfter(req.GetPageToken(), q); err != nil {
		return nil, err
	}
	// One row more than the page tells whether another page follows.
	limit := f.Limit
	f.Limit++
	ops, err := s.runner.Store().List(ctx, f)
	if err != nil {
		return nil, err
	}
	resp := &operationv1.ListOperationsResponse{}
	if len(ops) > limit {
		ops = ops[:limit]
		resp.NextPageToken = request.NextPageToken(q, ops[limit-1].Seq)
	}
	for _, l := range ops {
		resp.Operations = append(resp.Operations, l.Operation)
	}
	return resp, nil
}

// authorize is the id of the operation named name, and the operation, if
// the caller may see it: its actor or an admin. To anyone else it is NotFound, as a missing
// one is, so that no one learns of others' operations by probing names.
func (s *Server) authorize(ctx context.Context, name string) (string, *operationv1.Operation, error) {
	id, ok := ID(name)
	if !ok {
		return "", nil, fault.Invalid("name", "%q is not an operation's name, operations/{id}", name)
	}
	actor, admin, err := s.caller(ctx)
	if err != nil {
		return "", nil, err
	}
	op, err := s.runner.Get(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound) || (err == nil && !admin && op.GetActor() != actor):
		return "", nil, fault.NotFound("operation", name, "operation %s not found", name)
	case err != nil:
		return "", nil, err
	}
	return id, op, nil
}

// caller is the subject of ctx's caller and whether they see every
// operation: an admin does, as does everyone when authentication is off
// (the guard allows every call then).
func (s *Server) caller(ctx context.Context) (actor string, admin bool, err error) {
	actor = audit.Anonymous
	if id, ok := auth.FromContext(ctx); ok {
		actor = id.Subject
	}
	// Reading the audit is the admins' right; the audit server checks it so.
	err = s.guard.Global(ctx, auth.ReadAudit)
	if f, ok := fault.As(err); ok && f.Kind == fault.KindPermissionDenied {
		return actor, false, nil
	}
	return actor, err == nil, err
}
