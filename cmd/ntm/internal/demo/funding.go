package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/ntmsuite/ntm/platform/date"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
)

//go:embed funding.json
var fundingJSON []byte

// fundingPlan is a plan of the demo with its disbursements, in their REST
// (protojson) form; the disbursements' plan_id is the plan's once recorded.
type fundingPlan struct {
	Plan          json.RawMessage   `json:"plan"`
	Disbursements []json.RawMessage `json:"disbursements"`
}

// FundingPlans returns the demo's plans and, for each, its disbursements
// (without plan_id), in file order.
func FundingPlans() ([]*fundingv1.Plan, [][]*fundingv1.Disbursement, error) {
	var raw []fundingPlan
	if err := json.Unmarshal(fundingJSON, &raw); err != nil {
		return nil, nil, fmt.Errorf("demo funding.json: %w", err)
	}
	plans := make([]*fundingv1.Plan, len(raw))
	ds := make([][]*fundingv1.Disbursement, len(raw))
	for i, r := range raw {
		plans[i] = &fundingv1.Plan{}
		if err := protojson.Unmarshal(r.Plan, plans[i]); err != nil {
			return nil, nil, fmt.Errorf("demo funding.json plan %d: %w", i, err)
		}
		for j, d := range r.Disbursements {
			m := &fundingv1.Disbursement{}
			if err := protojson.Unmarshal(d, m); err != nil {
				return nil, nil, fmt.Errorf("demo funding.json plan %d disbursement %d: %w", i, j, err)
			}
			ds[i] = append(ds[i], m)
		}
	}
	return plans, ds, nil
}

// loadFunding records the demo's plans, then their disbursements (two
// batches, each all or none), unless the province already has plans.
func loadFunding(ctx context.Context, fu fundingv1.FundingServiceClient) (bool, error) {
	got, err := fu.ListPlans(ctx, &fundingv1.ListPlansRequest{UnitCode: ProvinceCode, AsOf: date.Today().String(), PageSize: 1})
	if err != nil {
		return false, fmt.Errorf("look for demo plans: %w", err)
	}
	if len(got.GetPlans()) > 0 {
		return false, nil
	}
	plans, disbursements, err := FundingPlans()
	if err != nil {
		return false, err
	}
	saved, err := fu.BatchCreatePlans(ctx, &fundingv1.BatchCreatePlansRequest{Plans: plans})
	if err != nil {
		return false, fmt.Errorf("demo plans: %w", err)
	}
	var all []*fundingv1.Disbursement
	for i, ds := range disbursements {
		for _, d := range ds {
			d.PlanId = saved.GetPlans()[i].GetId()
			all = append(all, d)
		}
	}
	if _, err := fu.BatchCreateDisbursements(ctx, &fundingv1.BatchCreateDisbursementsRequest{Disbursements: all}); err != nil {
		return false, fmt.Errorf("demo disbursements: %w", err)
	}
	return true, nil
}
