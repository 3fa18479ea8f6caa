package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/ntmsuite/ntm/platform/auth"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/request"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	"github.com/ntmsuite/ntm/services/funding/internal/catalog"
	"github.com/ntmsuite/ntm/services/funding/internal/progress"
	"github.com/ntmsuite/ntm/services/funding/internal/store"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

const (
	defaultPageSize = 50
	maxPageSize     = 500
)

func (s *Server) CreatePlan(ctx context.Context, req *fundingv1.CreatePlanRequest) (*fundingv1.Plan, error) {
	out, err := s.createPlans(ctx, []*fundingv1.Plan{req.GetPlan()}, func(int) string { return "plan." })
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func (s *Server) BatchCreatePlans(ctx context.Context, req *fundingv1.BatchCreatePlansRequest) (*fundingv1.BatchCreatePlansResponse, error) {
	out, err := s.createPlans(ctx, req.GetPlans(), func(i int) string { return fmt.Sprintf("plans[%d].", i) })
	if err != nil {
		return nil, err
	}
	return &fundingv1.BatchCreatePlansResponse{Plans: out}, nil
}

// createPlans checks every plan, reporting the bad fields of all of them
// together (a year's allocation is typed from one spreadsheet), then
// records them in one transaction.
func (s *Server) createPlans(ctx context.Context, in []*fundingv1.Plan, field func(i int) string) ([]*fundingv1.Plan, error) {
	units := make([]string, len(in))
	for i, p := range in {
		units[i] = p.GetUnitCode()
	}
	if err := s.guard.Units(ctx, auth.Write, units...); err != nil {
		return nil, err
	}
	plans, bad, err := s.checkPlans(ctx, in, field)
	if err != nil {
		return nil, err
	}
	var vs []fault.Violation
	for _, b := range bad {
		vs = append(vs, b...)
	}
	if len(vs) > 0 {
		return nil, fault.Invalids(vs...)
	}
	saved, err := s.recordPlans(ctx, plans)
	if err != nil {
		return nil, err
	}
	grpcserver.SetCreated(ctx)
	out := make([]*fundingv1.Plan, len(saved))
	for i, p := range saved {
		out[i] = s.planToProto(p, progress.Totals{})
	}
	return out, nil
}

// checkPlans reads every plan against the catalog and the registry. bad[i]
// holds the violations of in[i] and plans[i] its row when it has none; err
// is a failure that is not the input's (the registry down). A file import
// reports bad per row; the API refuses the batch.
func (s *Server) checkPlans(ctx context.Context, in []*fundingv1.Plan, field func(i int) string) (plans []store.Plan, bad [][]fault.Violation, err error) {
	plans = make([]store.Plan, len(in))
	bad = make([][]fault.Violation, len(in))
	// A year's allocation names the same units many times: ask the
	// registry once per unit and date.
	exists := map[string]error{}
	unitExists := func(code string, on date.Date) error {
		key := code + "@" + on.String()
		if err, ok := exists[key]; ok {
			return err
		}
		_, err := s.registry.Unit(ctx, code, on)
		exists[key] = err
		return err
	}
	for i, p := range in {
		sp, err := s.readPlan(p, field(i), unitExists)
		if f, ok := fault.As(err); ok && f.Kind == fault.KindInvalid {
			bad[i] = f.Violations
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		plans[i] = sp
	}
	return plans, bad, nil
}

// recordPlans stores checked plans in one transaction, then tells the
// cache of the write.
func (s *Server) recordPlans(ctx context.Context, plans []store.Plan) ([]store.Plan, error) {
	saved, err := s.store.CreatePlans(ctx, plans)
	if err != nil {
		return nil, err
	}
	s.changed(ctx)
	return saved, nil
}

// readPlan checks a plan against the catalog and, through unitExists, the
// registry; field is the prefix of its fields in the request ("plan.",
// "plans[3].").
func (s *Server) readPlan(p *fundingv1.Plan, field string, unitExists func(code string, on date.Date) error) (store.Plan, error) {
	on, err := request.Date(p.GetAllocatedOn(), field+"allocated_on")
	if err != nil {
		return store.Plan{}, err
	}
	year := int(p.GetYear())
	var bad []fault.Violation
	invalid := func(name, format string, args ...any) {
		bad = append(bad, fault.Violation{Field: field + name, Description: fmt.Sprintf(format, args...)})
	}
	if on.After(date.Today()) {
		invalid("allocated_on", "%s is in the future", on)
	}
	// A year's plan is allocated late the year before at the earliest and
	// supplemented by the next year at the latest: further is a typo.
	if on.Year() < year-1 || on.Year() > year+1 {
		invalid("allocated_on", "%s is too far from the budget year %d (at most a year before or after)", on, year)
	}
	src, ok := s.catalog.Source(p.GetSource())
	switch {
	case !ok:
		invalid("source", "%q is not a funding source of the catalog (GET /v1/fundingSources)", p.GetSource())
	case !src.Allows(year):
		invalid("source", "%s (%q) is not a source of %d budgets (%s)", src.Code, src.Name, year, yearsText(src))
	}
	if _, ok := s.catalog.Purpose(p.GetPurpose()); !ok {
		invalid("purpose", "%q is not a purpose of the catalog (GET /v1/fundingPurposes)", p.GetPurpose())
	}
	amounts, problems := readAmounts(src, p.GetAmountVnd(), p.GetQuantity())
	for _, v := range problems {
		invalid(v.Field, "%s", v.Description)
	}
	if len(bad) == 0 {
		err := unitExists(p.GetUnitCode(), on)
		if errors.Is(err, registryclient.ErrUnitNotFound) {
			invalid("unit_code", "unit %s does not exist on %s", p.GetUnitCode(), on)
		} else if err != nil {
			return store.Plan{}, err
		}
	}
	if len(bad) > 0 {
		return store.Plan{}, fault.Invalids(bad...)
	}
	return store.Plan{Year: year, UnitCode: p.GetUnitCode(), Source: src.Code, Purpose: p.GetPurpose(),
		AmountVND: amounts.AmountVND, QuantityMilli: amounts.QuantityMilli, AllocatedOn: on,
		DecisionNumber: p.GetDecisionNumber(), Note: p.GetNote()}, nil
}

// readAmounts reads the amount and quantity of a plan or disbursement from
// a source: money needs an amount and no quantity; goods need a quantity,
// and their amount (the valuation) may be 0. Violations name amount_vnd or
// quantity (without prefix).
func readAmounts(src catalog.Source, amount int64, quantity string) (progress.Totals, []fault.Violation) {
	var bad []fault.Violation
	if amount > progress.MaxAmountVND {
		bad = append(bad, fault.Violation{Field: "amount_vnd", Description: fmt.Sprintf("%d VND is above %d VND, more than the whole national program: check the zeros", amount, progress.MaxAmountVND)})
	}
	t := progress.Totals{AmountVND: amount}
	switch src.Kind {
	case catalog.InKind:
		q, err := progress.ParseQuantity(quantity)
		switch {
		case quantity == "":
			bad = append(bad, fault.Violation{Field: "quantity", Description: fmt.Sprintf("missing: source %s (%q) is counted in %q", src.Code, src.Name, src.QuantityUnit)})
		case err != nil:
			bad = append(bad, fault.Violation{Field: "quantity", Description: err.Error()})
		case q == 0:
			bad = append(bad, fault.Violation{Field: "quantity", Description: "must be more than 0"})
		}
		t.QuantityMilli = q
	case catalog.Money:
		if amount == 0 {
			bad = append(bad, fault.Violation{Field: "amount_vnd", Description: "must be more than 0"})
		}
		if quantity != "" {
			bad = append(bad, fault.Violation{Field: "quantity", Description: fmt.Sprintf("source %s (%q) is money: give amount_vnd only", src.Code, src.Name)})
		}
	}
	return t, bad
}

func yearsText(src catalog.Source) string {
	switch {
	case src.FromYear != 0 && src.ToYear != 0:
		return fmt.Sprintf("%d to %d", src.FromYear, src.ToYear)
	case src.ToYear != 0:
		return fmt.Sprintf("until %d", src.ToYear)
	default:
		return fmt.Sprintf("from %d", src.FromYear)
	}
}

func (s *Server) GetPlan(ctx context.Context, req *fundingv1.GetPlanRequest) (*fundingv1.Plan, error) {
	asOf, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	p, err := s.plan(ctx, auth.Read, req.GetId())
	if err != nil {
		return nil, err
	}
	disbursed, err := s.store.Disbursed(ctx, []int64{p.ID}, asOf)
	if err != nil {
		return nil, err
	}
	return s.planToProto(p, toTotals(disbursed[p.ID])), nil
}

// plan reads plan id for a caller who would do a with it: PermissionDenied
// alike for a plan outside their scope and one that does not exist.
func (s *Server) plan(ctx context.Context, a auth.Action, id int64) (store.Plan, error) {
	p, err := s.store.GetPlan(ctx, id)
	found := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.Plan{}, err
	}
	name := fmt.Sprintf("plans/%d", id)
	if err := s.guard.Resource(ctx, a, "plan", name, p.UnitCode, found); err != nil {
		return store.Plan{}, err
	}
	if !found {
		return store.Plan{}, fault.NotFound("plan", name, "no plan %d", id)
	}
	return p, nil
}

// planQuery is what a page of ListPlans depends on (see request.PageAfter);
// List tells its tokens from those of ListDisbursements.
type planQuery struct {
	List    string `json:"l"`
	Unit    string `json:"u"`
	AsOf    string `json:"d"`
	Year    int32  `json:"y,omitempty"`
	Source  string `json:"s,omitempty"`
	Purpose string `json:"p,omitempty"`
}

func (s *Server) ListPlans(ctx context.Context, req *fundingv1.ListPlansRequest) (*fundingv1.ListPlansResponse, error) {
	prev, _ := request.PageTokenQuery[planQuery](req.GetPageToken())
	asOf, err := request.AsOf(cmp.Or(req.GetAsOf(), prev.AsOf), "as_of")
	if err != nil {
		return nil, err
	}
	if err := s.guard.Unit(ctx, auth.Read, cmp.Or(req.GetUnitCode(), auth.CountryCode)); err != nil {
		return nil, err
	}
	q := planQuery{List: "plans", Unit: req.GetUnitCode(), AsOf: asOf.String(), Year: req.GetYear(), Source: req.GetSource(), Purpose: req.GetPurpose()}
	after, err := request.PageAfter(req.GetPageToken(), q)
	if err != nil {
		return nil, err
	}
	r, err := s.caches.rollups.Get(ctx, rollupKey{Unit: req.GetUnitCode(), AsOf: asOf})
	if err != nil {
		return nil, err
	}
	size := request.PageSize(req.GetPageSize(), defaultPageSize, maxPageSize)
	plans, err := s.store.ListPlans(ctx, store.PlanFilter{Units: r.units(), Year: int(req.GetYear()), Source: req.GetSource(),
		Purpose: req.GetPurpose(), AsOf: asOf, AfterID: after, Limit: size + 1})
	if err != nil {
		return nil, err
	}
	out := &fundingv1.ListPlansResponse{}
	if len(plans) > size {
		plans = plans[:size]
		out.NextPageToken = request.NextPageToken(q, plans[size-1].ID)
	}
	ids := make([]int64, len(plans))
	for i, p := range plans {
		ids[i] = p.ID
	}
	disbursed, err := s.store.Disbursed(ctx, ids, asOf)
	if err != nil {
		return nil, err
	}
	for _, p := range plans {
		out.Plans = append(out.Plans, s.planToProto(p, toTotals(disbursed[p.ID])))
	}
	return out, nil
}

func toTotals(t store.Totals) progress.Totals {
	return progress.Totals{AmountVND: t.AmountVND, QuantityMilli: t.QuantityMilli}
}

// quantityText is a quantity of goods of src as the API writes it, "" for money.
func (s *Server) quantityText(source string, milli int64) string {
	if src, ok := s.catalog.Source(source); ok && src.Kind == catalog.InKind {
		return progress.FormatQuantity(milli)
	}
	return ""
}

func (s *Server) planToProto(p store.Plan, disbursed progress.Totals) *fundingv1.Plan {
	src, _ := s.catalog.Source(p.Source)
	return &fundingv1.Plan{
		Name: fmt.Sprintf("plans/%d", p.ID), Id: p.ID, Year: int32(p.Year), UnitCode: p.UnitCode,
		Source: p.Source, Purpose: p.Purpose, AmountVnd: p.AmountVND,
		Quantity: s.quantityText(p.Source, p.QuantityMilli), QuantityUnit: src.QuantityUnit,
		AllocatedOn: p.AllocatedOn.String(), DecisionNumber: p.DecisionNumber, Note: p.Note,
		DisbursedVnd: disbursed.AmountVND, DisbursedQuantity: s.quantityText(p.Source, disbursed.QuantityMilli),
		CreateTime: p.CreatedAt.UTC().Format(time.RFC3339),
	}
}
