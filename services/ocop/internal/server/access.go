package server

import (
	"context"
	"errors"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
)

// Every handler asks the guard before it reads anything about the resource
// beyond what names its unit, so that its answer never depends on what lies
// outside the caller's scope. A producer, and everything under its products,
// belongs to the commune the producer is located in.

// producerFor loads producer id for a caller who would do a to it: the
// guard's PermissionDenied (alike for a producer out of the caller's scope
// and a missing one), store.ErrNotFound for a missing producer the caller
// may learn of, or the producer.
func (s *Server) producerFor(ctx context.Context, a auth.Action, id int64) (store.Producer, error) {
	p, err := s.store.GetProducer(ctx, id)
	return p, s.allowLoaded(ctx, a, "producer", store.ProducerName(id), p.UnitCode, err)
}

// productFor is producerFor for product id, which belongs to its producer's unit.
func (s *Server) productFor(ctx context.Context, a auth.Action, id int64) (store.Product, error) {
	p, err := s.store.GetProduct(ctx, id)
	return p, s.allowLoaded(ctx, a, "product", store.ProductName(id), p.UnitCode, err)
}

// allowLoaded asks the guard about a resource read with loadErr, which is
// store.ErrNotFound when it does not exist; it answers the guard's refusal
// first, then loadErr.
func (s *Server) allowLoaded(ctx context.Context, a auth.Action, resourceType, name, unit string, loadErr error) error {
	if loadErr != nil && !errors.Is(loadErr, store.ErrNotFound) {
		return loadErr
	}
	if err := s.guard.Resource(ctx, a, resourceType, name, unit, loadErr == nil); err != nil {
		return err
	}
	return loadErr
}
