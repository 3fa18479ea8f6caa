package server_test

import (
	"context"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/grpctest"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

// Plans are writes on their unit and lists are reads, for every role; each
// accepted create leaves one audit event by its caller, the refused none.
func TestPlansGuardedAndAudited(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *authEnv) {
		register := func(unit string) func(context.Context) (string, error) {
			return func(ctx context.Context) (string, error) {
				r, err := a.crit.CreateRegistration(ctx, &criteriav1.CreateRegistrationRequest{UnitCode: unit, Registration: registration(standard, 2020, "2020-01-15")})
				return r.GetName(), err
			}
		}
		setTarget := func(unit string) func(context.Context) (string, error) {
			return func(ctx context.Context) (string, error) {
				x, err := a.crit.CreateTarget(ctx, &criteriav1.CreateTargetRequest{UnitCode: unit, Target: target("2021", standardNew, 7)})
				return x.GetName(), err
			}
		}
		estimateFor := func(unit string) func(context.Context) (string, error) {
			return func(ctx context.Context) (string, error) {
				x, err := a.crit.CreateEstimate(ctx, &criteriav1.CreateEstimateRequest{UnitCode: unit, Estimate: estimate(2020, standardTotal, "2020-10-31", 3)})
				return x.GetName(), err
			}
		}
		read := func(call func(context.Context) error) func(context.Context) (string, error) {
			return func(ctx context.Context) (string, error) { return "", call(ctx) }
		}
		listRegistrations := func(parent string) func(context.Context) (string, error) {
			return read(func(ctx context.Context) error {
				_, err := a.crit.ListRegistrations(ctx, &criteriav1.ListRegistrationsRequest{Parent: parent, Year: 2020})
				return err
			})
		}
		listTargets := func(unit string) func(context.Context) (string, error) {
			return read(func(ctx context.Context) error {
				_, err := a.crit.ListTargets(ctx, &criteriav1.ListTargetsRequest{UnitCode: unit})
				return err
			})
		}
		listEstimates := func(unit string) func(context.Context) (string, error) {
			return read(func(ctx context.Context) error {
				_, err := a.crit.ListEstimates(ctx, &criteriav1.ListEstimatesRequest{UnitCode: unit, Year: 2020})
				return err
			})
		}
		actions := []struct {
			name   string
			method string
			call   func(context.Context) (string, error)
		}{
			{"register commune 100", criteriav1.CriteriaService_CreateRegistration_FullMethodName, register("100")},
			{"register neighbour 110", criteriav1.CriteriaService_CreateRegistration_FullMethodName, register("110")},
			{"register 300 of another province", criteriav1.CriteriaService_CreateRegistration_FullMethodName, register(otherCommune)},
			{"target of province 19", criteriav1.CriteriaService_CreateTarget_FullMethodName, setTarget(province)},
			{"estimate of commune 100", criteriav1.CriteriaService_CreateEstimate_FullMethodName, estimateFor("100")},
			{"estimate of province 20", criteriav1.CriteriaService_CreateEstimate_FullMethodName, estimateFor(otherProvince)},
			{"registrations under 19", "", listRegistrations(province)},
			{"registrations of the country", "", listRegistrations("")},
			{"targets of 20", "", listTargets(otherProvince)},
			{"estimates of 100", "", listEstimates("100")},
		}
		const ok = ""
		type event struct{ actor, method, resource string }
		var want []event
		for _, tc := range []struct {
			id   auth.Identity
			want []string
		}{
			{communeOfficer, []string{ok, "110", otherCommune, province, ok, otherProvince, ok, "0", otherProvince, ok}},
			{viewer, []string{"100", "110", otherCommune, province, "100", otherProvince, ok, ok, ok, ok}},
			{provinceViewer, []string{"100", "110", otherCommune, province, "100", otherProvince, ok, "0", otherProvince, ok}},
			{provinceOfficer, []string{ok, ok, otherCommune, ok, ok, otherProvince, ok, "0", otherProvince, ok}},
			{admin, []string{ok, ok, ok, ok, ok, ok, ok, ok, ok, ok}},
		} {
			ctx := a.as(t, tc.id)
			for i, action := range actions {
				name, err := action.call(ctx)
				if tc.want[i] != ok {
					t.Run(tc.id.Subject+"/"+action.name, func(t *testing.T) { grpctest.WantDenied(t, err, "units/"+tc.want[i]) })
					continue
				}
				t.Run(tc.id.Subject+"/"+action.name, func(t *testing.T) { grpctest.WantCode(t, err, codes.OK) })
				// The first create of a key writes; the same create by the
				// next caller is a retry, which writes nothing.
				if action.method != "" && !slices.ContainsFunc(want, func(e event) bool { return e.resource == name }) {
					want = append(want, event{tc.id.Subject, action.method, name})
				}
			}
		}
		var got []event
		for _, ev := range listEvents(t, a.env, a.as(t, admin), &auditv1.ListAuditEventsRequest{}) {
			got = append(got, event{ev.GetActor(), ev.GetMethod(), ev.GetResource()})
		}
		if !slices.Equal(got, want) {
			t.Errorf("trail = %+v, want %+v", got, want)
		}
	})
}
