package demo

import (
	"context"
	"fmt"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

// loadPlans writes the programme's plans of the demo province: the
// registrations the province approved for 2019-2021, the targets of those
// years and of both phases (and of Huyện Võ Nhai for 2021-2025), and the
// year-end estimates of the October 2020 report. It writes nothing when the
// province already has targets.
func loadPlans(ctx context.Context, crit criteriav1.CriteriaServiceClient) (bool, error) {
	got, err := crit.ListTargets(ctx, &criteriav1.ListTargetsRequest{UnitCode: ProvinceCode})
	if err != nil {
		return false, fmt.Errorf("look for demo targets: %w", err)
	}
	if len(got.GetTargets()) > 0 {
		return false, nil
	}
	regs, err := Registrations()
	if err != nil {
		return false, err
	}
	for _, r := range regs {
		if _, err := crit.CreateRegistration(ctx, &criteriav1.CreateRegistrationRequest{UnitCode: r.GetUnitCode(), Registration: r}); err != nil {
			return false, fmt.Errorf("demo registration of %s for %d: %w", r.GetUnitCode(), r.GetYear(), err)
		}
	}
	targets, err := Targets()
	if err != nil {
		return false, err
	}
	for _, t := range targets {
		if _, err := crit.CreateTarget(ctx, &criteriav1.CreateTargetRequest{UnitCode: t.GetUnitCode(), Target: t}); err != nil {
			return false, fmt.Errorf("demo target %s %s of %s: %w", t.GetKind(), t.GetPeriod(), t.GetUnitCode(), err)
		}
	}
	estimates, err := Estimates()
	if err != nil {
		return false, err
	}
	for _, e := range estimates {
		if _, err := crit.CreateEstimate(ctx, &criteriav1.CreateEstimateRequest{UnitCode: e.GetUnitCode(), Estimate: e}); err != nil {
			return false, fmt.Errorf("demo estimate %s %d of %s: %w", e.GetKind(), e.GetYear(), e.GetUnitCode(), err)
		}
	}
	return true, nil
}

// Registrations returns the demo's registrations, by year.
func Registrations() ([]*criteriav1.Registration, error) {
	return protoList(registrationsJSON, "registrations.json", func() *criteriav1.Registration { return &criteriav1.Registration{} })
}

// Targets returns the demo's targets.
func Targets() ([]*criteriav1.Target, error) {
	return protoList(targetsJSON, "targets.json", func() *criteriav1.Target { return &criteriav1.Target{} })
}

// Estimates returns the demo's year-end estimates.
func Estimates() ([]*criteriav1.Estimate, error) {
	return protoList(estimatesJSON, "estimates.json", func() *criteriav1.Estimate { return &criteriav1.Estimate{} })
}
