package server

import (
	"context"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/services/criteria/internal/plan"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
)

// plans is what the handlers of registrations, targets and estimates ask
// of the store (store.Store): each create writes once per key and reports
// whether it did, so the handler tells a retry from a conflict.
type plans interface {
	CreateRegistration(ctx context.Context, r plan.Registration) (plan.Registration, bool, error)
	CreateRegistrations(ctx context.Context, rs []plan.Registration, keep bool) ([]plan.Registration, []bool, error)
	ListRegistrations(ctx context.Context, q store.RegistrationQuery) ([]plan.Registration, error)
	AnyRegistrationUnder(ctx context.Context, unit string) (bool, error)
	CreateTarget(ctx context.Context, t plan.Target) (plan.Target, bool, error)
	CreateTargets(ctx context.Context, ts []plan.Target, keep bool) ([]plan.Target, []bool, error)
	ListTargets(ctx context.Context, q store.TargetQuery) ([]plan.Target, error)
	CreateEstimate(ctx context.Context, e plan.Estimate) (plan.Estimate, bool, error)
	ListEstimates(ctx context.Context, unitCode string, year int, asOf date.Date) ([]plan.Estimate, error)
}

// answerCreate sets the answer to a create of a plan: 201 when it wrote the
// row; when the key was taken, 200 with the first record for a retry
// (same), or the conflict.
func answerCreate(ctx context.Context, created, same bool, conflict func() error) error {
	switch {
	case created:
		grpcserver.SetCreated(ctx)
	case !same:
		return conflict()
	}
	return nil
}
