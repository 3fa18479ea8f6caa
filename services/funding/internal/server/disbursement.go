package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/ntmsuite/ntm/platform/auth"
	"strings"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/request"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	"github.com/ntmsuite/ntm/services/funding/internal/catalog"
	"github.com/ntmsuite/ntm/services/funding/internal/progress"
	"github.com/ntmsuite/ntm/services/funding/internal/store"
)

func (s *Server) CreateDisbursement(ctx context.Context, req *fundingv1.CreateDisbursementRequest) (*fundingv1.Disbursement, error) {
	out, err := s.createDisbursements(ctx, []*fundingv1.Disbursement{req.GetDisbursement()}, func(int) string { return "disbursement." })
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func (s *Server) BatchCreateDisbursements(ctx context.Context, req *fundingv1.BatchCreateDisbursementsRequest) (*fundingv1.BatchCreateDisbursementsResponse, error) {
	out, err := s.createDisbursements(ctx, req.GetDisbursements(), func(i int) string { return fmt.Sprintf("disbursements[%d].", i) })
	if err != nil {
		return nil, err
	}
	return &fundingv1.BatchCreateDisbursementsResponse{Disbursements: out}, nil
}

// createDisbursements checks every disbursement against its plan as it
// stands, reporting the bad fields of all of them together, then records
// them in one transaction, each checked again against its plan as the
// transaction sees it (earlier items of the batch included): the plan's
// lock makes the overrun rule hold under concurrent writers.
func (s *Server) createDisbursements(ctx context.Context, in []*fundingv1.Disbursement, field func(i int) string) ([]*fundingv1.Disbursement, error) {
	plans, err := s.mayDisburse(ctx, in)
	if err != nil {
		return nil, err
	}
	ds, bad, err := s.checkDisbursements(ctx, in, plans, field)
	if err != nil {
		return nil, err
	}
	if err := refusal(bad); err != nil {
		return nil, err
	}
	saved, err := s.recordDisbursements(ctx, in, ds, field)
	if err != nil {
		return nil, err
	}
	grpcserver.SetCreated(ctx)
	out := make([]*fundingv1.Disbursement, len(saved))
	for i, d := range saved {
		out[i] = disbursementToProto(d)
	}
	return out, nil
}

// refusal is a batch's answer to its items' refusals: every bad field at
// once, or else the first other refusal (an overrun without its reason).
func refusal(bad []error) error {
	var vs []fault.Violation
	var first error
	for _, err := range bad {
		if f, ok := fault.As(err); ok && f.Kind == fault.KindInvalid {
			vs = append(vs, f.Violations...)
		} else if first == nil {
			first = err
		}
	}
	if len(vs) > 0 {
		return fault.Invalids(vs...)
	}
	return first
}

// mayDisburse checks that the caller may write to the plan of every
// disbursement, before anything about the plans is decided, and returns
// the plans that exist. A missing plan is the validation's to report for
// unscoped callers.
func (s *Server) mayDisburse(ctx context.Context, in []*fundingv1.Disbursement) (map[int64]store.Plan, error) {
	plans := map[int64]store.Plan{}
	seen := map[int64]bool{}
	for _, d := range in {
		if seen[d.GetPlanId()] {
			continue
		}
		seen[d.GetPlanId()] = true
		p, err := s.plan(ctx, auth.Write, d.GetPlanId())
		if f, ok := fault.As(err); err != nil && (!ok || f.Kind != fault.KindNotFound) {
			return nil, err
		}
		if err == nil {
			plans[p.ID] = p
		}
	}
	return plans, nil
}

// checkDisbursements reads every disbursement and checks it against its
// plan (among plans; absent when it does not exist) and what is disbursed
// against the plan so far, earlier items included. bad[i] is in[i]'s
// refusal (a *fault.Error) and ds[i] its row when it has none; err is a
// failure that is not the input's. A file import reports bad per row; the
// API refuses the batch (see refusal).
func (s *Server) checkDisbursements(ctx context.Context, in []*fundingv1.Disbursement, plans map[int64]store.Plan, field func(i int) string) (ds []store.Disbursement, bad []error, err error) {
	ds = make([]store.Disbursement, len(in))
	bad = make([]error, len(in))
	for i, d := range in {
		ds[i], bad[i] = readDisbursement(d, field(i))
	}
	ids := make([]int64, 0, len(plans))
	for id := range plans {
		ids = append(ids, id)
	}
	disbursed, err := s.store.Disbursed(ctx, ids, date.Date{})
	if err != nil {
		return nil, nil, err
	}
	for i, d := range ds {
		if bad[i] != nil {
			continue
		}
		var plan *store.Plan
		if p, ok := plans[d.PlanID]; ok {
			plan = &p
			ds[i].UnitCode = p.UnitCode
		}
		before := disbursed[d.PlanID]
		if bad[i] = s.checkDisbursement(field(i), in[i].GetQuantity(), plan, before, d); bad[i] == nil {
			// Recorded in order, the item counts for the next ones; a
			// sum past int64 was refused above.
			disbursed[d.PlanID] = store.Totals{AmountVND: before.AmountVND + d.AmountVND, QuantityMilli: before.QuantityMilli + d.QuantityMilli}
		}
	}
	return ds, bad, nil
}

// readDisbursement reads what a disbursement says by itself: its date and
// its quantity.
func readDisbursement(d *fundingv1.Disbursement, field string) (store.Disbursement, error) {
	var bad []fault.Violation
	on, err := request.Date(d.GetDisbursedOn(), field+"disbursed_on")
	if f, ok := fault.As(err); ok {
		bad = append(bad, f.Violations...)
	} else if on.After(date.Today()) {
		bad = append(bad, fault.Violation{Field: field + "disbursed_on", Description: on.String() + " is in the future"})
	}
	out := store.Disbursement{PlanID: d.GetPlanId(), DisbursedOn: on, AmountVND: d.GetAmountVnd(),
		OverrunReason: d.GetOverrunReason(), Note: d.GetNote()}
	if d.GetQuantity() != "" {
		q, err := progress.ParseQuantity(d.GetQuantity())
		if err != nil {
			bad = append(bad, fault.Violation{Field: field + "quantity", Description: err.Error()})
		}
		out.QuantityMilli = q
	}
	if len(bad) > 0 {
		return store.Disbursement{}, fault.Invalids(bad...)
	}
	return out, nil
}

// recordDisbursements stores checked disbursements in one transaction,
// each checked again with its plan locked, then tells the cache of the
// write.
func (s *Server) recordDisbursements(ctx context.Context, in []*fundingv1.Disbursement, ds []store.Disbursement, field func(i int) string) ([]store.Disbursement, error) {
	check := func(i int, plan *store.Plan, before store.Totals, d store.Disbursement) error {
		return s.checkDisbursement(field(i), in[i].GetQuantity(), plan, before, d)
	}
	saved, err := s.store.CreateDisbursements(ctx, ds, check)
	if err != nil {
		return nil, err
	}
	s.changed(ctx)
	return saved, nil
}

// checkDisbursement decides one disbursement against its plan, inside the
// store's transaction: its amount and quantity must be those of the plan's
// source kind, and an amount above the plan needs the overrun's reason.
func (s *Server) checkDisbursement(field, quantity string, plan *store.Plan, before store.Totals, d store.Disbursement) error {
	if plan == nil {
		return fault.Invalid(field+"plan_id", "plan %d does not exist", d.PlanID)
	}
	if d.DisbursedOn.Before(plan.AllocatedOn) {
		return fault.Invalid(field+"disbursed_on", "%s is before plan %d was allocated, on %s", d.DisbursedOn, plan.ID, plan.AllocatedOn)
	}
	src, ok := s.catalog.Source(plan.Source)
	if !ok {
		// The plan's source left the catalog: read its kind off the plan.
		src = catalog.Source{Code: plan.Source, Name: plan.Source, Kind: catalog.Money}
		if plan.QuantityMilli > 0 {
			src.Kind = catalog.InKind
		}
	}
	amounts, bad := readAmounts(src, d.AmountVND, quantity)
	if len(bad) > 0 {
		for i := range bad {
			bad[i].Field = field + bad[i].Field
		}
		return fault.Invalids(bad...)
	}
	planned := progress.Planned{Totals: toTotals(store.Totals{AmountVND: plan.AmountVND, QuantityMilli: plan.QuantityMilli}), InKind: src.Kind == catalog.InKind}
	o, err := progress.CheckDisbursement(planned, toTotals(before), amounts)
	if errors.Is(err, progress.ErrOverflow) {
		return fault.Invalid(field+"amount_vnd", "plan %d's disbursed total would exceed what can be counted", plan.ID)
	}
	if err != nil {
		return err
	}
	if o.Any() && d.OverrunReason == "" {
		item := strings.TrimSuffix(field, ".")
		if item != "" {
			item += ": "
		}
		return fault.Precondition("DISBURSEMENT_ABOVE_PLAN", "plan", fmt.Sprintf("plans/%d", plan.ID),
			"%sthe disbursement takes plan %d to %s of %s allocated; state overrun_reason to record it",
			item, plan.ID, s.totalsText(src, o.After), s.totalsText(src, planned.Totals))
	}
	return nil
}

// totalsText writes money, or goods and their valuation, for a message.
func (s *Server) totalsText(src catalog.Source, t progress.Totals) string {
	if src.Kind == catalog.InKind {
		return fmt.Sprintf("%s %s (%d VND)", progress.FormatQuantity(t.QuantityMilli), src.QuantityUnit, t.AmountVND)
	}
	return fmt.Sprintf("%d VND", t.AmountVND)
}

// disbursementQuery is what a page of ListDisbursements depends on.
type disbursementQuery struct {
	List string `json:"l"`
	Plan int64  `json:"p,omitempty"`
	Unit string `json:"u,omitempty"`
	AsOf string `json:"d"`
	From string `json:"f"`
	To   string `json:"t"`
}

func (s *Server) ListDisbursements(ctx context.Context, req *fundingv1.ListDisbursementsRequest) (*fundingv1.ListDisbursementsResponse, error) {
	if req.GetPlanId() == 0 && req.GetUnitCode() == "" {
		return nil, fault.Invalid("unit_code", "give a unit_code, or a plan_id")
	}
	if err := s.mayList(ctx, req.GetPlanId(), req.GetUnitCode()); err != nil {
		return nil, err
	}
	prev, _ := request.PageTokenQuery[disbursementQuery](req.GetPageToken())
	p, err := readPeriod(cmp.Or(req.GetAsOf(), prev.AsOf), req.GetFrom(), req.GetTo())
	if err != nil {
		return nil, err
	}
	q := disbursementQuery{List: "disbursements", Plan: req.GetPlanId(), Unit: req.GetUnitCode(), AsOf: p.asOf.String(), From: p.from.String(), To: p.to.String()}
	if q.Plan != 0 {
		q.Unit = ""
	}
	after, err := request.PageAfter(req.GetPageToken(), q)
	if err != nil {
		return nil, err
	}
	f := store.DisbursementFilter{PlanID: q.Plan, From: p.from, To: p.until(), AfterID: after}
	if q.Plan == 0 {
		r, err := s.caches.rollups.Get(ctx, rollupKey{Unit: q.Unit, AsOf: p.asOf})
		if err != nil {
			return nil, err
		}
		f.Units = r.units()
	}
	size := request.PageSize(req.GetPageSize(), defaultPageSize, maxPageSize)
	f.Limit = size + 1
	ds, err := s.store.ListDisbursements(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &fundingv1.ListDisbursementsResponse{}
	if len(ds) > size {
		ds = ds[:size]
		out.NextPageToken = request.NextPageToken(q, ds[size-1].ID)
	}
	for _, d := range ds {
		out.Disbursements = append(out.Disbursements, disbursementToProto(d))
	}
	return out, nil
}

// mayList checks that the caller may read the disbursements of a plan,
// or else of a unit.
func (s *Server) mayList(ctx context.Context, planID int64, unit string) error {
	if planID == 0 {
		return s.guard.Unit(ctx, auth.Read, unit)
	}
	_, err := s.plan(ctx, auth.Read, planID)
	return err
}

func disbursementToProto(d store.Disbursement) *fundingv1.Disbursement {
	out := &fundingv1.Disbursement{
		Name: fmt.Sprintf("disbursements/%d", d.ID), Id: d.ID, PlanId: d.PlanID, DisbursedOn: d.DisbursedOn.String(),
		AmountVnd: d.AmountVND, OverrunReason: d.OverrunReason, Note: d.Note, UnitCode: d.UnitCode,
		CreateTime: d.CreatedAt.UTC().Format(time.RFC3339),
	}
	// Only goods have a quantity, and theirs is never 0.
	if d.QuantityMilli > 0 {
		out.Quantity = progress.FormatQuantity(d.QuantityMilli)
	}
	return out
}
