package audit

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/request"
)

// Server serves a service's trail (ntm.audit.v1.AuditService) to admins.
type Server struct {
	auditv1.UnimplementedAuditServiceServer
	service string
	db      *db.DB
	guard   *auth.Guard
}

// NewServer serves the trail in d of the named service.
func NewServer(service string, d *db.DB, guard *auth.Guard) *Server {
	return &Server{service: service, db: d, guard: guard}
}

// listQuery is what a page token binds: a token of another filter is refused.
type listQuery struct{ Resource, Actor, From, To string }

func (s *Server) ListAuditEvents(ctx context.Context, req *auditv1.ListAuditEventsRequest) (*auditv1.ListAuditEventsResponse, error) {
	if err := s.guard.Global(ctx, auth.ReadAudit); err != nil {
		return nil, err
	}
	f := Filter{Resource: req.GetResource(), Actor: req.GetActor(), Limit: request.PageSize(req.GetPageSize(), 100, 1000)}
	var err error
	if req.GetFrom() != "" {
		if f.From, err = request.Date(req.GetFrom(), "from"); err != nil {
			return nil, err
		}
	}
	if req.GetTo() != "" {
		if f.To, err = request.Date(req.GetTo(), "to"); err != nil {
			return nil, err
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return nil, fault.Invalid("to", "to %s is before from %s", f.To, f.From)
	}
	q := listQuery{req.GetResource(), req.GetActor(), req.GetFrom(), req.GetTo()}
	if f.After, err = request.PageAfter(req.GetPageToken(), q); err != nil {
		return nil, err
	}
	// One row more than the page tells whether another page follows.
	limit := f.Limit
	f.Limit++
	events, err := List(ctx, s.db, f)
	if err != nil {
		return nil, err
	}
	resp := &auditv1.ListAuditEventsResponse{}
	if len(events) > limit {
		events = events[:limit]
		resp.NextPageToken = request.NextPageToken(q, events[limit-1].ID)
	}
	for _, e := range events {
		resp.AuditEvents = append(resp.AuditEvents, s.toProto(e))
	}
	return resp, nil
}

func (s *Server) toProto(e Event) *auditv1.AuditEvent {
	return &auditv1.AuditEvent{
		Id: e.ID, Service: s.service, Time: timestamppb.New(e.At),
		Actor: e.Actor, ActorRole: e.ActorRole, ActorUnit: e.ActorUnit,
		RequestId: e.RequestID, ClientRequestId: e.ClientRequestID, Method: e.Method, Resource: e.Resource, UnitCode: e.Unit,
		Before: e.Before, After: e.After,
	}
}

// Register serves the trail of service, kept in d, on srv.
func Register(srv *grpcserver.Server, service string, d *db.DB, guard *auth.Guard) {
	auditv1.RegisterAuditServiceServer(srv.GRPC(), NewServer(service, d, guard))
}
